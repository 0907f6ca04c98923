"""Dereferencing: every resource of the build answers in HTML, Turtle, JSON-LD, RDF/XML and
N-Triples with the same triples, by ``Accept`` (q-values), suffix and ``?format=``; unknown
resources 404 and unsupported formats 406 in the negotiated format; caching and CORS headers.
"""

from __future__ import annotations

import gzip
import html
import json
from collections import defaultdict

import pytest
from pyoxigraph import Literal, NamedNode, RdfFormat, parse
from web_support import MEDIA_TYPES, RDF_FORMATS, triples_of

from efop.build import Build

RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
PREF_LABEL = "http://www.w3.org/2004/02/skos/core#prefLabel"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
CREFOP = "id/instance/crefop-pays-de-la-loire"


class Dump:
    """The build's N-Triples dump, indexed: what each resource's description must contain."""

    def __init__(self, build: Build):
        data = gzip.decompress((build.dumps_dir / "efop.nt.gz").read_bytes())
        self.triples = list(parse(data, format=RdfFormat.N_TRIPLES))
        self.out: dict[str, set[str]] = defaultdict(set)
        self.into: dict[str, set[str]] = defaultdict(set)
        self.labels: dict[str, set[str]] = defaultdict(set)
        for t in self.triples:
            text = f"{t.subject} {t.predicate} {t.object}"
            if isinstance(t.subject, NamedNode):
                self.out[t.subject.value].add(text)
            if isinstance(t.object, NamedNode):
                self.into[t.object.value].add(text)
            if t.predicate.value in (RDFS_LABEL, PREF_LABEL, RDF_TYPE):
                self.labels[t.subject.value].add(text)

    def label(self, iri: str, lang: str = "fr") -> str:
        return next(
            t.object.value
            for t in self.triples
            if t.subject.value == iri
            and t.predicate.value == RDFS_LABEL
            and isinstance(t.object, Literal)
            and t.object.language == lang
        )


@pytest.fixture(scope="module")
def dump(built: Build) -> Dump:
    return Dump(built)


def published(dump: Dump, base: str) -> list[str]:
    return sorted(iri for iri in dump.out if iri.startswith(base + "id/"))


def test_every_resource_answers_in_every_format_with_the_same_triples(client, dump, settings):
    base = settings.base_iri
    resources = published(dump, base)
    assert len(resources) > 100
    failures: list[str] = []
    for iri in resources:
        path = "/" + iri[len(base) :]
        graphs = {}
        for fmt in RDF_FORMATS:
            response = client.get(f"{path}.{fmt}")
            if response.status_code != 200 or not response.content_type.startswith(
                MEDIA_TYPES[fmt]
            ):
                failures.append(f"{path}.{fmt}: {response.status_code} {response.content_type}")
                continue
            graphs[fmt] = triples_of(response.data, fmt)
        if len(graphs) == 4 and len({frozenset(g) for g in graphs.values()}) != 1:
            sizes = {fmt: len(g) for fmt, g in graphs.items()}
            failures.append(f"{path}: formats differ {sizes}")
        described = {" ".join(t) for t in graphs.get("nt", set())}
        expected = {t for t in dump.out[iri] | dump.into[iri] if "_:" not in t}
        if not expected <= described:
            failures.append(f"{path}: missing {sorted(expected - described)[:3]}")
        page = client.get(path, headers={"Accept": "text/html"})
        if page.status_code != 200 or b"<h1>" not in page.data:
            failures.append(f"{path}: HTML {page.status_code}")
    assert not failures, "\n".join(failures[:20])


def test_description_holds_the_labels_and_types_of_the_neighbours(client, dump, settings):
    iri = settings.base_iri + CREFOP
    described = {" ".join(t) for t in triples_of(client.get(f"/{CREFOP}.nt").data, "nt")}
    neighbours = {
        t.object.value
        for t in dump.triples
        if t.subject.value == iri and isinstance(t.object, NamedNode)
    } | {t.subject.value for t in dump.triples if t.object == NamedNode(iri)}
    assert len(neighbours) > 5
    for neighbour in neighbours:
        assert dump.labels[neighbour] <= described, neighbour


