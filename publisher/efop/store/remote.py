"""A store behind any SPARQL 1.1 endpoint, reached over HTTP with SPARQLWrapper.

For a region whose data outgrows one machine: the publisher points at its own triplestore
(Oxigraph server, Fuseki, Virtuoso, QLever, GraphDB...) and nothing above the store protocol
changes.

The dataset: the publisher's queries see the union of the build's named graphs as their default
graph, as in the embedded store. Servers differ on what their own default graph is (the union
of the named graphs with ``oxigraph serve --union-default-graph`` or Virtuoso; a separate,
empty graph with plain ``oxigraph serve`` or Fuseki's default setup), so every query states its
dataset with the SPARQL 1.1 Protocol's parameters: one ``default-graph-uri`` and one
``named-graph-uri`` per named graph of the store (listed by a ``GRAPH ?g`` query, again every
:data:`GRAPHS_TTL` seconds so that a new push is seen), unless the caller gives its own.
Any SPARQL 1.1 server that honours the protocol then answers the same.

Bindings: the remote engine has no substitution API, so a bound variable is joined with a
trailing ``VALUES`` clause (SPARQL 1.1, §18.2.4.3) whose terms are written in their N-Triples
form by pyoxigraph, never pasted from text. The store protocol requires a bound variable to be
projected; the join then gives the same answers as the embedded engine's substitution for a
variable bound by the query's patterns, which is how stored queries use their parameters.
A query that already ends with its own ``VALUES`` clause cannot be bound this way.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from urllib.error import URLError

from pyoxigraph import (
    BlankNode,
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    RdfFormat,
    Triple,
    parse,
    parse_query_results,
)
from SPARQLWrapper import CONSTRUCT, JSON, POST, SELECT, TURTLE, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed, SPARQLWrapperException

from efop.store.base import Bindings, StoreError, Term

GRAPHS_TTL = 30.0  # seconds a listing of the store's named graphs is reused
GRAPHS_QUERY = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"


def values_clause(bindings: Bindings | None) -> str:
    """A trailing ``VALUES`` clause with one row binding each variable to its term."""
    if not bindings:
        return ""
    for name, term in bindings.items():
        if isinstance(term, BlankNode | Triple):
            raise ValueError(f"?{name}: only IRIs and literals can be bound on a remote store")
    names = " ".join(f"?{name}" for name in bindings)
    terms = " ".join(str(term) for term in bindings.values())
    return f"\nVALUES ({names}) {{ ({terms}) }}"


class RemoteStore:
    """Read access to a SPARQL 1.1 endpoint, implementing :class:`efop.store.base.Store`."""

    def __init__(
        self,
        endpoint: str,
        *,
        update_endpoint: str | None = None,
        graph_store: str | None = None,
        timeout: float = 60.0,
        graphs: Sequence[str] | None = None,
    ):
        """``graphs``: the named graphs whose union is the default graph of every query (by
        default the store's own, listed when needed)."""
        self.endpoint = endpoint
        self.update_endpoint = update_endpoint
        self.graph_store = graph_store or endpoint
        self.timeout = timeout
        self._fixed_graphs = tuple(graphs) if graphs is not None else None
        self._listed: tuple[str, ...] = ()
        self._listed_at = float("-inf")
        self._lock = threading.Lock()

    def dataset_graphs(self) -> tuple[str, ...]:
        """The named graphs every query runs over unless told otherwise."""
        if self._fixed_graphs is not None:
            return self._fixed_graphs
        with self._lock:
            if time.monotonic() - self._listed_at > GRAPHS_TTL:
                self._listed = tuple(self.named_graphs())
                self._listed_at = time.monotonic()
            return self._listed

    def _dataset(
        self, default_graphs: Sequence[str] | None, named_graphs: Sequence[str] | None
    ) -> tuple[Sequence[str], Sequence[str]]:
        """The caller's dataset if it states one, else the union of :meth:`dataset_graphs`
        as the default graph with each of them also available by name."""
        if default_graphs or named_graphs:
            return default_graphs or (), named_graphs or ()
        graphs = self.dataset_graphs()
        return graphs, graphs

    def _wrapper(
        self, query: str, graph: bool, default_graphs=(), named_graphs=()
    ) -> SPARQLWrapper:
        """A SPARQLWrapper request for ``query``, whose form the caller states: SPARQLWrapper
        guesses it with a regular expression, which words in literals can fool."""
        wrapper = SPARQLWrapper(self.endpoint, agent="efop-linked-data")
        wrapper.setMethod(POST)
        wrapper.setTimeout(int(self.timeout) or 1)
        wrapper.setQuery(query)
        wrapper.queryType = CONSTRUCT if graph else SELECT
        wrapper.setReturnFormat(TURTLE if graph else JSON)
        for graph in default_graphs or ():
            wrapper.addDefaultGraph(graph)
        for graph in named_graphs or ():
            wrapper.addNamedGraph(graph)
        return wrapper

    def _fetch(self, wrapper: SPARQLWrapper, accept: str | None = None) -> bytes:
        if accept is not None:
            wrapper.addCustomHttpHeader("Accept", accept)
        try:
            return wrapper.query().response.read()
        except QueryBadFormed as error:
            raise SyntaxError(str(error)) from error
        except (SPARQLWrapperException, URLError, OSError) as error:
            raise StoreError(f"the SPARQL endpoint {self.endpoint} failed: {error}") from error

    def query_results(
        self,
        query: str,
        bindings: Bindings | None = None,
        *,
        graph: bool,
        default_graphs: Sequence[str] = (),
        named_graphs: Sequence[str] = (),
    ):
        """pyoxigraph's result object for a read query: triples when ``graph`` (CONSTRUCT,
        DESCRIBE), else solutions or a boolean (SELECT, ASK)."""
        text = query + values_clause(bindings)
        wrapper = self._wrapper(text, graph, *self._dataset(default_graphs, named_graphs))
        if graph:
            body = self._fetch(wrapper, "text/turtle")
            return [quad.triple for quad in parse(body, format=RdfFormat.TURTLE)]
        body = self._fetch(wrapper, "application/sparql-results+json")
        return parse_query_results(body, format=QueryResultsFormat.JSON)

    def select(self, query: str, bindings: Bindings | None = None) -> list[dict[str, Term]]:
        results = self.query_results(query, bindings, graph=False)
        if not isinstance(results, QuerySolutions):
            raise ValueError("not a SELECT query")
        names = [v.value for v in results.variables]
        return [
            {name: solution[name] for name in names if solution[name] is not None}
            for solution in results
        ]

    def ask(self, query: str, bindings: Bindings | None = None) -> bool:
        results = self.query_results(query, bindings, graph=False)
        if not isinstance(results, QueryBoolean):
            raise ValueError("not an ASK query")
        return bool(results)

    def construct(self, query: str, bindings: Bindings | None = None) -> list[Triple]:
        results = self.query_results(query, bindings, graph=True)
        if not isinstance(results, list):
            raise ValueError("not a CONSTRUCT or DESCRIBE query")
        return results

    def execute(
        self,
        query: str,
        result_format: QueryResultsFormat | RdfFormat,
        *,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
    ) -> bytes:
        graph = isinstance(result_format, RdfFormat)
        wrapper = self._wrapper(query, graph, *self._dataset(default_graphs, named_graphs))
        return self._fetch(wrapper, result_format.media_type)

    def named_graphs(self) -> list[str]:
        """Every named graph the server holds (asked without a dataset, so all of them)."""
        wrapper = self._wrapper(GRAPHS_QUERY, False)
        body = self._fetch(wrapper, "application/sparql-results+json")
        rows = parse_query_results(body, format=QueryResultsFormat.JSON)
        if not isinstance(rows, QuerySolutions):
            raise StoreError(f"the SPARQL endpoint {self.endpoint} did not list its graphs")
        return sorted({row["g"].value for row in rows if row["g"] is not None})
