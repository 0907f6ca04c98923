"""The SPARQL endpoint without HTTP: check a query, then run it within the limits.

The web layer maps requests and responses to and from this class; the checks and the bounded
evaluation live here so they can be tested and reused without Flask.
"""

from __future__ import annotations

from collections.abc import Callable, Collection

from efop.sparql.formats import ResultFormat
from efop.sparql.guard import CheckedQuery, check_protocol_graphs, inspect
from efop.sparql.limits import Limits
from efop.sparql.results import Answer, Job, run
from efop.sparql.worker import QueryPool
from efop.store.base import Bindings, QueryKind, Store


class Endpoint:
    """One store's endpoint. With an ``opener`` (a picklable callable that opens the same store
    in another process), queries run in killable worker processes; without one (a store that
    only exists in this process, as in unit tests), they run here and the time limit is not
    enforced."""

    def __init__(
        self,
        store: Store,
        limits: Limits,
        *,
        allowed_services: Collection[str] = (),
        opener: Callable[[], Store] | None = None,
    ):
        self.store = store
        self.limits = limits
        self.allowed_services = frozenset(allowed_services)
        self.graphs = frozenset(store.named_graphs())
        self.pool = (
            QueryPool(opener, size=limits.workers, timeout=limits.timeout) if opener else None
        )

    def check(
        self,
        text: str,
        default_graphs: Collection[str] = (),
        named_graphs: Collection[str] = (),
    ) -> CheckedQuery:
        check_protocol_graphs([*default_graphs, *named_graphs], self.graphs)
        return inspect(text, store_graphs=self.graphs, allowed_services=self.allowed_services)

    def run(
        self,
        query: CheckedQuery,
        fmt: ResultFormat,
        default_graphs: Collection[str] = (),
        named_graphs: Collection[str] = (),
        bindings: Bindings | None = None,
    ) -> Answer:
        if not default_graphs and not named_graphs:
            # the query's own FROM / FROM NAMED, sent the way every engine honours (some, such
            # as a union-default-graph Oxigraph server, ignore FROM but not the protocol's)
            default_graphs, named_graphs = sorted(query.dataset[0]), sorted(query.dataset[1])
        job = Job(
            query=query.text,
            media_type=fmt.media_type,
            solutions=query.kind in (QueryKind.SELECT, QueryKind.ASK),
            default_graphs=tuple(default_graphs),
            named_graphs=tuple(named_graphs),
            max_rows=self.limits.max_rows,
            bindings=tuple((bindings or {}).items()),
        )
        if self.pool is None:
            return run(self.store, job)
        return self.pool.run(job)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.close()
