"""The store protocol every layer above talks to.

Nothing above this module knows whether the data sits in the embedded Oxigraph store or in a
remote SPARQL 1.1 endpoint. Terms are pyoxigraph terms (``NamedNode``, ``Literal``, ...), which
both implementations produce. ``bindings`` are values substituted for variables by the engine
(SPARQL SEP-0007 substitution) or by the library's own term serialisation, never by pasting
text into a query.
A bound variable must appear in the SELECT projection (or the CONSTRUCT template): the
substitution replaces it everywhere, as if the query had been written with the value.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import Enum
from typing import Protocol

from pyoxigraph import BlankNode, Literal, NamedNode, QueryResultsFormat, RdfFormat, Triple

Term = NamedNode | BlankNode | Literal | Triple
Bindings = Mapping[str, Term]


class StoreError(Exception):
    """The store could not answer (missing, damaged, unreachable)."""


class QueryKind(Enum):
    SELECT = "SELECT"
    ASK = "ASK"
    CONSTRUCT = "CONSTRUCT"
    DESCRIBE = "DESCRIBE"


class Store(Protocol):
    """Read access to the dataset. The default graph of every query is the union of all graphs."""

    def select(self, query: str, bindings: Bindings | None = None) -> list[dict[str, Term]]:
        """Rows of a SELECT query; unbound variables are absent from a row."""
        ...

    def ask(self, query: str, bindings: Bindings | None = None) -> bool: ...

    def construct(self, query: str, bindings: Bindings | None = None) -> list[Triple]:
        """Triples of a CONSTRUCT or DESCRIBE query."""
        ...

    def execute(
        self,
        query: str,
        result_format: QueryResultsFormat | RdfFormat,
        *,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
    ) -> bytes:
        """Run any read query and serialise its results, for the SPARQL endpoint."""
        ...

    def named_graphs(self) -> list[str]: ...


def query_kind(results: object) -> QueryKind:
    """Kind of a pyoxigraph query result object."""
    from pyoxigraph import QueryBoolean, QuerySolutions

    if isinstance(results, QuerySolutions):
        return QueryKind.SELECT
    if isinstance(results, QueryBoolean):
        return QueryKind.ASK
    return QueryKind.CONSTRUCT
