"""Result formats of the SPARQL endpoint and how a request chooses one.

SELECT and ASK answer in the SPARQL results formats (JSON, XML, CSV, TSV); CONSTRUCT and
DESCRIBE in RDF syntaxes (Turtle, N-Triples, RDF/XML, JSON-LD). A client names the format with
``Accept`` (q-values honoured by werkzeug's parser) or with a ``format`` parameter, whose values
are the short names clients send (``json``, ``ttl``, ``rdfxml``...) or a full media type.
"""

from __future__ import annotations

from dataclasses import dataclass

from pyoxigraph import QueryResultsFormat, RdfFormat
from werkzeug.datastructures import MIMEAccept

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

    def names(self) -> tuple[str, ...]:
        return (self.media_type, *self.extra_media_types, *self.aliases)


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
        ("turtle", "ttl", "n3"),
        RdfFormat.TURTLE,
        ("application/x-turtle", "text/n3", "text/rdf+n3"),
    ),
    ResultFormat(
        "application/n-triples",
        ("ntriples", "nt", "n-triples"),
        RdfFormat.N_TRIPLES,
        ("text/plain",),
    ),
    ResultFormat(
        "application/rdf+xml",
        ("rdfxml", "rdf", "xml", "rdf+xml"),
        RdfFormat.RDF_XML,
        ("application/xml", "text/xml"),
    ),
    ResultFormat(
        "application/ld+json",
        ("jsonld", "json-ld", "json"),
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


def choose(kind: QueryKind, accept: MIMEAccept, format_param: str | None) -> ResultFormat:
    """The format named by ``format_param`` if given, else the best match for ``accept``."""
    candidates = formats_for(kind)
    if format_param:
        wanted = format_param.strip().lower().split(";")[0].strip()
        for candidate in candidates:
            if wanted in candidate.names():
                return candidate
        raise NotAcceptable(
            f"format={format_param!r} : format inconnu pour une requête {kind.value}. / "
            f"unknown format for a {kind.value} query. Offered: {_offered(kind)}"
        )
    if not accept:
        return candidates[0]
    by_type = {}
    for candidate in candidates:
        for media_type in (candidate.media_type, *candidate.extra_media_types):
            by_type.setdefault(media_type, candidate)
    best = accept.best_match(list(by_type))
    if best is None:
        raise NotAcceptable(
            f"Aucun format de résultat ne correspond à Accept: {accept}. / No result format for "
            f"a {kind.value} query matches Accept: {accept}. Offered: {_offered(kind)}"
        )
    return by_type[best]
