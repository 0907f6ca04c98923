"""The SPARQL 1.1 Service Description served at the endpoint URL when no query is given.

It tells clients and harvesters what the endpoint speaks: the query language, the result
formats, the union default graph, and one named graph per graph of the store.
"""

from __future__ import annotations

from collections.abc import Iterable

from pyoxigraph import BlankNode, NamedNode, Triple

from efop.namespaces import PREFIXES
from efop.sparql.formats import GRAPH_FORMATS, SOLUTION_FORMATS

SD = PREFIXES["sd"]
RDF_TYPE = NamedNode(PREFIXES["rdf"] + "type")
FORMATS_NS = "http://www.w3.org/ns/formats/"
FORMAT_IRIS = {
    "application/sparql-results+json": "SPARQL_Results_JSON",
    "application/sparql-results+xml": "SPARQL_Results_XML",
    "text/csv": "SPARQL_Results_CSV",
    "text/tab-separated-values": "SPARQL_Results_TSV",
    "text/turtle": "Turtle",
    "application/n-triples": "N-Triples",
    "application/rdf+xml": "RDF_XML",
    "application/ld+json": "JSON-LD",
}


def _sd(name: str) -> NamedNode:
    return NamedNode(SD + name)


def describe(endpoint_iri: str, graphs: Iterable[str], *, federation: bool) -> list[Triple]:
    """Triples of the service description of the endpoint at ``endpoint_iri``; ``federation``
    says whether some ``SERVICE`` endpoints are allowed."""
    service = NamedNode(endpoint_iri)
    dataset, default_graph = BlankNode(), BlankNode()
    triples = [
        Triple(service, RDF_TYPE, _sd("Service")),
        Triple(service, _sd("endpoint"), service),
        Triple(service, _sd("supportedLanguage"), _sd("SPARQL11Query")),
        Triple(service, _sd("feature"), _sd("UnionDefaultGraph")),
        Triple(service, _sd("defaultDataset"), dataset),
        Triple(dataset, RDF_TYPE, _sd("Dataset")),
        Triple(dataset, _sd("defaultGraph"), default_graph),
        Triple(default_graph, RDF_TYPE, _sd("Graph")),
    ]
    if federation:
        triples.append(Triple(service, _sd("feature"), _sd("BasicFederatedQuery")))
    for fmt in (*SOLUTION_FORMATS, *GRAPH_FORMATS):
        iri = NamedNode(FORMATS_NS + FORMAT_IRIS[fmt.media_type])
        triples.append(Triple(service, _sd("resultFormat"), iri))
    for graph in sorted(graphs):
        named = BlankNode()
        triples += [
            Triple(dataset, _sd("namedGraph"), named),
            Triple(named, RDF_TYPE, _sd("NamedGraph")),
            Triple(named, _sd("name"), NamedNode(graph)),
        ]
    return triples