@pytest.mark.parametrize("fmt", sorted(MEDIA_TYPES))
def test_accept_header_chooses_the_format_with_content_location(client, fmt):
    response = client.get(f"/{CREFOP}", headers={"Accept": MEDIA_TYPES[fmt]})
    assert response.status_code == 200
    assert response.mimetype == MEDIA_TYPES[fmt]
    assert response.headers["Content-Location"] == f"/{CREFOP}.{fmt}"
    assert "Accept" in response.headers["Vary"]
    assert f'</{CREFOP}.ttl>; rel="alternate"; type="text/turtle"' in response.headers["Link"]


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("text/turtle;q=0.5, application/ld+json;q=0.9", "application/ld+json"),
        ("application/rdf+xml, text/html;q=0.1", "application/rdf+xml"),
        ("text/html;q=0.2, application/n-triples;q=0.3, */*;q=0.1", "application/n-triples"),
        ("*/*", "text/html"),
        ("text/*", "text/html"),
        ("application/json", "application/ld+json"),
        ("text/turtle;q=0, */*;q=0.5", "text/html"),
    ],
)
def test_q_values_are_honoured(client, accept, expected):
    response = client.get(f"/{CREFOP}", headers={"Accept": accept})
    assert response.status_code == 200
    assert response.mimetype == expected


def test_no_accept_header_gives_html(client):
    response = client.get(f"/{CREFOP}")
    assert response.mimetype == "text/html"


@pytest.mark.parametrize("value", ["ttl", "text/turtle"])
def test_format_parameter_overrides_accept(client, value):
    response = client.get(f"/{CREFOP}?format={value}", headers={"Accept": "text/html"})
    assert response.mimetype == "text/turtle"
    assert "Content-Location" not in response.headers


@pytest.mark.parametrize("fmt", sorted(MEDIA_TYPES))
def test_suffix_answers_directly(client, fmt):
    response = client.get(f"/{CREFOP}.{fmt}", headers={"Accept": "image/png"})
    assert response.status_code == 200
    assert response.mimetype == MEDIA_TYPES[fmt]
    assert "Content-Location" not in response.headers


def test_unsupported_format_is_406_listing_the_supported_types(client):
    response = client.get(f"/{CREFOP}", headers={"Accept": "image/png"})
    assert response.status_code == 406
    for media_type in MEDIA_TYPES.values():
        assert media_type.encode() in response.data
    assert client.get(f"/{CREFOP}?format=pdf").status_code == 406


@pytest.mark.parametrize(
    ("request_kwargs", "mimetype"),
    [
        ({"headers": {"Accept": "text/html"}}, "text/html"),
        ({"headers": {"Accept": "text/turtle"}}, "text/turtle"),
        ({"headers": {"Accept": "application/ld+json"}}, "application/ld+json"),
        ({"headers": {"Accept": "application/json"}}, "application/json"),
        ({"headers": {"Accept": "application/rdf+xml"}}, "application/rdf+xml"),
        ({"headers": {"Accept": "application/n-triples"}}, "application/n-triples"),
        ({"headers": {"Accept": "*/*"}}, "text/plain"),
    ],
)
def test_unknown_resource_is_404_in_the_negotiated_format(client, request_kwargs, mimetype):
    response = client.get("/id/organisation/nexiste-pas", **request_kwargs)
    assert response.status_code == 404
    assert response.mimetype == mimetype
    assert b"Traceback" not in response.data
    if mimetype.endswith("json"):
        assert "error" in json.loads(response.data)


@pytest.mark.parametrize("path", ["/id/a%20b", "/id/%3Cx%3E", "/id/a%22b.ttl", "/id/%7B%7D"])
def test_paths_that_are_no_iri_are_404(client, path):
    response = client.get(path, headers={"Accept": "text/turtle"})
    assert response.status_code == 404


@pytest.mark.parametrize("fmt", sorted(MEDIA_TYPES))
def test_unknown_resource_with_suffix_is_404(client, fmt):
    response = client.get(f"/id/organisation/nexiste-pas.{fmt}")
    assert response.status_code == 404
    if fmt == "jsonld":
        assert json.loads(response.data)["status"] == 404


def test_other_methods_are_405_with_allow(client):
    response = client.post(f"/{CREFOP}", headers={"Accept": "text/turtle"})
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]
    assert client.delete(f"/{CREFOP}.ttl").status_code == 405


def test_head_gives_the_headers_of_get(client):
    get = client.get(f"/{CREFOP}.ttl")
    head = client.head(f"/{CREFOP}.ttl")
    assert head.status_code == 200
    assert head.data == b""
    assert head.headers["Content-Length"] == str(len(get.data))
    assert head.headers["ETag"] == get.headers["ETag"]


