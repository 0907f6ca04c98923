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


def test_link_finds_territories_by_code_and_bodies_by_name(imported_file, capsys):
    assert main(["link", str(imported_file)]) == 0
    rows = table_rows(capsys.readouterr().out)
    assert (
        rows[("efopid:territoire/bretagne-region", "efopid:territoire/region/53")] == "owl:sameAs"
    )
    assert rows[("efopid:instance/bretagne-crefop", "efopid:instance/crefop-bretagne")] == (
        "skos:closeMatch"
    )
    assert rows[("efopid:organisation/bretagne-gref", "efopid:organisation/gref-bretagne")] == (
        "skos:closeMatch"
    )
    assert (
        rows[("efopid:organisation/bretagne-france-travail", "efopid:organisation/france-travail")]
        == "org:subOrganizationOf"
    )
    assert (
        "efopid:instance/bretagne-crefop",
        "efopid:instance/crefop-pays-de-la-loire",
    ) not in rows


def test_labels_match_without_accents_case_punctuation_or_acronyms(imported_file, tmp_path, capsys):
    other = tmp_path / "other.ttl"
    other.write_text(
        """@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://w3id.org/efop/id/organisation/tp> a <https://w3id.org/efop/ontology#Actor> ;
    rdfs:label "TRANSITIONS-PRO  bretagne"@fr .
<https://w3id.org/efop/id/dispositif/ptp> a <https://w3id.org/efop/ontology#Scheme> ;
    rdfs:label "PTP"@fr .
<https://w3id.org/efop/id/instance/ptp> a <https://w3id.org/efop/ontology#GovernanceBody> ;
    rdfs:label "Projet de transition professionnelle"@fr .
""",
        encoding="utf-8",
    )
    assert main(["link", str(imported_file), "--against", str(other), "--lang", "en"]) == 0
    output = capsys.readouterr().out
    rows = table_rows(output)
    assert rows == {
        (
            "efopid:organisation/bretagne-transitions-pro",
            "efopid:organisation/tp",
        ): "skos:closeMatch",
        ("efopid:dispositif/bretagne-projet-transition-professionnelle", "efopid:dispositif/ptp"): (
            "skos:closeMatch"
        ),
    }, "only resources of the same kind are matched"
    assert 'acronym "ptp"' in output


def test_confirmed_links_are_written_as_their_own_source(imported_file, tmp_path, capsys):
    assert main(["link", str(imported_file)]) == 0
    output = capsys.readouterr().out
    wanted = [
        number
        for number, imported, target, _ in table(output)
        if (imported, target)
        == ("efopid:territoire/bretagne-region", "efopid:territoire/region/53")
    ]
    assert len(wanted) == 1
    out = tmp_path / "liens.ttl"
    code = main(["link", str(imported_file), "--write", str(out), "--accept", wanted[0]])
    assert code == 0, capsys.readouterr().out
    links = Graph().parse(out)
    region = URIRef(ID + "territoire/bretagne-region")
    assert set(links.triples((None, OWL.sameAs, None))) == {
        (region, OWL.sameAs, URIRef(ID + "territoire/region/53"))
    }
    assert not set(links.triples((None, SKOS.closeMatch, None)))
    assert not set(links.triples((None, ORG.subOrganizationOf, None)))
    source = URIRef(str(SOURCE) + "-liens")
    assert (source, RDF.type, URIRef("https://w3id.org/efop/ontology#SourceDocument")) in links
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
