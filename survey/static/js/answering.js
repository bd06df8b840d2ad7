/* Conditional questions in the browser, on the residents' and the
   partners' pages alike. A question with a show_if on an answer of the
   same page carries data-show-if = {"if": condition, "known": answers from
   earlier pages, "types": question types} (survey/answering/browser.py). This
   script shows or hides it as answers change, and disables the fields of a
   hidden question so that they are not sent. The server applies the same
   rules again (survey/definitions/conditions.py); without JavaScript it
   shows the page once more when a new question appears. */
(function () {
  "use strict";

  function toCode(text) {
    if (!/^\d+$/.test(text)) { return null; }
    return parseInt(text, 10);
  }

  function enabled(form, selector) {
    return Array.prototype.filter.call(form.querySelectorAll(selector), function (el) {
      return !el.disabled;
    });
  }

  function byName(name) {
    return '[name="' + name.replace(/"/g, "") + '"]';
  }

  function startsWith(prefix) {
    return '[name^="' + prefix.replace(/"/g, "") + '."]';
  }

  // The answer to a question on this page, as the server would read it.
  function readValue(form, key, type) {
    if (type === "single" || type === "scale") {
      var radio = enabled(form, byName(key) + ":checked")[0];
      return radio ? toCode(radio.value) : null;
    }
    if (type === "multiple") {
      return enabled(form, byName(key) + ":checked").map(function (el) { return toCode(el.value); });
    }
    if (type === "matrix") {
      var rows = {};
      enabled(form, startsWith(key) + ":checked").forEach(function (el) {
        rows[el.name.slice(key.length + 1)] = toCode(el.value);
      });
      return rows;
    }
    if (type === "ranking") {
      return enabled(form, "select" + startsWith(key)).map(function (el) {
        return toCode(el.value);
      }).filter(function (code) { return code !== null; });
    }
    var input = enabled(form, byName(key))[0];
    if (!input || input.value.trim() === "") { return null; }
    if (type === "number") {
      var number = parseFloat(input.value.replace(",", "."));
      return isNaN(number) ? input.value : number;
    }
    return input.value;
  }

  function answered(type, value) {
    if (value === null || value === undefined || value === "") { return false; }
    if (Array.isArray(value)) { return value.length > 0; }
    if (typeof value === "object") {
      return Object.keys(value).some(function (k) { return value[k] !== null; });
    }
    return true;
  }

  function matches(type, value, code) {
    if (value === null || value === undefined) { return false; }
    if (type === "text") { return false; }
    if (Array.isArray(value)) { return value.indexOf(code) !== -1; }
    if (typeof value === "object") {
      return Object.keys(value).some(function (k) { return value[k] === code; });
    }
    return value === code;
  }

  function evaluate(condition, form, spec) {
    if (!condition) { return true; }
    if (condition.all) { return condition.all.every(function (c) { return evaluate(c, form, spec); }); }
    if (condition.any) { return condition.any.some(function (c) { return evaluate(c, form, spec); }); }
    if (condition.not) { return !evaluate(condition.not, form, spec); }
    var reference = String(condition.question);
    var dot = reference.indexOf(".");
    var key = dot === -1 ? reference : reference.slice(0, dot);
    var row = dot === -1 ? null : reference.slice(dot + 1);
    var type = spec.types[key] || "";
    var value = Object.prototype.hasOwnProperty.call(spec.known, key)
      ? spec.known[key] : readValue(form, key, type);
    if (row !== null) {
      value = value && typeof value === "object" && !Array.isArray(value) ? value[row] : null;
      if (value === undefined) { value = null; }
      if ("answered" in condition) { return (value !== null) === Boolean(condition.answered); }
      var wantedRow = "equals" in condition ? [condition.equals] : (condition["in"] || []);
      return value !== null && wantedRow.indexOf(value) !== -1;
    }
    if ("answered" in condition) { return answered(type, value) === Boolean(condition.answered); }
    var wanted = "equals" in condition ? [condition.equals] : (condition["in"] || []);
    return wanted.some(function (code) { return matches(type, value, code); });
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
      setShown(block, evaluate(spec["if"], form, { known: spec.known || {}, types: spec.types || {} }));
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
