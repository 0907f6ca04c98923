"""``efop link``: candidate links from an imported region to the dataset, and the confirmed
links written as their own source document."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import OWL, RDF, SKOS, Graph, URIRef

from efop.cli import main
from efop.namespaces import ORG, PROV

# rdflib deprecation raised while efop.validation parses sources; not the import's to fix.
pytestmark = pytest.mark.filterwarnings(
    "ignore:Dataset.default_context is deprecated:DeprecationWarning"
)

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "region-bretagne"
ID = "https://w3id.org/efop/id/"
EFOP = "https://w3id.org/efop/ontology#"
SOURCE = URIRef(ID + "source/bretagne-import")


@pytest.fixture(scope="module")
def imported_file(tmp_path_factory) -> Path:
    files = sorted(EXAMPLE.glob("*.csv"))
    assert files
    out = tmp_path_factory.mktemp("link") / "bretagne.ttl"
    code = main(["import", *map(str, files), "--region", "bretagne", "--out", str(out)])
    assert code == 0
    return out


def table(output: str) -> list[tuple[str, str, str, str]]:
    """(number, imported IRI, dataset IRI, proposed link) for each row of the printed table."""
    rows = []
    for line in output.splitlines()[2:]:
        cells = [c.strip() for c in line.split(" | ")]
        if len(cells) == 5:
            imported = cells[1].rsplit("(", 1)[-1].rstrip(")")
            target = cells[2].rsplit("(", 1)[-1].rstrip(")")
            rows.append((cells[0], imported, target, cells[3]))
    return rows


def table_rows(output: str) -> dict[tuple[str, str], str]:
    """(imported IRI, dataset IRI) -> proposed link, from the printed table."""
    return {(imported, target): link for _, imported, target, link in table(output)}


DUPLICATES = {
    "territoires.csv": "Clé *;Nom *;Échelle *;Code INSEE\nregion;Bretagne;regional;53\n",
    "instances.csv": (
        "Clé *;Nom *;Type d'instance *;Échelle territoriale;Territoire\n"
        "crefop;Comité régional emploi formation Bretagne;crefop;regional;region\n"
    ),
    "acteurs.csv": (
        "Clé *;Nom *;Type d'acteur *;Territoire d'action\n"
        "region;Région Bretagne;region;region\n"
        "gref;GREF Bretagne;association;region\n"
        "france-travail;France Travail Bretagne;france-travail;region\n"
    ),
}


@pytest.fixture(scope="module")
def duplicating_file(tmp_path_factory) -> Path:
    """A region that describes again what the dataset already has (its CREFOP, its Region, its
    Carif-Oref, its territory) instead of pointing to it."""
    folder = tmp_path_factory.mktemp("duplicates")
    for name, text in DUPLICATES.items():
        (folder / name).write_text(text, encoding="utf-8")
    out = folder / "bretagne.ttl"
    files = [str(folder / name) for name in DUPLICATES]
    assert main(["import", *files, "--region", "bretagne", "--out", str(out)]) == 0
    return out


def test_the_example_points_to_the_dataset_instead_of_describing_it_again(imported_file):
    graph = Graph().parse(imported_file)
    crefop = URIRef(ID + "instance/crefop-bretagne")
    assert (None, RDF.type, URIRef(EFOP + "CREFOP")) not in graph
    units = set(graph.subjects(ORG.unitOf, crefop))
    assert {URIRef(ID + "instance/bretagne-crefop-bureau")} < units
    members = set(graph.objects(None, ORG.member))
    assert URIRef(ID + "organisation/region-bretagne") in members
    assert set(graph.subjects(ORG.organization, crefop))
    assert len(set(graph.subjects(RDF.type, URIRef(EFOP + "Project")))) >= 2


def test_identity_needs_the_same_kind_on_the_same_coded_territory(duplicating_file, capsys):
    assert main(["link", str(duplicating_file)]) == 0
    rows = table_rows(capsys.readouterr().out)
    assert rows == {
        ("efopid:territoire/bretagne-region", "efopid:territoire/region/53"): "owl:sameAs",
        ("efopid:instance/bretagne-crefop", "efopid:instance/crefop-bretagne"): "owl:sameAs",
        ("efopid:organisation/bretagne-region", "efopid:organisation/region-bretagne"): (
            "owl:sameAs"
        ),
        ("efopid:organisation/bretagne-gref", "efopid:organisation/gref-bretagne"): (
            "rdfs:seeAlso"
        ),
        ("efopid:organisation/bretagne-france-travail", "efopid:organisation/france-travail"): (
            "org:subOrganizationOf"
        ),
    }, "never skos:closeMatch between organisations, never another region's CREFOP"


def test_labels_match_without_accents_case_punctuation_or_acronyms(imported_file, tmp_path, capsys):
    other = tmp_path / "other.ttl"
    other.write_text(
        """@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://w3id.org/efop/id/organisation/p> a <https://w3id.org/efop/ontology#Actor> ;
    rdfs:label "PREFECTURE de la Région  bretagne"@fr .
