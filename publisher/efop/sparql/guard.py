"""Inspection of every client query before the engine sees it.

The embedded engine sends real HTTP requests for ``SERVICE`` clauses and has no switch to stop
it, so a public endpoint must decide what a query may reach *before* evaluation. The query is
parsed by rdflib's SPARQL parser and translated to its algebra (never evaluated); the algebra
has every prefixed name resolved, so the checks below see the real IRIs wherever the clause
sits (sub-queries, ``EXISTS``, ``OPTIONAL``...).

Refused: updates (whatever the way they arrive), ``SERVICE`` to an IRI outside the federation
allow-list, ``SERVICE ?var`` always, and ``FROM`` / ``FROM NAMED`` / ``GRAPH`` IRIs that are not
graphs of the store.
"""

from __future__ import annotations

import threading
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from functools import lru_cache

from pyparsing import ParseException
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import URIRef, Variable

from efop.store.base import QueryKind

UPDATE_REFUSED = (
    "Ce point d'accès est en lecture seule : les mises à jour SPARQL (INSERT, DELETE, LOAD, "
    "CLEAR, DROP, CREATE...) sont refusées. / This endpoint is read-only: SPARQL Update "
    "(INSERT, DELETE, LOAD, CLEAR, DROP, CREATE...) is refused."
)


class QueryRejected(Exception):
    """A query the endpoint will not run, with the HTTP status and a message for the client."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


class QuerySyntaxError(QueryRejected):
    """A malformed query; the message carries the parser's line and column."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None):
        super().__init__(400, message)
        self.line = line
        self.column = column


@dataclass(frozen=True)
class CheckedQuery:
    """A query that passed inspection, with what the endpoint needs to run and serve it."""

    text: str
    kind: QueryKind
    services: frozenset[str]
    dataset: tuple[frozenset[str], frozenset[str]]  # FROM, FROM NAMED


_KINDS = {
    "SelectQuery": QueryKind.SELECT,
    "AskQuery": QueryKind.ASK,
    "ConstructQuery": QueryKind.CONSTRUCT,
    "DescribeQuery": QueryKind.DESCRIBE,
}


def _syntax_error(error: ParseException, text: str) -> QuerySyntaxError:
    line_text = text.splitlines()[error.lineno - 1] if text.strip() else ""
    return QuerySyntaxError(
        f"Requête SPARQL mal formée, ligne {error.lineno}, colonne {error.col} / "
        f"malformed SPARQL query, line {error.lineno}, column {error.col}: {error.msg}"
        + (f"\n  {line_text}" if line_text else ""),
        error.lineno,
        error.col,
    )


# rdflib's SPARQL grammar (pyparsing) keeps parse state in shared objects: two threads parsing
# at once corrupt each other's results, so a threaded server parses one query at a time.
_PARSER_LOCK = threading.Lock()


def _is_update(text: str) -> bool:
    try:
        with _PARSER_LOCK:
            parseUpdate(text)
    except ParseException:
        return False
    return True


def _nodes(value: object) -> Iterator[CompValue]:
    """Every algebra node under ``value``, depth first."""
    if isinstance(value, CompValue):
        yield value
        for child in value.values():
            yield from _nodes(child)
    elif isinstance(value, list | tuple):
        for child in value:
            yield from _nodes(child)


def _parse(text: str):
    try:
        with _PARSER_LOCK:
            tree = parseQuery(text)
    except ParseException as error:
        if _is_update(text):
            raise QueryRejected(400, UPDATE_REFUSED) from error
        raise _syntax_error(error, text) from error
    try:
        return translateQuery(tree)
    except Exception as error:  # rdflib raises bare Exception for semantic errors
        raise QuerySyntaxError(
            f"Requête SPARQL invalide / invalid SPARQL query: {error}"
        ) from error


def check_update_parameter(value: str | None) -> None:
    """Refuse any request that carries an ``update`` parameter or an update body."""
    if value is not None:
        raise QueryRejected(400, UPDATE_REFUSED)


# Queries up to this size have their verdict remembered: clients repeat the same queries, and
# parsing with rdflib costs milliseconds of CPU per query whatever the data size.
CACHED_QUERY_CHARS = 8192


def inspect(
    text: str,
    *,
    store_graphs: Collection[str],
    allowed_services: Collection[str] = (),
) -> CheckedQuery:
    """Parse ``text`` and check what it may reach; raises :class:`QueryRejected`."""
    check = _inspect_cached if len(text) <= CACHED_QUERY_CHARS else _inspect
    return check(text, frozenset(store_graphs), frozenset(allowed_services))


def _inspect(
    text: str, store_graphs: frozenset[str], allowed_services: frozenset[str]
) -> CheckedQuery:
    query = _parse(text)
    algebra = query.algebra
    kind = _KINDS.get(algebra.name)
    if kind is None:
        raise QueryRejected(400, UPDATE_REFUSED)
    services: set[str] = set()
    default, named = set(), set()
    for node in _nodes(algebra):
        if node.name == "ServiceGraphPattern":
            services.add(_service_target(node["term"], allowed_services))
        elif node.name == "Graph" and isinstance(node["term"], URIRef):
            _check_graph(str(node["term"]), "GRAPH", store_graphs)
        elif node.name == "DatasetClause":
            if "default" in node:
                default.add(_check_graph(str(node["default"]), "FROM", store_graphs))
            if "named" in node:
                named.add(_check_graph(str(node["named"]), "FROM NAMED", store_graphs))
    return CheckedQuery(text, kind, frozenset(services), (frozenset(default), frozenset(named)))


_inspect_cached = lru_cache(maxsize=512)(_inspect)


def _service_target(term: object, allowed: Collection[str]) -> str:
    if isinstance(term, Variable):
        raise QueryRejected(
            400,
            f"SERVICE ?{term} est refusé : le service doit être une IRI autorisée. / "
            f"SERVICE with a variable (?{term}) is refused: name an allowed endpoint IRI.",
        )
    iri = str(term)
    if iri not in allowed:
        raise QueryRejected(
            400,
            f"SERVICE <{iri}> est refusé : ce point d'accès n'est pas dans la liste des "
            f"services fédérés autorisés. / SERVICE <{iri}> is refused: that endpoint is not "
            "in the federation allow-list of this server.",
        )
    return iri


def _check_graph(iri: str, clause: str, store_graphs: Collection[str]) -> str:
    if iri not in store_graphs:
        raise QueryRejected(
            400,
            f"{clause} <{iri}> est refusé : ce n'est pas un graphe de ce jeu de données (le "
            f"serveur ne va jamais chercher de données ailleurs). / {clause} <{iri}> is refused: "
            "it is not a graph of this dataset (the server never fetches remote data).",
        )
    return iri


def check_protocol_graphs(iris: Collection[str], store_graphs: Collection[str]) -> None:
    """The same rule for the protocol's ``default-graph-uri`` and ``named-graph-uri``."""
    for iri in iris:
        _check_graph(iri, "default-graph-uri / named-graph-uri", store_graphs)
