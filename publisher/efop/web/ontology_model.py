"""The ontology read for its documentation: classes and properties with their labels,
definitions, hierarchy, domains and ranges, taken from the ontology graph of the build.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import rdflib
from pyoxigraph import BlankNode, NamedNode, RdfFormat, Triple, serialize
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from efop.store import Store

ONTOLOGY_GRAPH_TRIPLES = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"
PROPERTY_TYPES = {
    OWL.ObjectProperty: "object",
    OWL.DatatypeProperty: "datatype",
    OWL.AnnotationProperty: "annotation",
}


def ontology_triples(store: Store, graph_iri: str, id_namespace: str) -> list[Triple]:
    """The ontology graph without the concept schemes and concepts, which have their own IRIs."""
    triples = store.construct(ONTOLOGY_GRAPH_TRIPLES, {"g": NamedNode(graph_iri)})
    return [
        t
        for t in triples
        if isinstance(t.subject, BlankNode) or not t.subject.value.startswith(id_namespace)
    ]


@dataclass
class Term:
    """A class or property of the ontology, as documented."""

    iri: str
    kind: str
    labels: dict[str, str] = field(default_factory=dict)
    definitions: dict[str, str] = field(default_factory=dict)
    parents: list[str] = field(default_factory=list)
    children: list[str] = field(default_factory=list)
    domains: list[str] = field(default_factory=list)
    ranges: list[str] = field(default_factory=list)
    characteristics: list[str] = field(default_factory=list)
    inverse: list[str] = field(default_factory=list)

    @property
    def local_name(self) -> str:
        return self.iri.rsplit("#", 1)[-1]


@dataclass
class Ontology:
    iri: str
    namespace: str
    graph: rdflib.Graph
    classes: dict[str, Term]
    properties: dict[str, Term]

    def header(self) -> list[tuple[str, str, bool, str | None]]:
        """(predicate, value, whether the value is an IRI, its language) about the ontology."""
        rows = [
            (str(p), str(o), isinstance(o, rdflib.URIRef), getattr(o, "language", None))
            for p, o in self.graph.predicate_objects(rdflib.URIRef(self.iri))
            if not isinstance(o, rdflib.BNode)
        ]
        return sorted(rows)

    def _text(self, predicate: rdflib.URIRef, lang: str) -> str | None:
        values = list(self.graph.objects(rdflib.URIRef(self.iri), predicate))
        for value in values:
            if getattr(value, "language", None) == lang:
                return str(value)
        return str(values[0]) if values else None

    def title(self, lang: str) -> str | None:
        return self._text(DCTERMS.title, lang) or self._text(RDFS.label, lang)

    def description(self, lang: str) -> str | None:
        return self._text(DCTERMS.description, lang) or self._text(RDFS.comment, lang)

    def with_domain(self, class_iri: str) -> list[str]:
        return [p.iri for p in self.properties.values() if class_iri in p.domains]

    def roots(self) -> list[Term]:
        """Classes of the namespace with no superclass in the namespace."""
        return [t for t in self.classes.values() if not any(p in self.classes for p in t.parents)]


def _texts(graph: rdflib.Graph, node, *predicates) -> dict[str, str]:
    found: dict[str, str] = {}
    for predicate in predicates:
        for value in graph.objects(node, predicate):
            found.setdefault(getattr(value, "language", None) or "", str(value))
    return found


def _members(graph: rdflib.Graph, node) -> list[str]:
    """IRIs named by a class expression: the IRI itself, or the members of an owl:unionOf."""
    if isinstance(node, rdflib.URIRef):
        return [str(node)]
    union = graph.value(node, OWL.unionOf)
    if union is None:
        return []
    return [str(m) for m in Collection(graph, union) if isinstance(m, rdflib.URIRef)]


def _term(graph: rdflib.Graph, node: rdflib.URIRef, kind: str, parent: rdflib.URIRef) -> Term:
    term = Term(str(node), kind)
    term.labels = _texts(graph, node, RDFS.label, SKOS.prefLabel)
    term.definitions = _texts(graph, node, SKOS.definition, RDFS.comment)
    term.parents = sorted(
        str(p) for p in graph.objects(node, parent) if isinstance(p, rdflib.URIRef)
    )
    term.domains = [m for d in graph.objects(node, RDFS.domain) for m in _members(graph, d)]
    term.ranges = [m for r in graph.objects(node, RDFS.range) for m in _members(graph, r)]
    term.inverse = [str(i) for i in graph.objects(node, OWL.inverseOf)]
    term.characteristics = sorted(
        str(t).rsplit("#", 1)[-1]
        for t in graph.objects(node, RDF.type)
        if t not in PROPERTY_TYPES and t not in (OWL.Class, RDF.Property)
    )
    return term


def read_ontology(triples: list[Triple], ontology_iri: str) -> Ontology:
    graph = rdflib.Graph()
    graph.parse(data=serialize(triples, format=RdfFormat.N_TRIPLES), format="nt")
    namespace = ontology_iri + "#"
    classes = {
        str(c): _term(graph, c, "class", RDFS.subClassOf)
        for c in set(graph.subjects(RDF.type, OWL.Class))
        if isinstance(c, rdflib.URIRef) and str(c).startswith(namespace)
    }
    properties = {}
    for rdf_type, kind in PROPERTY_TYPES.items():
        for p in set(graph.subjects(RDF.type, rdf_type)):
            if isinstance(p, rdflib.URIRef) and str(p).startswith(namespace):
                properties[str(p)] = _term(graph, p, kind, RDFS.subPropertyOf)
    for terms in (classes, properties):
        for term in terms.values():
            for parent in term.parents:
                if parent in terms:
                    terms[parent].children.append(term.iri)
    return Ontology(
        ontology_iri,
        namespace,
        graph,
        dict(sorted(classes.items())),
        dict(sorted(properties.items())),
    )
