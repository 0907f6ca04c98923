"""Content negotiation shared by the publisher and the SPARQL endpoint, free of any web framework.

Matching follows RFC 9110 §12.5.1: a media range matches an offered type when its type and
subtype match (``*`` matching anything), parameters other than ``q`` are ignored, and the most
specific range that matches an offered type gives its quality. The highest quality wins; ties go
to the more specific range, then to the server's order. Wildcards match only an offer's main media
type, never its aliases (``application/*`` must not select HTML through
``application/xhtml+xml``). Format names given in a ``format`` parameter are the same everywhere.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")

# Short names a ``format`` parameter may give for each RDF syntax and for HTML.
FORMAT_NAMES: dict[str, tuple[str, ...]] = {
    "text/html": ("html", "htm"),
    "text/turtle": ("ttl", "turtle", "n3"),
    "application/ld+json": ("jsonld", "json-ld", "json"),
    "application/rdf+xml": ("rdf", "rdfxml", "rdf+xml", "xml"),
    "application/n-triples": ("nt", "ntriples", "n-triples"),
}


@dataclass(frozen=True)
class MediaRange:
    """One element of an ``Accept`` header: ``type/subtype`` and its quality."""

    type: str
    subtype: str
    quality: float

    def matches(self, media_type: str, *, exact_only: bool) -> int | None:
        """Specificity of the match with ``media_type`` (2 exact, 1 ``type/*``, 0 ``*/*``)."""
        kind, _, sub = media_type.partition("/")
        if self.type == kind and self.subtype == sub:
            return 2
        if exact_only:
            return None
        if self.type == kind and self.subtype == "*":
            return 1
        if self.type == "*" and self.subtype == "*":
            return 0
        return None


def bare_media_type(value: str) -> str:
    """``text/turtle`` for ``Text/Turtle; charset=utf-8``."""
    return value.split(";", 1)[0].strip().lower()


def _quality(parameters: list[str]) -> float | None:
    for parameter in parameters:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "q":
            try:
                quality = float(value.strip())
            except ValueError:
                return None
            return quality if 0 <= quality <= 1 else None
    return 1.0


def parse_accept(header: str | None) -> list[MediaRange]:
    """The media ranges of an ``Accept`` header; malformed elements are left out."""
    ranges = []
    for element in (header or "").split(","):
        media_type, *parameters = element.split(";")
        media_type = media_type.strip().lower()
        if media_type == "*":
            media_type = "*/*"
        kind, slash, sub = media_type.partition("/")
        quality = _quality(parameters)
        if not slash or not kind or not sub or quality is None or (kind == "*" and sub != "*"):
            continue
        ranges.append(MediaRange(kind, sub, quality))
    return ranges


def best_match(
    header: str | None, offers: Sequence[T], media_types: Callable[[T], Sequence[str]]
) -> T | None:
    """The offer the ``Accept`` header prefers, or None when it accepts none of them.

    ``media_types(offer)`` lists the offer's main media type first, then its aliases. An absent,
    empty or entirely malformed header accepts the first offer.
    """
    ranges = parse_accept(header)
    if not ranges:
        return offers[0] if offers else None
    best: tuple[float, int, int] | None = None
    chosen: T | None = None
    for position, offer in enumerate(offers):
        for index, media_type in enumerate(media_types(offer)):
            found = [
                (specificity, r.quality)
                for r in ranges
                if (specificity := r.matches(media_type, exact_only=index > 0)) is not None
            ]
            if not found:
                continue
            specificity, quality = max(found, key=lambda item: item[0])
            score = (quality, specificity, -position)
            if quality > 0 and (best is None or score > best):
                best, chosen = score, offer
    return chosen


def by_name(value: str, offers: Sequence[T], names: Callable[[T], Sequence[str]]) -> T | None:
    """The offer a ``format`` parameter names (short name or media type), or None."""
    wanted = bare_media_type(value)
    return next((offer for offer in offers if wanted in names(offer)), None)
