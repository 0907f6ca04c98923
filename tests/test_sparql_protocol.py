"""The SPARQL endpoint through HTTP, against a real server process on loopback: the SPARQL 1.1
Protocol, the clients people use (SPARQLWrapper, rdflib's SPARQLStore, raw HTTP), the errors,
and the safety rules (read-only, no server-side requests, bounded queries)."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from pyoxigraph import RdfFormat, parse
from rdflib import Graph, URIRef
from rdflib.namespace import RDFS
from sparql_support import (
    BASE,
    REFERENCE,
    SOURCE,
    Listener,
    dataset_quads,
    free_port,
    load_oxigraph,
    oxigraph_command,
    publisher_command,
    running,
    write_build,
    write_root,
)
from SPARQLWrapper import CSV, JSON, JSONLD, N3, RDFXML, TSV, TURTLE, XML, SPARQLWrapper

LABELS = "SELECT ?label WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label }"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?o ?q }"
REMOTE_LABEL = "Région fédérée de test"


@pytest.fixture(scope="module")
def listener():
    listening = Listener()
    yield listening
    listening.close()


@pytest.fixture(scope="module")
def federated(tmp_path_factory):
    """A second SPARQL endpoint (``oxigraph serve``) for the allow-listed federation path."""
    from pyoxigraph import Literal, NamedNode, Quad

    port = free_port()
    root = f"http://127.0.0.1:{port}"
    location = tmp_path_factory.mktemp("federated")
    with running(oxigraph_command(port, location), root + "/query?query=ASK%7B%7D"):
        label = Quad(
            NamedNode("https://example.org/federated/1"),
            NamedNode(str(RDFS.label)),
            Literal(REMOTE_LABEL, language="fr"),
            NamedNode("https://example.org/federated/graph"),
        )
        load_oxigraph(root, [label])
        yield root + "/query"


@pytest.fixture(scope="module")
def server(tmp_path_factory, federated):
    root = write_root(tmp_path_factory.mktemp("root"))
    var = root / "var"
    write_build(var)
    port = free_port()
    env = {
        "EFOP_ROOT": str(root),
        "EFOP_VAR_DIR": str(var),
        "EFOP_QUERY_TIMEOUT": "2",
        "EFOP_MAX_RESULT_ROWS": "50",
        "EFOP_FEDERATION_ALLOW_LIST": federated,
        "EFOP_SPARQL_MAX_REQUEST_BYTES": "20000",
    }
    url = f"http://127.0.0.1:{port}"
    with running(publisher_command(port), url + "/queries", env, log=root / "server.log"):
        yield url


def http(method, url, *, data=None, headers=None):
    """(status, headers, body) of a raw request; HTTP errors are answers, not exceptions."""
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def get(server, path="/sparql", accept=None, **params):
    headers = {"Accept": accept} if accept else {}
    return http(
        "GET", f"{server}{path}?{urllib.parse.urlencode(params, doseq=True)}", headers=headers
    )


def bindings(body: bytes) -> list[dict]:
    return json.loads(body)["results"]["bindings"]


def labels(body: bytes) -> set[str]:
    return {row["label"]["value"] for row in bindings(body)}


# --- protocol ------------------------------------------------------------------------------


def test_get_query(server):
    status, headers, body = get(server, query=LABELS)
    assert status == 200
    assert headers["Content-Type"].startswith("application/sparql-results+json")
    assert {"Pays de la Loire", "Bretagne", "CREFOP Pays de la Loire"} <= labels(body)


def test_post_form(server):
    data = urllib.parse.urlencode({"query": LABELS}).encode()
    status, _, body = http(
        "POST",
        server + "/sparql",
        data=data,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert status == 200 and "Bretagne" in labels(body)


def test_post_sparql_query_body(server):
    status, _, body = http(
        "POST",
        server + "/sparql",
        data=LABELS.encode(),
        headers={"Content-Type": "application/sparql-query; charset=utf-8"},
    )
    assert status == 200 and "Bretagne" in labels(body)


def test_default_graph_uri_and_named_graph_uri(server):
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    status, _, body = get(server, query=count, **{"default-graph-uri": REFERENCE})
    assert status == 200 and bindings(body)[0]["n"]["value"] == "9"
    graphs = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    status, _, body = get(server, query=graphs, **{"named-graph-uri": SOURCE})
    assert status == 200 and [r["g"]["value"] for r in bindings(body)] == [SOURCE]


def test_unknown_protocol_graph_is_refused(server, listener):
    status, _, body = get(server, query=LABELS, **{"default-graph-uri": listener.url})
    assert status == 400 and b"not a graph of this dataset" in body


def test_ask_construct_describe(server):
    status, _, body = get(server, query="ASK { ?s a <https://w3id.org/efop/ontology#CREFOP> }")
    assert status == 200 and json.loads(body)["boolean"] is True
    construct = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{SOURCE}> {{ ?s ?p ?o }} }}"
    status, headers, body = get(server, query=construct, accept="text/turtle")
    assert status == 200 and headers["Content-Type"].startswith("text/turtle")
    assert len(Graph().parse(data=body, format="turtle")) == 3
    describe = "DESCRIBE <https://w3id.org/efop/id/territoire/region/52>"
    status, headers, body = get(server, query=describe, accept="application/n-triples")
    assert status == 200 and len(body.decode().strip().splitlines()) == 3


@pytest.mark.parametrize(
    ("param", "media_type"),
    [
        ("json", "application/sparql-results+json"),
        ("xml", "application/sparql-results+xml"),
        ("csv", "text/csv"),
        ("tsv", "text/tab-separated-values"),
        ("text/csv", "text/csv"),
    ],
)
def test_format_parameter_for_solutions(server, param, media_type):
    status, headers, _ = get(server, query=LABELS, format=param)
    assert status == 200 and headers["Content-Type"].startswith(media_type)


@pytest.mark.parametrize(
    ("param", "media_type"),
    [
        ("turtle", "text/turtle"),
        ("ttl", "text/turtle"),
        ("nt", "application/n-triples"),
        ("ntriples", "application/n-triples"),
        ("rdfxml", "application/rdf+xml"),
        ("rdf", "application/rdf+xml"),
        ("jsonld", "application/ld+json"),
        ("json-ld", "application/ld+json"),
        ("application/ld+json", "application/ld+json"),
    ],
)
def test_format_parameter_for_graphs(server, param, media_type):
    status, headers, _ = get(server, query="CONSTRUCT WHERE { ?s a ?c }", format=param)
    assert status == 200 and headers["Content-Type"].startswith(media_type)


def test_accept_with_q_values(server):
    accept = "text/csv;q=0.5, application/sparql-results+xml;q=0.9, */*;q=0.1"
    status, headers, _ = get(server, query=LABELS, accept=accept)
    assert status == 200 and headers["Content-Type"].startswith("application/sparql-results+xml")


def test_raw_request_without_accept_gets_json(server):
    url = f"{server}/sparql?query={urllib.parse.quote(LABELS)}"
    with urllib.request.urlopen(url, timeout=30) as response:
        assert response.headers["Content-Type"].startswith("application/sparql-results+json")
    status, headers, _ = get(server, query=LABELS, accept="*/*")
    assert headers["Content-Type"].startswith("application/sparql-results+json")


# --- clients -------------------------------------------------------------------------------


@pytest.mark.parametrize("return_format", [JSON, XML, CSV, TSV])
def test_sparqlwrapper_select_formats(server, return_format):
    client = SPARQLWrapper(server + "/sparql")
    client.setQuery(LABELS)
    client.setReturnFormat(return_format)
    converted = client.query().convert()
    if return_format == JSON:
        assert "Bretagne" in {b["label"]["value"] for b in converted["results"]["bindings"]}
    elif return_format == XML:
        values = [n.firstChild.data for n in converted.getElementsByTagName("literal")]
        assert "Bretagne" in values
    else:
        assert b"Bretagne" in converted
        assert converted.splitlines()[0] in (b"label", b"?label")


@pytest.mark.parametrize(
    ("return_format", "media_type", "syntax"),
    [
        (N3, "text/turtle", RdfFormat.TURTLE),
        (TURTLE, "text/turtle", RdfFormat.TURTLE),
        (RDFXML, "application/rdf+xml", RdfFormat.RDF_XML),
        (JSONLD, "application/ld+json", RdfFormat.JSON_LD),
    ],
)
def test_sparqlwrapper_graph_formats(server, return_format, media_type, syntax):
    client = SPARQLWrapper(server + "/sparql")
    client.setQuery(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{SOURCE}> {{ ?s ?p ?o }} }}")
    client.setReturnFormat(return_format)
    result = client.query()
    assert result.info()["content-type"].startswith(media_type)
    # read the body rather than convert(): SPARQLWrapper and rdflib's JSON-LD parser go through
    # ConjunctiveGraph, which rdflib 7 deprecates
    assert len(list(parse(result.response.read(), format=syntax))) == 3


def test_sparqlwrapper_ask_and_post(server):
    client = SPARQLWrapper(server + "/sparql")
    client.setMethod("POST")
    client.setQuery("ASK { ?s ?p ?o }")
    client.setReturnFormat(JSON)
    assert client.query().convert()["boolean"] is True


def test_rdflib_sparqlstore(server):
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    graph = Graph(store=SPARQLStore(server + "/sparql", returnFormat="xml"))
    region = URIRef("https://w3id.org/efop/id/territoire/region/53")
    assert {str(o) for o in graph.objects(region, RDFS.label)} == {"Bretagne"}
    assert (region, RDFS.label, None) in graph


# --- errors --------------------------------------------------------------------------------


def test_malformed_query_is_400_with_line_and_column(server):
    status, headers, body = get(server, query="SELECT ?s WHERE {\n  ?s ?p \n}")
    assert status == 400
    assert b"line 2, column 3" in body
    assert not body.lstrip().startswith(b"Traceback")


def test_wrong_content_type_is_415(server):
    status, _, body = http(
        "POST", server + "/sparql", data=LABELS.encode(), headers={"Content-Type": "text/plain"}
    )
    assert status == 415 and b"application/sparql-query" in body


@pytest.mark.parametrize("accept", ["image/png", "application/rdf+xml"])
def test_unacceptable_accept_is_406(server, accept):
    status, _, body = get(server, query=LABELS, accept=accept)
    assert status == 406 and b"application/sparql-results+json" in body


def test_unknown_format_parameter_is_406(server):
    status, _, _ = get(server, query=LABELS, format="yaml")
    assert status == 406


def test_too_large_requests_are_413(server):
    big = LABELS + " #" + "x" * 25_000
    status, _, _ = http(
        "POST",
        server + "/sparql",
        data=big.encode(),
        headers={"Content-Type": "application/sparql-query"},
    )
    assert status == 413
    data = urllib.parse.urlencode({"query": big}).encode()
    status, _, _ = http(
        "POST",
        server + "/sparql",
        data=data,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert status == 413
    status, _, _ = get(server, query=big)
    assert status == 413


def test_post_without_query_is_400(server):
    status, _, body = http(
        "POST",
        server + "/sparql",
        data=b"",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert status == 400 and b"query" in body


# --- read-only -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "update",
    [
        "INSERT DATA { <http://a> <http://b> <http://c> }",
        "LOAD <{listener}>",
        "CLEAR ALL",
        "DROP GRAPH <https://w3id.org/efop/id/graph/reference>",
    ],
)
def test_updates_are_refused_whatever_the_way(server, listener, update):
    update = update.replace("{listener}", listener.url)
    answers = [
        get(server, update=update),
        get(server, query=update),
        http(
            "POST",
            server + "/sparql",
            data=urllib.parse.urlencode({"update": update}).encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        ),
        http(
            "POST",
            server + "/sparql",
            data=update.encode(),
            headers={"Content-Type": "application/sparql-update"},
        ),
        http(
            "POST",
            server + "/sparql",
            data=update.encode(),
            headers={"Content-Type": "application/sparql-query"},
        ),
    ]
    for status, _, body in answers:
        assert status in (400, 415), body
        assert b"read-only" in body
    status, _, body = get(server, query="SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert int(bindings(body)[0]["n"]["value"]) == len(dataset_quads())
    assert listener.connections == []


# --- no server-side requests ---------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { SERVICE <{url}> { ?s ?p ?o } }",
        "SELECT * WHERE { SERVICE SILENT <{url}> { ?s ?p ?o } }",
        "SELECT * WHERE { BIND(<{url}> AS ?x) SERVICE ?x { ?s ?p ?o } }",
        "SELECT * WHERE { VALUES ?x { <{url}> } SERVICE ?x { ?s ?p ?o } }",
        "SELECT * FROM <{url}> WHERE { ?s ?p ?o }",
        "SELECT * FROM NAMED <{url}> WHERE { GRAPH ?g { ?s ?p ?o } }",
        "SELECT * WHERE { GRAPH <{url}> { ?s ?p ?o } }",
    ],
)
def test_no_request_leaves_the_server(server, listener, query):
    status, _, body = get(server, query=query.replace("{url}", listener.url))
    assert status == 400, body
    time.sleep(0.2)
    assert listener.connections == []


def test_allow_listed_service_is_federated(server, federated):
    query = (
        f"SELECT ?label WHERE {{ SERVICE <{federated}> "
        "{ ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label } }"
    )
    status, _, body = get(server, query=query)
    assert status == 200, body
    assert labels(body) == {REMOTE_LABEL}


# --- limits --------------------------------------------------------------------------------


def test_runaway_query_is_stopped_and_others_still_answered(server):
    outcome: dict = {}

    def runaway():
        started = time.monotonic()
        outcome["answer"] = get(server, query=RUNAWAY)
        outcome["seconds"] = time.monotonic() - started

    get(server, query="ASK {}")  # workers started
    thread = threading.Thread(target=runaway)
    thread.start()
    time.sleep(0.5)
    status, _, body = get(server, query=LABELS)
    assert status == 200 and "Bretagne" in labels(body)
    thread.join(15)
    status, _, body = outcome["answer"]
    assert status in (503, 504)
    assert b"time limit of 2 s" in body
    assert outcome["seconds"] < 4
    status, _, body = get(server, query=LABELS)
    assert status == 200


def test_row_cap_is_applied_and_said(server):
    status, headers, body = get(server, query="SELECT * WHERE { ?s ?p ?o }")
    assert status == 200 and len(bindings(body)) == 50
    assert headers["X-EFOP-Results-Truncated"] == "true"
    status, headers, body = get(server, query=LABELS)
    assert "X-EFOP-Results-Truncated" not in headers


# --- service description and page ---------------------------------------------------------


def test_service_description(server):
    status, headers, body = get(server, accept="text/turtle")
    assert status == 200 and headers["Content-Type"].startswith("text/turtle")
    graph = Graph().parse(data=body, format="turtle")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    service = URIRef(BASE + "sparql")  # the configured base, whatever the Host header says
    assert (service, URIRef(sd + "endpoint"), service) in graph
    assert (service, URIRef(sd + "supportedLanguage"), URIRef(sd + "SPARQL11Query")) in graph
    assert (service, URIRef(sd + "feature"), URIRef(sd + "UnionDefaultGraph")) in graph
    names = {str(o) for o in graph.objects(None, URIRef(sd + "name"))}
    assert {REFERENCE, SOURCE} <= names and len(names) == 3
    assert len(list(graph.objects(service, URIRef(sd + "resultFormat")))) == 8


def test_query_page_for_browsers(server):
    accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    status, headers, body = get(server, accept=accept)
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert b"yasgui.min.js" in body and b"R\\u00e9gions et leur libell\\u00e9" in body
    status, headers, body = get(server, accept=accept, query="ASK { ?s ?p ?o }")
    assert headers["Content-Type"].startswith("text/html")
    assert b'"initial": "ASK { ?s ?p ?o }"' in body  # a link to a query opens it in the editor
    status, _, script = get(server, "/sparql/ui/yasgui.min.js")
    assert status == 200 and len(script) > 100_000


# --- stored queries ------------------------------------------------------------------------


def test_queries_index_json_and_html(server):
    status, _, body = get(server, "/queries", accept="application/json")
    index = {q["name"]: q for q in json.loads(body)["queries"]}
    assert status == 200 and set(index) == {"regions", "region-by-code"}
    assert index["regions"]["title_en"] == "Regions and their label"
    assert index["region-by-code"]["parameters"][0]["name"] == "code"
    status, headers, body = get(server, "/queries", accept="text/html")
    assert headers["Content-Type"].startswith("text/html")
    assert "Région par code INSEE".encode() in body


def test_stored_query_runs_with_its_parameters(server):
    status, _, body = get(server, "/queries/region-by-code", code="53")
    assert status == 200
    assert [r["label"]["value"] for r in bindings(body)] == ["Bretagne"]
    status, _, body = get(server, "/queries/region-by-code")
    assert [r["label"]["value"] for r in bindings(body)] == ["Pays de la Loire"]
    status, headers, body = get(server, "/queries/regions", format="csv")
    assert headers["Content-Type"].startswith("text/csv") and body.count(b"\n") == 4


@pytest.mark.parametrize(
    "value",
    [
        '52" } ?s ?p ?o . FILTER("',
        "52' } UNION { ?s ?p ?o }",
        "}} SELECT * WHERE { ?s ?p ?o",
        '52"^^<http://www.w3.org/2001/XMLSchema#string>',
    ],
)
def test_parameter_injection_is_bound_as_a_literal(server, value):
    status, _, body = get(server, "/queries/region-by-code", code=value)
    assert status == 200
    assert bindings(body) == []


@pytest.mark.parametrize(
    "value", ["https://x.example/> } ?s ?p ?o { <", "javascript:alert(1)", "not an iri"]
)
def test_bad_iri_parameter_is_400(server, value):
    status, _, body = get(server, "/queries/regions", region=value)
    assert status == 400 and b"region" in body


def test_unknown_parameter_and_query(server):
    assert get(server, "/queries/regions", nope="1")[0] == 400
    assert get(server, "/queries/no-such-query")[0] == 404
