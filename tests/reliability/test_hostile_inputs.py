"""Bad input files through ``efop validate``, ``efop build`` and ``efop import``: each gives a
precise error, reaches no network and publishes nothing.

Every command runs in a subprocess under a network guard (``netguard.py``: an audit hook that
records and refuses socket connections, host name lookups and reads of ``/etc/passwd``), and the
hostile files point their entities and contexts at a local TCP listener that must receive no
connection. The build's ``var/current`` and its list of builds must stay as they were.
"""

from __future__ import annotations

import csv
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sparql_support import Listener

from reliability.support import Deployment, Guarded

# file -> (exit code of `efop validate FILE`, words the message must hold)
EXPECTED = {
    "malformed.ttl": (2, ["malformed.ttl", "ligne 6"]),
    "unknown-prefix.ttl": (2, ["unknown-prefix.ttl", "ligne 5", "undeclared"]),
    "invalid-utf8.ttl": (2, ["invalid-utf8.ttl", "utf-8"]),
    "xxe-external-entity.rdf": (2, ["xxe-external-entity.rdf", "DOCTYPE"]),
    "billion-laughs.rdf": (2, ["billion-laughs.rdf", "DOCTYPE"]),
    "remote-context.jsonld": (2, ["remote-context.jsonld", "@context"]),
    "remote-context-nested.jsonld": (2, ["remote-context-nested.jsonld", "@context"]),
    "conflicting-duplicates.ttl": (1, ["crefop-pays-de-la-loire", "igeo:codeCommune"]),
}
HUGE_BYTES = 2_000_000
PUBLISHER = "efopid:organisation/region-bretagne"  # an actor of the reference data


@pytest.fixture
def listener() -> Iterator[Listener]:
    listening = Listener()
    yield listening
    listening.close()


