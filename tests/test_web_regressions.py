"""Defects found in review of the publisher's HTTP behaviour, each checked through HTTP.

Negotiation with media-type parameters and format aliases, cross-origin rules, errors in RDF
formats, absolute URLs from configuration, weak validators, language links, empty queries,
JSON-LD typing, robots.txt, favicon and the shapes document.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from web_support import triples_of

import efop.web
from efop.web.shapes_doc import read_shapes

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


MISSING = "/id/instance/nothing-here"


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("text/turtle", "text/turtle"),
        ("application/n-triples", "application/n-triples"),
        ("application/rdf+xml", "application/rdf+xml"),
    ],
)
def test_not_found_answers_an_empty_graph_in_the_rdf_format_asked(client, accept, expected):
    response = client.get(MISSING, headers={"Accept": accept})
    assert response.status_code == 404
    assert response.mimetype == expected
    text = response.get_data(as_text=True)
    assert "Traceback" not in text
    assert MISSING in text
    format_name = {"text/turtle": "ttl", "application/n-triples": "nt"}
    assert triples_of(response.data, format_name.get(expected, "rdf")) == set()


def test_not_found_in_jsonld_is_json_ld_with_a_context(client):
    response = client.get(MISSING, headers={"Accept": "application/ld+json"})
    assert response.status_code == 404
    assert response.mimetype == "application/ld+json"
    document = json.loads(response.data)
    assert document["status"] == 404
    assert MISSING in document["error"]
    assert isinstance(document["@context"], dict)
    assert len(triples_of(response.data, "jsonld")) == 2


def test_not_found_by_suffix_is_in_the_suffix_format(client):
    response = client.get(MISSING + ".ttl")
    assert response.status_code == 404
    assert response.mimetype == "text/turtle"


@pytest.mark.parametrize("path", [CREFOP, "/", "/catalogue"])
def test_weak_and_star_validators_revalidate(client, path):
    first = client.get(path)
    etag = first.headers["ETag"]
    strong = etag.removeprefix("W/")
    for validator in (f"W/{strong}", strong, f'"other", W/{strong}', "*"):
        again = client.get(path, headers={"If-None-Match": validator})
        assert again.status_code == 304, validator
    assert client.get(path, headers={"If-None-Match": 'W/"other"'}).status_code == 200


@pytest.mark.parametrize(
    "accept", ["text/turtle", "application/json", "application/ld+json", "*/*", "text/html"]
)
def test_errors_stay_short_whatever_the_path(client, accept):
    response = client.get("/id/" + "x" * 5000, headers={"Accept": accept})
    assert response.status_code == 404
    assert len(response.data) < 2000


@pytest.mark.parametrize(
    "send",
    [
        lambda c: c.get("/sparql", query_string={"query": ""}),
        lambda c: c.get("/sparql", query_string={"query": "  \n"}),
        lambda c: c.post("/sparql", data={"query": ""}),
        lambda c: c.post("/sparql", data="", content_type="application/sparql-query"),
    ],
)
def test_empty_query_is_a_bad_request_saying_so(client, send):
    response = send(client)
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "empty query" in text
    assert "read-only" not in text and "update" not in text.lower()


def test_sitemap_urls_come_from_the_base_not_the_host_header(client, settings):
    response = client.get("/sitemap.xml", headers={"Host": "evil.example"})
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "evil.example" not in text
    assert f"<loc>{settings.base_iri}</loc>" in text
    assert f"<loc>{settings.base_iri}ontology</loc>" in text


def test_service_description_endpoint_comes_from_the_base(client, settings):
    headers = {"Host": "evil.example", "Accept": "application/n-triples"}
    response = client.get("/sparql", headers=headers)
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "evil.example" not in text
    endpoint = settings.base_iri + "sparql"
    sd_endpoint = "<http://www.w3.org/ns/sparql-service-description#endpoint>"
    assert f"<{endpoint}> {sd_endpoint} <{endpoint}>" in text


def test_stored_query_urls_come_from_the_base(client, settings):
    listing = client.get("/queries", headers={"Host": "evil.example", "Accept": "application/json"})
    assert listing.status_code == 200
    assert "evil.example" not in listing.get_data(as_text=True)


def _language_link(page: str) -> str:
    link = re.search(r'<a href="([^"]*)" hreflang="en"', page)
    assert link is not None
    return html.unescape(link.group(1))


def test_language_switch_keeps_filters_and_page(client):
    directory = client.get("/annuaire", query_string={"lang": "fr"}).get_data(as_text=True)
    territory = re.search(r'<option value="([^"]+)"', directory)
    assert territory is not None
    value = html.unescape(territory.group(1))
    filtered = client.get("/annuaire", query_string={"territory": value, "lang": "fr"})
    assert filtered.status_code == 200
    link = parse_qs(urlsplit(_language_link(filtered.get_data(as_text=True))).query)
    assert link == {"territory": [value], "lang": ["en"]}


def test_language_switch_keeps_the_page_number(client):
    response = client.get("/classes/Actor", query_string={"page": "2"})
    if response.status_code == 404:
        pytest.skip("fewer than two pages of actors")
    link = parse_qs(urlsplit(_language_link(response.get_data(as_text=True))).query)
    assert link == {"page": ["2"], "lang": ["en"]}


def test_web_queries_take_their_prefixes_from_the_registry():
    """Every ``PREFIX`` the publisher's own queries declare comes from ``efop.namespaces``."""
    web = Path(efop.web.__file__).parent
    declared = re.compile(r"^\s*PREFIX\s+\w*:\s*<", re.MULTILINE | re.IGNORECASE)
    hard_coded = [p.name for p in sorted(web.glob("*.py")) if declared.search(p.read_text())]
    assert hard_coded == []


