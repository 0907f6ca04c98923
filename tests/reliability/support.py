"""Helpers of the reliability suite: a private deployment, the ``efop`` command under a network
guard, a bounded load generator on loopback, and the checks every error body must pass."""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from web_support import serving_process

from efop.config import Settings

HERE = Path(__file__).resolve().parent
NETGUARD = HERE / "netguard.py"
TRACE_MARKERS = ("Traceback", 'File "', "Exception:", "werkzeug.exceptions")
ERROR_TYPES = (
    "text/html",
    "application/json",
    "application/ld+json",
    "text/plain",
    "text/turtle",
    "application/n-triples",
    "application/rdf+xml",
)
MAX_ERROR_CHARS = 2000  # a message, not a dump: the longest (406) lists the media types

# ~6,600 triples joined three times: far beyond any row or time limit
MILLIONS = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
LIGHT = "ASK { ?s ?p ?o }"
JSON_RESULTS = "application/sparql-results+json"


def request(url: str, *, data: bytes | None = None, headers: dict | None = None, timeout=30):
    """(status, headers, body text, seconds) of one request, whatever its status."""
    started = time.monotonic()
    req = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:
            status, head, body = response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        status, head, body = error.code, error.headers, error.read()
    return status, head, body.decode("utf-8", "replace"), time.monotonic() - started


def sparql(root: str, query: str, accept: str = JSON_RESULTS, timeout: float = 60):
    url = root + "sparql?" + urllib.parse.urlencode({"query": query})
    return request(url, headers={"Accept": accept}, timeout=timeout)


@dataclass(frozen=True)
class Server:
    """A running ``efop serve``: its root URL and the gunicorn master's process id."""

    url: str
    pid: int

    def workers(self) -> list[int]:
        return children(self.pid)

    def query_workers(self) -> list[int]:
        return [pid for worker in self.workers() for pid in children(worker)]


