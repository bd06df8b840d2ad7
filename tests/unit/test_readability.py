"""Every resident-facing text reads at B1, in Dutch, French and German: the
interface texts residents see (the resident, answering, question and error
pages, and the messages of the question types) as the catalogs translate
them, the default resident survey's intro, closing, questions and help, and
the invitation letter, its reminder and the open campaign's poster (what
every sampled resident reads first).

Limits (B1 practice: short sentences, few long words; the methodologist's
review measured 7.7 words a sentence and 4.0 % long words for Dutch):
on average at most ``MAX_WORDS_PER_SENTENCE`` words a sentence, at most
``MAX_LONG_WORD_SHARE`` of the words with 4 syllables or more, and no
sentence longer than ``MAX_SENTENCE`` words."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from babel.messages.pofile import read_po
from catalog_areas import letter_msgids, resident_msgids
from readability import measure, sentences
from support import RESIDENT_FILE, ROOT

MAX_WORDS_PER_SENTENCE = 10.0
MAX_LONG_WORD_SHARE = 0.05
MAX_SENTENCE = 18


def _catalog_texts(language: str, msgids: set[str]) -> list[str]:
    path = Path(ROOT / "translations" / language / "LC_MESSAGES" / "messages.po")
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    texts = []
    for message in catalog:
        if message.id in msgids or (isinstance(message.id, tuple) and message.id[0] in msgids):
            string = message.string if isinstance(message.string, str) else message.string[0]
            assert string, f"{message.id!r} has no {language} translation"
            texts.append(string)
    return texts


def _survey_texts(language: str) -> list[str]:
    raw = yaml.safe_load(RESIDENT_FILE.read_text(encoding="utf-8"))
    texts = [raw["intro"][language], raw["closing"][language]]
    for page in raw["pages"]:
        for question in page["questions"]:
            texts.append(question["text"][language])
            if question.get("help"):
                texts.append(question["help"][language])
    return texts


def test_the_resident_pages_have_their_texts_in_the_catalogs() -> None:
    # The measure below reads what a resident sees: the extraction must find
    # the privacy notice, the lost-letter path and the error messages.
    msgids = resident_msgids()
    assert "Lost your letter?" in msgids
    assert "Taking part is voluntary. You can stop at any time." in msgids
    assert "Answer this question." in msgids
    assert len(msgids) > 150


def test_the_letter_and_poster_texts_are_measured() -> None:
    msgids = letter_msgids()
    assert "Dear resident," in msgids
    assert "Taking part is voluntary. It takes about %(minutes)s minutes." in msgids
    assert "Safe in your neighbourhood? Give your opinion." in msgids  # the poster


# The fewest sentences each body must have for its figures to mean something.
BODIES = {"interface": 50, "survey": 50, "letter and poster": 20}


# German is measured as Dutch is (vowel groups: "ie", "ei", "au" are one
# syllable), against the same limits; its long compounds make the long-word
# share the limit to watch.
@pytest.mark.parametrize("language", ["nl", "fr", "de"])
@pytest.mark.parametrize("body", list(BODIES))
def test_resident_texts_read_at_b1(language: str, body: str) -> None:
    if body == "interface":
        texts = _catalog_texts(language, resident_msgids())
    elif body == "survey":
        texts = _survey_texts(language)
    else:
        texts = _catalog_texts(language, letter_msgids())
    figures = measure(texts, language)
    assert figures.sentences > BODIES[body], figures
    assert figures.words_per_sentence <= MAX_WORDS_PER_SENTENCE, figures
    assert figures.long_word_share <= MAX_LONG_WORD_SHARE, figures
    too_long = [" ".join(s) for text in texts for s in sentences(text) if len(s) > MAX_SENTENCE]
    assert not too_long, too_long


def test_the_measure_counts_dutch_and_french_the_way_a_reader_does() -> None:
    figures = measure(
        ["Onafgewerkte antwoorden worden verwijderd. Is het dringend? Bel %(n)s."], "nl"
    )
    # Three sentences of 4, 3 and 2 words ("%(n)s" is one); only "Onafgewerkte"
    # (o-naf-ge-werk-te: 5 vowel groups) is long, "verwijderd" has 3.
    assert (figures.sentences, figures.words) == (3, 9)
    assert figures.long_words == 1
    french = measure(["Vous participez librement à la consultation."], "fr")
    # "participez" 4 groups, "consultation" 4 (ti-on), "librement" 2 (final -ent mute).
    assert french.long_words == 2
