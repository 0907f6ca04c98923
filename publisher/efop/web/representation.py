"""Serialising a set of triples in each RDF format the publisher offers.

Turtle, RDF/XML and N-Triples come from pyoxigraph's serialisers; JSON-LD is compacted by
rdflib with the project's context, the same one published at ``/context.jsonld``, written
inline so that a client never has to fetch it to read the data.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from pyoxigraph import Literal, NamedNode, RdfFormat, Triple, serialize

from efop.build.loading import published_prefixes
from efop.namespaces import PREFIXES
from efop.web.negotiation import JSONLD, Format

RDF_TYPE = PREFIXES["rdf"] + "type"


def prefixes_for(base: str) -> dict[str, str]:
    """The project prefixes with ``efopid:`` naming the instances served under ``base``."""
    return published_prefixes(base)


def jsonld_context(base: str) -> dict[str, str]:
    """The JSON-LD ``@context`` object: one term per registered prefix."""
    return dict(prefixes_for(base))


def serialize_triples(triples: Iterable[Triple], fmt: Format, base: str) -> bytes:
    """The triples in ``fmt`` (an RDF format), with the project prefixes where they apply."""
    triples = list(triples)
    if fmt is JSONLD:
        return _jsonld(triples, base)
    if fmt.rdf_format is None:
        raise ValueError(f"{fmt.name} is not an RDF format")
    prefixes = used_prefixes(triples, base) if fmt.rdf_format is not RdfFormat.N_TRIPLES else None
    return serialize(triples, format=fmt.rdf_format, prefixes=prefixes)


def used_prefixes(triples: list[Triple], base: str) -> dict[str, str]:
    """The prefixes of the vocabularies the triples use; instances (under ``{base}id/``) are
    written in full, their paths being unreadable as prefixed names."""
    iris = {
        term.value
        for triple in triples
        for term in (triple.subject, triple.predicate, triple.object)
        if isinstance(term, NamedNode)
    }
    iris |= {t.object.datatype.value for t in triples if isinstance(t.object, Literal)}
    return {
        prefix: namespace
        for prefix, namespace in prefixes_for(base).items()
        if not namespace.startswith(base + "id/") and any(i.startswith(namespace) for i in iris)
    }


def _jsonld(triples: list[Triple], base: str) -> bytes:
    """pyoxigraph's JSON-LD, its property and class IRIs written as compact IRIs of the context.

    Classes are given with ``@type`` (rdf:type values that are nodes). Only keys and ``@type``
    values are compacted, with prefixes defined in the inline context; node identifiers stay
    absolute, so expanding the document gives back the same triples.
    """
    context = jsonld_context(base)
    nodes = json.loads(serialize(triples, format=RdfFormat.JSON_LD)) if triples else []
    namespaces = sorted(context.items(), key=lambda item: -len(item[1]))

    def compact(iri: str) -> str:
        for prefix, namespace in namespaces:
            if iri.startswith(namespace) and len(iri) > len(namespace):
                return f"{prefix}:{iri[len(namespace) :]}"
        return iri

    def value(item: dict) -> dict:
        if "@type" in item:
            return {**item, "@type": compact(item["@type"])}
        return item

    def node_of(node: dict) -> dict:
        compacted: dict = {}
        for key, values in node.items():
            if key.startswith("@"):
                compacted[key] = values
                continue
            if key == RDF_TYPE:
                classes = [v["@id"] for v in values if set(v) == {"@id"}]
                if classes:
                    compacted["@type"] = [compact(iri) for iri in classes]
                values = [v for v in values if set(v) != {"@id"}]
                if not values:
                    continue
            compacted[compact(key)] = [value(v) for v in values]
        return compacted

    graph = [node_of(node) for node in nodes]
    return json.dumps({"@context": context, "@graph": graph}, ensure_ascii=False, indent=1).encode(
        "utf-8"
    )


def sparql_prologue_for(base: str) -> str:
    """PREFIX declarations of every project prefix, with the project namespaces under ``base``."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in prefixes_for(base).items())
