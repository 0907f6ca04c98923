"""Generated requests against the whole application: resource paths, query strings, ``Accept``,
``Accept-Language`` and ``Content-Type`` headers, and SPARQL assembled from fragments.

Whatever is sent, the answer is never a 500, no body shows a stack trace, and every error is a
short message in one of the error formats (HTML page, JSON, an RDF graph with the message as a
comment, plain text), in the one the client asked for when it asked for exactly one of them.
The number of examples per test is ``EFOP_FUZZ_EXAMPLES`` (default 40, a few hundred requests in
all); the extended run is
``EFOP_FUZZ_EXAMPLES=2000`` (six generated tests, about 12,000 requests).
"""

from __future__ import annotations

import os
import socket
import string
import time
import urllib.parse
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from efop.build import Build
from efop.config import Settings
from efop.web.app import create_app
from reliability.support import LoadFigures, assert_clean_error

EXAMPLES = int(os.environ.get("EFOP_FUZZ_EXAMPLES", "40"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=EXAMPLES <= 40,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

ROUTES = [
    "/",
    "/id/",
    "/id/instance/crefop-pays-de-la-loire",
    "/id/territoire/region/52",
    "/id/concept/territorial-scale/regional",
    "/id/scheme/territorial-scale",
    "/id/graph/reference",
    "/ontology",
    "/ontology/",
    "/ontology/diagram.svg",
    "/ontology/0.1.0",
    "/dataset",
    "/catalogue",
    "/.well-known/void",
    "/dumps/",
    "/dumps/efop.ttl",
    "/context.jsonld",
    "/sitemap.xml",
    "/classes/",
    "/classes/",
    "/class",
    "/annuaire",
    "/recherche",
    "/sparql",
    "/sparql/ui/",
    "/queries",
    "/queries/",
    "/static/",
]
SUFFIXES = ["", ".html", ".ttl", ".jsonld", ".rdf", ".nt", ".json", ".xml", ".", ".ttl.ttl"]
MEDIA_TYPES = [
    "text/html",
    "application/xhtml+xml",
    "text/turtle",
    "application/ld+json",
    "application/json",
    "application/rdf+xml",
    "application/n-triples",
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
    "text/plain",
    "image/png",
    "*/*",
    "text/*",
    "application/*",
]
ARG_NAMES = [
    "format",
    "lang",
    "q",
    "page",
    "iri",
    "kind",
    "region",
    "query",
    "default-graph-uri",
    "named-graph-uri",
    "update",
    "code",
]
WEIRD = st.sampled_from(
    [
        "",
        "..",
        "../../etc/passwd",
        "%00",
        "%ff%fe",
        "%2e%2e%2f",
        "%",
        "%zz",
        "100%",
        "\u202e",
        "é",
        "💥",
        "<script>alert(1)</script>",
        "' OR 1=1 --",
        "}}{{",
        "x" * 3000,
        "-1",
        "99999999999999999999",
        "ttl",
        "jsonld",
        "text/turtle",
        "en",
        "fr",
        "zz",
        "https://w3id.org/efop/id/instance/crefop-pays-de-la-loire",
        "http://127.0.0.1:9/",
    ]
)
TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40)
# what can travel in a header: visible Latin-1 characters and spaces
HEADER_TEXT = st.text(
    alphabet=st.characters(min_codepoint=32, max_codepoint=255, exclude_characters="\x7f"),
    max_size=40,
)
VALUE = st.one_of(WEIRD, TEXT)


def _segment() -> st.SearchStrategy[str]:
    safe = string.ascii_letters + string.digits + "-._~%!$&'()*+,;=:@é"
    return st.one_of(WEIRD, st.text(alphabet=safe, min_size=1, max_size=30))


def _path(route: str, segments: list[str], suffix: str) -> str:
    path = route.rstrip("/") + "".join("/" + s for s in segments) + suffix
    # the test client reads a leading "//" as a host name, not as a path
    return "/" + path.lstrip("/")


PATHS = st.builds(
    _path, st.sampled_from(ROUTES), st.lists(_segment(), max_size=3), st.sampled_from(SUFFIXES)
)
QUERY_ARGS = st.lists(st.tuples(st.one_of(st.sampled_from(ARG_NAMES), TEXT), VALUE), max_size=4)
QUALITY = st.one_of(
    st.just(""),
    st.sampled_from([";q=0", ";q=1", ";q=0.5", ";q=2", ";q=abc", ";q=", ";charset=utf-8", ";;"]),
)
ACCEPT = st.one_of(
    st.none(),
    st.lists(
        st.builds(
            lambda m, q: m + q, st.one_of(st.sampled_from(MEDIA_TYPES), HEADER_TEXT), QUALITY
        ),
        max_size=4,
    ).map(", ".join),
)
LANGUAGES = st.sampled_from(["fr", "en", "fr-FR", "en-GB;q=0.8", "*", "de", "zz-ZZ", "", "fr;q=x"])
ACCEPT_LANGUAGE = st.one_of(st.none(), st.lists(LANGUAGES, max_size=3).map(", ".join), HEADER_TEXT)

PROLOGUE = st.sampled_from(
    [
        "",
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n",
        "PREFIX efop: <https://w3id.org/efop/ontology#>\n",
        "PREFIX : <http://example.org/>\n",
        "BASE <http://127.0.0.1:9/>\n",
        "PREFIX rdfs <broken>\n",
    ]
)
TERM = st.sampled_from(
    [
        "?s",
        "?p",
        "?o",
        "?x",
        "rdfs:label",
        "a",
        "efop:CREFOP",
        "<https://w3id.org/efop/id/territoire/region/52>",
        '"Bretagne"@fr',
        "42",
        "undeclared:term",
        "<http://127.0.0.1:9/x>",
        "[]",
        "(1 2)",
        '"""unterminated',
    ]
)
PATTERN = st.builds(lambda s, p, o: f"{s} {p} {o} .", TERM, TERM, TERM)
WRAPPER = st.sampled_from(
    [
        "{}",
        "OPTIONAL {{ {} }}",
        'FILTER(regex(str(?o), "(a+)+$"))',
        "SERVICE <http://127.0.0.1:9/sparql> {{ {} }}",
        "SERVICE <http://efop-fuzz.invalid/sparql> {{ {} }}",
        "GRAPH ?g {{ {} }}",
        "{{ {} }} UNION {{ {} }}",
        "MINUS {{ {} }}",
        "BIND(now() AS ?t)",
        "VALUES ?x {{ 1 2 3 }}",
        "{}}}",
    ]
)
BODY = st.lists(
    st.builds(lambda w, p: w.replace("{}", p), WRAPPER, PATTERN), min_size=0, max_size=4
).map(" ".join)
FORM = st.sampled_from(
    [
        "SELECT * WHERE {{ {} }} LIMIT 20",
        "SELECT (COUNT(*) AS ?n) WHERE {{ {} }}",
        "SELECT DISTINCT ?s FROM <https://w3id.org/efop/id/graph/reference> WHERE {{ {} }}",
        "ASK {{ {} }}",
        "CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {} }} LIMIT 20",
        "DESCRIBE ?s WHERE {{ {} }} LIMIT 2",
        "INSERT DATA {{ <http://x> <http://y> <http://z> }}",
        "DELETE WHERE {{ {} }}",
        "LOAD <http://127.0.0.1:9/data.ttl>",
        "CLEAR ALL",
        "SELECT * WHERE {{ {} }} ORDER BY ?o LIMIT -1",
        "{}",
    ]
)
SPARQL = st.builds(lambda prologue, form, body: prologue + form.format(body), PROLOGUE, FORM, BODY)
CONTENT_TYPES = st.one_of(
    st.sampled_from(
        [
            "application/x-www-form-urlencoded",
            "application/sparql-query",
            "application/sparql-update",
            "application/sparql-query; charset=latin-1",
            "text/plain",
            "multipart/form-data; boundary=x",
            "application/json",
            "",
        ]
    ),
    HEADER_TEXT,
)


@pytest.fixture(scope="module")
def fuzz_app(settings: Settings, built: Build) -> Iterator[Flask]:
    """The application on the session's build, with short SPARQL limits."""
    app = create_app(settings)
    app.config["EFOP_SPARQL_LIMITS"] = {"timeout": 3.0, "max_rows": 500}
    yield app
    holder = app.extensions.get("efop.sparql", {})
    if holder.get("endpoint") is not None:
        holder["endpoint"].close()


@pytest.fixture(scope="module")
def fuzz(fuzz_app: Flask) -> Iterator[Sender]:
    sender = Sender(fuzz_app.test_client(), LoadFigures("generated requests"))
    started = time.monotonic()
    yield sender
    sender.figures.seconds = time.monotonic() - started
    LoadFigures.record(sender.figures)


class Sender:
    """Sends one generated request and checks its answer."""

    def __init__(self, client: FlaskClient, figures: LoadFigures):
        self.client = client
        self.figures = figures

    def send(self, method: str, path: str, headers: dict, **kwargs) -> None:
        headers = {k: v for k, v in headers.items() if v is not None}
        self.figures.sent += 1
        response = self.client.open(path, method=method, headers=headers, **kwargs)
        body = response.get_data(as_text=True)
        response.close()
        self.figures.statuses[response.status_code] += 1
        for name, value in response.headers.items():
            # a real server (gunicorn) answers 500 when a header cannot be sent as Latin-1
            assert value.isascii() or _latin1(value), f"{name}: {value!r}"
        if method == "HEAD":
            assert response.status_code != 500 and not body
            return
        assert_clean_error(response.status_code, response.content_type or "", body)
        _assert_negotiated(path, kwargs.get("query_string"), headers, response)


def _latin1(value: str) -> bool:
    try:
        value.encode("latin-1")
    except UnicodeEncodeError:
        return False
    return True


def _assert_negotiated(path: str, query_string, headers: dict, response) -> None:
    """An error for a client that accepts exactly one error format comes in that format."""
    if response.status_code < 400 or query_string or "." in path.rsplit("/", 1)[-1]:
        return
    wanted = {"text/html": "text/html", "application/json": "application/json"}
    accept = headers.get("Accept")
    if accept in wanted:
        assert response.mimetype == wanted[accept], (path, accept, response.mimetype)


@FUZZ
@given(path=PATHS, args=QUERY_ARGS, accept=ACCEPT, language=ACCEPT_LANGUAGE)
def test_generated_gets_never_fail_or_leak(fuzz, path, args, accept, language):
    headers = {"Accept": accept, "Accept-Language": language}
    fuzz.send("GET", path, headers, query_string=args)


@FUZZ
@given(path=PATHS, accept=st.sampled_from(["text/html", "application/json", "text/turtle"]))
def test_errors_come_in_the_asked_format(fuzz, path, accept):
    fuzz.send("GET", path, {"Accept": accept})


@FUZZ
@given(
    method=st.sampled_from(["POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "TRACE"]),
    path=PATHS,
    content_type=CONTENT_TYPES,
    body=st.one_of(TEXT, st.binary(max_size=200)),
    accept=ACCEPT,
)
def test_generated_methods_and_bodies_never_fail(fuzz, method, path, content_type, body, accept):
    fuzz.send(method, path, {"Accept": accept, "Content-Type": content_type}, data=body)


@FUZZ
@given(query=SPARQL, accept=ACCEPT)
def test_generated_sparql_get_is_answered_or_refused_cleanly(fuzz, query, accept):
    fuzz.send("GET", "/sparql", {"Accept": accept}, query_string={"query": query})


@FUZZ
@given(
    query=SPARQL,
    content_type=CONTENT_TYPES,
    accept=ACCEPT,
    extra=st.lists(st.tuples(st.sampled_from(ARG_NAMES), VALUE), max_size=2),
)
def test_generated_sparql_post_is_answered_or_refused_cleanly(
    fuzz, query, content_type, accept, extra
):
    headers = {"Accept": accept, "Content-Type": content_type}
    if content_type.startswith("application/x-www-form-urlencoded"):
        fuzz.send("POST", "/sparql", headers, data={"query": query, **dict(extra)})
    else:
        fuzz.send("POST", "/sparql", headers, data=query.encode("utf-8"))


@pytest.mark.parametrize(
    "path",
    [
        "/id/%",
        "/id/x%zz.ttl",
        "/id/concept/territorial-scale/100%",
        "/id/" + "x" * 3000,
        "/ontology/" + "x" * 3000,
    ],
)
@pytest.mark.parametrize("accept", [None, "text/html", "application/json", "text/turtle"])
def test_found_by_fuzzing(fuzz, path, accept):
    """Inputs the generated runs found failing, kept as regression cases."""
    fuzz.send("GET", path, {"Accept": accept})


@pytest.mark.parametrize("format_name", ["\u202e", "zz"])
def test_a_refused_format_on_a_non_ascii_path_is_a_406(served, format_name):
    """Found through the real server: the 406's Link header repeated the raw path."""
    target = "/id/graph/reference/%E2%80%AE?" + urllib.parse.urlencode({"format": format_name})
    status, content_type, body = raw_get(served.url, target.encode(), {"Accept": "text/plain"})
    assert status == 406, body[:300]
    assert_clean_error(status, content_type, body)


def raw_get(url: str, target: bytes, headers: dict[str, str | None]) -> tuple[int, str, str]:
    """One GET sent byte for byte over a socket (no client library cleaning the path up)."""
    host, port = urllib.parse.urlsplit(url).netloc.split(":")
    lines = [b"GET " + target + b" HTTP/1.1", b"Host: " + host.encode(), b"Connection: close"]
    lines += [f"{k}: {v}".encode("latin-1") for k, v in headers.items() if v is not None]
    with socket.create_connection((host, int(port)), timeout=30) as connection:
        connection.sendall(b"\r\n".join(lines) + b"\r\n\r\n")
        chunks = []
        while chunk := connection.recv(65536):
            chunks.append(chunk)
    head, _, body = b"".join(chunks).partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    content_type = next(
        (h.split(":", 1)[1].strip() for h in header_lines if h.lower().startswith("content-type")),
        "",
    )
    return int(status_line.split()[1]), content_type, body.decode("utf-8", "replace")


@FUZZ
@given(
    path=PATHS,
    args=QUERY_ARGS,
    accept=ACCEPT,
    language=ACCEPT_LANGUAGE,
    raw=st.booleans(),
)
def test_generated_gets_through_the_real_server(served, fuzz, path, args, accept, language, raw):
    """The same requests through gunicorn, the path sent as raw UTF-8 or percent-encoded."""
    query = urllib.parse.urlencode(args)
    target = path if raw else urllib.parse.quote(path, safe="/%:@!$&'()*+,;=-._~")
    target_bytes = (target + ("?" + query if query else "")).encode("utf-8")
    status, content_type, body = raw_get(
        served.url, target_bytes, {"Accept": accept, "Accept-Language": language}
    )
    fuzz.figures.sent += 1
    fuzz.figures.statuses[status] += 1
    if status in (400, 414, 431) and content_type.startswith("text/html") and "<h1><p>" in body:
        # gunicorn's own refusal of a request it cannot parse or that is too long, before the
        # application sees it: an HTML page that may repeat the request line (at most 8 KB),
        # escaped, never in the negotiated format, and with no trace
        assert "Traceback" not in body and len(body) < 20_000, body[:300]
        assert "<script" not in body.lower(), body[:300]
        return
    assert_clean_error(status, content_type, body)
