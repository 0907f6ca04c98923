"""The shapes, tested like code: each fixture under ``tests/fixtures/shapes`` is validated with
the repository's ontology, concept schemes and shapes.

A conforming fixture (``ok-*.ttl``) declares the shapes it exercises (``# covers: efsh:X``) and
must produce no finding at all. A non-conforming fixture (``bad-*.ttl``) declares what must fail
(``# expect: shape=efsh:X path=prop:y [severity=Warning]``, one line per expected finding) and
must produce exactly those findings: the expected ones and nothing else.
"""

from __future__ import annotations

import re
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import SH

from efop.config import Settings
from efop.validation import Finding, ValidationReport, load_sources, validate
from efop.validation.load import merge, parse_file, rdf_files

FIXTURES = Path(__file__).parent / "fixtures" / "shapes"
OK_FILES = sorted(FIXTURES.rglob("ok-*.ttl"))
BAD_FILES = sorted(FIXTURES.rglob("bad-*.ttl"))
HEADER = re.compile(r"^#\s*(expect|covers):\s*(.*)$")


def header(path: Path, key: str) -> list[str]:
    """The values of one kind of header line of a fixture."""
    values = []
    for line in path.read_text(encoding="utf-8").splitlines():
        match = HEADER.match(line)
        if match and match.group(1) == key:
            values.append(match.group(2).strip())
    return values


def expectations(path: Path) -> list[dict[str, str]]:
    found = []
    for text in header(path, "expect"):
        fields = dict(item.split("=", 1) for item in text.split())
        fields.setdefault("severity", "Violation")
        found.append(fields)
    return found


@cache
def report_for(kind: str) -> ValidationReport:
    """One validation run over all fixtures of a kind (their resources never overlap)."""
    files = OK_FILES if kind == "ok" else BAD_FILES
    return validate(load_sources(Settings(), data_paths=files, with_repository_data=True))


def findings_of(kind: str, path: Path) -> list[Finding]:
    return [f for f in report_for(kind).findings if f.file == path]


def test_fixtures_are_found():
    assert len(OK_FILES) >= 10
    assert len(BAD_FILES) >= 30
    for path in BAD_FILES:
        assert expectations(path), f"{path.name} declares no '# expect:' line"
    for path in OK_FILES:
        assert header(path, "covers"), f"{path.name} declares no '# covers:' line"


def test_conforming_fixtures_conform_together():
    report = report_for("ok")
    assert report.conforms, report.format("en")
    assert report.files_checked == len(OK_FILES)


