"""The external-store round trip: ``efop push`` a build into ``oxigraph serve`` (Graph Store
Protocol), then run the publisher on that endpoint and check that linked-data pages, SPARQL
answers and stored queries are the same as on the embedded store.

The server runs without ``--union-default-graph``, like Fuseki's default setup: its default
graph is a graph of its own, empty, and the publisher must state its dataset in each query."""

from __future__ import annotations

import http.server
import json
import subprocess
import threading
import urllib.error
import urllib.parse
import urllib.request

import pytest
from pyoxigraph import Literal, NamedNode, RdfFormat, Store, parse
from rdflib import Graph
from rdflib.compare import isomorphic
from sparql_support import (
    REFERENCE,
    REPO,
    dataset_quads,
    free_port,
    oxigraph_command,
    publisher_command,
    running,
    write_build,
    write_root,
)

from efop.store.remote import RemoteStore, values_clause

EFOP = REPO / ".venv" / "bin" / "efop"
STALE = "https://w3id.org/efop/id/graph/stale"


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = write_root(tmp_path_factory.mktemp("root"))
    write_build(root / "var")
    return root


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory):
    port = free_port()
    root = f"http://127.0.0.1:{port}"
    location = tmp_path_factory.mktemp("oxigraph")
    plain = [arg for arg in oxigraph_command(port, location) if arg != "--union-default-graph"]
    with running(plain, root + "/query?query=ASK%7B%7D"):
        yield root


