"""The query page in headless Chromium: YASGUI loads from the application itself (no request
leaves the server), a stored query is picked by its title, run, and its results shown."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from sparql_support import REPO, free_port, publisher_command, running, write_build, write_root

from efop.namespaces import PREFIXES

pytestmark = pytest.mark.browser

CHECK = Path(__file__).with_name("sparql_ui_check.js")
CHROMIUM = "/usr/bin/chromium"
UI = REPO / "publisher" / "efop" / "static" / "yasgui" / "yasgui.min.js"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} not installed (make browser installs it)")
    for needed, how in [
        (REPO / "node_modules" / "playwright-core", "npm ci"),
        (UI, "scripts/install-ui.sh"),
    ]:
        assert needed.exists(), f"{needed} missing: run {how}"
    assert shutil.which("node"), "node missing"
    root = write_root(tmp_path_factory.mktemp("root"))
    write_build(root / "var")
    port = free_port()
    env = {"EFOP_ROOT": str(root), "EFOP_VAR_DIR": str(root / "var")}
    url = f"http://127.0.0.1:{port}"
    with running(publisher_command(port), url + "/queries", env, log=root / "server.log"):
        yield url


def test_pick_a_stored_query_run_it_and_see_the_table(server):
    done = subprocess.run(
        ["node", str(CHECK), server + "/sparql?lang=fr", "Régions et leur libellé"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    assert seen["errors"] == []
    assert seen["outside"] == []
    assert all(f"PREFIX {p}: <{iri}>" in seen["initial"] for p, iri in PREFIXES.items())
    assert [h for h in seen["headers"] if h][-2:] == ["region", "label"]
    labels = [cells[-1] for cells in seen["rows"]]
    assert labels == ['"Bretagne"@fr', '"Nouvelle-Aquitaine"@fr', '"Pays de la Loire"@fr']