@pytest.mark.parametrize("path", OK_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_conforming_fixture(path: Path):
    assert findings_of("ok", path) == []


@pytest.mark.parametrize("path", BAD_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_non_conforming_fixture(path: Path):
    found = findings_of("bad", path)
    expected = expectations(path)
    described = "\n".join(f"{f.shape} {f.path} {f.severity}: {f.message_en}" for f in found)
    for fields in expected:
        assert any(matches(f, fields) for f in found), f"missing {fields} in:\n{described}"
    for finding in found:
        assert any(matches(finding, fields) for fields in expected), f"unexpected:\n{described}"
    for finding in found:
        assert finding.message_fr and finding.message_en
        assert finding.message_fr != finding.message_en


def matches(finding: Finding, fields: dict[str, str]) -> bool:
    return (
        finding.shape == fields["shape"]
        and finding.path == fields.get("path")
        and finding.severity == fields["severity"]
    )


def test_a_violation_alone_makes_the_report_fail():
    path = FIXTURES / "privacy" / "bad-label-given-name-capitals.ttl"
    report = validate(load_sources(Settings(), data_paths=[path], with_repository_data=True))
    assert not report.conforms
    assert {f.file for f in report.findings} == {path}


def test_a_warning_alone_does_not_make_the_report_fail():
    path = FIXTURES / "governance" / "bad-assessment-empty.ttl"
    report = validate(load_sources(Settings(), data_paths=[path], with_repository_data=True))
    assert report.conforms
    assert [f.severity for f in report.findings] == ["Warning"]


@cache
def shapes_graph() -> Graph:
    files = rdf_files(Settings().shapes_dir)
    assert files, "no shapes file found"
    return merge(parse_file(path) for path in files)


def targeted_shapes() -> set[str]:
    graph = shapes_graph()
    targets = [SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode, SH.target]
    names = set()
    for shape in graph.subjects(RDF.type, SH.NodeShape):
        if isinstance(shape, URIRef) and any(graph.value(shape, t) for t in targets):
            names.add(graph.namespace_manager.normalizeUri(shape))
    return names


def test_every_shape_has_a_conforming_and_a_non_conforming_fixture():
    shapes = targeted_shapes()
    assert len(shapes) >= 30
    covered = {
        name for path in OK_FILES for line in header(path, "covers") for name in line.split()
    }
    failing = {fields["shape"] for path in BAD_FILES for fields in expectations(path)}
    assert shapes - covered == set(), "shapes without a conforming fixture"
    assert shapes - failing == set(), "shapes without a non-conforming fixture"
    assert covered <= shapes and failing <= shapes, "fixtures name shapes that do not exist"


def test_every_constraint_speaks_french_and_english():
    graph = shapes_graph()
    carriers = set(graph.objects(None, SH.property))
    carriers |= {s for s in graph.subjects(RDF.type, SH.NodeShape) if graph.value(s, SH["or"])}
    assert len(carriers) > 100
    for shape in carriers:
        languages = {m.language for m in graph.objects(shape, SH.message) if isinstance(m, Literal)}
        assert {"fr", "en"} <= languages, f"{shape} lacks a French or English sh:message"


def test_every_named_shape_has_a_french_and_english_name():
    graph = shapes_graph()
    for shape in graph.subjects(RDF.type, SH.NodeShape):
        if isinstance(shape, URIRef):
            languages = {n.language for n in graph.objects(shape, SH.name)}
            assert {"fr", "en"} <= languages, f"{shape} lacks a French or English sh:name"


def person_name_pattern() -> str:
    graph = shapes_graph()
    shape = URIRef("https://w3id.org/efop/shapes#NoPersonNameInTextShape")
    return str(graph.value(graph.value(shape, SH.property), SH.pattern))


def test_the_given_name_list_is_the_same_in_every_form_and_leaves_out_place_names():
    lists = [
        set(group.split("|"))
        for group in re.findall(r"\(([^()]+)\)", person_name_pattern())
        if group.count("|") > 100
    ]
    assert len(lists) == 6, "each of three forms holds the list twice (compound given names)"
    assert all(names == lists[0] for names in lists)
    assert len(lists[0]) >= 300
    assert not lists[0] & {"France", "Nancy", "Florence", "Lorraine", "Marine", "Marianne"}


@pytest.mark.parametrize(
    "text",
    [
        "Maison de l'emploi de Bordeaux",
        "Val de Garonne Agglomération",
        "Mont de Marsan Agglo",
        "CIAP-Champs du Partage",
        "Pôle formation de la Région Nouvelle-Aquitaine",
        "AFTRAL",
        "CDA Pau Béarn Pyrénées",
        "France Travail",
        "Réseau des Carif-Oref",
        "Saint-Pierre-des-Corps",
        "Saint-Étienne Métropole",
        "Lycée Jean Moulin",
        "IUT Paul Sabatier",
        "Fédération Léo Lagrange",
        "Région PACA",
        "2e adjoint au maire, commune de Fauillet",
        "Prêt de main-d'œuvre avec la Direccte et l'UIMM. La plateforme",
        "Région PACA - Pôle formation",
        "Lycée Louis-le-Grand",
        "Bretagne CREFOP",
        "Programme ENVI de reconversion de salariés en indépendants",
    ],
)
def test_organisation_texts_are_not_taken_for_names(text: str):
    assert re.search(person_name_pattern(), text)


@pytest.mark.parametrize(
    "text",
    [
        "Agnès DURAND",
        "DURAND Agnès",
        "Julie Martin / PETR du Pays d'Exemple",
        "Maison de l'emploi de Bordeaux Agnès DURAND",
        "Paul DURAND - PLIE du Grand Exemple",
        "Hélène Dupont, chargée de mission emploi",
        "Claire Bernard et Sophie Petit - CDA d'Exemple",
        "Jean-Pierre Durand",
        "Atelier animé par Julie Martin",
        "Une remarque. Cécile Durand a travaillé dans l'ESS.",
        "Mme Bernard",
        "M. Durand",
        "Ysolde DUPRÉ - PLIE",
        "Tahar Moussa Benali - Agglo du Val d'Exemple",
        "Représentant de Pierre Le-Gall",
        "Rencontre avec Jean Le Gall",
        "Rencontre Julie Martin Durand / PLIE",
    ],
)
def test_person_names_are_caught(text: str):
    assert not re.search(person_name_pattern(), text)


FILLERS = re.compile(r"non renseign|non communiqu|à compléter|\bn/?a\b|\btbd\b", re.IGNORECASE)


def test_the_data_publishes_no_filler_value():
    """A finding the source does not state is left out, not written as a placeholder."""
    data = Settings().data_dir
    fillers = [
        (path.name, str(text))
        for path in rdf_files(data)
        for text in parse_file(path).objects()
        if isinstance(text, Literal) and FILLERS.search(str(text))
    ]
    assert fillers == []


def test_no_label_of_the_data_is_taken_for_a_name():
    pattern = re.compile(person_name_pattern())
    data = Settings().data_dir
    flagged = [
        str(text)
        for path in rdf_files(data)
        for text in parse_file(path).objects()
        if isinstance(text, Literal) and not pattern.search(str(text))
    ]
    assert flagged == []


@pytest.mark.parametrize(
    "name",
    [
        "bad-label-capitalised-word-surname-organisation.ttl",
        "bad-label-three-words-organisation.ttl",
        "bad-label-given-name-compound-surname.ttl",
    ],
)
def test_efop_validate_refuses_the_name_forms_of_workshop_tables(name: str):
    path = FIXTURES / "privacy" / name
    result = subprocess.run(
        [sys.executable, "-m", "efop.cli", "validate", "--lang", "en", str(path)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "person's name" in result.stdout
