"""Content negotiation, in one place, for every route of the publisher.

A representation is chosen, in this order, by an explicit suffix on the path (``/id/x.ttl``),
by the ``?format=`` parameter (a short name such as ``ttl`` or ``turtle``, or a media type),
then by the ``Accept`` header with its q-values. The matching itself, shared with the SPARQL
endpoint, is :mod:`efop.negotiation`. A request that none of the offered formats satisfies gets
a 406 that lists the supported media types.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flask import Request
from pyoxigraph import RdfFormat
from werkzeug.exceptions import NotAcceptable

from efop.negotiation import FORMAT_NAMES, best_match, by_name


@dataclass(frozen=True)
class Format:
    """One representation a resource can be served in."""

    name: str
    media_type: str
    suffix: str
    label: str
    rdf_format: RdfFormat | None = None
    aliases: tuple[str, ...] = ()

    @property
    def content_type(self) -> str:
        textual = self.media_type.startswith("text/") or self.name in {"jsonld", "rdf", "nt"}
        return f"{self.media_type}; charset=utf-8" if textual else self.media_type

    def media_types(self) -> tuple[str, ...]:
        """The main media type first, then the aliases that only an exact match selects."""
        return (self.media_type, *self.aliases)

    def names(self) -> tuple[str, ...]:
        """What ``?format=`` may say to select this format."""
        return (*self.media_types(), *FORMAT_NAMES.get(self.media_type, ()), self.name)


HTML = Format("html", "text/html", ".html", "HTML", None, ("application/xhtml+xml",))
TURTLE = Format("ttl", "text/turtle", ".ttl", "Turtle", RdfFormat.TURTLE, ("application/x-turtle",))
JSONLD = Format(
    "jsonld", "application/ld+json", ".jsonld", "JSON-LD", RdfFormat.JSON_LD, ("application/json",)
)
RDFXML = Format("rdf", "application/rdf+xml", ".rdf", "RDF/XML", RdfFormat.RDF_XML)
NTRIPLES = Format("nt", "application/n-triples", ".nt", "N-Triples", RdfFormat.N_TRIPLES)

ALL_FORMATS: tuple[Format, ...] = (HTML, TURTLE, JSONLD, RDFXML, NTRIPLES)
RDF_FORMATS: tuple[Format, ...] = (TURTLE, JSONLD, RDFXML, NTRIPLES)
BY_NAME = {f.name: f for f in ALL_FORMATS}


class FormatNotAcceptable(NotAcceptable):
    """406 carrying the media types that were on offer."""

    def __init__(self, offered: Sequence[Format]):
        self.offered = tuple(offered)
        types = ", ".join(f.media_type for f in self.offered)
        super().__init__(f"Format non disponible. Formats proposés / supported formats: {types}")


@dataclass(frozen=True)
class Choice:
    """The chosen format and whether it came from negotiation (so Content-Location applies)."""

    format: Format
    negotiated: bool


def split_suffix(path: str, offered: Sequence[Format] = ALL_FORMATS) -> tuple[str, Format | None]:
    """``("id/x", TURTLE)`` for ``"id/x.ttl"``; the path unchanged when it has no known suffix."""
    for fmt in offered:
        if path.endswith(fmt.suffix) and len(path) > len(fmt.suffix):
            return path[: -len(fmt.suffix)], fmt
    return path, None


def _by_parameter(value: str, offered: Sequence[Format]) -> Format:
    found = by_name(value, offered, Format.names)
    if found is None:
        raise FormatNotAcceptable(offered)
    return found


def choose(
    request: Request,
    offered: Sequence[Format] = ALL_FORMATS,
    *,
    suffix: Format | None = None,
) -> Choice:
    """The representation to serve; the first offered format is the default for ``*/*``."""
    if suffix is not None:
        if suffix not in offered:
            raise FormatNotAcceptable(offered)
        return Choice(suffix, negotiated=False)
    parameter = request.args.get("format")
    if parameter:
        return Choice(_by_parameter(parameter, offered), negotiated=False)
    best = best_match(request.headers.get("Accept"), offered, Format.media_types)
    if best is None:
        raise FormatNotAcceptable(offered)
    return Choice(best, negotiated=True)


def choose_language(request: Request, supported: Sequence[str] = ("fr", "en")) -> str:
    """``?lang=`` when valid, else the best of ``Accept-Language``, else French."""
    asked = request.args.get("lang", "").lower()
    if asked in supported:
        return asked
    return request.accept_languages.best_match(list(supported), default=supported[0])
