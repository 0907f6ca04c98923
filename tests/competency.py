"""Runs the stored queries of ``queries/`` over the repository's ontology and data.

Loads every file once per test session into an in-memory Oxigraph store, each data file in
its own named graph, with the union of graphs as the default graph (as the published dataset).
"""

from __future__ import annotations

from functools import lru_cache

from pyoxigraph import NamedNode, RdfFormat, Store

from efop.config import Settings
from efop.queries import load_catalogue
from efop.store.embedded import EmbeddedStore

REFERENCE_GRAPH = "https://w3id.org/efop/id/graph/reference"
ONTOLOGY_GRAPH = "https://w3id.org/efop/id/graph/ontology"


@lru_cache(maxsize=1)
def dataset() -> EmbeddedStore:
    settings = Settings()
    store = Store()
    files = sorted(settings.ontology_dir.rglob("*.ttl"))
    for path in files:
        store.load(path=str(path), format=RdfFormat.TURTLE, to_graph=NamedNode(ONTOLOGY_GRAPH))
    data_files = sorted(settings.data_dir.rglob("*.ttl"))
    assert data_files, "no data file found under data/"
    for path in data_files:
        graph = REFERENCE_GRAPH if "sources" not in path.parts else path.as_uri()
        store.load(path=str(path), format=RdfFormat.TURTLE, to_graph=NamedNode(graph))
    return EmbeddedStore(store)


def run(name: str, **params: str) -> list[dict[str, str]]:
    """Rows of stored query ``name`` (parameters by name), each value as its lexical form."""
    query = load_catalogue(Settings().queries_dir)[name]
    rows = dataset().select(query.text, query.bindings(params))
    return [{k: v.value for k, v in row.items()} for row in rows]


def column(name: str, var: str, **params: str) -> set[str]:
    """The set of values of one variable in the rows of a stored query."""
    return {row[var] for row in run(name, **params) if var in row}
