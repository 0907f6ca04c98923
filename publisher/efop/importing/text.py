"""Text normalisation shared by the import and the linking: slugs for IRIs, and labels
compared without accents, case, punctuation or filler words."""

from __future__ import annotations

import re
import unicodedata

FILLER_WORDS = frozenset(
    {
        "de",
        "du",
        "des",
        "la",
        "le",
        "les",
        "l",
        "d",
        "et",
        "a",
        "au",
        "aux",
        "en",
        "pour",
        "sur",
        "of",
        "the",
        "and",
        "for",
    }
)


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    """Lower-case ASCII words of a text, punctuation and apostrophes as separators."""
    ascii_text = strip_accents(text).lower().replace("œ", "oe").replace("æ", "ae")
    return [w for w in re.split(r"[^a-z0-9]+", ascii_text) if w]


def slugify(text: str) -> str:
    """A lower-case ASCII slug with hyphens, as the model's IRI patterns use."""
    return "-".join(words(text))


def normalise_label(text: str) -> str:
    """A label reduced to its significant words, for comparing names."""
    return " ".join(w for w in words(text) if w not in FILLER_WORDS)


def acronym(text: str) -> str:
    """The initials of a label's significant words (``Groupement relation emploi formation`` →
    ``gref``); empty for a label of one word."""
    significant = [w for w in words(text) if w not in FILLER_WORDS]
    return "".join(w[0] for w in significant) if len(significant) > 1 else ""


def header_key(header: str) -> str:
    """A column header as compared with the mapping: case, accents, spacing and a trailing
    required-marker ``*`` do not matter."""
    return " ".join(words(header.strip().rstrip("*")))
