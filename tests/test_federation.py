"""The federated query of ``queries/federation/`` across two local endpoints: this publisher
(``efop serve`` with the partner in its allow-list) and a partner region's own triplestore
(``oxigraph serve``) holding the Bretagne example imported with ``efop import``."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from pyoxigraph import NamedNode, Quad, RdfFormat, parse
from sparql_support import free_port, load_oxigraph, oxigraph_command, running
from web_support import efop_serve

from efop.cli import main as efop

REPO = Path(__file__).resolve().parents[1]
QUERY = REPO / "queries" / "federation" / "crefop-members-at-partner.rq"
DOCUMENTED_ENDPOINT = "http://127.0.0.1:7879/query"
PARTNER_SOURCE = "https://w3id.org/efop/id/source/bretagne-import"
CONCEPT = "https://w3id.org/efop/id/concept/"


@pytest.fixture(scope="module")
def partner(tmp_path_factory) -> str:
    """A partner region's endpoint holding its own import of the Bretagne example."""
    work = tmp_path_factory.mktemp("partner")
    imported = work / "bretagne.ttl"
    csv_files = sorted(str(p) for p in (REPO / "examples" / "region-bretagne").glob("*.csv"))
    assert csv_files, "the Bretagne example is missing"
    assert efop(["import", *csv_files, "--region", "bretagne", "--out", str(imported)]) == 0
    quads = [
        Quad(t.subject, t.predicate, t.object, NamedNode(PARTNER_SOURCE))
        for t in parse(path=str(imported), format=RdfFormat.TURTLE)
    ]
    port = free_port()
    root = f"http://127.0.0.1:{port}"
    with running(oxigraph_command(port, work / "store"), root + "/query?query=ASK%7B%7D"):
        load_oxigraph(root, quads)
        yield root + "/query"


@pytest.fixture(scope="module")
def federating_server(settings, built, partner, tmp_path_factory) -> str:
    env = {
        "EFOP_ROOT": str(settings.root),
        "EFOP_VAR_DIR": str(settings.var_dir),
        "EFOP_BASE_IRI": settings.base_iri,
        "EFOP_FEDERATION_ALLOW_LIST": partner,
    }
    log = tmp_path_factory.mktemp("federating") / "serve.log"
    with efop_serve(env, log=log) as url:
        yield url


def ask(server: str, query: str) -> tuple[int, dict | str]:
    url = server + "/sparql?" + urllib.parse.urlencode({"query": query})
    request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


def test_federated_query_joins_our_crefop_with_the_partner_members(federating_server, partner):
    text = QUERY.read_text(encoding="utf-8")
    assert DOCUMENTED_ENDPOINT in text
    status, results = ask(federating_server, text.replace(DOCUMENTED_ENDPOINT, partner))
    assert status == 200, results
    rows = results["results"]["bindings"]
    assert {row["crefop"]["value"] for row in rows} == {
        "https://w3id.org/efop/id/instance/crefop-bretagne"
    }
    assert {row["code"]["value"] for row in rows} == {"53"}
    assert {row["partnerBody"]["value"] for row in rows} == {
        "https://w3id.org/efop/id/instance/crefop-bretagne"  # the partner points to ours
    }
    members = {row["memberLabel"]["value"] for row in rows}
    assert {"Région Bretagne", "Préfecture de la région Bretagne"} <= members
    assert len(members) == 4
    roles = {row["role"]["value"] for row in rows}
    assert CONCEPT + "member-role/co-president" in roles


def test_the_same_query_is_refused_without_the_allow_list(live_server, partner):
    text = QUERY.read_text(encoding="utf-8").replace(DOCUMENTED_ENDPOINT, partner)
    status, body = ask(live_server, text)
    assert status == 400
    assert "SERVICE" in body
