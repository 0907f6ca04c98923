"""The HTML page of one resource: what the description says, laid out for people.

Labels come in the visitor's language; each statement names the named graph (the source
document) it comes from; the page embeds its own data as JSON-LD, with the schema.org type
that fits the resource's class.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field

from flask import render_template, request
from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from efop.namespaces import PREFIXES, PROV, SCHEMA, sparql_prologue
from efop.store import Store
from efop.web.catalog import label_lookup
from efop.web.context import serving
from efop.web.labels import Namer
from efop.web.negotiation import JSONLD, RDF_FORMATS
from efop.web.representation import serialize_triples

RDF_TYPE = PREFIXES["rdf"] + "type"
OUTGOING_BY_GRAPH = "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
INCOMING_BY_GRAPH = "SELECT ?s ?x ?p ?g WHERE { GRAPH ?g { ?x ?p ?s } }"
SUPERCLASSES = (
    sparql_prologue(["rdfs"])
    + """
SELECT DISTINCT ?s ?class WHERE { ?s a ?type . ?type rdfs:subClassOf* ?class }
"""
)

# schema.org types for the JSON-LD embedded in pages, most specific first.
SCHEMA_TYPES: tuple[tuple[str, str], ...] = (
    ("efop:PublicActor", "GovernmentOrganization"),
    ("efop:GovernanceBody", "Organization"),
    ("efop:BodyUnit", "Organization"),
    ("efop:Actor", "Organization"),
    ("efop:Territory", "AdministrativeArea"),
    ("efop:Scheme", "GovernmentService"),
    ("efop:Event", "Event"),
    ("efop:Project", "Project"),
    ("efop:PolicyDocument", "CreativeWork"),
    ("efop:SourceDocument", "CreativeWork"),
    ("skos:ConceptScheme", "DefinedTermSet"),
    ("skos:Concept", "DefinedTerm"),
    ("owl:Ontology", "DefinedTermSet"),
)


@dataclass
class Value:
    """One value of a property, as shown on the page."""

    text: str
    href: str | None = None
    lang: str | None = None
    datatype: str | None = None
    graphs: list[tuple[str, str]] = field(default_factory=list)
    nested: list[tuple[str, str, list[Value]]] | None = None


def namer(lang: str) -> Namer:
    return Namer(serving().settings.base_iri, label_lookup(), lang, request.script_root)


def _value(term, names: Namer, triples: list[Triple], depth: int = 0) -> Value:
    if isinstance(term, NamedNode):
        return Value(names.label(term.value), names.href(term.value))
    if isinstance(term, Literal):
        datatype = term.datatype.value if term.language is None else None
        shown = None if datatype in (None, PREFIXES["xsd"] + "string") else names.curie(datatype)
        return Value(term.value, lang=term.language, datatype=shown)
    if isinstance(term, BlankNode) and depth < 4:
        inner = [t for t in triples if t.subject == term]
        return Value("", nested=_group(inner, names, triples, depth + 1))
    return Value(str(term))


def _group(inner: list[Triple], names: Namer, triples: list[Triple], depth: int):
    groups: dict[str, list[Value]] = defaultdict(list)
    for triple in inner:
        groups[triple.predicate.value].append(_value(triple.object, names, triples, depth))
    return sorted(
        ((names.label(p), names.href(p), values) for p, values in groups.items()),
        key=lambda group: group[0].casefold(),
    )


def _graph_link(graph, names: Namer) -> tuple[str, str]:
    return (names.label(graph.value), names.href(graph.value))


def _properties(store: Store, iri: str, names: Namer, triples: list[Triple]):
    by_statement: dict[tuple, list[tuple[str, str]]] = defaultdict(list)
    for row in store.select(OUTGOING_BY_GRAPH, {"s": NamedNode(iri)}):
        by_statement[(row["p"], row["o"])].append(_graph_link(row["g"], names))
    groups: dict[str, list[Value]] = defaultdict(list)
    for triple in triples:
        if triple.subject.value != iri or isinstance(triple.subject, BlankNode):
            continue
        value = _value(triple.object, names, triples)
        value.graphs = sorted(set(by_statement.get((triple.predicate, triple.object), [])))
        groups[triple.predicate.value].append(value)
    return sorted(
        ((names.label(p), names.href(p), p, values) for p, values in groups.items()),
        key=lambda group: (group[2] != RDF_TYPE, group[0].casefold()),
    )


def _inverse(store: Store, iri: str, names: Namer):
    groups: dict[str, dict[str, Value]] = defaultdict(dict)
    for row in store.select(INCOMING_BY_GRAPH, {"s": NamedNode(iri)}):
        subject = row["x"]
        if not isinstance(subject, NamedNode):
            continue
        value = groups[row["p"].value].setdefault(
            subject.value, Value(names.label(subject.value), names.href(subject.value))
        )
        value.graphs.append(_graph_link(row["g"], names))
    return sorted(
        (
            (names.label(p), names.href(p), sorted(vals.values(), key=lambda v: v.text.casefold()))
            for p, vals in groups.items()
        ),
        key=lambda group: group[0].casefold(),
    )


def _schema_type(store: Store, iri: str, names: Namer) -> str | None:
    classes = {
        names.curie(row["class"].value) for row in store.select(SUPERCLASSES, {"s": NamedNode(iri)})
    }
    return next((schema for curie, schema in SCHEMA_TYPES if curie in classes), None)


def embedded_jsonld(triples: list[Triple], iri: str, title: str, schema_type: str | None) -> str:
    """The page's data as JSON-LD, plus a schema.org node, safe inside a script element."""
    base = serving().settings.base_iri
    document = json.loads(serialize_triples(triples, JSONLD, base))
    context = document.pop("@context", {})
    nodes = document.pop("@graph", None) or ([document] if document else [])
    schema_node = {"@id": iri, str(SCHEMA.name): title}
    if schema_type:
        schema_node["@type"] = str(SCHEMA[schema_type])
    payload = {"@context": context, "@graph": [*nodes, schema_node]}
    return json.dumps(payload, ensure_ascii=False).replace("</", "<\\/")


def render(store: Store, iri: str, triples: list[Triple], lang: str, path: str) -> bytes:
    names = namer(lang)
    title = names.label(iri)
    properties = _properties(store, iri, names, triples)
    sources = sorted(
        {
            (names.label(t.object.value), names.href(t.object.value))
            for t in triples
            if t.subject.value == iri and t.predicate == NamedNode(str(PROV.wasDerivedFrom))
        }
    )
    graphs = sorted({g for *_, values in properties for v in values for g in v.graphs})
    types = [
        (names.label(t.object.value), names.href(t.object.value))
        for t in triples
        if t.subject.value == iri and t.predicate.value == RDF_TYPE
    ]
    html = render_template(
        "resource.html",
        lang=lang,
        iri=iri,
        title=title,
        types=types,
        properties=properties,
        inverse=_inverse(store, iri, names),
        sources=sources,
        graphs=graphs,
        formats=[(f, f"{request.script_root}/{path}{f.suffix}") for f in RDF_FORMATS],
        jsonld=embedded_jsonld(triples, iri, title, _schema_type(store, iri, names)),
        page_path=path,
    )
    return html.encode("utf-8")
