"""``efop serve`` as a real server process: HTTP on the wire, base IRI remapping, and builds
switched in without a restart, only when they are valid.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from web_support import efop_serve, free_port

from efop.build import BuildFailed, run_build
from efop.config import REPO_ROOT, Settings

CREFOP = "id/instance/crefop-pays-de-la-loire"
ACTORS_FILE = Path("data/reference/national-actors.ttl")


def fetch(url: str, method: str = "GET", **headers: str):
    names = {key: key.replace("_", "-") for key in headers}
    request = urllib.request.Request(
        url, method=method, headers={names[k]: v for k, v in headers.items()}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def build_id(root_url: str) -> str:
    _, _, body = fetch(root_url + "?lang=fr", Accept="text/html")
    return re.search(rb"<code>([^<]+)</code></p>", body).group(1).decode()


def test_live_server_negotiates_over_http(live_server):
    status, headers, body = fetch(live_server + CREFOP, Accept="text/turtle;q=0.9, */*;q=0.1")
    assert status == 200
    assert headers["Content-Type"].startswith("text/turtle")
    assert headers["Content-Location"] == f"/{CREFOP}.ttl"
    assert "Accept" in headers["Vary"]
    assert headers["Access-Control-Allow-Origin"] == "*"
    assert b"crefop-pays-de-la-loire" in body
    status, headers, body = fetch(live_server + CREFOP + ".ttl", method="HEAD")
    assert status == 200 and body == b"" and int(headers["Content-Length"]) > 0
    status, _, _ = fetch(live_server + CREFOP, If_None_Match=headers["ETag"], Accept="text/turtle")
    assert status == 304
    status, headers, body = fetch(live_server + "id/nothing/here", Accept="application/ld+json")
    assert status == 404 and b'"error"' in body
    assert "gunicorn" in headers.get("Server", "")


@pytest.fixture(scope="module")
def copy_root(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("efop-copy")
    for folder in ("ontology", "shapes", "data", "queries"):
        shutil.copytree(REPO_ROOT / folder, root / folder)
    return root


@pytest.fixture(scope="module")
def remapped(copy_root: Path, tmp_path_factory) -> Iterator[tuple[str, Settings]]:
    """``efop serve --base-iri http://127.0.0.1:PORT/`` on a copy of the sources."""
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    settings = Settings(root=copy_root, var_dir=copy_root / "var", base_iri=base)
    env = {"EFOP_ROOT": str(copy_root), "EFOP_VAR_DIR": str(settings.var_dir)}
    log = tmp_path_factory.mktemp("serve-remapped") / "serve.log"
    with efop_serve(env, "--base-iri", base, log=log, port=port) as url:
        assert url == base
        yield url, settings


def test_served_data_uses_the_configured_base(remapped):
    url, _ = remapped
    status, _, body = fetch(url + CREFOP + ".ttl")
    assert status == 200
    assert f"<{url}{CREFOP}>".encode() in body
    assert not re.search(rb"https://w3id\.org/efop/id/(?!concept/|scheme/)", body)
    _, _, void = fetch(url + ".well-known/void", Accept="text/turtle")
    assert f"<{url}sparql>".encode() in void
    _, _, page = fetch(url + CREFOP, Accept="text/html")
    assert f'href="/{CREFOP}.ttl"'.encode() in page


def test_another_base_never_renames_the_vocabulary(remapped):
    """Terms are shared: served elsewhere, the dataset keeps the w3id ontology and concepts."""
    url, _ = remapped
    status, _, body = fetch(url + "id/organisation/opco-ep", Accept="text/turtle")
    assert status == 200
    assert b"@prefix efop: <https://w3id.org/efop/ontology#>" in body
    assert b"@prefix efopc: <https://w3id.org/efop/id/concept/>" in body
    assert f"<{url}id/organisation/opco-ep>".encode() in body  # the instance moves
    assert f"{url}ontology".encode() not in body and f"{url}id/concept/".encode() not in body
    status, _, body = fetch(url + "ontology", Accept="text/turtle")
    assert status == 200
    assert b"<https://w3id.org/efop/ontology/0.1.0>" in body
    assert f"{url}ontology".encode() not in body
    status, _, body = fetch(url + "id/concept/actor-kind/opco", Accept="application/n-triples")
    assert status == 200
    assert b"<https://w3id.org/efop/id/concept/actor-kind/opco>" in body


def test_builds_are_switched_in_without_restart_only_when_valid(remapped):
    url, settings = remapped
    actors = settings.root / ACTORS_FILE
    original = actors.read_text(encoding="utf-8")
    before = build_id(url)
    invalid = (
        "\n<id/organisation/essai-sans-libelle> a efop:PublicActor ;\n"
        "    prov:wasDerivedFrom <id/source/code-du-travail> .\n"
    )
    actors.write_text(original + invalid, encoding="utf-8")
    with pytest.raises(BuildFailed):
        run_build(settings)
    assert build_id(url) == before
    assert fetch(url + "id/organisation/essai-sans-libelle.ttl")[0] == 404
    assert fetch(url + CREFOP + ".ttl")[0] == 200

    valid = '\n<id/organisation/etat> skos:altLabel "Libellé ajouté pour un essai"@fr .\n'
    actors.write_text(original + valid, encoding="utf-8")
    new = run_build(settings).build
    assert new.id != before
    for _ in range(4):  # each worker process switches on its own
        assert build_id(url) == new.id
        status, _, body = fetch(url + "id/organisation/etat.nt")
        assert status == 200
        assert "Libellé ajouté pour un essai".encode() in body


def test_serve_refuses_to_start_without_a_valid_build(tmp_path):
    for folder in ("ontology", "shapes", "data"):
        shutil.copytree(REPO_ROOT / folder, tmp_path / folder)
    actors = tmp_path / ACTORS_FILE
    actors.write_text(
        actors.read_text(encoding="utf-8")
        + "\n<id/organisation/essai-sans-libelle> a efop:PublicActor .\n",
        encoding="utf-8",
    )
    env = {**os.environ, "EFOP_ROOT": str(tmp_path), "EFOP_VAR_DIR": str(tmp_path / "var")}
    env.pop("EFOP_BASE_IRI", None)
    result = subprocess.run(
        [sys.executable, "-m", "efop.cli", "serve", "--port", str(free_port())],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode != 0
    assert "build FAILED" in result.stderr
    assert "essai-sans-libelle" in result.stdout
    assert not (tmp_path / "var" / "current").exists()


@pytest.mark.parametrize("flag", [False, True])
def test_requests_are_logged_only_when_asked(settings, built, tmp_path, flag):
    env = {
        "EFOP_ROOT": str(settings.root),
        "EFOP_VAR_DIR": str(settings.var_dir),
        "EFOP_BASE_IRI": settings.base_iri,
    }
    log = tmp_path / "serve.log"
    args = ["--access-log"] if flag else []
    with efop_serve(env, *args, log=log) as url:
        with urllib.request.urlopen(url + "dataset.ttl", timeout=30) as response:
            assert response.status == 200
    logged = re.search(r'"GET /dataset\.ttl HTTP/1\.[01]" 200', log.read_text(errors="replace"))
    assert bool(logged) is flag
