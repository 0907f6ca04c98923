"""Evaluation of a checked query and serialisation of at most ``max_rows`` results.

pyoxigraph serialises a whole result iterator; to cap a result, the first rows are taken from
the iterator and handed back to pyoxigraph's own serialisers: triples directly, solutions
through the SPARQL JSON results form that ``parse_query_results`` reads (the only encoding
written here, term by term, in :func:`_json_term`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import islice

from pyoxigraph import (
    BlankNode,
    Literal,
    NamedNode,
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    RdfFormat,
    Triple,
    Variable,
    parse_query_results,
    serialize,
)

from efop.namespaces import PREFIXES
from efop.sparql.guard import QueryRejected
from efop.store.base import Store, StoreError, Term
from efop.store.embedded import EmbeddedStore

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


@dataclass(frozen=True)
class Job:
    """What a worker needs to answer one request (plain values, so it crosses processes)."""

    query: str
    media_type: str
    solutions: bool  # SELECT/ASK (results format) rather than CONSTRUCT/DESCRIBE (RDF)
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    max_rows: int = 100_000
    bindings: tuple[tuple[str, Term], ...] = ()  # stored-query parameters, bound by the engine


@dataclass(frozen=True)
class Answer:
    body: bytes
    truncated: bool
    rows: int


def output_format(job: Job) -> QueryResultsFormat | RdfFormat:
    family = QueryResultsFormat if job.solutions else RdfFormat
    return family.from_media_type(job.media_type)


def evaluate(store: Store, job: Job):
    """The pyoxigraph result object of the job's query on ``store``."""
    if isinstance(store, EmbeddedStore):
        dataset = job.default_graphs or job.named_graphs
        options: dict = {"use_default_graph_as_union": not dataset}
        if job.default_graphs:
            options["default_graph"] = [NamedNode(g) for g in job.default_graphs]
        if job.named_graphs:
            options["named_graphs"] = [NamedNode(g) for g in job.named_graphs]
        if job.bindings:
            options["substitutions"] = {Variable(name): term for name, term in job.bindings}
        return store.oxigraph.query(job.query, **options)
    return store.query_results(
        job.query,
        dict(job.bindings),
        graph=not job.solutions,
        default_graphs=job.default_graphs,
        named_graphs=job.named_graphs,
    )


def run(store: Store, job: Job) -> Answer:
    """:func:`answer`, with the engine's errors turned into messages for the client."""
    try:
        return answer(store, job)
    except SyntaxError as error:
        raise QueryRejected(
            400, f"Requête refusée par le moteur / query refused: {error}"
        ) from error
    except (StoreError, OSError, ValueError, RuntimeError) as error:
        raise QueryRejected(
            502, f"Le moteur n'a pas pu répondre / the query engine failed: {error}"
        ) from error


def answer(store: Store, job: Job) -> Answer:
    results = evaluate(store, job)
    fmt = output_format(job)
    if isinstance(results, QueryBoolean):
        return Answer(results.serialize(format=fmt), False, 1)
    if isinstance(results, QuerySolutions):
        return _solutions(results, fmt, job.max_rows)
    triples = list(islice(results, job.max_rows + 1))
    kept = triples[: job.max_rows]
    return Answer(
        serialize(kept, format=fmt, prefixes=PREFIXES), len(triples) > job.max_rows, len(kept)
    )


def _solutions(results: QuerySolutions, fmt: QueryResultsFormat, max_rows: int) -> Answer:
    names = [v.value for v in results.variables]
    rows = list(islice(results, max_rows + 1))
    kept = rows[:max_rows]
    document = {
        "head": {"vars": names},
        "results": {"bindings": [_json_row(row, names) for row in kept]},
    }
    capped = parse_query_results(json.dumps(document).encode(), QueryResultsFormat.JSON)
    return Answer(capped.serialize(format=fmt), len(rows) > max_rows, len(kept))


def _json_row(row, names: Sequence[str]) -> dict:
    return {name: _json_term(row[name]) for name in names if row[name] is not None}


def _json_term(term) -> dict:
    if isinstance(term, NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, Literal):
        encoded = {"type": "literal", "value": term.value}
        if term.language:
            encoded["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            encoded["datatype"] = term.datatype.value
        return encoded
    if isinstance(term, Triple):
        parts = ("subject", "predicate", "object")
        return {"type": "triple", "value": {p: _json_term(getattr(term, p)) for p in parts}}
    raise TypeError(f"unexpected term {term!r}")
