"""The w3id.org redirects of the persistent IRIs: each keeps the path, and the publisher answers
the path it redirects to (the rules are applied here as Apache's mod_rewrite would)."""

from __future__ import annotations

import re

import pytest

from efop.config import REPO_ROOT

HTACCESS = REPO_ROOT / "deploy" / "w3id" / ".htaccess"
PLACEHOLDER = "https://PUBLISHER-HOST/"


def rules() -> list[tuple[re.Pattern[str], str, str]]:
    found = []
    for line in HTACCESS.read_text(encoding="utf-8").splitlines():
        if line.startswith("RewriteRule "):
            _, pattern, target, flags = line.split()
            found.append((re.compile(pattern), target, flags))
    return found


def redirect(path: str) -> tuple[str, int]:
    """Where w3id.org sends ``/efop/{path}``, and with which status (first matching rule)."""
    for pattern, target, flags in rules():
        match = pattern.search(path)
        if match:
            status = int(re.search(r"R=(\d+)", flags).group(1))
            assert "L" in flags.strip("[]").split(","), flags
            return match.expand(target.replace("$", "\\")), status
    raise AssertionError(f"no rule for {path}")


def test_every_rule_targets_the_marked_placeholder_host():
    assert rules()
    assert all(target.startswith(PLACEHOLDER) for _, target, _ in rules())
    assert "REPLACE" in HTACCESS.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("path", "status", "accept"),
    [
        ("ontology", 303, "text/turtle"),
        ("ontology/0.1.0", 303, "text/turtle"),
        ("id/organisation/opco-ep", 303, "text/turtle"),
        ("id/concept/theme/gpect", 303, "application/ld+json"),
        ("id/graph/reference", 303, "text/turtle"),
        ("dumps/efop.nt.gz", 302, "*/*"),
        ("dataset", 303, "text/turtle"),
        ("catalogue", 303, "text/html"),
        ("sparql", 307, "text/turtle"),
        ("", 303, "text/html"),
        ("shapes", 303, "text/turtle"),
    ],
)
def test_redirect_keeps_the_path_and_the_publisher_answers_it(client, path, status, accept):
    target, code = redirect(path)
    assert (target, code) == (PLACEHOLDER + path, status)
    with client.get("/" + target[len(PLACEHOLDER) :], headers={"Accept": accept}) as response:
        assert response.status_code == 200, path
