"""The memory of the report's costly pure steps (``survey.memo``): a result
is found again for equal inputs only, each caller gets its own copy, and the
oldest result goes first."""

from __future__ import annotations

from dataclasses import dataclass

from survey.memo import Memo, pickled_key, remember_pickled, repr_key


@dataclass
class Cell:
    count: int
    labels: list[str]


def test_equal_inputs_find_the_result_and_other_inputs_make_a_new_one() -> None:
    memo = Memo("test", 4)
    made: list[int] = []

    def make(value: int) -> int:
        made.append(value)
        return value * 2

    first = pickled_key([Cell(3, ["a"])], {"threshold": 10})
    again = pickled_key([Cell(3, ["a"])], {"threshold": 10})
    other = pickled_key([Cell(4, ["a"])], {"threshold": 10})
    assert first is not None and first == again and first != other
    assert memo.get_or_make(first, lambda: make(3)) == 6
    assert memo.get_or_make(again, lambda: make(99)) == 6  # found, not made again
    assert memo.get_or_make(other, lambda: make(4)) == 8
    assert made == [3, 4] and (memo.hits, memo.misses) == (1, 2)


def test_shared_and_equal_objects_give_the_same_key() -> None:
    # Equal values, whether or not they are one object: a first build of a
    # report shares objects that the next build holds twice.
    label = ["Drugs", "Verkeer"]
    shared = [Cell(1, label), Cell(2, label)]
    separate = [Cell(1, ["Drugs", "Verkeer"]), Cell(2, ["Drugs", "Verkeer"])]
    assert pickled_key(shared) == pickled_key(separate)


def test_what_cannot_be_pickled_is_computed_every_time() -> None:
    looped: list[object] = []
    looped.append(looped)
    assert pickled_key(lambda: 1) is None
    assert pickled_key(looped) is None
    memo = Memo("test", 4)
    calls: list[int] = []
    for _ in range(2):
        assert remember_pickled(memo, None, lambda: calls.append(1) or 5) == 5
    assert len(calls) == 2 and memo.misses == 0


def test_every_caller_gets_its_own_copy() -> None:
    memo = Memo("test", 4)
    key = repr_key("cells", (1, 2))
    first = remember_pickled(memo, key, lambda: Cell(1, ["a"]))
    first.labels.append("changed by the first caller")
    second = remember_pickled(memo, key, lambda: Cell(9, []))
    assert second == Cell(1, ["a"]) and memo.hits == 1


def test_the_least_recently_used_result_goes_first() -> None:
    memo = Memo("test", 2)
    for name in ("a", "b"):
        memo.get_or_make(name.encode(), lambda name=name: name)  # type: ignore[misc]
    memo.get_or_make(b"a", lambda: "again")  # a is now the most recent
    memo.get_or_make(b"c", lambda: "c")  # b goes
    assert memo.get_or_make(b"a", lambda: "made") == "a"
    assert memo.get_or_make(b"b", lambda: "made") == "made"


def test_the_key_holds_the_interface_language(app) -> None:  # type: ignore[no-untyped-def]
    from flask_babel import force_locale

    with app.test_request_context("/"):
        with force_locale("nl"):
            dutch = repr_key("chart", ("Drugs", 12.5))
        with force_locale("fr"):
            french = repr_key("chart", ("Drugs", 12.5))
    assert dutch != french
