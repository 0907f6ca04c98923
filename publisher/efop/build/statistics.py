"""Figures about a built store, computed with SPARQL on the store itself.

The dataset description, the manifest and the summary line all quote these numbers, so they are
computed once, from what was actually stored rather than from the input files.
"""

from __future__ import annotations

from dataclasses import dataclass

from pyoxigraph import Literal, NamedNode, QuerySolutions, Store

from efop.build.loading import rebase
from efop.namespaces import PREFIXES


@dataclass(frozen=True)
class GraphFigures:
    """One named graph: its triple count, the source documents typed in it, and the labels of
    the graph's own IRI when it is a source document (as ``(text, language)`` pairs)."""

    triples: int
    sources: tuple[str, ...]
    labels: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Statistics:
    """The figures of a whole build."""

    triples: int  # distinct triples of the union of graphs
    quads: int
    resources: int  # distinct subject IRIs under the instance space ``{base}id/`` (void:entities)
    classes: int
    properties: int
    vocabularies: tuple[str, ...]
    regions: tuple[str, ...]  # regions (igeo:Region) that resources act on, directly or not
    graphs: dict[str, GraphFigures]
    period: Period | None = None  # earliest and latest date stated in the data


@dataclass(frozen=True)
class DateValue:
    """A date literal as stated: its lexical form and datatype (xsd:date, gYear, gYearMonth)."""

    value: str
    datatype: str


@dataclass(frozen=True)
class Period:
    """The time the data covers: its earliest and its latest date."""

    start: DateValue
    end: DateValue


def _rows(store: Store, query: str) -> QuerySolutions:
    results = store.query(query, use_default_graph_as_union=True)
    if not isinstance(results, QuerySolutions):
        raise TypeError("statistics queries are SELECT queries")
    return results


def _count(store: Store, query: str) -> int:
    for row in _rows(store, query):
        return int(row["n"].value)
    return 0


def _values(store: Store, query: str) -> list[str]:
    return [row["v"].value for row in _rows(store, query)]


def _resources(store: Store, base: str) -> int:
    """Distinct subject IRIs under the instance space ``{base}id/``: the published resources.

    The manifest (and the pages that quote it) and VoID's ``void:entities`` both take this one
    figure. The prefix is quoted by the library, never pasted by hand.
    """
    query = (
        "SELECT (COUNT(?s) AS ?n) {{"
        " SELECT DISTINCT ?s {{ ?s ?p ?o FILTER(isIRI(?s) && STRSTARTS(STR(?s), {space})) }} }}"
    ).format(space=Literal(base + "id/"))
    return _count(store, query)


DATE_TYPES = ("date", "gYear", "gYearMonth")


def _period(store: Store) -> Period | None:
    """The earliest and latest date literals of the data (the ontology's own graph left out).

    A year or a month stands for its first day when it starts the period and its last when it
    ends it, so "2030" ends later than "2030-06-15".
    """
    xsd = PREFIXES["xsd"]
    types = ", ".join(str(NamedNode(xsd + name)) for name in DATE_TYPES)
    ontology = NamedNode(PREFIXES["owl"] + "Ontology")
    pattern = (
        f"GRAPH ?g {{ ?s ?p ?v }} FILTER NOT EXISTS {{ GRAPH ?g {{ ?o a {ontology} }} }}"
        f" FILTER(isLiteral(?v) && DATATYPE(?v) IN ({types}))"
        f" BIND(DATATYPE(?v) AS ?t)"
        f' BIND(IF(?t = {NamedNode(xsd + "gYear")}, CONCAT(STR(?v), "-12-31"),'
        f' IF(?t = {NamedNode(xsd + "gYearMonth")}, CONCAT(STR(?v), "-31"), STR(?v))) AS ?end)'
    )
    ends = []
    for order in ("STR(?v)", "DESC(?end)"):
        query = f"SELECT ?v ?t {{ {pattern} }} ORDER BY {order} STR(?t) LIMIT 1"
        for row in _rows(store, query):
            ends.append(DateValue(row["v"].value, row["t"].value))
    return Period(ends[0], ends[1]) if len(ends) == 2 else None


def namespace_of(iri: str) -> str:
    """The namespace of a term: everything up to its last ``#`` or ``/``."""
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[: cut + 1] if cut >= 0 else iri


def compute(store: Store, base: str) -> Statistics:
    """Counts for the whole store and for each named graph."""
    ontology_ns = rebase(PREFIXES["efop"], base)
    properties = _values(store, "SELECT DISTINCT ?v { ?s ?v ?o }")
    classes = _values(store, "SELECT DISTINCT ?v { ?s a ?v FILTER(isIRI(?v)) }")
    return Statistics(
        triples=_count(
            store, "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o { ?s ?p ?o } }"
        ),
        quads=len(store),
        resources=_resources(store, base),
        classes=len(classes),
        properties=len(properties),
        vocabularies=tuple(sorted({namespace_of(t) for t in [*properties, *classes]})),
        regions=tuple(_regions(store, ontology_ns)),
        graphs=_graph_figures(store, ontology_ns),
        period=_period(store),
    )


def _regions(store: Store, ontology_ns: str) -> list[str]:
    query = (
        f"PREFIX efop: {NamedNode(ontology_ns)}\nPREFIX igeo: {NamedNode(PREFIXES['igeo'])}\n"
        "SELECT DISTINCT ?v { ?x efop:actsOn ?t . "
        "?t (efop:overlapsTerritory|^efop:overlapsTerritory)?/efop:withinTerritory* ?v . "
        "?v a igeo:Region }"
        " ORDER BY ?v"
    )
    return _values(store, query)


def _graph_figures(store: Store, ontology_ns: str) -> dict[str, GraphFigures]:
    counts = {
        row["g"].value: int(row["n"].value)
        for row in _rows(store, "SELECT ?g (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    }
    sources: dict[str, list[str]] = {}
    query = (
        f"PREFIX efop: {NamedNode(ontology_ns)}\n"
        "SELECT ?g ?v { GRAPH ?g { ?v a efop:SourceDocument } } ORDER BY ?g ?v"
    )
    for row in _rows(store, query):
        sources.setdefault(row["g"].value, []).append(row["v"].value)
    labels: dict[str, list[tuple[str, str]]] = {}
    query = (
        f"PREFIX rdfs: {NamedNode(PREFIXES['rdfs'])}\n"
        "SELECT ?g ?v ?lang { GRAPH ?g { ?g rdfs:label ?v } BIND(LANG(?v) AS ?lang) }"
        " ORDER BY ?g ?lang ?v"
    )
    for row in _rows(store, query):
        labels.setdefault(row["g"].value, []).append((row["v"].value, row["lang"].value))
    return {
        graph: GraphFigures(
            counts[graph], tuple(sources.get(graph, ())), tuple(labels.get(graph, ()))
        )
        for graph in sorted(counts)
    }
