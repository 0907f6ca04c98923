"""HTML pages for people: home, class indexes with pagination, the directory of actors and its
filters, the label search, the ontology documentation and its diagram.

Expected answers are computed here from the build's N-Triples dump with rdflib, independently
of the publisher's own queries.
"""

from __future__ import annotations

import gzip
import re
from urllib.parse import quote
from xml.etree import ElementTree

import pytest
from markupsafe import escape
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS
from web_support import RDF_FORMATS, triples_of

from efop.build import Build

EFOP_ACTOR_QUERY = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT DISTINCT ?actor WHERE { ?actor a/rdfs:subClassOf* ?actorClass }
"""


@pytest.fixture(scope="module")
def data(built: Build) -> Graph:
    graph = Graph()
    graph.parse(data=gzip.decompress((built.dumps_dir / "efop.nt.gz").read_bytes()), format="nt")
    return graph


def page(client, url: str, **headers: str) -> str:
    response = client.get(url, headers={"Accept": "text/html", **headers})
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def linked_paths(text: str) -> set[str]:
    return set(re.findall(r'href="(/id/[^"?#]+)"', text))


def french_label(data: Graph, iri: URIRef) -> str:
    return next(str(o) for o in data.objects(iri, RDFS.label) if o.language == "fr")


def test_home_page_presents_the_dataset(client, built):
    text = page(client, "/?lang=fr")
    assert '<html lang="fr">' in text
    assert str(built.manifest["resources"]) in text
    for link in ("/sparql", "/.well-known/void", "/catalogue", "/ontology", "/annuaire"):
        assert f'href="{link}' in text
    for dump in built.manifest["dumps"]:
        assert f'href="/dumps/{dump["file"]}"' in text
    assert "Licence Ouverte" in text


def test_language_follows_accept_language_and_the_lang_parameter(client):
    assert '<html lang="en">' in page(client, "/", **{"Accept-Language": "en-GB,en;q=0.9"})
    assert '<html lang="fr">' in page(client, "/", **{"Accept-Language": "de"})
    assert '<html lang="fr">' in page(client, "/?lang=fr", **{"Accept-Language": "en"})
    assert '<html lang="en">' in page(client, "/recherche?lang=en")


def test_pages_are_html_only(client):
    assert client.get("/annuaire", headers={"Accept": "text/turtle"}).status_code == 406


def test_class_index_lists_every_member(client, data, settings):
    crefop = URIRef(settings.base_iri + "ontology#CREFOP")
    members = {str(s) for s in data.subjects(RDF.type, crefop)}
    assert members
    text = page(client, "/classes/CREFOP")
    expected = {"/" + iri[len(settings.base_iri) :] for iri in members}
    assert expected <= linked_paths(text)


def test_class_index_is_paginated(client, data, settings):
    concept = URIRef("http://www.w3.org/2004/02/skos/core#Concept")
    members = {s for s in data.subjects(RDF.type, concept) if str(s).startswith(settings.base_iri)}
    assert len(members) > 50
    url = f"/class?iri={quote(str(concept), safe='')}"
    seen: set[str] = set()
    pages = -(-len(members) // 50)
    for number in range(1, pages + 1):
        seen |= linked_paths(page(client, f"{url}&page={number}"))
    assert {"/" + str(m)[len(settings.base_iri) :] for m in members} <= seen
    assert 'rel="next"' in page(client, url)
    assert client.get(f"{url}&page={pages + 1}").status_code == 404
    assert client.get(f"{url}&page=abc").status_code == 400
    assert client.get("/classes/NoSuchClass").status_code == 404


def actors_of(data: Graph, settings, condition: str, value: str) -> set[str]:
    efop = settings.base_iri + "ontology#"
    query = f"""
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        PREFIX efop: <{efop}>
        SELECT DISTINCT ?actor WHERE {{ ?actor a/rdfs:subClassOf* efop:Actor . {condition} }}
    """
    rows = data.query(query, initBindings={"value": URIRef(value)})
    return {"/" + str(row.actor)[len(settings.base_iri) :] for row in rows}


def test_directory_filters_by_kind(client, data, settings):
    kind = settings.base_iri + "id/concept/actor-kind/opco"
    expected = actors_of(data, settings, "?actor efop:actorKind ?value", kind)
    assert len(expected) >= 5
    listed = linked_paths(page(client, f"/annuaire?kind={kind}"))
    assert {p for p in listed if not p.startswith("/id/concept/")} == expected


def test_directory_filters_by_territory_including_contained_territories(client, data, settings):
    region = settings.base_iri + "id/territoire/region/75"
    expected = actors_of(
        data,
        settings,
        "?actor efop:actsOn ?t . "
        "?t (efop:overlapsTerritory|^efop:overlapsTerritory)?/efop:withinTerritory* ?value",
        region,
    )
    # An actor acting on a Territoire d'industrie that overlaps a département of the region.
    assert "/id/organisation/pole-metropolitain-pays-de-bearn" in expected
    listed = linked_paths(page(client, f"/annuaire?territory={region}"))
    assert {p for p in listed if not p.startswith("/id/concept/")} == expected


def test_directory_rejects_values_it_does_not_offer(client):
    response = client.get("/annuaire?kind=https://example.org/x")
    assert response.status_code == 400
    assert b"Traceback" not in response.data


def test_search_ignores_case_and_accents(client, data, settings):
    region = URIRef(settings.base_iri + "id/territoire/region/75")
    label = french_label(data, region)
    for query in (label, label.upper(), label.lower()[1 : len(label) // 2 + 1]):
        assert 'href="/id/territoire/region/75"' in page(client, f"/recherche?q={quote(query)}")
    accented = next(
        (str(o), s)
        for s, o in data.subject_objects(RDFS.label)
        if isinstance(o, Literal) and "é" in str(o) and str(s).startswith(settings.base_iri)
    )
    word = next(w for w in accented[0].split() if "é" in w)
    plain = page(client, f"/recherche?q={quote(word.replace('é', 'E'))}")
    assert escape(str(accented[1])[len(settings.base_iri) - 1 :]) in plain


def test_search_text_never_reaches_a_query(client):
    text = page(client, '/recherche?q=" } UNION { ?s ?p ?o } #')
    assert "0 " in text
    assert client.get("/recherche?q=" + "x" * 300).status_code == 400


@pytest.fixture(scope="module")
def ontology_graph(settings) -> Graph:
    graph = Graph()
    files = sorted(settings.ontology_dir.glob("*.ttl"))
    assert files
    for path in files:
        graph.parse(path, format="turtle")
    return graph


def test_ontology_page_documents_every_class_and_property(client, ontology_graph):
    text = page(client, "/ontology?lang=fr")
    namespace = "https://w3id.org/efop/ontology#"
    terms = [
        t
        for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
        for t in ontology_graph.subjects(RDF.type, kind)
        if str(t).startswith(namespace)
    ]
    assert len(terms) > 30
    for term in terms:
        local = str(term)[len(namespace) :]
        assert f'id="{local}"' in text, local
        for label in ontology_graph.objects(term, RDFS.label):
            assert escape(str(label)) in text, (local, label)


def test_ontology_negotiates_rdf(client):
    response = client.get("/ontology", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    assert response.headers["Content-Location"] == "/ontology.ttl"
    assert b"owl:Ontology" in response.data
    assert client.get("/ontology.rdf").mimetype == "application/rdf+xml"
    assert client.get("/ontology/9.9.9").status_code == 404


def test_class_diagram_is_generated_svg_with_the_main_classes(client, ontology_graph):
    response = client.get("/ontology/diagram.svg?lang=en")
    assert response.mimetype == "image/svg+xml"
    svg = ElementTree.fromstring(response.data)
    texts = {"".join(t.itertext()) for t in svg.iter("{http://www.w3.org/2000/svg}text")}
    actor = URIRef("https://w3id.org/efop/ontology#Actor")
    english = next(str(o) for o in ontology_graph.objects(actor, RDFS.label) if o.language == "en")
    assert english in texts
    assert len(list(svg.iter("{http://www.w3.org/2000/svg}rect"))) >= 5


SVG = "{http://www.w3.org/2000/svg}"


def diagram(client, lang: str) -> ElementTree.Element:
    response = client.get(f"/ontology/diagram.svg?lang={lang}")
    assert response.mimetype == "image/svg+xml"
    return ElementTree.fromstring(response.data)


def box(rect: ElementTree.Element) -> tuple[float, float, float, float]:
    return tuple(float(rect.get(k)) for k in ("x", "y", "width", "height"))


def overlapping(a, b) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_class_diagram_labels_overlap_nothing_and_the_figure_fits_its_column(client, lang):
    svg = diagram(client, lang)
    assert svg.get("width") == "100%" and svg.get("height") is None
    _, _, width, height = (float(v) for v in svg.get("viewBox").split())
    assert width <= 1100  # drawn at about the width of the page column, so text stays legible
    classes = [
        box(r) for g in svg.iter(f"{SVG}g") if g.get("data-class") for r in g.iter(f"{SVG}rect")
    ]
    labels = [box(r) for r in svg.iter(f"{SVG}rect") if "label-box" in r.get("class", "").split()]
    assert len(classes) >= 10 and len(labels) >= 10
    for index, label in enumerate(labels):
        assert 0 <= label[0] and label[0] + label[2] <= width and 0 <= label[1] <= height
        assert not [c for c in classes if overlapping(label, c)], label
        assert not [other for other in labels[index + 1 :] if overlapping(label, other)], label


def test_class_diagram_draws_acts_on_and_leaves_no_class_unconnected(client):
    svg = diagram(client, "en")
    edges = [g for g in svg.iter(f"{SVG}g") if g.get("class") == "edge"]
    acts_on = [g for g in edges if "actsOn" in g.get("data-properties").split()]
    assert [g.get("data-target") for g in acts_on] == ["Territory"]
    ends = {g.get(end) for g in edges for end in ("data-source", "data-target")}
    drawn = {g.get("data-class") for g in svg.iter(f"{SVG}g") if g.get("data-class")}
    assert "GovernanceBody" in drawn and "Actor" in drawn
    assert drawn - ends == {"other"}
    other = next(g for g in svg.iter(f"{SVG}g") if g.get("data-class") == "other")
    grouped = {a.get("href").rsplit("#", 1)[-1] for a in other.iter(f"{SVG}a")}
    assert "FundingSource" in grouped and not grouped & ends


def test_ontology_carries_the_same_triples_in_every_rdf_format(client, ontology_graph):
    graphs = {fmt: triples_of(client.get(f"/ontology.{fmt}").data, fmt) for fmt in RDF_FORMATS}
    assert len({frozenset(g) for g in graphs.values()}) == 1
    instances = "https://w3id.org/efop/id/"
    own = [t for t in ontology_graph if not str(t[0]).startswith(instances)]
    assert len(graphs["nt"]) == len(own)
    version = client.get("/ontology/0.1.0.ttl")
    assert version.status_code == 200
