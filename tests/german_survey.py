"""A survey in Dutch, French and German whose German texts are partly
missing (the intro, the closing, a page title, an option, a question): what
a German-speaking zone fields while its translation is unfinished. Used by
the German journey (functional) and its accessibility check (browser)."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from support import import_file

GERMAN_BROWSER = "de-BE,de;q=0.9,en;q=0.5"

SURVEY = """\
format: 1
key: sicherheit-eifel
consultation: zvp-eifel
audience: citizen
access: invitation
languages: [nl, fr, de]
title: {nl: "Veiligheid in uw buurt", fr: "La sécurité dans votre quartier",
        de: "Sicherheit in Ihrem Viertel"}
intro:
  nl: "We willen weten hoe veilig u zich voelt."
  fr: "Nous voulons savoir si vous vous sentez en sécurité."
closing:
  nl: "Bedankt voor uw antwoorden."
  fr: "Merci pour vos réponses."
pages:
  - key: viertel
    title: {nl: "Uw buurt", fr: "Votre quartier"}
    questions:
      - key: onveilig
        type: single
        required: true
        text: {nl: "Voelt u zich soms onveilig in uw buurt?",
               fr: "Vous sentez-vous parfois en insécurité dans votre quartier ?",
               de: "Fühlen Sie sich in Ihrem Viertel manchmal unsicher?"}
        options:
          - {code: 1, label: {nl: "Ja", fr: "Oui", de: "Ja"}}
          - {code: 2, label: {nl: "Nee", fr: "Non", de: "Nein"}}
          - {code: 9, label: {nl: "Weet ik niet", fr: "Je ne sais pas"}, missing: true}
      - key: opmerking
        type: text
        required: true
        text: {nl: "Wilt u nog iets kwijt?", fr: "Voulez-vous ajouter quelque chose ?"}
"""


def import_german_survey(app: Flask, tmp_path: Path) -> str:
    """Import and open the survey; return its key."""
    path = tmp_path / "eifel.yaml"
    path.write_text(SURVEY, encoding="utf-8")
    return import_file(app, path)
