"""Readability measures for resident-facing texts, Dutch, French and German.

A sentence ends at ``.``, ``?`` or ``!`` (a colon or semicolon also ends
one: "Is het dringend? Bel 101." reads as two); a word is a run of letters
or digits; a placeholder (``%(n)s``) counts as one word. Syllables are
vowel groups (a diaeresis starts a new one, as in "geïnteresseerd"; a
French final mute "e"/"es"/"ent" is not one), as the methodologist's review
measured them (reviews/questionnaires.md, section 3.1). German is counted
the Dutch way: "ie", "ei", "au" are one group, and an umlaut, which almost
never follows another vowel, starts one as any vowel after a consonant does.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

_PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]")
_SENTENCE_END = re.compile(r"(?<=[.?!:;])\s+|\n+")
_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
_VOWELS = "aeiouyàâäéèêëïîôöùûü"
_URL = re.compile(r"\b(?:www\.|https?://)\S+")


def syllables(word: str, language: str) -> int:
    """Vowel groups of ``word``; a diaeresis starts a new group."""
    lowered = word.lower()
    if language == "fr":
        lowered = re.sub(r"(?<=[^aeiouy])(e|es|ent)$", "", lowered) or lowered
    count, previous = 0, False
    for char in lowered:
        vowel = char in _VOWELS
        diaeresis = "\u0308" in unicodedata.normalize("NFD", char)
        if vowel and (not previous or diaeresis):
            count += 1
        previous = vowel
    return max(1, count)


def sentences(text: str) -> list[list[str]]:
    """The sentences of ``text`` as lists of words (empty ones dropped)."""
    text = _URL.sub("URL", _PLACEHOLDER.sub("X", text))
    found = []
    for part in _SENTENCE_END.split(text):
        words = _WORD.findall(part)
        if words:
            found.append(words)
    return found


@dataclass(frozen=True)
class Readability:
    """Figures over a body of texts: sentences, words, words per sentence,
    the share of long words (4 syllables or more) and the longest sentence."""

    sentences: int
    words: int
    long_words: int
    longest: list[str]

    @property
    def words_per_sentence(self) -> float:
        return self.words / self.sentences if self.sentences else 0.0

    @property
    def long_word_share(self) -> float:
        return self.long_words / self.words if self.words else 0.0


def measure(texts: Iterable[str], language: str) -> Readability:
    """Readability of ``texts`` in ``language`` (nl, fr or de) together."""
    count = words = long_words = 0
    longest: list[str] = []
    for text in texts:
        for sentence in sentences(text):
            count += 1
            words += len(sentence)
            long_words += sum(1 for w in sentence if syllables(w, language) >= 4)
            if len(sentence) > len(longest):
                longest = sentence
    return Readability(count, words, long_words, longest)
