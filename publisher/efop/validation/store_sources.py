"""Reads the sources straight into an Oxigraph store, for validation at scale.

rdflib parses about ten times slower than Oxigraph and holds a graph in many Python objects, so
the compiled engine parses each file with Oxigraph into a named graph of its own (named after
the file): the union of the graphs is what the shapes see, and the graph of a triple tells which
file states it. The refusals of :mod:`efop.validation.load` (DTDs in RDF/XML, remote JSON-LD
contexts, unknown formats) are applied to each file before any parser sees it; a syntax error
becomes a :class:`SourceError` with the file and line.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import NamedNode, Quad, RdfFormat, Store, parse
from rdflib import RDF, BNode, Graph, URIRef

from efop.config import Settings
from efop.validation.load import (
    ONTOLOGY_GRAPH,
    QUAD_FORMATS,
    SOURCE_DOCUMENT,
    LoadedSources,
    SourceError,
    graph_iri_of,
    merge,
    parse_file,
    read_checked,
    select_files,
)

OXIGRAPH_FORMATS: dict[str, RdfFormat] = {
    "turtle": RdfFormat.TURTLE,
    "trig": RdfFormat.TRIG,
    "nt": RdfFormat.N_TRIPLES,
    "nquads": RdfFormat.N_QUADS,
    "xml": RdfFormat.RDF_XML,
    "json-ld": RdfFormat.JSON_LD,
}


@dataclass
class StoredFile:
    """One source file: its path, the store graph holding its triples, its publication graph."""

    path: Path
    graph: NamedNode
    graph_iri: str


@dataclass
class StoreSources:
    """The sources of a validation held in one Oxigraph store (see :class:`LoadedSources`)."""

    store: Store
    shapes: Graph
    data: list[StoredFile]
    ontology_files: list[StoredFile] = field(default_factory=list)
    context: list[StoredFile] = field(default_factory=list)


def load_store_sources(
    settings: Settings,
    data_paths: Sequence[Path | str] | None = None,
    *,
    with_repository_data: bool = False,
) -> StoreSources:
    """Like :func:`efop.validation.load.load_sources`, into an Oxigraph store."""
    files = select_files(settings, data_paths, with_repository_data=with_repository_data)
    store = Store()
    ontology = [StoredFile(path, read_into(store, path), ONTOLOGY_GRAPH) for path in files.ontology]
    shapes = merge(parse_file(p) for p in files.shapes)
    data = [read_data_file(store, path, settings) for path in files.data]
    context = [read_data_file(store, path, settings) for path in files.context]
    return StoreSources(store, shapes, data, ontology, context)


def read_data_file(store: Store, path: Path, settings: Settings) -> StoredFile:
    graph = read_into(store, path)
    return StoredFile(path, graph, publication_graph(store, path, graph, settings.data_dir))


def file_graph(path: Path) -> NamedNode:
    """The store graph of a file: named by the file's own IRI, also its base IRI."""
    return NamedNode(path.resolve().as_uri())


def read_into(store: Store, path: Path) -> NamedNode:
    """Parse one local file into its own graph of ``store``, refusing unsafe input first."""
    fmt, raw = read_checked(path)
    graph = file_graph(path)
    try:
        if fmt in QUAD_FORMATS:
            triples = parse(input=raw, format=OXIGRAPH_FORMATS[fmt], base_iri=graph.value)
            store.bulk_extend(Quad(q.subject, q.predicate, q.object, graph) for q in triples)
        else:
            store.bulk_load(
                input=raw, format=OXIGRAPH_FORMATS[fmt], base_iri=graph.value, to_graph=graph
            )
    except SyntaxError as error:
        raise SourceError(path, error.lineno, error.msg) from None
    return graph


def publication_graph(store: Store, path: Path, graph: NamedNode, data_dir: Path) -> str:
    """The named graph a data file is published in (the rule of ``load.graph_iri_of``)."""
    documents = Graph()
    for quad in store.quads_for_pattern(
        None, NamedNode(str(RDF.type)), NamedNode(str(SOURCE_DOCUMENT)), graph
    ):
        subject = quad.subject
        node = URIRef(subject.value) if isinstance(subject, NamedNode) else BNode(subject.value)
        documents.add((node, RDF.type, SOURCE_DOCUMENT))
    return graph_iri_of(path, documents, data_dir)


def from_loaded(sources: LoadedSources) -> StoreSources:
    """A store holding sources already parsed by rdflib.

    The triples are copied as rdflib accepted them (Oxigraph's lenient mode): an IRI or
    language tag that Oxigraph would refuse is validated like any other term here, and refused
    where the sources are loaded for publication, with the name of their file.
    """
    store = Store()

    def stored(part) -> StoredFile:
        graph = file_graph(part.path)
        data = part.graph.serialize(format="nt", encoding="utf-8")
        store.bulk_load(input=data, format=RdfFormat.N_TRIPLES, to_graph=graph, lenient=True)
        return StoredFile(part.path, graph, part.graph_iri)

    return StoreSources(
        store,
        sources.shapes,
        [stored(part) for part in sources.data],
        [stored(part) for part in sources.ontology_files],
        [stored(part) for part in sources.context],
    )
