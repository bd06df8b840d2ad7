"""Residents answer a survey: the public pages under ``/s/<key>``
(``routes``, routing and rendering over the answering journey), their
drafts and resume secrets (``drafts``: the resident's store of the journey),
and one-time invitation codes (``codes``, ``commands``)."""
