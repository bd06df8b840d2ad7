"""Partner sectors: a sector's mean importance is published only where it
cannot single out an organisation, neither on its own nor by subtraction
from the pooled importance of all partners (``priority.hidden_sectors``)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from survey.analysis.priority import hidden_sectors


def test_a_sector_of_fewer_organisations_than_the_minimum_is_withheld() -> None:
    assert hidden_sectors({"burgemeester": 3, "parket": 1, "onderwijs": 4}, 3) == {
        "parket",
        # parket alone would follow from the pooled mean less the others:
        # the smallest published sector joins it.
        "burgemeester",
    }


def test_withheld_sectors_that_hold_enough_organisations_together_stay_alone() -> None:
    answers = {"a": 1, "b": 1, "c": 1, "d": 5}
    assert hidden_sectors(answers, 3) == {"a", "b", "c"}


def test_every_sector_withheld_when_the_partners_are_too_few() -> None:
    assert hidden_sectors({"a": 1, "b": 1}, 3) == {"a", "b"}


@given(
    st.dictionaries(st.sampled_from("abcdefg"), st.integers(0, 8), min_size=1),
    st.integers(2, 5),
)
def test_no_published_difference_rests_on_fewer_organisations_than_the_minimum(
    answers: dict[str, int], minimum: int
) -> None:
    """Whatever a reader subtracts (the pooled sum less any published
    sectors), the organisations left are none or at least ``minimum``."""
    withheld = hidden_sectors(answers, minimum)
    published = [s for s in answers if s not in withheld]
    for s in published:
        assert answers[s] >= minimum
    rest = sum(answers[s] for s in withheld)
    assert rest == 0 or rest >= minimum or not published
    # A sector large enough on its own is withheld only as the complement
    # of the small ones: without it they would hold too few.
    complements = [s for s in withheld if answers[s] >= minimum]
    assert len(complements) <= 1
    for s in complements:
        assert 0 < rest - answers[s] < minimum
