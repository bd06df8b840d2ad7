"""The partner groups: an organisation is shown by name only when it agreed
to be named; every other figure is of at least the sector minimum, and no
whole-sector figure can be taken apart into a smaller group."""

from __future__ import annotations

import random

from survey.analysis.partner_answers import Organisation, group_partners

MINIMUM = 3


def _orgs(spec: list[tuple[str, str, bool]]) -> list[Organisation]:
    return [Organisation(i, name, sector, named) for i, (name, sector, named) in enumerate(spec)]


def _check(organisations: list[Organisation], minimum: int) -> None:
    grouping = group_partners(organisations, minimum)
    by_key = {g.key: g for g in grouping.groups}
    members: dict[str, list[Organisation]] = {}
    for organisation in organisations:
        key = grouping.group_of.get(organisation.id)
        assert (key is None) == (organisation.id in grouping.withheld)
        if key is not None:
            members.setdefault(key, []).append(organisation)
    for key, group in by_key.items():
        assert group.organisations == len(members[key])
        if group.kind == "named":
            # Only an organisation that agreed is ever a group of one.
            assert [o.named for o in members[key]] == [True]
        else:
            assert len(members[key]) >= minimum, key
    unnamed = [o for o in organisations if not o.named]
    # Withheld only when fewer than the minimum answered at all, and never
    # an organisation that agreed to be named.
    assert not grouping.withheld or (len(organisations) < minimum and unnamed)
    assert all(not o.named for o in organisations if o.id in grouping.withheld)
    # A sector's figure (the matrix's sector mean) is published only when it
    # is a sum of whole published groups: named ones and its own group.
    for sector in {o.sector for o in organisations} - grouping.mixed_sectors:
        for organisation in (o for o in organisations if o.sector == sector):
            key = grouping.group_of[organisation.id]
            assert key.startswith("named:") or key == f"sector:{sector}"


def test_named_partners_by_name_and_the_others_by_sector_or_together() -> None:
    organisations = _orgs(
        [
            ("Parket", "justitie", True),
            ("School A", "onderwijs", False),
            ("School B", "onderwijs", False),
            ("School C", "onderwijs", False),
            ("Haven", "haven", False),
            ("OCMW", "welzijn", False),
            ("CAW", "welzijn", False),
        ]
    )
    grouping = group_partners(organisations, MINIMUM)
    assert [(g.key, g.organisations) for g in grouping.groups] == [
        ("named:Parket", 1),
        ("sector:onderwijs", 3),
        ("other", 3),
    ]
    assert grouping.mixed_sectors == {"haven", "welzijn"}
    _check(organisations, MINIMUM)


def test_one_organisation_that_did_not_agree_is_hidden_among_named_ones() -> None:
    """Four schools, one of which did not agree: alone it would be the
    difference between any total and the named three, so two named schools
    join it (not named then), and no sector figure is shown."""
    organisations = _orgs(
        [
            ("School A", "onderwijs", True),
            ("School B", "onderwijs", True),
            ("School C", "onderwijs", True),
            ("School D", "onderwijs", False),
        ]
    )
    grouping = group_partners(organisations, MINIMUM)
    assert [(g.key, g.organisations) for g in grouping.groups] == [
        ("named:School A", 1),
        ("other", 3),
    ]
    assert grouping.mixed_sectors == {"onderwijs"}
    assert not grouping.named(3)


def test_too_few_partners_keep_the_named_ones_and_withhold_the_others() -> None:
    organisations = _orgs([("Parket", "justitie", True), ("Haven", "haven", False)])
    grouping = group_partners(organisations, MINIMUM)
    assert [g.key for g in grouping.groups] == ["named:Parket"]
    assert grouping.withheld == {1}


def test_random_consultations_never_single_out_an_organisation() -> None:
    rng = random.Random(16)
    sectors = ["bestuur", "justitie", "onderwijs", "welzijn", "haven"]
    for _case in range(2000):
        minimum = rng.randint(2, 4)
        organisations = _orgs(
            [
                (
                    f"Org {i}",
                    rng.choice(sectors[: rng.randint(1, len(sectors))]),
                    rng.random() < 0.4,
                )
                for i in range(rng.randint(0, 12))
            ]
        )
        _check(organisations, minimum)


PLACES = """
format: 1
key: plaatsen
consultation: zvp
audience: partner
access: partner
languages: [nl]
title: {nl: "Plaatsen"}
phenomena:
  - {key: drugs, label: {nl: "Drugs"}}
  - {key: verkeer, label: {nl: "Verkeer"}}
scales:
  aanpak:
    - {code: 1, label: {nl: "Prioriteit"}}
    - {code: 2, label: {nl: "Aandachtspunt"}}
pages:
  - key: p
    title: {nl: "P"}
    questions:
      - key: aanpak
        type: matrix
        scale: aanpak
        text: {nl: "Aanpak"}
        rows:
          - {key: drugs, label: {nl: "Drugs"}, phenomenon: drugs}
          - {key: verkeer, label: {nl: "Verkeer"}, phenomenon: verkeer}
          - {key: andere, label: {nl: "Andere"}}
      - key: drugs_waar
        type: text
        show_if: {question: aanpak.drugs, in: [1, 2]}
        text: {nl: "Waar speelt dit vooral?"}
      - key: drugs_waar_ook
        type: text
        show_if:
          all: [{question: aanpak.drugs, equals: 1}, {not: {question: aanpak.drugs, equals: 2}}]
        text: {nl: "Waar nog?"}
      - key: beide_waar
        type: text
        show_if: {any: [{question: aanpak.drugs, equals: 1}, {question: aanpak.verkeer, equals: 1}]}
        text: {nl: "Waar spelen ze?"}
      - key: andere_waar
        type: text
        show_if: {question: aanpak.andere, equals: 1}
        text: {nl: "Waar speelt het andere?"}
      - key: ooit
        type: text
        show_if: {question: drugs_waar, answered: true}
        text: {nl: "Sinds wanneer?"}
      - key: vrij
        type: text
        text: {nl: "Nog iets?"}
"""


def test_a_question_shown_only_on_one_phenomenon_is_about_that_phenomenon() -> None:
    from survey.analysis.partner_answers import condition_phenomenon
    from survey.definitions.definition import build_definition
    from survey.definitions.validation import validate_file

    checked = validate_file(PLACES)
    assert checked.ok, checked.issues
    definition = build_definition(checked.definition)
    about = {q.key: condition_phenomenon(q, definition) for q in definition.questions}
    assert about == {
        "aanpak": None,
        "drugs_waar": "drugs",
        "drugs_waar_ook": "drugs",
        # Two phenomena, a row without one, another question, no condition.
        "beide_waar": None,
        "andere_waar": None,
        "ooit": None,
        "vrij": None,
    }
