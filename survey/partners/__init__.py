"""Partners answer through a personal link: their pages under ``/p/<token>``
(``routes``, routing and rendering over the answering journey), the link's
draft (``drafts``: the partner's store of the journey, and reopening),
organisations and their links (``organisations``, ``links``, ``commands``),
and the receipt (``receipt``). The planners' partner pages are
``survey.workspace.views.partners``."""
