"""The embedded store: an Oxigraph database written by ``efop build``, opened read-only.

Several server processes can open the same build at once; the build itself writes a new
store beside the live one (see :mod:`efop.build`), so this module never writes.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pyoxigraph import (
    NamedNode,
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    RdfFormat,
    Variable,
)
from pyoxigraph import (
    Store as OxStore,
)

from efop.store.base import Bindings, StoreError, Term


def _substitutions(bindings: Bindings | None) -> dict | None:
    if not bindings:
        return None
    return {Variable(name): value for name, value in bindings.items()}


class EmbeddedStore:
    """Read-only access to an Oxigraph store directory (or an in-memory store for tests)."""

    def __init__(self, store: OxStore):
        self._store = store

    @classmethod
    def open(cls, path: Path) -> EmbeddedStore:
        if not path.is_dir():
            raise StoreError(f"no store at {path}: run `efop build` first")
        try:
            return cls(OxStore.read_only(str(path)))
        except (OSError, RuntimeError) as error:  # pyoxigraph reports corruption as RuntimeError
            raise StoreError(f"the store at {path} cannot be opened: {error}") from error

    @property
    def oxigraph(self) -> OxStore:
        """The underlying pyoxigraph store, for code that needs its native features."""
        return self._store

    def _query(self, query: str, bindings: Bindings | None = None, **options):
        return self._store.query(
            query,
            use_default_graph_as_union=options.pop("union", True),
            substitutions=_substitutions(bindings),
            **options,
        )

    def select(self, query: str, bindings: Bindings | None = None) -> list[dict[str, Term]]:
        results = self._query(query, bindings)
        if not isinstance(results, QuerySolutions):
            raise ValueError("not a SELECT query")
        names = [v.value for v in results.variables]
        rows = []
        for solution in results:
            row = {}
            for name in names:
                value = solution[name]
                if value is not None:
                    row[name] = value
            rows.append(row)
        return rows

    def ask(self, query: str, bindings: Bindings | None = None) -> bool:
        results = self._query(query, bindings)
        if not isinstance(results, QueryBoolean):
            raise ValueError("not an ASK query")
        return bool(results)

    def construct(self, query: str, bindings: Bindings | None = None) -> list:
        results = self._query(query, bindings)
        if isinstance(results, QuerySolutions | QueryBoolean):
            raise ValueError("not a CONSTRUCT or DESCRIBE query")
        return list(results)

    def execute(
        self,
        query: str,
        result_format: QueryResultsFormat | RdfFormat,
        *,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
    ) -> bytes:
        options: dict = {}
        if default_graphs:
            options["default_graph"] = [NamedNode(g) for g in default_graphs]
            options["union"] = False
        if named_graphs:
            options["named_graphs"] = [NamedNode(g) for g in named_graphs]
        results = self._query(query, None, **options)
        return results.serialize(format=result_format)

    def named_graphs(self) -> list[str]:
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, NamedNode))
