"""Shared fixtures of the publisher tests.

``built`` is a real build of the repository's ontology and data, made once per test session in
a temporary ``var`` directory; ``app`` and ``client`` serve it through Flask's test client, and
``live_server`` through a real ``efop serve`` process (gunicorn) on a free loopback port.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from web_support import efop_serve

from efop.build import Build, run_build
from efop.config import Settings
from efop.web.app import create_app


@pytest.fixture(scope="session")
def settings(tmp_path_factory) -> Settings:
    """The repository's sources, with a private ``var`` directory and the default base."""
    return Settings(var_dir=tmp_path_factory.mktemp("var"))


@pytest.fixture(scope="session")
def built(settings: Settings) -> Build:
    return run_build(settings).build


@pytest.fixture(scope="session")
def app(settings: Settings, built: Build) -> Flask:
    return create_app(settings)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture(scope="session")
def live_server(settings: Settings, built: Build, tmp_path_factory) -> Iterator[str]:
    """Root URL of ``efop serve`` on the session's build; the process is killed at the end."""
    env = {
        "EFOP_ROOT": str(settings.root),
        "EFOP_VAR_DIR": str(settings.var_dir),
        "EFOP_BASE_IRI": settings.base_iri,
    }
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    with efop_serve(env, log=log) as url:
        yield url