def place(source: Path, target: Path, listener: Listener) -> Path:
    """Copy a hostile file, pointing its LISTENER_URL at the local listener."""
    data = source.read_bytes().replace(
        b"LISTENER_URL", f"http://127.0.0.1:{listener.port}".encode()
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return target


def huge_literal_file(target: Path) -> Path:
    """An actor whose description is a single literal of a few megabytes."""
    text = ("Texte répété sans fin. " * (HUGE_BYTES // 23 + 1))[:HUGE_BYTES]
    target.write_text(
        "@prefix efop: <https://w3id.org/efop/ontology#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "@prefix dct: <http://purl.org/dc/terms/> .\n"
        "@prefix prov: <http://www.w3.org/ns/prov#> .\n"
        "@prefix kind: <https://w3id.org/efop/id/concept/actor-kind/> .\n"
        "<https://w3id.org/efop/id/organisation/hostile-huge> a efop:Actor ;\n"
        '    rdfs:label "Association au texte démesuré"@fr ;\n'
        "    efop:actorKind kind:association ;\n"
        f'    dct:description "{text}"@fr ;\n'
        "    prov:wasDerivedFrom <https://w3id.org/efop/id/source/code-du-travail> .\n",
        encoding="utf-8",
    )
    return target


def assert_isolated(result: Guarded, listener: Listener) -> None:
    assert result.network == [], result.network
    assert listener.connections == [], listener.connections


def assert_nothing_published(deployment: Deployment, current: str | None, builds: list[str]):
    assert deployment.current() == current
    assert deployment.builds() == builds
    assert not list(deployment.settings.builds_dir.glob(".tmp-*"))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_validate_refuses_each_hostile_file_precisely(
    name, deployment, hostile_dir, listener, tmp_path
):
    hostile = place(hostile_dir / name, tmp_path / name, listener)
    code, words = EXPECTED[name]
    result = deployment.efop("validate", str(hostile), timeout=120)
    assert result.code == code, result.output
    for word in words:
        assert word in result.output, result.output
    assert "Traceback" not in result.output
    assert_isolated(result, listener)


def test_every_hostile_fixture_is_exercised(hostile_dir):
    assert sorted(p.name for p in hostile_dir.iterdir() if p.suffix != ".md") == sorted(EXPECTED)


@pytest.mark.parametrize(
    ("name", "code", "words"),
    [
        ("malformed.ttl", 2, ["malformed.ttl:6"]),
        ("unknown-prefix.ttl", 2, ["unknown-prefix.ttl:5", "undeclared"]),
        ("invalid-utf8.ttl", 2, ["invalid-utf8.ttl", "utf-8"]),
        ("conflicting-duplicates.ttl", 1, ["region/52", "crefop-pays-de-la-loire"]),
    ],
)
def test_build_refuses_hostile_turtle_and_keeps_the_current_build(
    name, code, words, deployment, hostile_dir, listener
):
    before = deployment.current(), deployment.builds()
    place(hostile_dir / name, deployment.settings.data_dir / "reference" / name, listener)
    result = deployment.efop("build", timeout=300)
    assert result.code == code, result.output
    assert "build FAILED" in result.output and "previous build kept" in result.output
    for word in words:
        assert word in result.output, result.output
    assert "Traceback" not in result.output
    assert_isolated(result, listener)
    assert_nothing_published(deployment, *before)


@pytest.mark.parametrize(
    "name", ["xxe-external-entity.rdf", "billion-laughs.rdf", "remote-context.jsonld"]
)
def test_build_does_not_skip_hostile_files_of_other_formats(
    name, deployment, hostile_dir, listener
):
    """An RDF file in data/ is either read (and refused) or the build says why it is not."""
    before = deployment.current(), deployment.builds()
    place(hostile_dir / name, deployment.settings.data_dir / "reference" / name, listener)
    result = deployment.efop("build", timeout=300)
    assert_isolated(result, listener)
    assert result.code != 0, f"{name} was silently skipped and a build was published"
    assert name in result.output, result.output
    assert_nothing_published(deployment, *before)


def test_build_refuses_a_huge_literal(deployment, listener):
    before = deployment.current(), deployment.builds()
    huge_literal_file(deployment.settings.data_dir / "reference" / "huge-literal.ttl")
    result = deployment.efop("build", timeout=300)
    assert_isolated(result, listener)
    assert result.code != 0, "a literal of several megabytes was published"
    assert "huge-literal.ttl" in result.output, result.output[-2000:]
    assert len(result.output) < 20_000, "the report repeats the huge literal instead of naming it"
    assert_nothing_published(deployment, *before)


def _write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as stream:
        csv.writer(stream, delimiter=";").writerows(rows)
    return path


def test_import_refuses_a_personal_name_and_writes_nothing(deployment, tmp_path, listener):
    example = deployment.settings.root.parent / "example"
    shutil.copytree(Path(__file__).resolve().parents[2] / "examples" / "region-bretagne", example)
    actors = example / "acteurs.csv"
    with actors.open(encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.reader(stream, delimiter=";"))
    description = rows[0].index("Description")
    # a courtesy title before a capitalised word is how a person is named in the sources
    rows[2][description] = "Service régional ; contact : M. NOM, chargé de mission."
    _write_csv(actors, rows)
    out = tmp_path / "out" / "bretagne.ttl"
    result = deployment.efop(
        "import", *map(str, sorted(example.glob("*.csv"))), "--region", "bretagne",
        "--publisher", PUBLISHER, "--date", "2026-01-15", "--out", str(out), timeout=300,
    )  # fmt: skip
    assert result.code != 0, result.output
    assert "acteurs.csv" in result.output and "nom d'une personne" in result.output, result.output
    assert not out.exists()
    assert_isolated(result, listener)


def test_import_refuses_a_csv_that_is_not_utf8(deployment, tmp_path, listener):
    source = Path(__file__).resolve().parents[2] / "examples" / "region-bretagne" / "acteurs.csv"
    broken = tmp_path / "acteurs.csv"
    # a Latin-1 "é" and a lone continuation byte in place of the first UTF-8 "é"
    broken.write_bytes(source.read_bytes().replace("é".encode(), b"\xe9\x80", 1))
    out = tmp_path / "out" / "bretagne.ttl"
    result = deployment.efop(
        "import", str(broken), "--region", "bretagne", "--publisher", PUBLISHER,
        "--out", str(out), timeout=300,
    )  # fmt: skip
    assert result.code != 0, result.output
    assert "acteurs.csv" in result.output and "Traceback" not in result.output, result.output
    assert not out.exists()
    assert_isolated(result, listener)
