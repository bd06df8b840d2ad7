/* Conditional questions in the browser, on the residents' and the
   partners' pages alike. A question with a show_if on an answer of the
   same page carries data-show-if = {"if": condition, "known": answers from
   earlier pages, "answered": per question of this page, "any" or "all" of
   its fields filled in} (survey/answering/browser.py). This script shows
   or hides it as answers change, and disables the fields of a hidden
   question so that they are not sent. It knows no question type: an answer
   is the values of the filled-in fields named after the question ("key",
   or "key.part" for a row, a rank or a part of a value), as the question
   partials name them. The server applies the same rules again
   (survey/definitions/conditions.py); without JavaScript it shows the page
   once more when a new question appears. */
(function () {
  "use strict";

  // A code or a number as the server reads it (a comma or a point as the
  // decimal mark); any other text stays text.
  function toValue(text) {
    var trimmed = text.trim().replace(",", ".");
    if (!/^[+-]?(\d+\.?\d*|\.\d+)$/.test(trimmed)) { return text; }
    return parseFloat(trimmed);
  }

  // The enabled fields of an answer (or of one row of it): named after the
  // reference, or after the reference and a part.
  function fieldsOf(form, reference) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return !el.disabled && el.name &&
        (el.name === reference || el.name.indexOf(reference + ".") === 0);
    });
  }

  function isFilled(el) {
    if (el.type === "radio" || el.type === "checkbox") { return el.checked; }
    return typeof el.value === "string" && el.value.trim() !== "";
  }

  // How many fields an answer has: a group of radio buttons or check boxes
  // with one name is one field.
  function fieldCount(fields) {
    var names = {};
    fields.forEach(function (el) { names[el.name] = true; });
    return Object.keys(names).length;
  }

  // An answer known from an earlier page, as a list of values.
  function knownValues(value) {
    if (value === null || value === undefined || value === "") { return []; }
    if (Array.isArray(value)) { return value.filter(function (v) { return v !== null; }); }
    if (typeof value === "object") {
      return Object.keys(value).map(function (k) { return value[k]; })
        .filter(function (v) { return v !== null; });
    }
    return [value];
  }

  function evaluate(condition, form, spec) {
    if (!condition) { return true; }
    if (condition.all) { return condition.all.every(function (c) { return evaluate(c, form, spec); }); }
    if (condition.any) { return condition.any.some(function (c) { return evaluate(c, form, spec); }); }
    if (condition.not) { return !evaluate(condition.not, form, spec); }
    var reference = String(condition.question);
    var dot = reference.indexOf(".");
    var key = dot === -1 ? reference : reference.slice(0, dot);
    var values;
    var answered;
    if (Object.prototype.hasOwnProperty.call(spec.known, key)) {
      var known = spec.known[key];
      if (dot !== -1) {
        known = known && typeof known === "object" && !Array.isArray(known) ? known[reference.slice(dot + 1)] : null;
      }
      values = knownValues(known);
      answered = values.length > 0;
    } else {
      var fields = fieldsOf(form, reference);
      var filled = fields.filter(isFilled);
      values = filled.map(function (el) { return toValue(el.value); });
      answered = spec.answered[key] === "all"
        ? filled.length > 0 && fieldCount(filled) === fieldCount(fields)
        : filled.length > 0;
    }
    if ("answered" in condition) { return answered === Boolean(condition.answered); }
    var wanted = "equals" in condition ? [condition.equals] : (condition["in"] || []);
    return wanted.some(function (code) { return values.indexOf(code) !== -1; });
  }

  function setShown(block, shown) {
    block.hidden = !shown;
    block.querySelectorAll("input, select, textarea").forEach(function (field) {
      field.disabled = !shown;
    });
  }

  function update(form) {
    // In page order: a question only depends on questions before it.
    form.querySelectorAll("[data-show-if]").forEach(function (block) {
      var spec;
      try { spec = JSON.parse(block.getAttribute("data-show-if")); } catch (e) { return; }
      setShown(block, evaluate(spec["if"], form, { known: spec.known || {}, answered: spec.answered || {} }));
    });
  }

  function init() {
    document.querySelectorAll("form[data-survey-form]").forEach(function (form) {
      update(form);
      form.addEventListener("change", function () { update(form); });
      form.addEventListener("input", function () { update(form); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
