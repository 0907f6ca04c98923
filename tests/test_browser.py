"""The HTML pages in a real headless Chromium: they render, show the resource's label and
properties, and stay readable on a phone-sized screen. Screenshots are kept in the test's
temporary directory for a person to look at.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CREFOP = "id/instance/crefop-pays-de-la-loire"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin"),
]


def chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    command = [
        str(CHROMIUM),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
        "--hide-scrollbars",
        f"--user-data-dir={tmp_path / 'profile'}",
        *args,
    ]
    return subprocess.run(command, capture_output=True, timeout=120, check=True)


def dom(tmp_path: Path, url: str) -> str:
    return chromium(tmp_path, "--dump-dom", url).stdout.decode("utf-8")


def screenshot(tmp_path: Path, url: str, name: str, size: str = "1280,900") -> Path:
    target = tmp_path / name
    chromium(tmp_path, f"--screenshot={target}", f"--window-size={size}", url)
    assert target.stat().st_size > 10_000
    return target


def test_resource_page_shows_its_label_and_properties(live_server, tmp_path):
    text = dom(tmp_path, live_server + CREFOP + "?lang=fr")
    assert "<h1>CREFOP Pays de la Loire</h1>" in text
    assert 'id="properties-title"' in text
    assert ">agit sur<" in text
    assert "Pays de la Loire</a>" in text
    assert 'type="application/ld+json"' in text
    screenshot(tmp_path, live_server + CREFOP + "?lang=fr", "crefop.png", "1280,1400")
    screenshot(tmp_path, live_server + CREFOP + "?lang=en", "crefop-phone.png", "390,1200")


def test_home_page_renders(live_server, tmp_path):
    text = dom(tmp_path, live_server + "?lang=fr")
    assert '<html lang="fr">' in text
    assert "Licence Ouverte" in text
    screenshot(tmp_path, live_server + "?lang=fr", "home.png")


def test_directory_and_ontology_render(live_server, tmp_path):
    assert "<select" in dom(tmp_path, live_server + "annuaire")
    assert "<svg" in dom(tmp_path, live_server + "ontology")
    screenshot(tmp_path, live_server + "ontology?lang=en", "ontology.png", "1280,1600")