<https://w3id.org/efop/id/projet/sprob> a <https://w3id.org/efop/ontology#Project> ;
    rdfs:label "SPROB"@fr .
<https://w3id.org/efop/id/instance/sprob> a <https://w3id.org/efop/ontology#GovernanceBody> ;
    rdfs:label "Service public régional de l'orientation en Bretagne"@fr .
""",
        encoding="utf-8",
    )
    assert main(["link", str(imported_file), "--against", str(other), "--lang", "en"]) == 0
    output = capsys.readouterr().out
    rows = table_rows(output)
    assert rows == {
        ("efopid:organisation/bretagne-prefecture-region", "efopid:organisation/p"): (
            "rdfs:seeAlso"
        ),
        ("efopid:projet/bretagne-spro", "efopid:projet/sprob"): "rdfs:seeAlso",
    }, "only resources of the same kind are matched"
    assert 'acronym "sprob"' in output


def test_confirmed_links_are_written_as_their_own_source(duplicating_file, tmp_path, capsys):
    assert main(["link", str(duplicating_file)]) == 0
    output = capsys.readouterr().out
    wanted = [
        number
        for number, imported, target, _ in table(output)
        if (imported, target)
        == ("efopid:instance/bretagne-crefop", "efopid:instance/crefop-bretagne")
    ]
    assert len(wanted) == 1
    out = tmp_path / "liens.ttl"
    code = main(["link", str(duplicating_file), "--write", str(out), "--accept", wanted[0]])
    assert code == 0, capsys.readouterr().out
    links = Graph().parse(out)
    crefop = URIRef(ID + "instance/bretagne-crefop")
    assert set(links.triples((None, OWL.sameAs, None))) == {
        (crefop, OWL.sameAs, URIRef(ID + "instance/crefop-bretagne"))
    }
    assert not set(links.triples((None, SKOS.closeMatch, None)))
    assert not set(links.triples((None, ORG.subOrganizationOf, None)))
    source = URIRef(str(SOURCE) + "-liens")
    assert (source, RDF.type, URIRef(EFOP + "SourceDocument")) in links
    assert (source, PROV.wasDerivedFrom, SOURCE) in links


def test_writing_needs_a_confirmation(imported_file, tmp_path, capsys):
    out = tmp_path / "liens.ttl"
    assert main(["link", str(imported_file), "--write", str(out)]) == 2
    assert "--accept" in capsys.readouterr().err
    assert not out.exists()


def test_an_unreadable_file_is_named_with_its_line(tmp_path, capsys):
    broken = tmp_path / "broken.ttl"
    broken.write_text("@prefix ex: <http://example.org/> .\nex:a ex:b .\n", encoding="utf-8")
    assert main(["link", str(broken)]) == 2
    assert "broken.ttl:2" in capsys.readouterr().err