def test_jsonld_types_nodes_with_at_type_and_the_published_context(client, settings):
    document = json.loads(client.get(CREFOP + ".jsonld").data)
    published = json.loads(client.get("/context.jsonld").data)["@context"]
    assert document["@context"] == published
    nodes = document["@graph"]
    assert not any("rdf:type" in node for node in nodes)
    crefop = next(n for n in nodes if n["@id"] == settings.base_iri + CREFOP[1:])
    assert crefop["@type"]
    assert all(":" in t for t in crefop["@type"])
    turtle = triples_of(client.get(CREFOP + ".ttl").data, "ttl")
    assert triples_of(client.get(CREFOP + ".jsonld").data, "jsonld") == turtle


def test_pages_embed_schema_org_types(client):
    page = client.get(CREFOP, headers={"Accept": "text/html"}).get_data(as_text=True)
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.DOTALL)
    assert block is not None
    embedded = json.loads(block.group(1))
    schema_types = {
        t for node in embedded["@graph"] for t in node.get("@type", []) if "schema.org" in t
    } | {
        node["@type"]
        for node in embedded["@graph"]
        if isinstance(node.get("@type"), str) and "schema.org" in node["@type"]
    }
    assert schema_types & {
        "https://schema.org/Organization",
        "https://schema.org/GovernmentOrganization",
    }


def test_robots_txt_names_the_sitemap_under_the_base(client, settings):
    response = client.get("/robots.txt", headers={"Host": "evil.example"})
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    lines = response.get_data(as_text=True).splitlines()
    assert "User-agent: *" in lines
    assert f"Sitemap: {settings.base_iri}sitemap.xml" in lines
    assert "Disallow: /sparql" in lines
    assert "Disallow: /" not in lines


def test_favicon_is_served_and_linked(client):
    with client.get("/favicon.ico", follow_redirects=True) as icon:
        assert icon.status_code == 200
        assert icon.mimetype == "image/svg+xml"
        assert b"<svg" in icon.data
    page = client.get("/").get_data(as_text=True)
    link = re.search(r'<link rel="icon" type="image/svg\+xml" href="([^"]+)"', page)
    assert link is not None
    with client.get(link.group(1)) as linked:
        assert linked.status_code == 200


def test_shapes_document_is_served_in_rdf(client, settings):
    response = client.get("/shapes", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    assert response.mimetype == "text/turtle"
    served = triples_of(response.data, "ttl")
    shape = "<https://w3id.org/efop/shapes#ProjectShape>"
    assert any(s == shape for s, _, _ in served)
    expected = set()
    for path in sorted(settings.shapes_dir.glob("*.ttl")):
        expected |= {
            (s, p, o)
            for s, p, o in triples_of(path.read_bytes(), "ttl")
            if not s.startswith("_:") and not o.startswith("_:")
        }
    assert expected <= served
    nt = client.get("/shapes.nt")
    assert nt.status_code == 200 and nt.mimetype == "application/n-triples"


@pytest.mark.parametrize(("lang", "name"), [("fr", "Projet"), ("en", "Project")])
def test_shapes_page_lists_each_shape_with_name_and_target(client, lang, name):
    response = client.get("/shapes", query_string={"lang": lang}, headers={"Accept": "text/html"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'id="ProjectShape"' in page
    assert f"efsh:ProjectShape</code> — {name}" in page
    assert "sh:targetClass" in page


WIDTH_CHECK = """
const { chromium } = require("playwright-core");
(async () => {
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
  });
  const widths = {};
  try {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    for (const url of process.argv.slice(1)) {
      await page.goto(url, { waitUntil: "load" });
      await page.waitForTimeout(url.endsWith("/sparql") ? 1500 : 100);
      widths[url] = await page.evaluate(() => document.documentElement.scrollWidth);
    }
  } finally {
    await browser.close();
  }
  console.log(JSON.stringify(widths));
})().catch((error) => { console.error(error); process.exit(1); });
"""


@pytest.mark.browser
@pytest.mark.skipif(
    not Path("/usr/bin/chromium").exists()
    or not (Path(__file__).parents[1] / "node_modules" / "playwright-core").is_dir()
    or shutil.which("node") is None,
    reason="needs Debian's chromium, node and the repository's playwright-core",
)
def test_pages_fit_a_390_pixel_phone(live_server):
    paths = ["", "annuaire", CREFOP[1:], "sparql", "shapes", "classes/Actor?page=2"]
    urls = [live_server + path for path in paths]
    result = subprocess.run(
        ["node", "-e", WIDTH_CHECK, *urls],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=Path(__file__).parents[1],
        check=True,
    )
    widths = json.loads(result.stdout)
    too_wide = {url: width for url, width in widths.items() if width > 390}
    assert too_wide == {}


def test_shapes_files_keep_their_blank_nodes_apart(tmp_path):
    for name in ("a.ttl", "b.ttl"):
        (tmp_path / name).write_text("_:b <http://example.org/p> 1 .\n", encoding="utf-8")
    merged = read_shapes(tmp_path)
    assert len({t.subject for t in merged}) == 2


def test_link_header_of_a_406_on_a_non_ascii_path_is_ascii(client):
    response = client.get("/id/graph/reference/\u202e", query_string={"format": "zz"})
    assert response.status_code == 406
    link = response.headers["Link"]
    assert link.isascii()
    assert "/id/graph/reference/%E2%80%AE" in link
