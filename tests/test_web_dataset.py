"""What harvesters read: VoID and DCAT descriptions that parse and point to dumps that parse and
hold the whole dataset; dumps with their media types and lengths; the sitemap; the context.
"""

from __future__ import annotations

import gzip
import json
import re
from xml.etree import ElementTree

import pytest
from pyoxigraph import Literal, NamedNode, RdfFormat, Store, parse, serialize
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, VOID, XSD

from efop.build import Build
from efop.namespaces import SD, VCARD

DUMP_FORMATS = {
    "efop.nt.gz": RdfFormat.N_TRIPLES,
    "efop.ttl": RdfFormat.TURTLE,
    "efop.nq.gz": RdfFormat.N_QUADS,
    "efop.trig": RdfFormat.TRIG,
    "efop.jsonld": RdfFormat.JSON_LD,
}
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
AUTHORITY = "http://publications.europa.eu/resource/authority/"
IANA = "http://www.iana.org/assignments/media-types/"
FILE_TYPES = {
    "efop.nt.gz": "RDF_N_TRIPLES",
    "efop.ttl": "RDF_TURTLE",
    "efop.nq.gz": "RDF_N_QUADS",
    "efop.trig": "RDF_TRIG",
    "efop.jsonld": "JSON_LD",
}


def local(iri: str, base: str) -> str:
    assert iri.startswith(base), iri
    return "/" + iri[len(base) :]


def description(client, path: str, accept: str = "text/turtle") -> Graph:
    response = client.get(path, headers={"Accept": accept})
    assert response.status_code == 200, path
    formats = {"text/turtle": RdfFormat.TURTLE, "application/ld+json": RdfFormat.JSON_LD}
    triples = [q.triple for q in parse(response.data, format=formats[response.mimetype])]
    graph = Graph()
    graph.parse(data=serialize(triples, format=RdfFormat.N_TRIPLES), format="nt")
    return graph


@pytest.fixture(scope="module")
def union(built: Build) -> set[str]:
    store = Store.read_only(str(built.store_path))
    query = "SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o }"
    rows = store.query(query, use_default_graph_as_union=True)
    return {f"{row['s']} {row['p']} {row['o']}" for row in rows}


def ground(triples: set[str]) -> tuple[set[str], int]:
    """Triples without blank nodes, and how many have one (their labels change per parse)."""
    blank = {t for t in triples if t.startswith("_:") or " _:" in t}
    return triples - blank, len(blank)


def dump_triples(body: bytes, file: str) -> set[str]:
    data = gzip.decompress(body) if file.endswith(".gz") else body
    return {f"{s.subject} {s.predicate} {s.object}" for s in parse(data, format=DUMP_FORMATS[file])}


def test_void_is_turtle_by_default_and_points_to_the_endpoint_and_dumps(client, settings):
    response = client.get("/.well-known/void", headers={"Accept": "*/*"})
    assert response.mimetype == "text/turtle"
    graph = description(client, "/.well-known/void", "*/*")
    dataset = URIRef(settings.base_iri + "dataset")
    assert (dataset, RDF.type, VOID.Dataset) in graph
    assert graph.value(dataset, VOID.sparqlEndpoint) == URIRef(settings.base_iri + "sparql")
    assert len(set(graph.objects(dataset, VOID.dataDump))) == len(DUMP_FORMATS)
    assert len(set(graph.objects(dataset, VOID.vocabulary))) > 3


def test_void_dumps_parse_and_hold_the_whole_dataset(client, settings, union):
    graph = description(client, "/.well-known/void")
    dataset = URIRef(settings.base_iri + "dataset")
    dumps = sorted(str(d) for d in graph.objects(dataset, VOID.dataDump))
    assert dumps
    declared = int(graph.value(dataset, VOID.triples))
    for dump in dumps:
        with client.get(local(dump, settings.base_iri)) as response:
            assert response.status_code == 200, dump
            file = dump.rsplit("/", 1)[-1]
            assert ground(dump_triples(response.data, file)) == ground(union), file
    assert declared == len(union)


