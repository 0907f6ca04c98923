"""Puts the validated graphs into a new Oxigraph store, one named graph per source.

The store receives exactly the triples that validation saw: validation reads every source file
into a named graph of its own in an Oxigraph store, and each file graph is copied from there into
its published graph in bulk, then dropped from the validation store, so that the data is never
parsed twice and is held at most about once and a file over.

Which IRIs a base other than the default one moves: the vocabulary (ontology, concept schemes
and concepts, shapes, and the graph that holds them) is shared by everyone who publishes EFOP
data, so it always keeps its ``https://w3id.org/efop/`` IRIs. Only instance IRIs (``id/…``)
may move, and only when this dataset is served somewhere else (a laptop, a mirror): then the
instances written under the default base are rewritten under the served base, so that they
dereference there. When some data already mints instances under the served base, the build is
a region's own publication: its instances live there from the start and the national IRIs it
points to are links, left as they are.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import rdflib
from pyoxigraph import Literal, NamedNode, Quad, QueryBoolean, RdfFormat, Store

from efop.namespaces import DEFAULT_BASE, PREFIXES

ONTOLOGY_GRAPH_PATH = "id/graph/ontology"


@dataclass
class GraphInput:
    """What goes into one named graph: its IRI (in the published base) and its sources."""

    iri: str
    files: list[str] = field(default_factory=list)
    graphs: list[NamedNode] = field(default_factory=list)  # file graphs of the source store


VOCABULARY_PATHS = (
    "ontology",
    "shapes",
    "id/concept/",
    "id/scheme/",
    ONTOLOGY_GRAPH_PATH,
)


def is_vocabulary(iri: str) -> bool:
    """Whether ``iri`` is one of the shared terms (never rebased)."""
    if not iri.startswith(DEFAULT_BASE):
        return False
    rest = iri[len(DEFAULT_BASE) :]
    return rest.startswith(VOCABULARY_PATHS)


def rebase(iri: str, base: str) -> str:
    """``iri`` under ``base`` instead of the default base: only an instance IRI moves; the
    vocabulary and IRIs outside the default base are returned unchanged."""
    if base != DEFAULT_BASE and iri.startswith(DEFAULT_BASE + "id/") and not is_vocabulary(iri):
        return base + iri[len(DEFAULT_BASE) :]
    return iri


def published_iri(base: str, path: str) -> str:
    """The IRI that the local ``path`` (``id/…``, ``ontology…``) names on a server whose
    instances live under ``base``: the vocabulary's paths always name the shared terms."""
    shared = DEFAULT_BASE + path
    return shared if is_vocabulary(shared) else base + path


def instance_base(store: Store, file_graphs: Iterable[NamedNode], base: str) -> str:
    """The base the default base's instances are moved to: ``base`` when this dataset is
    served elsewhere, the default base (no move) when some data already mints its instances
    under ``base`` (a region publishing its own data under its own base).

    ``file_graphs`` are the graphs of ``store`` that hold the data files."""
    if base == DEFAULT_BASE:
        return base
    graphs = " ".join(str(graph) for graph in file_graphs)
    if not graphs:
        return base
    query = (
        f"ASK {{ VALUES ?g {{ {graphs} }} GRAPH ?g {{ ?s ?p ?o }}"
        f" FILTER(isIRI(?s) && STRSTARTS(STR(?s), {Literal(base + 'id/')})) }}"
    )
    answer = store.query(query)
    if not isinstance(answer, QueryBoolean):
        raise TypeError("an ASK query answers a boolean")
    return DEFAULT_BASE if bool(answer) else base


def plan_graphs(sources, root: Path, ontology_files: Iterable[Path], base: str) -> list[GraphInput]:
    """Named graphs of the build in a stable order: the ontology first, then the data graphs.

    ``sources`` are the sources read into an Oxigraph store
    (:class:`efop.validation.store_sources.StoreSources`): each plan lists the file graphs of
    that store it is made of. Several data files may share a graph (the reference graph); each
    graph lists its files relative to ``root``.
    """
    ontology = GraphInput(rebase(DEFAULT_BASE + ONTOLOGY_GRAPH_PATH, base))
    ontology.files = [relative_name(path, root) for path in ontology_files]
    ontology.graphs = [part.graph for part in sources.ontology_files]
    plans: dict[str, GraphInput] = {ontology.iri: ontology}
    for data_file in sources.data:
        iri = rebase(data_file.graph_iri, base)
        plan = plans.setdefault(iri, GraphInput(iri))
        plan.files.append(relative_name(data_file.path, root))
        plan.graphs.append(data_file.graph)
    return list(plans.values())


def relative_name(path: Path, root: Path) -> str:
    """``path`` relative to the repository ``root`` (POSIX), or absolute when outside it."""
    resolved = Path(path).resolve()
    try:
        return resolved.relative_to(root.resolve()).as_posix()
    except ValueError:
        return resolved.as_posix()


def load_graphs(source: Store, plans: Iterable[GraphInput], base: str) -> Store:
    """The dataset: every planned file graph of ``source`` moved into its published graph,
    the instances of the default base rewritten under ``base`` (see :func:`rebase`).

    At the default base nothing is rewritten and Oxigraph moves the triples within ``source``,
    which becomes the dataset; otherwise each file graph is copied term by term into a new
    store and removed from ``source`` once copied, so that the data is held about once. Either
    way blank nodes keep their labels, and graphs of ``source`` that no plan names (files read
    for context only) are not published.
    """
    plans = list(plans)
    if base == DEFAULT_BASE:
        for plan in plans:
            target = NamedNode(plan.iri)
            for graph in plan.graphs:
                source.update(f"ADD {graph} TO {target}; DROP GRAPH {graph}")
        published = {NamedNode(plan.iri) for plan in plans}
        for graph in list(source.named_graphs()):
            if graph not in published:
                source.remove_graph(graph)
        return source
    dataset = Store()
    for plan in plans:
        target = NamedNode(plan.iri)
        for graph in plan.graphs:
            dataset.bulk_extend(
                Quad(
                    _rebase_term(q.subject, base),
                    _rebase_term(q.predicate, base),
                    _rebase_term(q.object, base),
                    target,
                )
                for q in source.quads_for_pattern(None, None, None, graph)
            )
            source.remove_graph(graph)
    return dataset


def _rebase_term(term, base: str):
    if isinstance(term, NamedNode) and term.value.startswith(DEFAULT_BASE):
        return NamedNode(rebase(term.value, base))
    return term


def ontology_header(source: Store, graphs: Iterable[NamedNode]) -> rdflib.Graph:
    """The statements about the ontology itself (its ``owl:Ontology`` resources) in the
    ontology file graphs of ``source``: what the manifest and the description quote."""
    values = " ".join(str(graph) for graph in graphs)
    ontology = NamedNode(PREFIXES["owl"] + "Ontology")
    header = rdflib.Graph()
    if not values:
        return header
    query = (
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ VALUES ?g {{ {values} }}"
        f" GRAPH ?g {{ ?s a {ontology} ; ?p ?o }} }}"
    )
    data = source.query(query).serialize(format=RdfFormat.N_TRIPLES)
    header.parse(data=data, format="nt")
    return header


def published_prefixes(base: str) -> dict[str, str]:
    """The project's prefix registry where ``efopid:`` names the instances served under
    ``base``; the vocabulary's prefixes never move."""
    prefixes = dict(PREFIXES)
    prefixes["efopid"] = base + "id/"
    return prefixes
