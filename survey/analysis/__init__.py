"""Stored answers -> the input report, in layers (each module names its rules):

- the floor, value objects that import nothing from the definitions or the
  database: ``tables`` (typed tables, one per kind, with ``to_json``),
  ``model`` (the report), ``inputs`` (what a table builder reads),
  ``intervals``, ``suppression`` (masks), ``ordering``; the question types
  (``survey.questions``) build their tables from these;
- ``aggregates`` (the only database access) and ``cube`` -> ``collect``
  (cross-tab counts, raking with ``weighting``) -> ``disclosure``
  (suppression marks on the tables) -> ``priority`` (with ``ranking``),
  ``themes`` (with ``tagging``), ``weighting_summary`` -> ``assemble``;
- ``report``: the orchestration, ``build_report``;
- ``margins``: the reader of population margins files.
"""
