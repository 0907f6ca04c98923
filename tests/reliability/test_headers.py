"""Security headers and cross-origin rules, on the Flask client and on a real server, and the
content security policy measured in headless Chromium: every page of the application works
under it (no violation, no script error, no request to another origin)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from efop.web.security import content_security_policy, inline_script_hashes
from reliability.support import request

CHECK = Path(__file__).with_name("csp_check.js")
REPO = Path(__file__).resolve().parents[2]
UI = REPO / "publisher" / "efop" / "static" / "yasgui" / "yasgui.min.js"
HTML_PAGES = [
    "/",
    "/ontology",
    "/sparql",
    "/id/instance/crefop-pays-de-la-loire",
    "/annuaire",
    "/recherche?q=crefop",
    "/dataset",
    "/classes/",
    "/queries",
]
OTHER = ["/id/instance/crefop-pays-de-la-loire.ttl", "/dumps/efop.ttl", "/context.jsonld", "/nope"]


def directives(policy: str) -> dict[str, list[str]]:
    parsed = (part.split() for part in policy.split(";") if part.strip())
    return {name: values for name, *values in parsed}


@pytest.mark.parametrize("path", HTML_PAGES)
def test_html_pages_carry_a_strict_policy(client, path):
    response = client.get(path, headers={"Accept": "text/html"})
    assert response.status_code == 200 and response.mimetype == "text/html"
    policy = directives(response.headers["Content-Security-Policy"])
    scripts = policy["script-src"]
    assert scripts[0] == "'self'" and all(s.startswith("'sha256-") for s in scripts[1:])
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    assert policy["default-src"] == ["'self'"] and policy["base-uri"] == ["'none'"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


@pytest.mark.parametrize("path", OTHER)
def test_every_response_refuses_sniffing(client, path):
    response = client.get(path)
    response.close()
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "Access-Control-Allow-Credentials" not in response.headers


def test_inline_scripts_are_allowed_by_hash_only():
    page = '<script>run()</script><script src="/x.js"></script>'
    data = '<script type="application/ld+json">{"a": 1}</script><script>{{ dynamic }}</script>'
    hashes = inline_script_hashes([page, data])
    assert len(hashes) == 1
    policy = directives(content_security_policy(hashes))
    assert policy["script-src"] == ["'self'", *hashes]
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-eval'" not in policy["script-src"]


def test_the_query_page_script_is_the_one_allowed(client):
    assert UI.exists(), f"{UI} missing: scripts/install-ui.sh"
    response = client.get("/sparql", headers={"Accept": "text/html"})
    body = response.get_data(as_text=True)
    page_hashes = inline_script_hashes([body])
    assert page_hashes, "the query page has no inline script any more: drop this test"
    allowed = directives(response.headers["Content-Security-Policy"])["script-src"]
    assert set(page_hashes) <= set(allowed)


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH", "POST"])
def test_cross_origin_writes_are_not_granted(client, method):
    response = client.open(
        "/id/instance/crefop-pays-de-la-loire", method=method, headers={"Origin": "https://x.org"}
    )
    assert response.status_code == 405
    assert "Access-Control-Allow-Origin" not in response.headers


def test_preflights_offer_only_reads(client):
    response = client.options(
        "/id/instance/crefop-pays-de-la-loire",
        headers={"Origin": "https://x.org", "Access-Control-Request-Method": "DELETE"},
    )
    allowed = {m.strip() for m in response.headers["Access-Control-Allow-Methods"].split(",")}
    assert allowed <= {"GET", "HEAD", "OPTIONS"}
    sparql = client.options("/sparql", headers={"Origin": "https://x.org"})
    allowed = {m.strip() for m in sparql.headers["Access-Control-Allow-Methods"].split(",")}
    assert allowed <= {"GET", "HEAD", "OPTIONS", "POST"}


def test_the_real_server_names_no_version(served):
    for path in ["", "sparql", "nope", "dumps/efop.ttl"]:
        status, head, _, _ = request(served.url + path)
        server = head.get("Server", "")
        assert not any(ch.isdigit() for ch in server), f"{path}: Server: {server}"
        assert "python" not in server.lower() and "werkzeug" not in server.lower()
        assert head["X-Content-Type-Options"] == "nosniff"


@pytest.mark.browser
def test_every_page_works_under_its_policy_in_chromium(served):
    for needed in (Path("/usr/bin/chromium"), REPO / "node_modules" / "playwright-core", UI):
        assert needed.exists(), f"{needed} missing"
    assert shutil.which("node"), "node missing"
    done = subprocess.run(
        ["node", str(CHECK), served.url.rstrip("/"), *HTML_PAGES, "/ontology/diagram.svg"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=REPO,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    for page in json.loads(done.stdout):
        assert page["violations"] == [], page
        assert page["errors"] == [], page
        assert page["outside"] == [], page
