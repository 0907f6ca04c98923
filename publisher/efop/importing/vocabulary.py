"""What an import can refer to outside the steward's own rows: the concepts of the model's
concept schemes (by code or by label) and the resources already in the dataset (territories by
INSEE code, any resource by IRI)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from rdflib import RDF, RDFS, SKOS, Graph, Literal, URIRef

from efop.importing.text import header_key, slugify
from efop.namespaces import DEFAULT_BASE, IGEO, PREFIXES

SCHEME_BASE = DEFAULT_BASE + "id/scheme/"
CONCEPT_BASE = DEFAULT_BASE + "id/concept/"

# INSEE code properties, by the scale word used in the model's territory slugs.
CODE_PROPERTIES = {
    "region": IGEO.codeRegion,
    "departement": IGEO.codeDepartement,
    "commune": IGEO.codeCommune,
}


@dataclass
class ConceptIndex:
    """Concepts of each scheme, found by slug, label or alternative label."""

    by_scheme: dict[str, dict[str, URIRef]] = field(default_factory=dict)
    slugs: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def from_graph(cls, graph: Graph) -> ConceptIndex:
        index = cls()
        for concept, scheme in graph.subject_objects(SKOS.inScheme):
            if not (str(scheme).startswith(SCHEME_BASE) and str(concept).startswith(CONCEPT_BASE)):
                continue
            name = str(scheme)[len(SCHEME_BASE) :]
            slug = str(concept).rsplit("/", 1)[-1]
            lookup = index.by_scheme.setdefault(name, {})
            index.slugs.setdefault(name, []).append(slug)
            lookup[header_key(slug)] = URIRef(concept)
            for prop in (SKOS.prefLabel, SKOS.altLabel, SKOS.notation):
                for label in graph.objects(concept, prop):
                    lookup.setdefault(header_key(str(label)), URIRef(concept))
        for slugs in index.slugs.values():
            slugs.sort()
        return index

    def find(self, scheme: str, text: str) -> URIRef | None:
        return self.by_scheme.get(scheme, {}).get(header_key(text))

    def slug(self, concept: URIRef) -> str:
        return str(concept).rsplit("/", 1)[-1]


def label_of(graph: Graph, resource: URIRef, lang: str = "fr") -> str | None:
    labels = list(graph.objects(resource, RDFS.label))
    for label in labels:
        if isinstance(label, Literal) and label.language == lang:
            return str(label)
    return str(labels[0]) if labels else None


@dataclass
class DatasetIndex:
    """The resources of the dataset an import may point to."""

    graph: Graph
    territories_by_code: dict[tuple[URIRef, str], list[URIRef]] = field(default_factory=dict)

    @classmethod
    def from_graph(cls, graph: Graph) -> DatasetIndex:
        by_code: dict[tuple[URIRef, str], list[URIRef]] = defaultdict(list)
        for prop in CODE_PROPERTIES.values():
            for territory, code in graph.subject_objects(prop):
                if isinstance(territory, URIRef):
                    by_code[(prop, str(code))].append(territory)
        return cls(graph, {k: sorted(set(v)) for k, v in by_code.items()})

    def knows(self, iri: URIRef) -> bool:
        return (iri, RDF.type, None) in self.graph or (iri, RDFS.label, None) in self.graph

    def label(self, iri: URIRef) -> str | None:
        return label_of(self.graph, iri)


def as_iri(text: str) -> URIRef | None:
    """The IRI written in a cell, as a full ``http(s)`` IRI or a registered prefixed name."""
    value = text.strip()
    if value.startswith(("http://", "https://")) and not any(c in value for c in ' <>"{}|\\^`'):
        return URIRef(value)
    prefix, colon, local = value.partition(":")
    if colon and prefix in PREFIXES and local and " " not in local:
        return URIRef(PREFIXES[prefix] + local)
    return None


def parse_code_reference(text: str) -> tuple[list[URIRef], str] | None:
    """``region/53`` → ([igeo:codeRegion], "53"); a bare ``53`` → (every code property, "53");
    None when the text does not look like an INSEE code."""
    scale, slash, code = text.strip().partition("/")
    if slash:
        prop = CODE_PROPERTIES.get(slugify(scale))
        return ([prop], code.strip().upper()) if prop is not None and code.strip() else None
    value = text.strip().upper()
    if value.isdigit() or (len(value) in (2, 5) and value[:2] in ("2A", "2B")):
        return list(CODE_PROPERTIES.values()), value
    return None


def curie(iri: str) -> str:
    """``iri`` as a prefixed name when a registered namespace holds it."""
    best = max((ns for ns in PREFIXES.values() if iri.startswith(ns)), key=len, default=None)
    if best is None:
        return f"<{iri}>"
    prefix = next(p for p, ns in PREFIXES.items() if ns == best)
    return f"{prefix}:{iri[len(best) :]}"


def full_iri(short: str) -> str:
    """The IRI of a term as validation reports it (``<iri>`` or a prefixed name)."""
    if short.startswith("<") and short.endswith(">"):
        return short[1:-1]
    prefix, colon, local = short.partition(":")
    if colon and prefix in PREFIXES:
        return PREFIXES[prefix] + local
    return short
