"""Quality checks on the ontology, concept schemes and data (queries/qc/*-violation.rq).

Each check is a SPARQL SELECT that must return no rows over everything the project publishes
(the OBO/ODK convention). Each check is also run on a small faulty graph, where it must find the
fault: a check that can never return a row proves nothing.
"""

from pathlib import Path

import pytest
from rdflib import Graph

from efop.namespaces import PREFIXES
from efop.queries import read_query

ROOT = Path(__file__).resolve().parents[1]
QC_DIR = ROOT / "queries" / "qc"
QC_FILES = sorted(QC_DIR.glob("*-violation.rq"))

FAULTY_PREFIXES = "".join(f"@prefix {name}: <{iri}> .\n" for name, iri in PREFIXES.items())
ID = PREFIXES["efopid"]

# One faulty graph per check, in Turtle where {ID} stands for the instance base: the check must
# report it.
FAULTY = {
    "own-term-without-french-label-violation": """
        efop:Orphan a owl:Class ; rdfs:label "orphan"@en ; skos:definition "x"@en .""",
    "own-term-without-english-definition-violation": """
        efop:orphan a owl:ObjectProperty ; rdfs:label "orphelin"@fr ;
            skos:definition "sans définition anglaise"@fr .""",
    "concept-without-scheme-violation": """
        <{ID}concept/theme/perdu> a skos:Concept ; skos:prefLabel "perdu"@fr .""",
    "resource-without-provenance-violation": """
        <{ID}organisation/sans-source> a efop:Actor ; rdfs:label "Sans source"@fr .""",
    "derivation-from-undescribed-source-violation": """
        <{ID}organisation/x> a efop:Actor ; rdfs:label "X"@fr ;
            prov:wasDerivedFrom <{ID}source/inconnue> .""",
    "label-trailing-whitespace-violation": """
        <{ID}organisation/x> rdfs:label "Région Pays de la Loire "@fr .""",
    "hierarchy-cycle-violation": """
        efop:A rdfs:subClassOf efop:B . efop:B rdfs:subClassOf efop:A .""",
    "resource-without-french-label-violation": """
        <{ID}organisation/x> a efop:Actor ; rdfs:label "Only English"@en .""",
}


@pytest.fixture(scope="module")
def published() -> Graph:
    files = sorted((ROOT / "ontology").glob("**/*.ttl")) + sorted((ROOT / "data").glob("**/*.ttl"))
    assert files
    graph = Graph()
    for path in files:
        graph.parse(path, format="turtle")
    return graph


def test_quality_checks_are_found_and_documented() -> None:
    assert QC_FILES, "no queries/qc/*-violation.rq found"
    assert {p.stem for p in QC_FILES} == set(FAULTY), "each check needs a faulty example"
    for path in QC_FILES:
        query = read_query(path)
        assert query.title and query.title_en and query.description and query.description_en


@pytest.mark.parametrize("path", QC_FILES, ids=lambda p: p.stem)
def test_quality_check_returns_no_rows(published: Graph, path: Path) -> None:
    rows = list(published.query(path.read_text(encoding="utf-8")))
    offending = "\n".join(" | ".join(str(value) for value in row) for row in rows)
    assert not rows, f"{path.name} found {len(rows)} violation(s):\n{offending}"


@pytest.mark.parametrize("path", QC_FILES, ids=lambda p: p.stem)
def test_quality_check_finds_its_fault(path: Path) -> None:
    graph = Graph()
    graph.parse(data=FAULTY_PREFIXES + FAULTY[path.stem].replace("{ID}", ID), format="turtle")
    assert list(graph.query(path.read_text(encoding="utf-8"))), f"{path.name} missed its fault"
