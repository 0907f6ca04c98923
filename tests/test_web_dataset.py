"""What harvesters read: VoID and DCAT descriptions that parse and point to dumps that parse and
hold the whole dataset; dumps with their media types and lengths; the sitemap; the context.
"""

from __future__ import annotations

import gzip
import json
from xml.etree import ElementTree

import pytest
from pyoxigraph import NamedNode, RdfFormat, Store, parse, serialize
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, VOID

from efop.build import Build

DUMP_FORMATS = {
    "efop.nt.gz": RdfFormat.N_TRIPLES,
    "efop.ttl": RdfFormat.TURTLE,
    "efop.nq.gz": RdfFormat.N_QUADS,
    "efop.trig": RdfFormat.TRIG,
    "efop.jsonld": RdfFormat.JSON_LD,
}
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


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
    expected = {"http://localhost/" + iri[len(settings.base_iri) :] for iri in subjects}
    assert expected <= locations
    assert "http://localhost/ontology" in locations


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
