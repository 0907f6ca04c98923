"""Faults: a server worker killed under load, a damaged or missing store at start, and a build
that cannot write its files (the disk is full).

A full disk is simulated without root with a file size limit (``RLIMIT_FSIZE``) on the build
process: every write beyond the limit fails with ``EFBIG``, as writes fail with ``ENOSPC`` on a
full disk, at whichever step of the build writes first.
"""

from __future__ import annotations

import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import pytest

from efop.build import current_build
from efop.store.embedded import EmbeddedStore
from reliability.support import LIGHT, RUNAWAY, Deployment, Load, request, serve, sparql

# how `efop serve` may say that it cannot use the current build
UNUSABLE = r"inutilisable|unusable|no usable|missing|absent|damaged|corrupt"
PAGES = ["id/instance/crefop-pays-de-la-loire", "dataset", "id/territoire/region/52", "annuaire"]


def test_killing_a_worker_under_load_fails_at_most_the_requests_in_flight(served):
    root = served.url
    workers_before = served.workers()
    assert len(workers_before) == 2
    threads = 4
    with Load(
        "kill a worker under load",
        [root + page for page in PAGES],
        threads=threads,
        max_requests=50_000,
        max_seconds=8,
    ) as load:
        time.sleep(2)
        os.kill(workers_before[0], signal.SIGKILL)
        figures = load.wait()
    assert figures.sent > 100
    assert figures.failed <= threads, figures.line()
    deadline = time.monotonic() + 30
    while len(served.workers()) < 2 and time.monotonic() < deadline:
        time.sleep(0.5)
    replaced = served.workers()
    assert len(replaced) == 2 and workers_before[0] not in replaced


def test_killing_a_query_worker_fails_only_its_query(served):
    root = served.url
    with Load(
        "kill a query worker",
        [root + "sparql?" + urllib.parse.urlencode({"query": LIGHT})],
        threads=2,
        max_requests=5000,
        max_seconds=6,
    ) as load:
        time.sleep(1)
        query_workers = served.query_workers()
        assert query_workers, "no query worker process found"
        for pid in query_workers[:1]:
            os.kill(pid, signal.SIGKILL)
        figures = load.wait()
    assert figures.failed <= 2, figures.line()
    status, _, _, _ = sparql(root, RUNAWAY, "application/json")
    assert status == 504


def _break_store(build_path: Path) -> None:
    for file in (build_path / "store").iterdir():
        if file.is_file():
            file.write_bytes(b"\0garbage\0" * 64)


@pytest.mark.parametrize("damage", ["missing", "damaged"])
def test_serve_says_the_store_is_unusable_and_rebuilds(damage, deployment, tmp_path):
    build = current_build(deployment.settings)
    assert build is not None
    if damage == "missing":
        shutil.rmtree(build.store_path)
    else:
        _break_store(build.path)
    log = tmp_path / "serve.log"
    with serve(deployment.env(), log, timeout=40) as server:
        assert deployment.current() != os.path.relpath(build.path, deployment.settings.var_dir)
        status, _, text, _ = request(server.url + "id/instance/crefop-pays-de-la-loire")
        assert status == 200, text[:300]
    said = log.read_text(encoding="utf-8")
    assert re.search(UNUSABLE, said, re.IGNORECASE), said[-2000:]
    assert "Traceback" not in said, said[-2000:]


def _limit_file_size(limit: int):
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


@pytest.mark.parametrize("limit", [0, 200_000])
def test_a_full_disk_during_a_build_keeps_the_previous_build_serving(limit, deployment: Deployment):
    before = deployment.current(), deployment.builds()
    done = subprocess.run(
        [sys.executable, "-m", "efop.cli", "build"],
        env={**os.environ, **deployment.env()},
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=_limit_file_size(limit),
    )
    said = done.stdout + done.stderr
    assert done.returncode != 0
    assert "Traceback" not in said, said[-3000:]
    assert "build FAILED" in said and "previous build kept" in said, said[-1000:]
    assert (deployment.current(), deployment.builds()) == before
    assert not list(deployment.settings.builds_dir.glob(".tmp-*"))
    build = current_build(deployment.settings)
    assert build is not None
    store = EmbeddedStore.open(build.store_path)
    assert store.named_graphs()