def test_dcat_catalogue_lists_the_dataset_and_its_distributions(client, settings):
    graph = description(client, "/catalogue", "application/ld+json")
    catalogue = URIRef(settings.base_iri + "catalogue")
    dataset = URIRef(settings.base_iri + "dataset")
    assert (catalogue, RDF.type, DCAT.Catalog) in graph
    assert (catalogue, DCAT.dataset, dataset) in graph
    assert graph.value(dataset, DCTERMS.license) is not None
    assert graph.value(dataset, DCTERMS.publisher) is not None
    assert {lit.language for lit in graph.objects(dataset, DCTERMS.title)} >= {"fr", "en"}
    distributions = list(graph.objects(dataset, DCAT.distribution))
    assert len(distributions) == len(DUMP_FORMATS)
    for distribution in distributions:
        assert graph.value(distribution, DCAT.mediaType) is not None
        url = graph.value(distribution, DCAT.downloadURL)
        with client.head(local(str(url), settings.base_iri)) as response:
            assert response.status_code == 200
            size = int(response.headers["Content-Length"])
        assert size == int(graph.value(distribution, DCAT.byteSize))


@pytest.mark.parametrize(
    ("file", "media_type"),
    [
        ("efop.nt.gz", "application/gzip"),
        ("efop.ttl", "text/turtle"),
        ("efop.nq.gz", "application/gzip"),
        ("efop.trig", "application/trig"),
        ("efop.jsonld", "application/ld+json"),
    ],
)
def test_dumps_have_their_media_type_length_and_validators(client, built, file, media_type):
    with client.get(f"/dumps/{file}") as response:
        assert response.status_code == 200
        assert response.mimetype == media_type
        assert len(response.data) == (built.dumps_dir / file).stat().st_size
        assert int(response.headers["Content-Length"]) == len(response.data)
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        etag = response.headers["ETag"]
    with client.get(f"/dumps/{file}", headers={"If-None-Match": etag}) as again:
        assert again.status_code == 304


def test_unknown_dump_is_404(client):
    assert client.get("/dumps/secret.txt").status_code == 404
    assert client.get("/dumps/..%2Fmanifest.json").status_code == 404


