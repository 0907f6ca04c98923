"""Fixtures of the reliability suite: private deployments that tests may damage, a publisher
with tight limits on a real server, and the figures of the load runs.

The session's build (``built`` from ``tests/conftest.py``) is copied, not rebuilt, into each
private ``var`` directory; a private project root holds copies of the sources, so that a test
can add a bad file or publish a new build without touching the repository or other tests.
Tests marked ``slow`` (long load runs) are skipped unless selected with ``-m slow``.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from efop.build import Build
from efop.config import Settings
from reliability.support import Deployment, LoadFigures, Server, serve

REPO = Path(__file__).resolve().parents[2]
SOURCE_DIRS = ("ontology", "shapes", "data", "queries")

# Tight bounds for the server under test, so that limits are reached in seconds.
LIMITS_ENV = {
    "EFOP_QUERY_TIMEOUT": "3",
    "EFOP_MAX_RESULT_ROWS": "1000",
    "EFOP_SPARQL_MAX_REQUEST_BYTES": "65536",
}


def pytest_collection_modifyitems(config, items) -> None:
    markexpr = config.getoption("markexpr") or ""
    if "slow" in markexpr and "not slow" not in markexpr:
        return
    skip = pytest.mark.skip(reason="long run: select it with -m slow")
    for item in items:
        if "slow" in item.keywords and "reliability" in str(item.path):
            item.add_marker(skip)


def pytest_terminal_summary(terminalreporter) -> None:
    for line in LoadFigures.report():
        terminalreporter.write_line(line)


def make_root(target: Path) -> Path:
    """A project root with copies of the repository's sources."""
    for name in SOURCE_DIRS:
        shutil.copytree(REPO / name, target / name)
    return target


def seed_var(var_dir: Path, build: Build) -> Path:
    """``var_dir`` with a copy of ``build`` as its current build."""
    target = var_dir / "builds" / build.path.name
    shutil.copytree(build.path, target)
    (var_dir / "current").symlink_to(os.path.relpath(target, var_dir))
    return target


@pytest.fixture
def deployment(tmp_path: Path, built: Build) -> Deployment:
    """A private project root and ``var`` holding a copy of the session's build."""
    root = make_root(tmp_path / "root")
    seed_var(root / "var", built)
    return Deployment(Settings(root=root, var_dir=root / "var"))


@pytest.fixture(scope="session")
def served(tmp_path_factory, built: Build) -> Iterator[Server]:
    """``efop serve`` (gunicorn, 2 workers) on a private deployment with tight limits."""
    root = make_root(tmp_path_factory.mktemp("served") / "root")
    seed_var(root / "var", built)
    deployment = Deployment(Settings(root=root, var_dir=root / "var"))
    env = {**deployment.env(), **LIMITS_ENV}
    with serve(env, root / "serve.log") as server:
        yield server


@pytest.fixture(scope="session")
def hostile_dir() -> Path:
    return REPO / "tests" / "fixtures" / "hostile"
