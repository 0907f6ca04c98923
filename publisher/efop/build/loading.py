"""Puts the validated graphs into a new Oxigraph store, one named graph per source.

The store receives exactly the triples that validation saw: each rdflib graph is serialised to
N-Triples and bulk-loaded by Oxigraph's own parser, which is much faster than adding triples one
by one.

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

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import rdflib
from pyoxigraph import NamedNode, Quad, RdfFormat, Store, parse

from efop.namespaces import DEFAULT_BASE, PREFIXES

ONTOLOGY_GRAPH_PATH = "id/graph/ontology"


@dataclass
class GraphInput:
    """What goes into one named graph: its IRI (in the published base) and its sources."""

    iri: str
    files: list[str] = field(default_factory=list)
    graphs: list[rdflib.Graph] = field(default_factory=list)


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


def instance_base(data_graphs: Iterable[rdflib.Graph], base: str) -> str:
    """The base the default base's instances are moved to: ``base`` when this dataset is
    served elsewhere, the default base (no move) when some data already mints its instances
    under ``base`` (a region publishing its own data under its own base)."""
    if base == DEFAULT_BASE:
        return base
    space = base + "id/"
    for graph in data_graphs:
        if any(isinstance(s, rdflib.URIRef) and str(s).startswith(space) for s in graph.subjects()):
            return DEFAULT_BASE
    return base


def plan_graphs(sources, root: Path, ontology_files: Iterable[Path], base: str) -> list[GraphInput]:
    """Named graphs of the build in a stable order: the ontology first, then the data graphs.

    Several data files may share a graph (the reference graph); each graph lists its files
    relative to ``root``.
    """
    ontology = GraphInput(rebase(DEFAULT_BASE + ONTOLOGY_GRAPH_PATH, base))
    ontology.files = [relative_name(path, root) for path in ontology_files]
    ontology.graphs = [sources.ontology]
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


class LoadError(Exception):
    """A validated file holds something Oxigraph refuses (an invalid IRI or language tag)."""


def load_graphs(store: Store, plans: Iterable[GraphInput], base: str) -> None:
    """Bulk-load every planned graph into ``store``."""
    for plan in plans:
        target = NamedNode(plan.iri)
        names = plan.files if len(plan.files) == len(plan.graphs) else [", ".join(plan.files)]
        for name, graph in zip(names, plan.graphs, strict=True):
            try:
                _load_graph(store, graph, target, base)
            except Exception as error:  # rdflib raises bare Exception on IRIs it cannot write
                raise LoadError(f"{name}: {error}") from error


def _load_graph(store: Store, graph: rdflib.Graph, target: NamedNode, base: str) -> None:
    data = graph.serialize(format="nt", encoding="utf-8")
    if base == DEFAULT_BASE:
        store.bulk_load(input=data, format=RdfFormat.N_TRIPLES, to_graph=target)
    else:
        store.bulk_extend(_rebased_quads(data, target, base))


def _rebased_quads(data: bytes, graph: NamedNode, base: str) -> Iterator[Quad]:
    for triple in parse(input=data, format=RdfFormat.N_TRIPLES):
        yield Quad(
            _rebase_term(triple.subject, base),
            _rebase_term(triple.predicate, base),
            _rebase_term(triple.object, base),
            graph,
        )


def _rebase_term(term, base: str):
    if isinstance(term, NamedNode) and term.value.startswith(DEFAULT_BASE):
        return NamedNode(rebase(term.value, base))
    return term


def published_prefixes(base: str) -> dict[str, str]:
    """The project's prefix registry where ``efopid:`` names the instances served under
    ``base``; the vocabulary's prefixes never move."""
    prefixes = dict(PREFIXES)
    prefixes["efopid"] = base + "id/"
    return prefixes
