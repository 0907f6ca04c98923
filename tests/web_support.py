"""Helpers of the publisher tests: a real ``efop serve`` process on a free loopback port, and
the RDF parsing used to compare representations.
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import rdflib
import rdflib.compare
from pyoxigraph import BlankNode, RdfFormat, parse

RDF_FORMATS = {
    "ttl": RdfFormat.TURTLE,
    "jsonld": RdfFormat.JSON_LD,
    "rdf": RdfFormat.RDF_XML,
    "nt": RdfFormat.N_TRIPLES,
}
MEDIA_TYPES = {
    "html": "text/html",
    "ttl": "text/turtle",
    "jsonld": "application/ld+json",
    "rdf": "application/rdf+xml",
    "nt": "application/n-triples",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"efop serve exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError, http.client.HTTPException):
            time.sleep(0.3)
    raise TimeoutError(f"efop serve did not answer at {url}")


@contextmanager
def efop_serve(
    env: dict[str, str], *args: str, log: Path, port: int | None = None
) -> Iterator[str]:
    """A running ``efop serve`` (gunicorn, 2 workers) with ``env``; yields its root URL."""
    with serving_process(env, *args, log=log, port=port) as (url, _):
        yield url


@contextmanager
def serving_process(
    env: dict[str, str],
    *args: str,
    log: Path,
    port: int | None = None,
    workers: int = 2,
    timeout: float = 120,
) -> Iterator[tuple[str, subprocess.Popen]]:
    """``efop serve`` on a loopback port until the block ends; yields its root URL and the
    gunicorn master process, stopped with its whole process group afterwards."""
    port = port or free_port()
    command = [sys.executable, "-m", "efop.cli", "serve", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--workers", str(workers), *args]
    with open(log, "wb") as output:
        process = subprocess.Popen(
            command,
            env={**os.environ, **env},
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_until_up(url, process, timeout)
        yield url, process
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def triples_of(body: bytes, fmt: str) -> set[tuple[str, str, str]]:
    """The triples of a representation, as comparable strings.

    Graphs with blank nodes are canonicalised by rdflib first, so that two serialisations of
    the same graph compare equal whatever their blank node labels.
    """
    parsed = list(parse(body, format=RDF_FORMATS[fmt]))
    if not any(isinstance(t.subject, BlankNode) or isinstance(t.object, BlankNode) for t in parsed):
        return {(str(t.subject), str(t.predicate), str(t.object)) for t in parsed}
    graph = rdflib.Graph()
    graph.parse(data="\n".join(f"{t} ." for t in parsed), format="nt")
    canonical = rdflib.compare.to_canonical_graph(graph)
    return {(s.n3(), p.n3(), o.n3()) for s, p, o in canonical}
