"""Defects found in review of the publisher's HTTP behaviour, each checked through HTTP.

Negotiation with media-type parameters and format aliases, cross-origin rules, errors in RDF
formats, absolute URLs from configuration, weak validators, language links, empty queries,
JSON-LD typing, robots.txt, favicon and the shapes document.
"""

from __future__ import annotations

import pytest

CREFOP = "/id/instance/crefop-pays-de-la-loire"
CONSTRUCT = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 3"
SELECT = "SELECT ?s WHERE { ?s ?p ?o } LIMIT 3"


@pytest.mark.parametrize("path", [CREFOP, "/ontology", "/catalogue"])
def test_accept_with_charset_parameter_is_honoured(client, path):
    response = client.get(path, headers={"Accept": "text/turtle;charset=utf-8"})
    assert response.status_code == 200
    assert response.mimetype == "text/turtle"


@pytest.mark.parametrize(
    ("query", "accept", "expected"),
    [
        (CONSTRUCT, "text/turtle; charset=utf-8", "text/turtle"),
        (
            SELECT,
            "application/sparql-results+json; charset=utf-8",
            "application/sparql-results+json",
        ),
        (SELECT, "text/csv; charset=utf-8", "text/csv"),
        (SELECT, "text/csv;header=present;q=0.5, application/xml;q=0.4", "text/csv"),
    ],
)
def test_sparql_accept_with_parameters_is_honoured(client, query, accept, expected):
    response = client.get("/sparql", query_string={"query": query}, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.mimetype == expected


def test_quality_zero_still_refuses_a_type(client):
    response = client.get(CREFOP, headers={"Accept": "text/turtle;charset=utf-8;q=0"})
    assert response.status_code == 406


@pytest.mark.parametrize(
    ("alias", "expected"),
    [
        ("turtle", "text/turtle"),
        ("ttl", "text/turtle"),
        ("xml", "application/rdf+xml"),
        ("rdfxml", "application/rdf+xml"),
        ("rdf", "application/rdf+xml"),
        ("jsonld", "application/ld+json"),
        ("json-ld", "application/ld+json"),
        ("nt", "application/n-triples"),
        ("ntriples", "application/n-triples"),
        ("html", "text/html"),
    ],
)
def test_format_aliases_are_the_same_on_resources_and_sparql(client, alias, expected):
    resource = client.get(CREFOP, query_string={"format": alias})
    assert resource.status_code == 200
    assert resource.mimetype == expected
    if expected != "text/html":
        graph = client.get("/sparql", query_string={"query": CONSTRUCT, "format": alias})
        assert graph.status_code == 200
        assert graph.mimetype == expected


def test_application_wildcard_selects_an_rdf_type_not_xhtml(client):
    response = client.get(CREFOP, headers={"Accept": "application/*"})
    assert response.status_code == 200
    assert response.mimetype.startswith("application/")
    assert response.mimetype != "application/xhtml+xml"
    assert response.mimetype in (
        "application/ld+json",
        "application/rdf+xml",
        "application/n-triples",
    )


def test_not_acceptable_link_names_alternates_with_rel(client):
    response = client.get(CREFOP, headers={"Accept": "image/png"})
    assert response.status_code == 406
    links = response.headers["Link"].split(", ")
    assert links
    assert all('rel="alternate"' in link and "type=" in link for link in links)


def _listed(value: str) -> set[str]:
    return {item.strip().lower() for item in value.split(",")}


def test_sparql_preflight_allows_cross_origin_post_of_a_query(client):
    response = client.options(
        "/sparql",
        headers={
            "Origin": "https://elsewhere.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "post" in _listed(response.headers["Access-Control-Allow-Methods"])
    assert "content-type" in _listed(response.headers["Access-Control-Allow-Headers"])
    assert "accept" in _listed(response.headers["Access-Control-Allow-Headers"])


def test_sparql_exposes_its_result_headers_to_other_origins(client):
    for response in (
        client.get("/sparql", query_string={"query": SELECT}),
        client.post("/sparql", data=SELECT, content_type="application/sparql-query"),
    ):
        assert response.status_code == 200
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        exposed = _listed(response.headers["Access-Control-Expose-Headers"])
        assert {"x-efop-results-truncated", "x-efop-results-limit", "etag"} <= exposed


def test_resources_preflight_still_offers_reads_only(client):
    response = client.options(CREFOP, headers={"Access-Control-Request-Method": "POST"})
    assert _listed(response.headers["Access-Control-Allow-Methods"]) == {"get", "head", "options"}
