"""``efop validate`` as a data steward runs it: a real process, its output and its exit status."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures" / "shapes"
REPO = Path(__file__).resolve().parents[1]


def efop_validate(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "efop.cli", "validate", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=REPO,
    )


def test_repository_data_conforms():
    assert sorted((REPO / "data").rglob("*.ttl")), "no data file to validate"
    result = efop_validate()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Conforme" in result.stdout
    assert "Traceback" not in result.stderr


def test_non_conforming_file_is_reported_in_french_by_default():
    path = FIXTURES / "privacy" / "bad-label-name-slash-organisation.ttl"
    result = efop_validate(path)
    assert result.returncode == 1, result.stdout + result.stderr
    report = result.stdout
    assert str(path) in report
    assert "<https://w3id.org/efop/id/poste/exemple-nom-organisation>" in report
    assert "rdfs:label" in report
    assert "semble contenir le nom d'une personne" in report
    assert "Non conforme : 1 erreur(s) et 0 avertissement(s)" in report


def test_non_conforming_file_is_reported_in_english_on_request():
    path = FIXTURES / "activities" / "bad-project-two-carriers.ttl"
    result = efop_validate(path, "--lang", "en")
    assert result.returncode == 1, result.stdout + result.stderr
    report = result.stdout
    assert str(path) in report
    assert "<https://w3id.org/efop/id/projet/exemple-deux-porteurs>" in report
    assert "efop:carriedBy" in report
    assert "A project must have exactly one carrier" in report
    assert "Does not conform" in report
    assert "Un projet doit" not in report


def test_files_and_folders_can_be_mixed():
    result = efop_validate(FIXTURES / "governance" / "ok-governance.ttl", FIXTURES / "needs")
    assert result.returncode == 1, "the needs folder holds non-conforming fixtures too"
    assert "ok-governance.ttl" not in result.stdout
    assert "bad-need-stated-by-territory.ttl" in result.stdout


def test_turtle_syntax_error_names_file_and_line(tmp_path: Path):
    path = tmp_path / "broken.ttl"
    path.write_text(
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        '<https://w3id.org/efop/id/organisation/x> rdfs:label "ok"@fr .\n'
        '<https://w3id.org/efop/id/organisation/y> rdfs:label "unterminated\n',
        encoding="utf-8",
    )
    result = efop_validate(path)
    assert result.returncode == 2
    assert "broken.ttl" in result.stderr
    assert "ligne 3" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    english = efop_validate(path, "--lang", "en")
    assert english.returncode == 2
    assert "line 3" in english.stderr


def test_ntriples_syntax_error_names_file_and_line(tmp_path: Path):
    path = tmp_path / "broken.nt"
    path.write_text(
        '<https://w3id.org/efop/id/a> <http://www.w3.org/2000/01/rdf-schema#label> "a"@fr .\n'
        "# a comment\n"
        "<https://w3id.org/efop/id/b> <http://www.w3.org/2000/01/rdf-schema#label> .\n",
        encoding="utf-8",
    )
    result = efop_validate(path)
    assert result.returncode == 2
    assert "broken.nt" in result.stderr and "ligne 3" in result.stderr
    assert "Traceback" not in result.stderr


def test_unsafe_inputs_are_refused(tmp_path: Path):
    xml = tmp_path / "entities.rdf"
    xml.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE rdf [<!ENTITY a "aaaa">]>\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>\n',
        encoding="utf-8",
    )
    jsonld = tmp_path / "remote.jsonld"
    jsonld.write_text(json.dumps({"@context": "https://example.org/context.jsonld"}))
    for path, reason in [(xml, "DOCTYPE"), (jsonld, "@context")]:
        result = efop_validate(path)
        assert result.returncode == 2, result.stdout + result.stderr
        assert path.name in result.stderr and reason in result.stderr
        assert "Traceback" not in result.stderr


def test_missing_path_is_an_input_error(tmp_path: Path):
    result = efop_validate(tmp_path / "absent.ttl")
    assert result.returncode == 2
    assert "absent.ttl" in result.stderr
    assert "Traceback" not in result.stderr


def project_without_data(tmp_path: Path) -> Path:
    """A project folder sharing the repository's ontology and shapes, with an empty data/."""
    root = tmp_path / "project"
    (root / "data" / "sources").mkdir(parents=True)
    (root / "ontology").symlink_to(REPO / "ontology")
    (root / "shapes").symlink_to(REPO / "shapes")
    return root


def efop_validate_in(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "efop.cli", "validate"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=root,
        env={**os.environ, "EFOP_ROOT": str(root)},
    )


def test_empty_data_folder_is_an_error_not_a_success(tmp_path: Path):
    result = efop_validate_in(project_without_data(tmp_path))
    assert result.returncode == 2
    assert "no data file found" in result.stderr


def test_source_file_must_name_its_source_document(tmp_path: Path):
    root = project_without_data(tmp_path)
    orphan = root / "data" / "sources" / "orphan.ttl"
    orphan.write_text(
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        '<https://w3id.org/efop/id/organisation/x> rdfs:label "Mission locale"@fr .\n',
        encoding="utf-8",
    )
    result = efop_validate_in(root)
    assert result.returncode == 2
    assert "orphan.ttl" in result.stderr and "efop:SourceDocument" in result.stderr