class DatasetDroppingProxy(http.server.BaseHTTPRequestHandler):
    """Forwards SPARQL requests to ``target`` without their dataset parameters, as a server
    that ignores ``default-graph-uri`` / ``named-graph-uri`` would answer."""

    target = ""

    def _forward(self, method: str) -> None:
        path, _, query = self.path.partition("?")
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        if body is not None and "x-www-form-urlencoded" in self.headers.get("Content-Type", ""):
            body = _without_dataset(body.decode()).encode()
        url = self.target + path + ("?" + _without_dataset(query) if query else "")
        headers = {k: v for k, v in self.headers.items() if k.lower() in {"accept", "content-type"}}
        request = urllib.request.Request(url, data=body, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status, payload, kind = response.status, response.read(), response.headers
        except urllib.error.HTTPError as error:
            status, payload, kind = error.code, error.read(), error.headers
        self.send_response(status)
        self.send_header("Content-Type", kind.get("Content-Type", "text/plain"))
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def do_GET(self) -> None:  # noqa: N802 (the handler's protocol)
        self._forward("GET")

    def do_POST(self) -> None:  # noqa: N802
        self._forward("POST")

    def do_PUT(self) -> None:  # noqa: N802
        self._forward("PUT")

    def log_message(self, *args) -> None:
        return


def _without_dataset(encoded: str) -> str:
    pairs = urllib.parse.parse_qsl(encoded, keep_blank_values=True)
    kept = [(k, v) for k, v in pairs if k not in {"default-graph-uri", "named-graph-uri"}]
    return urllib.parse.urlencode(kept)


@pytest.fixture
def ignoring_proxy(oxigraph):
    handler = type("Proxy", (DatasetDroppingProxy,), {"target": oxigraph})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def push(project, oxigraph, *extra):
    env = {"EFOP_ROOT": str(project), "EFOP_VAR_DIR": str(project / "var")}
    command = [str(EFOP), "push", "--endpoint", oxigraph + "/query"]
    command += ["--graph-store", oxigraph + "/store", *extra]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def pushed(project, oxigraph):
    request = urllib.request.Request(
        f"{oxigraph}/store?graph={urllib.parse.quote(STALE, safe='')}",
        data=b"<https://a.example/s> <https://a.example/p> <https://a.example/o> .\n",
        method="PUT",
        headers={"Content-Type": "application/n-triples"},
    )
    urllib.request.urlopen(request, timeout=10).read()
    done = push(project, oxigraph, "--prune")
    assert done.returncode == 0, done.stderr
    return done


@pytest.fixture(scope="module")
def publishers(project, oxigraph, pushed):
    """Two full publishers: one on the embedded build, one on the external store."""
    base_env = {"EFOP_ROOT": str(project), "EFOP_VAR_DIR": str(project / "var")}
    embedded_port, remote_port = free_port(), free_port()
    embedded = f"http://127.0.0.1:{embedded_port}"
    remote = f"http://127.0.0.1:{remote_port}"
    remote_env = {**base_env, "EFOP_STORE_ENDPOINT": oxigraph + "/query"}
    with (
        running(publisher_command(embedded_port), embedded + "/queries", base_env),
        running(publisher_command(remote_port), remote + "/queries", remote_env),
    ):
        yield embedded, remote


def fetch(url: str, accept: str) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_push_sends_every_graph_and_checks_counts(pushed, oxigraph):
    assert pushed.stdout.startswith("push OK: 3 graphs, ")
    remote = RemoteStore(oxigraph + "/query")
    expected = {quad.graph_name.value for quad in dataset_quads()}
    assert set(remote.named_graphs()) == expected  # the stale graph was pruned
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert int(remote.select(count)[0]["n"].value) == len(dataset_quads())


def test_push_twice_gives_the_same_store(project, oxigraph, pushed):
    done = push(project, oxigraph)
    assert done.returncode == 0, done.stderr
    remote = RemoteStore(oxigraph + "/query")
    count = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    assert int(remote.select(count)[0]["n"].value) == len(dataset_quads())


def test_the_default_graph_is_the_union_of_the_build_graphs_only_when_asked(oxigraph, pushed):
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    raw = urllib.parse.quote(count)
    status, body = fetch(f"{oxigraph}/query?query={raw}", "application/sparql-results+json")
    assert status == 200
    assert json.loads(body)["results"]["bindings"][0]["n"]["value"] == "0"
    assert int(RemoteStore(oxigraph + "/query").select(count)[0]["n"].value) > 0


def test_push_fails_loudly_when_the_server_ignores_the_dataset(project, ignoring_proxy, pushed):
    done = push(project, ignoring_proxy)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "push FAILED" in done.stdout
    assert "(default graph)" in done.stderr and "default-graph-uri" in done.stderr


def test_push_to_nowhere_fails_clearly(project):
    done = push(project, f"http://127.0.0.1:{free_port()}")
    assert done.returncode == 1 and "push FAILED" in done.stderr


def test_remote_store_binds_terms_safely(oxigraph, pushed):
    remote = RemoteStore(oxigraph + "/query")
    query = "SELECT ?code ?region WHERE { ?region <http://rdf.insee.fr/def/geo#codeRegion> ?code }"
    rows = remote.select(query, {"code": Literal("53")})
    assert [row["region"].value for row in rows] == [
        "https://w3id.org/efop/id/territoire/region/53"
    ]
    assert remote.select(query, {"code": Literal('53" } ?x ?y ?z {')}) == []
    assert (
        values_clause({"g": NamedNode(REFERENCE)}).strip() == f"VALUES (?g) {{ (<{REFERENCE}>) }}"
    )
    assert remote.ask("ASK { ?s ?p ?o }")
    triples = remote.construct(
        "CONSTRUCT { ?region ?p ?o } WHERE { ?region ?p ?o }",
        {"region": NamedNode("https://w3id.org/efop/id/territoire/region/52")},
    )
    assert len(triples) == 3


def test_remote_store_execute_matches_embedded(oxigraph, pushed, project):
    from pyoxigraph import QueryResultsFormat

    from efop.store.embedded import EmbeddedStore

    query = "SELECT ?s ?label WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label }"
    remote = RemoteStore(oxigraph + "/query").execute(query, QueryResultsFormat.JSON)
    local_store = EmbeddedStore.open(project / "var" / "current" / "store")
    local = local_store.execute(query, QueryResultsFormat.JSON)

    def rows(body):
        return sorted(
            json.dumps(b, sort_keys=True) for b in json.loads(body)["results"]["bindings"]
        )

    assert rows(remote) == rows(local)
    del local_store


@pytest.mark.parametrize(
    "path",
    ["/id/territoire/region/52", "/id/instance/crefop-pays-de-la-loire", "/id/projet/p7"],
)
def test_linked_data_pages_are_the_same(publishers, path):
    embedded, remote = publishers
    graphs = []
    for root in (embedded, remote):
        status, body = fetch(root + path, "application/n-triples")
        assert status == 200, body
        graphs.append(Graph().parse(data=body, format="nt"))
    assert len(graphs[0]) > 0
    assert isomorphic(graphs[0], graphs[1])


@pytest.mark.parametrize(
    "query",
    [
        "SELECT ?s ?label WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label }",
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
        f"SELECT (COUNT(*) AS ?n) FROM <{REFERENCE}> WHERE {{ ?s ?p ?o }}",
        "ASK { ?s a <https://w3id.org/efop/ontology#CREFOP> }",
    ],
)
def test_sparql_answers_are_the_same(publishers, query):
    answers = []
    for root in publishers:
        status, body = fetch(
            f"{root}/sparql?query={urllib.parse.quote(query)}", "application/sparql-results+json"
        )
        assert status == 200, body
        document = json.loads(body)
        if "boolean" in document:
            answers.append(document["boolean"])
        else:
            bindings = document["results"]["bindings"]
            answers.append(sorted(json.dumps(b, sort_keys=True) for b in bindings))
    assert answers[0] == answers[1]
    assert answers[0] not in ([], False)


def test_construct_and_stored_queries_are_the_same(publishers):
    construct = "CONSTRUCT { ?s ?p ?o } WHERE { ?s a <http://rdf.insee.fr/def/geo#Region> ; ?p ?o }"
    graphs = []
    for root in publishers:
        status, body = fetch(
            f"{root}/sparql?query={urllib.parse.quote(construct)}", "application/n-triples"
        )
        assert status == 200, body
        store = Store()
        store.extend(q for q in parse(body, format=RdfFormat.N_QUADS))
        graphs.append(sorted(str(q) for q in store))
    assert graphs[0] == graphs[1] and len(graphs[0]) == 9
    answers = []
    for root in publishers:
        status, body = fetch(root + "/queries/region-by-code?code=75", "text/csv")
        assert status == 200, body
        answers.append(body)
    assert answers[0] == answers[1] and b"Nouvelle-Aquitaine" in answers[0]


def test_query_form_is_not_guessed_from_comments(oxigraph, pushed):
    """SPARQLWrapper's guess reads "describes" in this header as a DESCRIBE query (the
    apostrophes in the comment fool its regular expression); the store states the form."""
    query = (
        "# description: le nombre d'entreprises, d'habitants...\n"
        "# description-en: the figure, the resource it describes\n"
        "SELECT ?code WHERE { ?r <http://rdf.insee.fr/def/geo#codeRegion> ?code }"
    )
    remote = RemoteStore(oxigraph + "/query")
    assert sorted(row["code"].value for row in remote.select(query)) == ["52", "53", "75"]
