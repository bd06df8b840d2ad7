"""Personal data: redaction of free text before any report or export shows it.

Used by the responses (a free text is stored with its redacted copy) and by
the analysis (only redacted text is tagged and quoted)."""
