"""The SPARQL endpoint and the stored queries on the real build, served by ``efop serve``
(gunicorn), and the same build pushed to an external ``oxigraph serve`` and served from there."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request

import pytest
from rdflib import Graph, URIRef
from sparql_support import free_port, oxigraph_command, running
from SPARQLWrapper import JSON, SPARQLWrapper
from web_support import efop_serve

from efop.queries import load_catalogue

SD = "http://www.w3.org/ns/sparql-service-description#"
PAGES = [
    "id/territoire/region/52",
    "id/instance/crefop-pays-de-la-loire",
    "id/organisation/opco-ep",
]


def fetch(url: str, accept: str) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def sparql(root: str, query: str, accept: str = "application/sparql-results+json"):
    return fetch(f"{root}sparql?query={urllib.parse.quote(query)}", accept)


def test_endpoint_counts_the_whole_build(live_server, built):
    client = SPARQLWrapper(live_server + "sparql")
    client.setQuery("SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o { ?s ?p ?o } }")
    client.setReturnFormat(JSON)
    rows = client.query().convert()["results"]["bindings"]
    assert int(rows[0]["n"]["value"]) == built.manifest["triples"]


def test_service_description_names_the_build_graphs(live_server, built):
    status, body = fetch(live_server + "sparql", "text/turtle")
    assert status == 200
    graph = Graph().parse(data=body, format="turtle")
    names = {str(o) for o in graph.objects(None, URIRef(SD + "name"))}
    assert names == set(built.manifest["graphs"])


def test_every_stored_query_runs_with_its_defaults(live_server, settings):
    catalogue = load_catalogue(settings.queries_dir)
    assert catalogue, "no stored query found under queries/"
    status, body = fetch(live_server + "queries", "application/json")
    assert {q["name"] for q in json.loads(body)["queries"]} == set(catalogue)
    for name in catalogue:
        status, body = fetch(f"{live_server}queries/{name}", "application/sparql-results+json")
        assert status == 200, (name, body[:300])
        assert json.loads(body)["results"]["bindings"], f"{name} returned no row"


@pytest.fixture(scope="module")
def external(settings, built, tmp_path_factory):
    """The build pushed into ``oxigraph serve`` (without ``--union-default-graph``), and
    ``efop serve`` reading from it."""
    port = free_port()
    root = f"http://127.0.0.1:{port}"
    location = tmp_path_factory.mktemp("external-store")
    env = {"EFOP_ROOT": str(settings.root), "EFOP_VAR_DIR": str(settings.var_dir)}
    # a plain server, whose default graph is its own (empty) graph, not the union of the
    # named graphs: the publisher must state its dataset in every query
    plain = [arg for arg in oxigraph_command(port, location) if arg != "--union-default-graph"]
    with running(plain, root + "/query?query=ASK%7B%7D"):
        command = [sys.executable, "-m", "efop.cli", "push", "--endpoint", root + "/query"]
        command += ["--graph-store", root + "/store"]
        done = subprocess.run(
            command,
            env={**os.environ, **env},
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        assert done.stdout.startswith(f"push OK: {len(built.manifest['graphs'])} graphs")
        remote_env = {**env, "EFOP_STORE_ENDPOINT": root + "/query"}
        log = tmp_path_factory.mktemp("serve-external") / "serve.log"
        with efop_serve(remote_env, log=log) as url:
            yield url


def test_external_store_serves_the_same_pages(live_server, external):
    for page in PAGES:
        graphs = []
        for root in (live_server, external):
            status, body = fetch(root + page, "application/n-triples")
            assert status == 200, (root, page, body[:300])
            graphs.append(Graph().parse(data=body, format="nt"))
        assert len(graphs[0]) > 0 and set(graphs[0]) == set(graphs[1]), page


def unordered(row: dict) -> dict:
    """A result row where a GROUP_CONCAT of IRIs is a set: SPARQL leaves the order of the
    aggregated values to the engine, and the dataset's graphs are walked in another order when
    the query names them (the external store) than as the union default graph."""
    values = {}
    for name, term in row.items():
        tokens = term["value"].split(" ")
        if term["type"] == "literal" and len(tokens) > 1 and all(":" in t for t in tokens):
            term = {**term, "value": " ".join(sorted(tokens))}
        values[name] = term
    return values


def test_external_store_gives_the_same_answers(live_server, external, settings):
    for name in load_catalogue(settings.queries_dir):
        answers = []
        for root in (live_server, external):
            status, body = fetch(f"{root}queries/{name}", "application/sparql-results+json")
            assert status == 200, (root, name, body[:300])
            rows = json.loads(body)["results"]["bindings"]
            answers.append(sorted(json.dumps(unordered(r), sort_keys=True) for r in rows))
        assert answers[0] == answers[1], name
    count = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    results = [json.loads(sparql(root, count)[1]) for root in (live_server, external)]
    assert results[0]["results"]["bindings"]
    by_graph = [
        {r["g"]["value"]: r["n"]["value"] for r in result["results"]["bindings"]}
        for result in results
    ]
    assert by_graph[0] and by_graph[0] == by_graph[1]
