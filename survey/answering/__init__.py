"""The answering journey: one engine for every way a survey is answered
(residents' pages, partners' pages, the planners' paper form).

- ``journey``: the engine (``Journey``): page view, reading a posted page,
  save, next/previous, can visit, check sections, submit. No request globals.
- ``pages``: which questions a page shows, reading and checking its fields.
- ``display``: answers as lines a person reads; ``browser``: the data of the
  page script that shows conditional questions without a round trip.
- ``stores``: the protocol of the stores the journey reads and writes
  (resident draft, partner draft, paper form live with their audiences).
- ``drafts``: draft rows as both draft stores keep them.
- ``rendering``: the Flask side shared by the two blueprints (page language,
  template context, the not-available page, the question fields).
"""
