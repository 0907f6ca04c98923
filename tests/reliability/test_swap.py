"""Publishing under load: while clients read continuously, a new valid build is published and
then an invalid one is attempted, with no restart.

No request may fail; the resource of the valid build appears as soon as its build has switched
``var/current`` (and never disappears again); the resource of the invalid build never appears,
neither as a page nor through SPARQL. The default run makes one round in about half a minute;
``-m slow`` makes five rounds under a heavier load, with wrk reading the stable pages meanwhile.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import threading
import time
import urllib.parse
from pathlib import Path

import pytest

from reliability.support import Deployment, Load, LoadFigures, Server, request, serve

ID = "https://w3id.org/efop/id/organisation/"
PREFIXES = """@prefix efop: <https://w3id.org/efop/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix kind: <https://w3id.org/efop/id/concept/actor-kind/> .
"""
STABLE = ["id/instance/crefop-pays-de-la-loire", "id/territoire/region/52", "dataset"]
ROTATE = Path(__file__).with_name("rotate.lua")


def valid_actor(slug: str) -> str:
    return PREFIXES + (
        f"<{ID}{slug}> a efop:Actor ;\n"
        '    rdfs:label "Organisation de test du basculement"@fr ;\n'
        "    efop:actorKind kind:association ;\n"
        '    dct:description "Organisation ajoutée par le test de publication sous charge."@fr ;\n'
        "    prov:wasDerivedFrom <https://w3id.org/efop/id/source/code-du-travail> .\n"
    )


def invalid_actor(slug: str) -> str:
    """An actor without its kind: the shapes refuse it."""
    return PREFIXES + (
        f"<{ID}{slug}> a efop:Actor ;\n"
        '    rdfs:label "Organisation de test invalide"@fr ;\n'
        "    prov:wasDerivedFrom <https://w3id.org/efop/id/source/code-du-travail> .\n"
    )


def ask(slug: str) -> str:
    query = f"ASK {{ <{ID}{slug}> ?p ?o }}"
    return "sparql?" + urllib.parse.urlencode({"query": query, "format": "json"})


class Expectations:
    """What each answer may be, as the valid resources get published."""

    def __init__(self, root: str):
        self.root = root
        self.published: set[str] = set()  # slugs whose build has switched
        self.refused: set[str] = set()
        self.lock = threading.Lock()

    def urls(self, slugs: list[str], refused: list[str]) -> list[str]:
        pages = [self.root + path for path in STABLE]
        pages += [self.root + f"id/organisation/{slug}" for slug in [*slugs, *refused]]
        pages += [self.root + ask(slug) for slug in [*slugs, *refused]]
        return pages

    def check(self, url: str, status: int, body: bytes) -> None:
        path = url[len(self.root) :]
        with self.lock:
            published, refused = set(self.published), set(self.refused)
        for slug in refused:
            if path.endswith(f"organisation/{slug}"):
                assert status == 404, f"refused {slug} served with {status}"
            if path == ask(slug):
                assert json.loads(body)["boolean"] is False, f"refused {slug} in SPARQL"
        for slug in published:
            if path.endswith(f"organisation/{slug}"):
                assert status == 200, f"published {slug} answered {status}"
            if path == ask(slug):
                assert json.loads(body)["boolean"] is True, f"published {slug} not in SPARQL"
        if path in STABLE:
            assert status == 200, f"{path} answered {status}"


def publish(deployment: Deployment, name: str, text: str) -> tuple[int, str]:
    path = deployment.settings.data_dir / "reference" / name
    path.write_text(text, encoding="utf-8")
    result = deployment.efop("build", timeout=300)
    if result.code != 0:
        path.unlink()
    return result.code, result.output


def wait_served(server: Server, slug: str, seconds: float = 10) -> float:
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        status, *_ = request(server.url + f"id/organisation/{slug}")
        if status == 200:
            return time.monotonic() - started
        time.sleep(0.1)
    raise AssertionError(f"{slug} not served {seconds:g} s after its build")


def start_wrk(server: Server, seconds: int) -> subprocess.Popen:
    """wrk reading the stable pages (which must always answer 200) for ``seconds``."""
    wrk = shutil.which("wrk")
    assert wrk, "wrk is needed for the long run: apt-get install -y wrk"
    command = [wrk, "-t2", "-c16", f"-d{seconds}s", "--timeout", "30s", "-s", str(ROTATE)]
    command.append(server.url.rstrip("/"))
    return subprocess.Popen(
        [*command, "--", *("/" + path for path in STABLE)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def wrk_figures(process: subprocess.Popen, seconds: int) -> LoadFigures:
    output, _ = process.communicate(timeout=seconds + 60)
    figures = LoadFigures("wrk on stable pages during the swaps")
    sent = re.search(r"(\d+) requests in ([\d.]+)s", output)
    assert sent, output
    figures.sent, figures.seconds = int(sent[1]), float(sent[2])
    for label, pattern in [("non-2xx", r"Non-2xx or 3xx responses: (\d+)"),
                           ("socket errors", r"Socket errors: (.*)")]:  # fmt: skip
        found = re.search(pattern, output)
        if found:
            figures.failures[f"{label}: {found[1]}"] += 1
    LoadFigures.record(figures)
    return figures


def swap_rounds(
    deployment: Deployment, tmp_path: Path, *, rounds: int, threads: int, wrk_seconds: int = 0
) -> None:
    slugs = [f"test-basculement-{n}" for n in range(rounds)]
    refused = [f"test-basculement-refuse-{n}" for n in range(rounds)]
    with serve(deployment.env(), tmp_path / "serve.log") as server:
        wrk = start_wrk(server, wrk_seconds) if wrk_seconds else None
        expected = Expectations(server.url)
        expected.refused.update(refused)
        load = Load(
            f"swap under load ({rounds} rounds, {threads} threads)",
            expected.urls(slugs, refused),
            threads=threads,
            max_requests=1_000_000,
            max_seconds=600,
            ok=(200, 404),
            check=expected.check,
        )
        with load:
            time.sleep(2)
            for slug, bad in zip(slugs, refused, strict=True):
                before = deployment.current()
                code, output = publish(deployment, f"{slug}.ttl", valid_actor(slug))
                assert code == 0, output[-2000:]
                assert deployment.current() != before
                wait_served(server, slug)
                with expected.lock:
                    expected.published.add(slug)
                current = deployment.current()
                code, output = publish(deployment, f"{bad}.ttl", invalid_actor(bad))
                assert code == 1 and "build FAILED" in output, output[-2000:]
                assert deployment.current() == current
                time.sleep(2)
            figures = load.stop()
        assert figures.sent > 100
        assert figures.failed == 0, figures.line()
        if wrk is not None:
            heavy = wrk_figures(wrk, wrk_seconds)
            assert heavy.sent > 1000 and not heavy.failures, heavy.line()
        assert server.workers(), "the server restarted or lost its workers"


def test_publish_under_load_without_failures_or_invalid_data(deployment, tmp_path):
    swap_rounds(deployment, tmp_path, rounds=1, threads=4)


@pytest.mark.slow
def test_publish_many_times_under_a_heavier_load(deployment, tmp_path):
    swap_rounds(deployment, tmp_path, rounds=5, threads=8, wrk_seconds=50)
