"""Queries run in worker processes: a runaway query is killed at the deadline while the other
workers keep answering; results are capped; the engine never fetches a FROM graph."""

from __future__ import annotations

import json
import threading
import time
from functools import partial

import pytest
from pyoxigraph import NamedNode, Store
from sparql_support import FILLER, REFERENCE, Listener, write_build

from efop.sparql import Endpoint, Limits, QueryRejected
from efop.sparql.formats import GRAPH_FORMATS, SOLUTION_FORMATS
from efop.store.embedded import EmbeddedStore

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"
JSON = SOLUTION_FORMATS[0]


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory):
    build = write_build(tmp_path_factory.mktemp("var"))
    store_path = build / "store"
    limits = Limits(timeout=2.0, max_rows=50, workers=2)
    endpoint = Endpoint(
        EmbeddedStore.open(store_path), limits, opener=partial(EmbeddedStore.open, store_path)
    )
    yield endpoint
    endpoint.close()


def rows(answer) -> list[dict]:
    return json.loads(answer.body)["results"]["bindings"]


def test_a_query_runs_in_a_worker(endpoint):
    checked = endpoint.check(
        "SELECT ?code WHERE { ?r <http://rdf.insee.fr/def/geo#codeRegion> ?code }"
    )
    answer = endpoint.run(checked, JSON)
    assert sorted(r["code"]["value"] for r in rows(answer)) == ["52", "53", "75"]
    assert not answer.truncated


def test_runaway_query_is_stopped_at_the_limit_while_others_succeed(endpoint):
    outcome: dict = {}

    def runaway():
        started = time.monotonic()
        try:
            endpoint.run(endpoint.check(RUNAWAY), JSON)
        except QueryRejected as error:
            outcome["error"] = error
        outcome["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=runaway)
    thread.start()
    time.sleep(0.3)
    simple = endpoint.run(endpoint.check("ASK { ?s ?p ?o }"), JSON)
    assert json.loads(simple.body)["boolean"] is True
    thread.join(10)
    assert outcome["error"].status == 504
    assert "2 s" in outcome["error"].message
    assert outcome["seconds"] < 3.0
    time.sleep(0.1)
    again = endpoint.run(endpoint.check("SELECT ?s WHERE { ?s ?p ?o } LIMIT 1"), JSON)
    assert len(rows(again)) == 1


def test_rows_beyond_the_cap_are_cut_and_said(endpoint):
    answer = endpoint.run(endpoint.check("SELECT * WHERE { ?s ?p ?o }"), JSON)
    assert answer.truncated and answer.rows == 50 and len(rows(answer)) == 50
    triples = endpoint.run(endpoint.check("CONSTRUCT WHERE { ?s ?p ?o }"), GRAPH_FORMATS[1])
    assert triples.truncated and len(triples.body.splitlines()) == 50
    count = endpoint.run(endpoint.check("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"), JSON)
    assert int(rows(count)[0]["n"]["value"]) > FILLER and not count.truncated


def test_engine_errors_are_client_errors(endpoint):
    checked = endpoint.check("SELECT (COUNT(?x) AS ?n) ?y WHERE { ?x ?p ?y }")
    with pytest.raises(QueryRejected) as refused:
        endpoint.run(checked, JSON)
    assert refused.value.status == 400


def test_oxigraph_never_fetches_a_from_graph():
    """The guard refuses foreign FROM graphs; this checks the engine itself would not fetch."""
    listener = Listener()
    try:
        store = Store()
        results = store.query(
            f"SELECT * FROM <{listener.url}> FROM NAMED <{listener.url}> WHERE "
            f"{{ {{ ?s ?p ?o }} UNION {{ GRAPH <{listener.url}> {{ ?s ?p ?o }} }} }}"
        )
        assert list(results) == []
        store.query("SELECT * WHERE { ?s ?p ?o }", default_graph=[NamedNode(listener.url)])
        time.sleep(0.3)
        assert listener.connections == []
    finally:
        listener.close()


def test_from_a_local_graph_restricts_the_default_graph(endpoint):
    query = f"SELECT (COUNT(*) AS ?n) FROM <{REFERENCE}> WHERE {{ ?s ?p ?o }}"
    answer = endpoint.run(endpoint.check(query), JSON)
    assert rows(answer)[0]["n"]["value"] == "9"


def test_a_store_that_cannot_be_opened_fails_fast_with_503(tmp_path):
    missing = tmp_path / "no-store"
    store = EmbeddedStore(Store())
    broken = Endpoint(
        store, Limits(timeout=2.0, workers=1), opener=partial(EmbeddedStore.open, missing)
    )
    try:
        deadline = time.monotonic() + 30
        while broken.pool.start_error is None and time.monotonic() < deadline:
            time.sleep(0.1)
        assert "could not start" in broken.pool.start_error
        started = time.monotonic()
        with pytest.raises(QueryRejected) as refused:
            broken.run(broken.check("ASK {}"), JSON)
        assert refused.value.status == 503 and time.monotonic() - started < 1
    finally:
        broken.close()
