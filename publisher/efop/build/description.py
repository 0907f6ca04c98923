"""The dataset description of a build: VoID for linked-data tools, DCAT(-AP) for portals.

It is generated from the statistics of the built store and the dumps actually written, so the
counts and sizes harvesters read are the true ones. It stays out of the store and the dumps:
the publisher serves it from its file.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from rdflib import XSD, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, VOID

from efop.build.dumps import Dump
from efop.build.loading import published_prefixes, rebase
from efop.build.statistics import Period, Statistics
from efop.namespaces import ONTOLOGY_IRI, SD, VCARD

LICENCE = URIRef("https://www.etalab.gouv.fr/licence-ouverte-open-licence/")
LICENCE_SPDX = URIRef("http://spdx.org/licenses/etalab-2.0")
LICENCE_ID = "etalab-2.0"
AUTHORITY = "http://publications.europa.eu/resource/authority/"
IANA_MEDIA_TYPES = "http://www.iana.org/assignments/media-types/"
THEMES = ("GOVE", "EDUC", "SOCI")
FREQUENCY = URIRef(AUTHORITY + "frequency/IRREG")  # rebuilt when sources are added
LANGUAGE = URIRef(AUTHORITY + "language/FRA")
SPARQL_PROTOCOL = URIRef("https://www.w3.org/TR/sparql11-protocol/")

TITLE = {
    "fr": "EFOP : gouvernance territoriale de l'emploi, de la formation et de l'orientation "
    "professionnelles",
    "en": "EFOP: territorial governance of employment, vocational training and career guidance",
}
DESCRIPTION = {
    "fr": "Données liées sur la gouvernance territoriale de l'emploi, de la formation et de "
    "l'orientation professionnelles en France : instances (CREFOP, CLEFOP, comités pour "
    "l'emploi…), acteurs et leurs adhésions, territoires, dispositifs, stratégies et feuilles de "
    "route, projets, besoins et ressources, avec la provenance de chaque donnée.",
    "en": "Linked data on the territorial governance of employment, vocational training and "
    "career guidance in France: governance bodies (CREFOP, CLEFOP, employment committees…), "
    "actors and their memberships, territories, schemes, strategies and roadmaps, projects, "
    "needs and resources, with the provenance of every statement.",
}
KEYWORDS = {
    "fr": ("emploi", "formation professionnelle", "orientation", "gouvernance territoriale"),
    "en": ("employment", "vocational training", "career guidance", "territorial governance"),
}
GRAPH_TITLES = {  # graphs that are not a source document, by path under the base
    "id/graph/ontology": {
        "fr": "Ontologie EFOP et schémas de concepts",
        "en": "EFOP ontology and concept schemes",
    },
    "id/graph/reference": {"fr": "Données de référence", "en": "Reference data"},
}
PUBLISHER_NAME = {"fr": "Projet EFOP Linked Data", "en": "EFOP Linked Data project"}


def _texts(graph: Graph, subject, prop, values: dict[str, str]) -> None:
    for lang, text in values.items():
        graph.add((subject, prop, Literal(text, lang=lang)))


def describe(
    *,
    base: str,
    stats: Statistics,
    dumps: list[Dump],
    created: datetime,
    issued: Literal | None,
) -> Graph:
    """The VoID + DCAT description of the dataset built at ``created``.

    ``issued`` is the first publication date (the ontology's ``dct:issued``); without it the
    build date stands in.
    """
    graph = Graph()
    for prefix, iri in published_prefixes(base).items():
        graph.bind(prefix, iri, override=True, replace=True)
    dataset = URIRef(base + "dataset")
    endpoint = URIRef(base + "sparql")
    homepage = URIRef(base)
    modified = Literal(created.isoformat(timespec="seconds"), datatype=XSD.dateTime)
    publisher = _publisher(graph, base)

    graph.add((dataset, RDF.type, VOID.Dataset))
    graph.add((dataset, RDF.type, DCAT.Dataset))
    _texts(graph, dataset, DCTERMS.title, TITLE)
    _texts(graph, dataset, DCTERMS.description, DESCRIPTION)
    for lang, words in KEYWORDS.items():
        for word in words:
            graph.add((dataset, DCAT.keyword, Literal(word, lang=lang)))
    graph.add((dataset, DCTERMS.publisher, publisher))
    graph.add((dataset, DCAT.contactPoint, _contact(graph, base)))
    graph.add((dataset, DCTERMS.license, LICENCE))
    for theme in THEMES:
        graph.add((dataset, DCAT.theme, URIRef(f"{AUTHORITY}data-theme/{theme}")))
    graph.add((dataset, DCTERMS.language, LANGUAGE))
    graph.add((dataset, DCTERMS.accrualPeriodicity, FREQUENCY))
    if stats.period is not None:
        graph.add((dataset, DCTERMS.temporal, _period(graph, base, stats.period)))
    graph.add((dataset, DCTERMS.spatial, URIRef(AUTHORITY + "country/FRA")))
    for region in stats.regions:
        graph.add((dataset, DCTERMS.spatial, URIRef(region)))
    first_issued = issued if issued is not None else modified
    graph.add((dataset, DCTERMS.issued, first_issued))
    graph.add((dataset, DCTERMS.modified, modified))
    graph.add((dataset, DCTERMS.conformsTo, URIRef(rebase(ONTOLOGY_IRI, base))))
    graph.add((dataset, FOAF.homepage, homepage))
    graph.add((dataset, DCAT.landingPage, homepage))
    _void_figures(graph, dataset, base, stats, endpoint)
    for index, (graph_iri, figures) in enumerate(stats.graphs.items(), start=1):
        subset = _subset_iri(base, graph_iri, index)
        graph.add((dataset, VOID.subset, subset))
        graph.add((subset, RDF.type, VOID.Dataset))
        graph.add((subset, SD.name, URIRef(graph_iri)))
        graph.add((subset, VOID.triples, Literal(figures.triples)))
        titles = GRAPH_TITLES.get(graph_iri[len(base) :], {})
        for text, lang in figures.labels or tuple((t, lang) for lang, t in titles.items()):
            graph.add((subset, DCTERMS.title, Literal(text, lang=lang or None)))
        for source in figures.sources:
            graph.add((subset, DCTERMS.source, URIRef(source)))
    for dump in dumps:
        _distribution(graph, dataset, base, dump, stats.triples)
    _catalogue(graph, base, dataset, endpoint, publisher, (first_issued, modified))
    _licence(graph)
    return graph


def _subset_iri(base: str, graph_iri: str, index: int) -> URIRef:
    """``{base}dataset#source-x`` for graph ``{base}id/source/x``; a number otherwise."""
    space = base + "id/"
    if graph_iri.startswith(space):
        return URIRef(base + "dataset#" + graph_iri[len(space) :].replace("/", "-"))
    return URIRef(f"{base}dataset#graph-{index}")


def _publisher(graph: Graph, base: str) -> URIRef:
    # The same organisation the ontology names as its creator and publisher.
    publisher = URIRef(base + "id/organisation/efop-linked-data")
    graph.add((publisher, RDF.type, FOAF.Organization))
    _texts(graph, publisher, FOAF.name, PUBLISHER_NAME)
    _texts(graph, publisher, RDFS.label, PUBLISHER_NAME)
    graph.add((publisher, FOAF.homepage, URIRef(base)))
    return publisher


def _contact(graph: Graph, base: str) -> URIRef:
    # The project publishes no e-mail address: its home page is the way to reach it.
    contact = URIRef(base + "dataset#contact")
    graph.add((contact, RDF.type, VCARD.Kind))
    graph.add((contact, VCARD.fn, Literal(PUBLISHER_NAME["fr"], lang="fr")))
    graph.add((contact, VCARD.fn, Literal(PUBLISHER_NAME["en"], lang="en")))
    graph.add((contact, VCARD.hasURL, URIRef(base)))
    return contact


def _period(graph: Graph, base: str, period: Period) -> URIRef:
    node = URIRef(base + "dataset#period")
    graph.add((node, RDF.type, DCTERMS.PeriodOfTime))
    for prop, date in ((DCAT.startDate, period.start), (DCAT.endDate, period.end)):
        graph.add((node, prop, Literal(date.value, datatype=URIRef(date.datatype))))
    return node


def _void_figures(graph: Graph, dataset, base: str, stats: Statistics, endpoint) -> None:
    graph.add((dataset, VOID.triples, Literal(stats.triples)))
    graph.add((dataset, VOID.entities, Literal(stats.resources)))
    graph.add((dataset, VOID.classes, Literal(stats.classes)))
    graph.add((dataset, VOID.properties, Literal(stats.properties)))
    graph.add((dataset, VOID.uriSpace, Literal(base + "id/")))
    graph.add((dataset, VOID.sparqlEndpoint, endpoint))
    for vocabulary in stats.vocabularies:
        graph.add((dataset, VOID.vocabulary, URIRef(vocabulary)))


def _distribution(graph: Graph, dataset, base: str, dump: Dump, triples: int) -> None:
    """One dump as a DCAT distribution.

    Every dump holds the same distinct triples (the quad dumps repeat a triple stated in two
    graphs), so ``void:triples`` is the distinct count for all of them.
    """
    url = URIRef(f"{base}dumps/{dump.file}")
    distribution = URIRef(f"{url}#distribution")
    graph.add((dataset, VOID.dataDump, url))
    graph.add((dataset, DCAT.distribution, distribution))
    graph.add((distribution, RDF.type, DCAT.Distribution))
    graph.add((distribution, DCTERMS.title, Literal(dump.format.title)))
    graph.add((distribution, DCAT.mediaType, URIRef(IANA_MEDIA_TYPES + dump.media_type)))
    if dump.format.compressed:
        graph.add(
            (distribution, DCAT.compressFormat, URIRef(IANA_MEDIA_TYPES + "application/gzip"))
        )
    graph.add(
        (distribution, DCTERMS["format"], URIRef(f"{AUTHORITY}file-type/{dump.format.file_type}"))
    )
    graph.add((distribution, DCAT.downloadURL, url))
    graph.add((distribution, DCAT.accessURL, url))
    graph.add((distribution, DCAT.byteSize, Literal(dump.bytes, datatype=XSD.nonNegativeInteger)))
    graph.add((distribution, VOID.triples, Literal(triples)))
    graph.add((distribution, DCTERMS.license, LICENCE))


def _catalogue(graph: Graph, base: str, dataset, endpoint, publisher, dates) -> None:
    issued, modified = dates
    catalogue = URIRef(base + "catalogue")
    graph.add((catalogue, RDF.type, DCAT.Catalog))
    _texts(graph, catalogue, DCTERMS.title, {k: f"Catalogue — {v}" for k, v in TITLE.items()})
    _texts(graph, catalogue, DCTERMS.description, DESCRIPTION)
    graph.add((catalogue, DCTERMS.publisher, publisher))
    graph.add((catalogue, DCTERMS.license, LICENCE))
    graph.add((catalogue, DCTERMS.language, LANGUAGE))
    graph.add((catalogue, DCTERMS.issued, issued))
    graph.add((catalogue, DCTERMS.modified, modified))
    graph.add((catalogue, DCAT.themeTaxonomy, URIRef(AUTHORITY + "data-theme")))
    graph.add((catalogue, FOAF.homepage, URIRef(base)))
    graph.add((catalogue, DCAT.dataset, dataset))
    graph.add((catalogue, DCAT.service, endpoint))
    graph.add((endpoint, RDF.type, DCAT.DataService))
    graph.add((endpoint, RDF.type, SD.Service))
    _texts(graph, endpoint, DCTERMS.title, {"fr": "Point d'accès SPARQL", "en": "SPARQL endpoint"})
    graph.add((endpoint, DCAT.endpointURL, endpoint))
    # The endpoint answers a request without a query with its SPARQL service description.
    graph.add((endpoint, DCAT.endpointDescription, endpoint))
    graph.add((endpoint, SD.endpoint, endpoint))
    graph.add((endpoint, DCAT.servesDataset, dataset))
    graph.add((endpoint, DCTERMS.license, LICENCE))
    graph.add((endpoint, DCTERMS.conformsTo, SPARQL_PROTOCOL))


def _licence(graph: Graph) -> None:
    graph.add((LICENCE, RDF.type, DCTERMS.LicenseDocument))
    graph.add((LICENCE, DCTERMS.identifier, Literal(LICENCE_ID)))
    _texts(graph, LICENCE, RDFS.label, {"fr": "Licence Ouverte 2.0", "en": "Open Licence 2.0"})
    graph.add((LICENCE, RDFS.seeAlso, LICENCE_SPDX))


def write_description(path: Path, graph: Graph) -> Path:
    graph.serialize(destination=path, format="turtle", encoding="utf-8")
    return path
