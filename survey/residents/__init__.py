"""Residents answer a survey: the public pages (``routes``), drafts kept
between pages (``drafts``), reading a posted page (``pages``), the final
submit (``submission``) and one-time invitation codes (``codes``)."""
