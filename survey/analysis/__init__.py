"""Stored answers -> the input report, in layers; each module names its rules.

The layers:

- the floor, value objects that import nothing from the definitions or the
  database: ``estimates`` (the one rule of which figure a report shows:
  weighted, unweighted or the margins), ``tables`` (typed tables, one per
  kind, with ``to_json``), ``model`` (the report), ``inputs`` (what a table
  builder reads), ``intervals``, ``suppression`` (masks), ``ordering``; the
  question types (``survey.questions``) build their tables from these;
- ``aggregates`` (the only database access) and ``cube`` -> ``collect``
  (cross-tab counts, raking with ``weighting``) -> ``disclosure``
  (suppression marks on the tables) -> ``priority`` (with ``ranking``),
  ``themes`` (with ``tagging``), ``weighting_summary`` -> ``assemble``;
- ``report``: the orchestration, ``build_report``;
- ``response_weights``: the raking weights of the report's default settings
  for the response exports;
- ``margins``: the reader of population margins files, and whether their
  totals disagree.
"""