def test_etag_and_last_modified_revalidate_with_304(client, built):
    first = client.get(f"/{CREFOP}", headers={"Accept": "text/turtle"})
    etag = first.headers["ETag"]
    assert built.id not in etag
    assert first.headers["Last-Modified"]
    again = client.get(f"/{CREFOP}", headers={"Accept": "text/turtle", "If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == etag
    since = client.get(
        f"/{CREFOP}",
        headers={"Accept": "text/turtle", "If-Modified-Since": first.headers["Last-Modified"]},
    )
    assert since.status_code == 304
    other = client.get(f"/{CREFOP}", headers={"Accept": "text/html", "If-None-Match": etag})
    assert other.status_code == 200
    assert other.headers["ETag"] != etag


def test_cors_allows_reads_from_anywhere(client):
    response = client.get(f"/{CREFOP}.jsonld", headers={"Origin": "https://example.org"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response.headers["Access-Control-Expose-Headers"]
    preflight = client.options(
        f"/{CREFOP}",
        headers={
            "Origin": "https://example.org",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "if-none-match",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "If-None-Match" in preflight.headers["Access-Control-Allow-Headers"]


def test_resource_page_shows_label_types_properties_inverse_links_and_provenance(
    client, dump, settings
):
    iri = settings.base_iri + CREFOP
    page = client.get(f"/{CREFOP}?lang=fr").get_data(as_text=True)
    assert '<html lang="fr">' in page
    assert f"<h1>{html.escape(dump.label(iri))}</h1>" in page
    ontology = settings.base_iri + "ontology#"
    acts_on = dump.label(ontology + "actsOn")
    assert html.escape(acts_on) in page
    assert 'id="inverse-title"' in page and 'id="provenance-title"' in page
    sources = [
        t.object.value
        for t in dump.triples
        if t.subject.value == iri and t.predicate.value.endswith("wasDerivedFrom")
    ]
    for source in sources:
        assert html.escape(dump.label(source)) in page
    for fmt in RDF_FORMATS:
        assert f'href="/{CREFOP}.{fmt}"' in page
    english = client.get(f"/{CREFOP}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="en">' in english
    assert html.escape(dump.label(ontology + "actsOn", "en")) in english


def test_resource_page_embeds_its_data_as_json_ld_with_a_schema_type(client, settings):
    page = client.get(f"/{CREFOP}").get_data(as_text=True)
    start = page.index('<script type="application/ld+json">') + len(
        '<script type="application/ld+json">'
    )
    document = json.loads(page[start : page.index("</script>", start)])
    embedded = triples_of(json.dumps(document).encode(), "jsonld")
    served = triples_of(client.get(f"/{CREFOP}.nt").data, "nt")
    assert served <= embedded
    schema_types = {t[2] for t in embedded if t[1] == f"<{RDF_TYPE}>" and "schema.org" in t[2]}
    assert schema_types == {"<https://schema.org/Organization>"}


def test_named_graph_without_own_resource_is_described_by_its_void_subset(client):
    response = client.get("/id/graph/reference.ttl")
    assert response.status_code == 200
    assert b"void:triples" in response.data


def test_concept_schemes_are_ordinary_resources(client, dump, settings):
    schemes = [iri for iri in dump.out if iri.startswith(settings.base_iri + "id/scheme/")]
    assert schemes
    response = client.get(
        "/" + schemes[0][len(settings.base_iri) :], headers={"Accept": "text/turtle"}
    )
    assert response.status_code == 200
    assert b"skos:ConceptScheme" in response.data


def test_json_ld_uses_the_published_context(client):
    context = json.loads(client.get("/context.jsonld").data)["@context"]
    document = json.loads(client.get(f"/{CREFOP}.jsonld").data)
    assert document["@context"] == context
    assert context["efop"].endswith("/ontology#")
    assert RDF_FORMATS["jsonld"]


def test_revalidation_and_repeated_requests_do_not_touch_the_store(app, client, monkeypatch):
    path = "/id/organisation/etat.ttl"
    first = client.get(path)
    assert first.status_code == 200

    def no_store():
        raise AssertionError("the store was queried")

    monkeypatch.setattr(app.extensions["efop"], "store", no_store)
    revalidated = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
    assert revalidated.status_code == 304
    cached = client.get(path)
    assert cached.status_code == 200
    assert cached.data == first.data


def test_an_application_can_serve_a_store_given_to_it(settings, built):
    from pyoxigraph import Quad
    from pyoxigraph import Store as OxStore

    from efop.store.embedded import EmbeddedStore
    from efop.web.app import create_app

    memory = OxStore()
    iri = NamedNode(settings.base_iri + "id/organisation/seulement-en-memoire")
    label = Literal("Organisation tenue en mémoire", language="fr")
    memory.add(Quad(iri, NamedNode(RDFS_LABEL), label, NamedNode(settings.base_iri + "id/g")))
    client = create_app(settings, store=EmbeddedStore(memory)).test_client()
    response = client.get("/id/organisation/seulement-en-memoire.nt")
    assert response.status_code == 200
    assert triples_of(response.data, "nt") == {(str(iri), f"<{RDFS_LABEL}>", str(label))}
    assert "ETag" not in response.headers
    assert client.get(f"/{CREFOP}.nt").status_code == 404
