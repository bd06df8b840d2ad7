"""The report options of the planners' page: parsing, defaults, the
settings they give and the query that reproduces them."""

from __future__ import annotations

import pytest

from survey.reporting.options import ReportOptions, parse_options


def test_defaults_weighted_with_crosstabs_and_configured_threshold():
    options, problems = parse_options({}, 10)
    assert problems == {}
    assert options == ReportOptions(threshold=10, weighting=True, trim=None, crosstabs=True)
    settings = options.settings()
    assert settings.threshold == 10
    assert settings.margins is None  # the consultation's stored margins
    assert settings.trim is None and settings.crosstabs


def test_weighting_off_means_no_margins_and_no_trim():
    options, _ = parse_options({"weighting": "off", "trim": "3", "crosstabs": "OFF"}, 10)
    assert options is not None
    settings = options.settings()
    assert settings.margins == {} and settings.trim is None and not settings.crosstabs
    assert options.query() == {"threshold": "10", "weighting": "off", "crosstabs": "off"}


@pytest.mark.parametrize(("raw", "value"), [("2,5", 2.5), (" 5 ", 5.0), ("100", 100.0)])
def test_trim_accepts_a_decimal_comma(raw, value):
    options, problems = parse_options({"trim": raw, "threshold": "12"}, 10)
    assert problems == {} and options is not None
    assert options.trim == value and options.threshold == 12
    again, _ = parse_options(options.query(), 10)
    assert again == options


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ({"threshold": "0"}, "threshold"),
        ({"threshold": "101"}, "threshold"),
        ({"threshold": "7.5"}, "threshold"),
        ({"threshold": "tien"}, "threshold"),
        ({"trim": "1"}, "trim"),
        ({"trim": "0,5"}, "trim"),
        ({"trim": "100.5"}, "trim"),
        ({"trim": "nan"}, "trim"),
        ({"trim": "-inf"}, "trim"),
        ({"weighting": "ja"}, "weighting"),
        ({"crosstabs": "1"}, "crosstabs"),
    ],
)
def test_invalid_values_are_problems(args, field):
    options, problems = parse_options(args, 10)
    assert options is None
    assert set(problems) == {field}


@pytest.mark.parametrize("raw", ["1", "2", "9"])
def test_a_threshold_below_the_configured_floor_gets_the_floor(raw):
    options, problems = parse_options({"threshold": raw}, 10)
    assert problems == {} and options is not None
    assert options.threshold == 10 and options.raised_to_floor
    assert options.settings().threshold == 10
    assert options.query()["threshold"] == "10"


def test_a_planner_may_raise_the_threshold_above_the_floor():
    options, _problems = parse_options({"threshold": "15"}, 10)
    assert options is not None and options.threshold == 15 and not options.raised_to_floor