def children(pid: int) -> list[int]:
    """Child processes of ``pid``, whichever of its threads started them."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(p) for p in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


@contextmanager
def serve(env: dict[str, str], log: Path, *, workers: int = 2, timeout: float = 90):
    """``efop serve`` on a free loopback port until the block ends, then stopped by its id."""
    with serving_process(env, log=log, workers=workers, timeout=timeout) as (url, process):
        yield Server(url, process.pid)


@dataclass
class Deployment:
    """A project root and ``var`` directory of its own."""

    settings: Settings

    def env(self) -> dict[str, str]:
        return {
            "EFOP_ROOT": str(self.settings.root),
            "EFOP_VAR_DIR": str(self.settings.var_dir),
            "EFOP_BASE_IRI": self.settings.base_iri,
        }

    def current(self) -> str | None:
        """Where ``var/current`` points, or None."""
        try:
            return os.readlink(self.settings.current_build)
        except OSError:
            return None

    def builds(self) -> list[str]:
        builds = self.settings.builds_dir
        return sorted(p.name for p in builds.iterdir()) if builds.is_dir() else []

    def efop(self, *args: str, timeout: float = 300, **popen) -> Guarded:
        """Run ``efop ARGS`` in a subprocess where every network attempt is logged and refused."""
        log = self.settings.root / f"network-{time.monotonic_ns()}.log"
        done = subprocess.run(
            [sys.executable, str(NETGUARD), str(log), *args],
            env={**os.environ, **self.env()},
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=self.settings.root,
            **popen,
        )
        attempts = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
        return Guarded(done.returncode, done.stdout + done.stderr, attempts)


@dataclass(frozen=True)
class Guarded:
    """What a guarded command did: its exit code, its output and its network attempts."""

    code: int
    output: str
    network: list[str]


def assert_clean_error(status: int, content_type: str, body: str) -> None:
    """An error body is short, in one of the error formats, and shows no trace of the code."""
    assert status != 500, body[:300]
    for marker in TRACE_MARKERS:
        assert marker not in body, f"{marker!r} in a {status} body: {body[:300]}"
    if status < 400:
        return
    media = content_type.split(";")[0].strip()
    assert media in ERROR_TYPES, f"{status} answered as {content_type!r}"
    if media in ("application/json", "application/ld+json"):
        document = json.loads(body)
        assert document["status"] == status
        assert 0 < len(document["error"]) < MAX_ERROR_CHARS
    elif media == "text/plain":
        assert body.startswith(f"{status} ") and len(body) < MAX_ERROR_CHARS, body[:300]
    elif media in ("text/turtle", "application/n-triples"):
        assert body.startswith(f"# {status} ") and len(body) < MAX_ERROR_CHARS, body[:300]
    elif media == "application/rdf+xml":
        assert f"<!-- {status} " in body and "<rdf:RDF" in body and len(body) < MAX_ERROR_CHARS
    else:
        assert "<html" in body and str(status) in body


@dataclass
class LoadFigures:
    """Counts of a load run; every run is listed at the end of the test session."""

    name: str
    sent: int = 0
    failures: Counter = field(default_factory=Counter)
    statuses: Counter = field(default_factory=Counter)
    seconds: float = 0.0

    @property
    def failed(self) -> int:
        return sum(self.failures.values())

    def line(self) -> str:
        statuses = ", ".join(f"{k}: {v}" for k, v in sorted(self.statuses.items(), key=str))
        failures = ", ".join(f"{k}: {v}" for k, v in self.failures.most_common(5))
        line = (
            f"{self.name}: {self.sent} requests in {self.seconds:.1f} s, {self.failed} failed"
            f" ({failures or 'none'})"
        )
        return f"{line}; statuses {statuses}" if statuses else line

    @classmethod
    def record(cls, figures: LoadFigures) -> None:
        _RUNS.append(figures)

    @classmethod
    def report(cls) -> list[str]:
        return [figures.line() for figures in _RUNS]


_RUNS: list[LoadFigures] = []


class Load:
    """Threads sending GET requests in a loop on loopback, bounded in count and in time.

    A request fails when it raises (connection refused or reset, timeout) or when its status is
    not in ``ok``; ``check(url, status, body)`` may inspect each answer and raise AssertionError
    to count it as a failure.
    """

    def __init__(
        self,
        name: str,
        urls: list[str],
        *,
        threads: int = 4,
        max_requests: int = 2000,
        max_seconds: float = 60,
        ok: tuple[int, ...] = (200,),
        check=None,
        timeout: float = 30,
    ):
        self.figures = LoadFigures(name)
        self._urls = urls
        self._threads = [threading.Thread(target=self._run, args=(i,)) for i in range(threads)]
        self._max_requests = max_requests
        self._deadline = 0.0
        self._max_seconds = max_seconds
        self._ok = ok
        self._check = check
        self._timeout = timeout
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._started = 0.0

    def __enter__(self) -> Load:
        self._started = time.monotonic()
        self._deadline = self._started + self._max_seconds
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def stop(self) -> LoadFigures:
        self._stop.set()
        for thread in self._threads:
            thread.join()
        if not self.figures.seconds:
            self.figures.seconds = time.monotonic() - self._started
            LoadFigures.record(self.figures)
        return self.figures

    def wait(self) -> LoadFigures:
        """Let the load run to its count or time bound."""
        for thread in self._threads:
            thread.join()
        return self.stop()

    def _take(self) -> int | None:
        with self._lock:
            if self._stop.is_set() or time.monotonic() > self._deadline:
                return None
            if self.figures.sent >= self._max_requests:
                return None
            self.figures.sent += 1
            return self.figures.sent

    def _run(self, offset: int) -> None:
        while (number := self._take()) is not None:
            url = self._urls[(number + offset) % len(self._urls)]
            outcome, status = self._one(url)
            with self._lock:
                self.figures.statuses[status] += 1
                if outcome:
                    self.figures.failures[outcome] += 1

    def _one(self, url: str) -> tuple[str | None, int | str]:
        try:
            with urllib.request.urlopen(url, timeout=self._timeout) as response:
                status, body = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, body = error.code, error.read()
        except (OSError, ValueError, http.client.HTTPException) as error:
            return type(error).__name__, type(error).__name__
        if status not in self._ok:
            return f"status {status}", status
        if self._check is not None:
            try:
                self._check(url, status, body)
            except AssertionError as error:
                return f"check: {error}"[:120], status
        return None, status