def test_dataset_page_and_rdf_describe_the_same_document(client, settings):
    page = client.get("/dataset", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert b"efop.nt.gz" in page.data
    turtle = client.get("/dataset", headers={"Accept": "text/turtle"})
    assert turtle.headers["Content-Location"] == "/dataset.ttl"
    suffixed = client.get("/catalogue.nt")
    assert suffixed.mimetype == "application/n-triples"


def test_sitemap_lists_every_resource(client, built, settings):
    response = client.get("/sitemap.xml")
    assert response.mimetype == "application/xml"
    locations = {
        element.text for element in ElementTree.fromstring(response.data).iter(f"{SITEMAP}loc")
    }
    store = Store.read_only(str(built.store_path))
    subjects = {
        quad.subject.value
        for quad in store
        if isinstance(quad.subject, NamedNode)
        and quad.subject.value.startswith(settings.base_iri + "id/")
    }
    assert subjects
    assert subjects <= locations
    assert settings.base_iri + "ontology" in locations


def test_context_document_is_the_project_prefixes(client, settings):
    response = client.get("/context.jsonld")
    assert response.mimetype == "application/ld+json"
    context = json.loads(response.data)["@context"]
    assert context["efopid"] == settings.base_iri + "id/"
    assert context["dcat"] == str(DCAT)


def test_licence_is_stated_in_the_data_and_on_the_home_page(client, settings):
    graph = description(client, "/dataset")
    licence = graph.value(URIRef(settings.base_iri + "dataset"), DCTERMS.license)
    assert licence is not None
    home = client.get("/", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "Licence Ouverte" in home
    assert 'rel="license"' in home


def authority(path: str) -> URIRef:
    return URIRef(AUTHORITY + path)


def test_catalogue_carries_what_dcat_ap_harvesters_expect(client, settings):
    graph = description(client, "/catalogue")
    base = settings.base_iri
    catalogue, dataset = URIRef(base + "catalogue"), URIRef(base + "dataset")
    contact = graph.value(dataset, DCAT.contactPoint)
    assert (contact, RDF.type, VCARD.Kind) in graph
    assert {n.language for n in graph.objects(contact, VCARD.fn)} >= {"fr", "en"}
    assert graph.value(contact, VCARD.hasURL) == URIRef(base)
    assert graph.value(contact, VCARD.hasEmail) is None  # the project publishes no address
    assert graph.value(dataset, DCTERMS.accrualPeriodicity) == authority("frequency/IRREG")
    assert graph.value(dataset, DCTERMS.language) == authority("language/FRA")
    assert {k.language for k in graph.objects(dataset, DCAT.keyword)} == {"fr", "en"}
    assert graph.value(catalogue, DCTERMS.issued) == graph.value(dataset, DCTERMS.issued)
    assert graph.value(catalogue, DCAT.themeTaxonomy) == authority("data-theme")
    assert graph.value(catalogue, DCTERMS.language) == authority("language/FRA")
    assert graph.value(catalogue, DCTERMS.license) is not None
    service = graph.value(catalogue, DCAT.service)
    assert graph.value(service, DCAT.endpointDescription) == URIRef(base + "sparql")
    assert graph.value(service, DCTERMS.conformsTo) == URIRef(
        "https://www.w3.org/TR/sparql11-protocol/"
    )
    licence = graph.value(dataset, DCTERMS.license)
    assert (licence, RDF.type, DCTERMS.LicenseDocument) in graph
    assert str(graph.value(licence, DCTERMS.identifier)) == "etalab-2.0"
    for distribution in graph.objects(dataset, DCAT.distribution):
        file = str(graph.value(distribution, DCAT.downloadURL)).rsplit("/", 1)[-1]
        assert graph.value(distribution, DCTERMS["format"]) == authority(
            "file-type/" + FILE_TYPES[file]
        )
        assert str(graph.value(distribution, DCAT.mediaType)).startswith(IANA)
        compressed = graph.value(distribution, DCAT.compressFormat)
        gzipped = URIRef(IANA + "application/gzip") if file.endswith(".gz") else None
        assert compressed == gzipped, file


def test_endpoint_description_is_the_service_description(client, settings):
    graph = description(client, "/catalogue")
    described = graph.value(URIRef(settings.base_iri + "sparql"), DCAT.endpointDescription)
    response = client.get(
        local(str(described), settings.base_iri), headers={"Accept": "text/turtle"}
    )
    assert response.status_code == 200
    service = Graph().parse(data=response.data, format="turtle")
    assert any(service.subjects(RDF.type, SD.Service))


def dates_of_the_data(built: Build, base: str) -> list[tuple[str, str]]:
    """(end-of-period key, literal) of every date literal outside the ontology's graph."""
    ontology = NamedNode(base + "id/graph/ontology")
    ends = {"gYear": "-12-31", "gYearMonth": "-31", "date": ""}
    found = []
    for quad in Store.read_only(str(built.store_path)):
        term = quad.object
        if quad.graph_name == ontology or not isinstance(term, Literal):
            continue
        kind = term.datatype.value[len(str(XSD)) :]
        if term.datatype.value.startswith(str(XSD)) and kind in ends:
            found.append((term.value + ends[kind], term.value))
    return found


def test_temporal_coverage_spans_the_earliest_and_latest_dates_of_the_data(client, settings, built):
    graph = description(client, "/catalogue")
    period = graph.value(URIRef(settings.base_iri + "dataset"), DCTERMS.temporal)
    assert (period, RDF.type, DCTERMS.PeriodOfTime) in graph
    dates = dates_of_the_data(built, settings.base_iri)
    assert dates
    assert str(graph.value(period, DCAT.startDate)) == min(value for _, value in dates)
    assert str(graph.value(period, DCAT.endDate)) == max(dates)[1]


def test_resource_and_triple_figures_agree_everywhere(client, settings, built, union):
    graph = description(client, "/.well-known/void")
    dataset = URIRef(settings.base_iri + "dataset")
    space = settings.base_iri + "id/"
    subjects = {
        quad.subject.value
        for quad in Store.read_only(str(built.store_path))
        if isinstance(quad.subject, NamedNode) and quad.subject.value.startswith(space)
    }
    home = client.get("/?lang=en", headers={"Accept": "text/html"}).get_data(as_text=True)
    shown = int(re.search(r"<strong>(\d+)</strong> resources", home).group(1))
    assert int(graph.value(dataset, VOID.entities)) == shown == len(subjects)
    for distribution in graph.objects(dataset, DCAT.distribution):
        assert int(graph.value(distribution, VOID.triples)) == len(union), distribution
    assert {d["triples"] for d in built.manifest["dumps"]} == {len(union)}
