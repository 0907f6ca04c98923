"""Result formats of the SPARQL endpoint and how a request chooses one.

SELECT and ASK answer in the SPARQL results formats (JSON, XML, CSV, TSV); CONSTRUCT and
DESCRIBE in RDF syntaxes (Turtle, N-Triples, RDF/XML, JSON-LD). A client names the format with
``Accept`` or with a ``format`` parameter, whose values are the short names clients send
(``json``, ``ttl``, ``rdfxml``...) or a full media type. The matching, and the short names of the
RDF syntaxes, are those of every other route (:mod:`efop.negotiation`).
"""

from __future__ import annotations

from dataclasses import dataclass

from pyoxigraph import QueryResultsFormat, RdfFormat

from efop.negotiation import FORMAT_NAMES, best_match, by_name
from efop.store.base import QueryKind


@dataclass(frozen=True)
class ResultFormat:
    media_type: str
    aliases: tuple[str, ...]
    oxigraph: QueryResultsFormat | RdfFormat
    extra_media_types: tuple[str, ...] = ()

    @property
    def content_type(self) -> str:
        return f"{self.media_type}; charset=utf-8"

    def media_types(self) -> tuple[str, ...]:
        return (self.media_type, *self.extra_media_types)

    def names(self) -> tuple[str, ...]:
        return (*self.media_types(), *self.aliases, *FORMAT_NAMES.get(self.media_type, ()))


SOLUTION_FORMATS = (
    ResultFormat(
        "application/sparql-results+json",
        ("json", "srj"),
        QueryResultsFormat.JSON,
        ("application/json",),
    ),
    ResultFormat(
        "application/sparql-results+xml",
        ("xml", "srx"),
        QueryResultsFormat.XML,
        ("application/xml", "text/xml"),
    ),
    ResultFormat("text/csv", ("csv",), QueryResultsFormat.CSV),
    ResultFormat("text/tab-separated-values", ("tsv",), QueryResultsFormat.TSV),
)

GRAPH_FORMATS = (
    ResultFormat(
        "text/turtle",
        (),
        RdfFormat.TURTLE,
        ("application/x-turtle", "text/n3", "text/rdf+n3"),
    ),
    ResultFormat(
        "application/n-triples",
        (),
        RdfFormat.N_TRIPLES,
        ("text/plain",),
    ),
    ResultFormat(
        "application/rdf+xml",
        (),
        RdfFormat.RDF_XML,
        ("application/xml", "text/xml"),
    ),
    ResultFormat(
        "application/ld+json",
        (),
        RdfFormat.JSON_LD,
        ("application/json",),
    ),
)


class NotAcceptable(Exception):
    """No result format fits what the client accepts; the message lists what is offered."""


def formats_for(kind: QueryKind) -> tuple[ResultFormat, ...]:
    return SOLUTION_FORMATS if kind in (QueryKind.SELECT, QueryKind.ASK) else GRAPH_FORMATS


def _offered(kind: QueryKind) -> str:
    return ", ".join(f.media_type for f in formats_for(kind))


def choose(kind: QueryKind, accept: str | None, format_param: str | None) -> ResultFormat:
    """The format named by ``format_param`` if given, else the best match for the ``accept``
    header (the first format when it is absent)."""
    candidates = formats_for(kind)
    if format_param:
        named = by_name(format_param, candidates, ResultFormat.names)
        if named is None:
            raise NotAcceptable(
                f"format={format_param!r} : format inconnu pour une requête {kind.value}. / "
                f"unknown format for a {kind.value} query. Offered: {_offered(kind)}"
            )
        return named
    best = best_match(accept, candidates, ResultFormat.media_types)
    if best is None:
        raise NotAcceptable(
            f"Aucun format de résultat ne correspond à Accept: {accept}. / No result format for "
            f"a {kind.value} query matches Accept: {accept}. Offered: {_offered(kind)}"
        )
    return best
