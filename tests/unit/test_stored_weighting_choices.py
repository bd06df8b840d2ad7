"""A consultation's weighting choices as stored, and how a report's
settings override them (``survey.analysis.settings``)."""

from __future__ import annotations

from survey.analysis.collapsing import DEFAULT_MINIMUM
from survey.analysis.settings import ReportSettings, WeightingChoices


def test_choices_never_saved_are_the_defaults_every_report_used_before() -> None:
    for stored in (None, {}):
        choices = WeightingChoices.from_stored(stored)
        assert choices == WeightingChoices(DEFAULT_MINIMUM, {}, False)
    assert ReportSettings().weighting_choices(WeightingChoices()) == WeightingChoices()


def test_stored_choices_come_back_with_integer_codes() -> None:
    choices = WeightingChoices(5, {"sex": {3: 2}, "district": {}}, True)
    stored = choices.stored()
    # JSON keys are strings; an empty dimension is not stored.
    assert stored == {"minimum": 5, "into": {"sex": {"3": 2}}, "unanswered": True}
    assert WeightingChoices.from_stored(stored) == WeightingChoices(5, {"sex": {3: 2}}, True)


def test_the_settings_override_each_choice_they_name_and_keep_the_others() -> None:
    stored = WeightingChoices(30, {"sex": {3: 2}}, True)
    assert ReportSettings().weighting_choices(stored) == stored
    assert ReportSettings(collapse_minimum=0).weighting_choices(stored) == WeightingChoices(
        0, {"sex": {3: 2}}, True
    )
    # Declared merges are replaced as a whole, never mixed with the stored ones.
    overridden = ReportSettings(collapse_into={"sex": {3: 1}}, weight_unanswered=False)
    assert overridden.weighting_choices(stored) == WeightingChoices(30, {"sex": {3: 1}}, False)
    assert ReportSettings(collapse_into={}).weighting_choices(stored).into == {}
