"""Resource limits of a real ``efop serve`` (gunicorn) with tight bounds: a 3 s query time limit,
1000 result rows and 64 KB requests (see ``LIMITS_ENV`` in the conftest).

Oversized requests get 413; clients that open connections and send nothing do not stop others
from being served; a query that would return millions of rows is capped and says so; a runaway
query is stopped at the time limit; many heavy queries at once leave light requests answered.
"""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

import pytest

from reliability.support import LIGHT, MILLIONS, RUNAWAY, assert_clean_error, request, sparql

TIME_LIMIT = 3.0
MAX_ROWS = 1000


@pytest.mark.parametrize(
    ("content_type", "accept"),
    [
        ("application/x-www-form-urlencoded", "application/json"),
        ("application/sparql-query", "text/plain"),
        ("application/sparql-query", "text/html"),
    ],
)
def test_an_oversized_query_is_refused_with_413(served, content_type, accept):
    root = served.url
    filler = "# " + "x" * 200_000 + "\n"
    body = (
        urllib.parse.urlencode({"query": filler + LIGHT})
        if content_type.endswith("urlencoded")
        else filler + LIGHT
    )
    status, head, text, _ = request(
        root + "sparql",
        data=body.encode(),
        headers={"Content-Type": content_type, "Accept": accept},
    )
    assert status == 413, text[:300]
    assert_clean_error(status, head["Content-Type"], text)
    assert head["Content-Type"].startswith(accept)


def test_an_overlong_request_line_is_refused_cleanly(served):
    root = served.url
    status, head, text, _ = sparql(root, "# " + "x" * 70_000 + "\n" + LIGHT)
    assert status in (400, 413, 414), text[:300]
    assert "Traceback" not in text and len(text) < 2000


def test_idle_connections_do_not_stop_others_being_served(served):
    root = served.url
    host, port = urllib.parse.urlsplit(root).netloc.split(":")
    idle = [socket.create_connection((host, int(port))) for _ in range(8)]
    partial = socket.create_connection((host, int(port)))
    partial.sendall(b"GET /dataset HTTP/1.1\r\nHost: x\r\n")  # never finished
    try:
        time.sleep(0.5)
        for path in ("dataset", "id/instance/crefop-pays-de-la-loire", "sparql?query=ASK%7B%7D"):
            status, _, _, seconds = request(root + path, timeout=10)
            assert status == 200 and seconds < 5, (path, status, seconds)
    finally:
        for connection in [*idle, partial]:
            connection.close()


def test_a_query_for_millions_of_rows_is_capped_and_says_so(served):
    root = served.url
    status, head, text, seconds = sparql(root, MILLIONS)
    assert status == 200, text[:300]
    assert head["X-EFOP-Results-Truncated"] == "true"
    assert head["X-EFOP-Results-Limit"] == str(MAX_ROWS)
    assert len(json.loads(text)["results"]["bindings"]) == MAX_ROWS
    assert seconds < TIME_LIMIT + 5


def test_a_runaway_query_is_stopped_at_the_time_limit(served):
    root = served.url
    status, head, text, seconds = sparql(root, RUNAWAY, accept="application/json")
    assert status == 504, text[:300]
    assert_clean_error(status, head["Content-Type"], text)
    assert "3 s" in json.loads(text)["error"]
    assert TIME_LIMIT <= seconds < TIME_LIMIT + 10


def test_light_requests_are_answered_while_heavy_queries_run(served):
    root = served.url
    heavy_count = 6
    with ThreadPoolExecutor(heavy_count) as pool:
        heavy = [
            pool.submit(sparql, root, RUNAWAY, "application/json", 120) for _ in range(heavy_count)
        ]
        time.sleep(0.5)
        light = []
        while not all(f.done() for f in heavy):
            light.append(request(root + "id/instance/crefop-pays-de-la-loire", timeout=30))
            time.sleep(0.2)
        outcomes = [f.result() for f in heavy]
    for status, head, text, _ in outcomes:
        assert status in (503, 504), text[:300]
        assert_clean_error(status, head["Content-Type"], text)
    assert light and all(status == 200 for status, *_ in light)
    assert max(seconds for *_, seconds in light) < 5, [round(s, 1) for *_, s in light]
    status, _, text, seconds = sparql(root, LIGHT)
    assert status == 200 and json.loads(text)["boolean"] is True


def test_a_light_query_is_answered_while_one_runaway_query_runs(served):
    root = served.url
    done = threading.Event()
    result: list = []

    def run_heavy():
        result.append(sparql(root, RUNAWAY, "application/json", 60))
        done.set()

    thread = threading.Thread(target=run_heavy)
    thread.start()
    time.sleep(0.5)
    status, _, text, seconds = sparql(root, LIGHT)
    thread.join()
    assert status == 200 and json.loads(text)["boolean"] is True
    assert seconds < TIME_LIMIT, seconds
    assert result[0][0] == 504
