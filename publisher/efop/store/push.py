"""Loading a build into an external triplestore with the SPARQL 1.1 Graph Store HTTP Protocol.

Each named graph of the build is sent with one ``PUT`` (which replaces that graph on the
server, so pushing twice gives the same result), then the server is asked how many triples it
holds per graph and the counts are compared with the build's manifest: a push that did not
land completely is reported, never assumed. Last, the data is read the way the publisher will
read it, over a dataset whose default graph is the union of the build's graphs (SPARQL 1.1
Protocol ``default-graph-uri``): a server that ignores those parameters and keeps a separate,
empty default graph would serve nothing, and the push says so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.error import HTTPError, URLError
from urllib.parse import quote
from urllib.request import Request, urlopen

from pyoxigraph import NamedNode, RdfFormat, serialize

from efop.build import Build
from efop.store.base import StoreError
from efop.store.embedded import EmbeddedStore
from efop.store.remote import RemoteStore

COUNT_QUERY = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
UNION_QUERY = "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"
DEFAULT_GRAPH = "(default graph)"  # the key of the union's count among the mismatches


@dataclass
class PushReport:
    sent: dict[str, int] = field(default_factory=dict)
    removed: list[str] = field(default_factory=list)
    mismatches: dict[str, tuple[int, int]] = field(default_factory=dict)  # graph: (build, server)

    @property
    def ok(self) -> bool:
        return not self.mismatches


def graph_url(graph_store: str, graph: str) -> str:
    separator = "&" if "?" in graph_store else "?"
    return f"{graph_store}{separator}graph={quote(graph, safe='')}"


def _send(method: str, url: str, body: bytes | None, timeout: float) -> None:
    headers = {"Content-Type": "application/n-triples"} if body is not None else {}
    request = Request(url, data=body, method=method, headers=headers)
    try:
        with urlopen(request, timeout=timeout) as response:
            response.read()
    except HTTPError as error:
        detail = error.read().decode("utf-8", "replace")[:500]
        raise StoreError(f"{method} {url} -> HTTP {error.code}: {detail}") from error
    except (URLError, OSError) as error:
        raise StoreError(f"{method} {url} failed: {error}") from error


def push(
    build: Build,
    remote: RemoteStore,
    *,
    prune: bool = False,
    progress: Callable[[str], None] | None = None,
) -> PushReport:
    """Replace each graph of ``build`` on ``remote``; with ``prune``, also delete the server's
    graphs that the build does not have. Returns what was sent and any count mismatch."""
    say = progress or (lambda message: None)
    report = PushReport()
    expected = {g: int(info["triples"]) for g, info in build.manifest["graphs"].items()}
    local = EmbeddedStore.open(build.store_path).oxigraph
    for graph in sorted(expected):
        quads = local.quads_for_pattern(None, None, None, NamedNode(graph))
        body = serialize((q.triple for q in quads), format=RdfFormat.N_TRIPLES)
        _send("PUT", graph_url(remote.graph_store, graph), body, remote.timeout)
        report.sent[graph] = expected[graph]
        say(f"PUT {graph} ({expected[graph]} triples)")
    if prune:
        for graph in sorted(set(remote.named_graphs()) - set(expected)):
            _send("DELETE", graph_url(remote.graph_store, graph), None, remote.timeout)
            report.removed.append(graph)
            say(f"DELETE {graph}")
    built = RemoteStore(remote.endpoint, timeout=remote.timeout, graphs=sorted(expected))
    counts = {row["g"].value: int(row["n"].value) for row in built.select(COUNT_QUERY)}
    for graph, triples in expected.items():
        if counts.get(graph, 0) != triples:
            report.mismatches[graph] = (triples, counts.get(graph, 0))
    union = int(build.manifest["triples"])
    rows = built.select(UNION_QUERY)
    visible = int(rows[0]["n"].value) if rows and "n" in rows[0] else 0
    if visible != union:
        report.mismatches[DEFAULT_GRAPH] = (union, visible)
    return report
