"""The spreadsheet path of a region's steward, through the ``efop`` command: templates, the
import of the Bretagne example (CSV and XLSX), re-import, and broken input that writes nothing."""

from __future__ import annotations

import csv
import json
import os
import shutil
import urllib.error
import urllib.parse
import urllib.request
import warnings
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from rdflib import DCTERMS, RDF, XSD, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from web_support import efop_serve, free_port

from efop.build import current_build
from efop.cli import main
from efop.config import Settings
from efop.importing.mapping import KIND_ORDER, mappings
from efop.namespaces import IGEO, ORG, PROV
from efop.store.embedded import EmbeddedStore
from efop.validation import load_sources

# rdflib deprecation raised while efop.validation parses sources; not the import's to fix.
pytestmark = pytest.mark.filterwarnings(
    "ignore:Dataset.default_context is deprecated:DeprecationWarning"
)

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "region-bretagne"
ID = "https://w3id.org/efop/id/"
EFOP = "https://w3id.org/efop/ontology#"
EFOP_NS = Namespace(EFOP)
SOURCE = URIRef(ID + "source/bretagne-import")


def example_files() -> list[Path]:
    files = sorted(EXAMPLE.glob("*.csv"))
    assert files, "no example CSV found"
    return files


def csv_records(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as stream:
        return list(csv.reader(stream, delimiter=";"))


def workbook_from_csvs(target: Path, edits: dict[tuple[str, int, str], str] | None = None) -> Path:
    """The example as one workbook, a sheet per kind; ``edits`` replaces cells by
    (sheet, spreadsheet row number, header)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for path in example_files():
        records = csv_records(path)
        headers = [h.rstrip(" *") for h in records[0]]
        for (sheet, row, header), value in (edits or {}).items():
            if sheet == path.stem:
                records[row - 1][headers.index(header)] = value
        sheet = workbook.create_sheet(path.stem)
        for record in records:
            sheet.append([value or None for value in record])
    workbook.save(target)
    return target


def run(capsys, *args: str) -> tuple[int, str]:
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def import_example(capsys, out: Path, *files: Path) -> tuple[int, str]:
    chosen = files or tuple(example_files())
    return run(
        capsys, "import", *chosen, "--region", "bretagne", "--date", "2026-01-15", "--out", out
    )


@pytest.fixture(scope="module")
def imported_file(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("import") / "bretagne.ttl"
    code = main(["import", *map(str, example_files()), "--region", "bretagne",
                 "--date", "2026-01-15", "--out", str(out)])  # fmt: skip
    assert code == 0
    return out


@pytest.fixture(scope="module")
def imported(imported_file) -> Graph:
    return Graph().parse(imported_file)


# ---------------------------------------------------------------- templates


def test_csv_template_has_french_headers_and_an_example_row(tmp_path, capsys):
    target = tmp_path / "instances.csv"
    code, _ = run(capsys, "template", "instances", "-o", target)
    assert code == 0
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 BOM so that spreadsheet programs read accents"
    header, example = csv_records(target)
    assert header[:2] == ["Clé *", "Nom *"]
    assert "Type d'instance *" in header and "Déclinaison de" in header
    assert example[header.index("Type d'instance *")] == "clefop"


def test_workbook_template_has_a_notes_sheet_and_a_sheet_per_kind(tmp_path, capsys):
    target = tmp_path / "modele.xlsx"
    code, _ = run(capsys, "template", "--workbook", "-o", target)
    assert code == 0
    workbook = load_workbook(target)
    assert workbook.sheetnames == ["lisez-moi", *KIND_ORDER]
    for kind in KIND_ORDER:
        headers = [c.value.rstrip(" *") for c in workbook[kind][1]]
        assert headers == mappings()[kind].headers
    notes = "\n".join(str(c.value) for row in workbook["lisez-moi"].iter_rows() for c in row)
    assert "co-president" in notes, "the notes list the allowed values of concept columns"


def test_the_workbook_template_imports_as_it_is(tmp_path, capsys):
    template = tmp_path / "modele.xlsx"
    run(capsys, "template", "--workbook", "-o", template)
    code, output = run(capsys, "import", template, "--region", "exemple", "--out", tmp_path,
                       "--publisher", "maison-emploi-exemple")  # fmt: skip
    assert code == 0, output
    graph = Graph().parse(tmp_path / "exemple.ttl")
    assert (
        URIRef(ID + "projet/exemple-projet-exemple"),
        RDF.type,
        URIRef(EFOP + "Project"),
    ) in graph


# ---------------------------------------------------------------- the example


def test_example_rows_become_resources_with_stable_iris(imported):
    crefop = URIRef(ID + "instance/crefop-bretagne")  # the dataset's, pointed to
    assert (crefop, None, None) not in imported
    assert (URIRef(ID + "instance/bretagne-crefop-bureau"), ORG.unitOf, crefop) in imported
    finistere = URIRef(ID + "territoire/bretagne-finistere")
    assert (finistere, IGEO.codeDepartement, Literal("29")) in imported
    assert (finistere, EFOP_NS.withinTerritory, URIRef(ID + "territoire/region/53")) in imported
    membership = URIRef(ID + "adhesion/bretagne-crefop-bretagne-prefecture-region")
    assert (membership, ORG.organization, crefop) in imported
    assert (membership, ORG.role, URIRef(ID + "concept/college/etat")) in imported
    assert (membership, ORG.role, URIRef(ID + "concept/member-role/co-president")) in imported


def test_the_import_is_one_source_document_and_everything_derives_from_it(imported):
    assert list(imported.subjects(RDF.type, URIRef(EFOP + "SourceDocument"))) == [SOURCE]
    assert imported.value(SOURCE, DCTERMS.issued) == Literal("2026-01-15", datatype=XSD.date)
    assert imported.value(SOURCE, DCTERMS.publisher) == URIRef(ID + "organisation/region-bretagne")
    assert {str(o) for o in imported.objects(SOURCE, DCTERMS.source)} == {
        p.name for p in example_files()
    }
    subjects = set(imported.subjects(RDF.type, None)) - {SOURCE}
    assert len(subjects) > 15
    assert all((s, PROV.wasDerivedFrom, SOURCE) in imported for s in subjects)


def test_the_import_lands_in_its_own_named_graph(imported_file):
    settings = Settings.from_env()
    data = sorted(settings.data_dir.rglob("*.ttl"))
    sources = load_sources(settings, data_paths=[*data, imported_file])
    graphs = {d.path: d.graph_iri for d in sources.data}
    assert graphs[imported_file] == str(SOURCE)


def test_the_build_publishes_the_import_in_its_own_graph(tmp_path, capsys, monkeypatch):
    root = tmp_path / "repo"
    for folder in ("ontology", "shapes", "data"):
        shutil.copytree(Settings.from_env().root / folder, root / folder)
    monkeypatch.setenv("EFOP_ROOT", str(root))
    monkeypatch.setenv("EFOP_VAR_DIR", str(root / "var"))
    code, output = run(capsys, "import", *example_files(), "--region", "bretagne")
    assert code == 0, output
    assert output.rstrip().endswith(str(root / "data" / "imports" / "bretagne.ttl"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # the build's own tests check them
        code, output = run(capsys, "build")
    assert code == 0, output
    build = current_build(Settings.from_env())
    assert build is not None
    graph = build.manifest["graphs"][str(SOURCE)]
    assert graph["files"] == ["data/imports/bretagne.ttl"]
    assert graph["triples"] == len(Graph().parse(root / "data" / "imports" / "bretagne.ttl"))
    store = EmbeddedStore.open(build.store_path)
    rows = store.select(
        """PREFIX efop: <https://w3id.org/efop/ontology#>
        PREFIX igeo: <http://rdf.insee.fr/def/geo#>
        PREFIX org: <http://www.w3.org/ns/org#>
        SELECT ?unit ?g ?body WHERE {
            GRAPH ?g { ?unit a efop:BodyUnit ; org:unitOf ?body }
            ?body a efop:CREFOP ; efop:actsOn ?territory .
            ?territory igeo:codeRegion "53" }"""
    )
    found = {(row["unit"].value, row["g"].value, row["body"].value) for row in rows}
    crefop = ID + "instance/crefop-bretagne"
    assert (ID + "instance/bretagne-crefop-bureau", str(SOURCE), crefop) in found, (
        "the imported units are queried together with the dataset's own CREFOP Bretagne"
    )


def fetch(url: str, accept: str) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_a_region_publishes_its_own_data_under_its_own_base(tmp_path, capsys, monkeypatch):
    """``efop import --base B`` then ``efop serve --base-iri B``: the region's resources live
    and dereference under B, the national resources it points to keep their w3id IRIs (links,
    not served there), and the vocabulary is the shared one."""
    root = tmp_path / "repo"
    for folder in ("ontology", "shapes", "data", "queries"):
        shutil.copytree(Settings.from_env().root / folder, root / folder)
    port = free_port()
    base = f"http://127.0.0.1:{port}/efop/"
    env = {"EFOP_ROOT": str(root), "EFOP_VAR_DIR": str(root / "var")}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    code, output = run(capsys, "import", *example_files(), "--region", "bretagne", "--base", base)
    assert code == 0, output
    written = Graph().parse(root / "data" / "imports" / "bretagne.ttl")
    own = {s for s in written.subjects() if str(s).startswith(base + "id/")}
    assert URIRef(base + "id/source/bretagne-import") in own and len(own) > 10
    assert not [s for s in written.subjects() if str(s).startswith(ID)]
    with efop_serve(env, "--base-iri", base, log=tmp_path / "serve.log", port=port) as url:
        assert url == f"http://127.0.0.1:{port}/"
        status, body = fetch(url + "id/instance/bretagne-crefop-bureau", "text/turtle")
        assert status == 200, body
        assert f"<{base}id/instance/bretagne-crefop-bureau>".encode() in body
        assert b"@prefix efop: <https://w3id.org/efop/ontology#>" in body
        assert b"<https://w3id.org/efop/id/instance/crefop-bretagne>" in body  # a link
        assert fetch(url + "id/organisation/opco-ep", "text/turtle")[0] == 404
        query = urllib.parse.quote(
            "ASK { GRAPH <https://w3id.org/efop/id/graph/reference> "
            "{ <https://w3id.org/efop/id/organisation/opco-ep> ?p ?o } }"
        )
        status, body = fetch(f"{url}sparql?query={query}", "application/sparql-results+json")
        assert status == 200 and json.loads(body)["boolean"] is True
        status, body = fetch(url + "ontology", "text/turtle")
        assert status == 200 and b"<https://w3id.org/efop/ontology/0.1.0>" in body


@pytest.mark.parametrize("base", ["ftp://example.org/efop/", "https://example.org/efop", "efop/"])
def test_the_base_must_be_an_http_address_ending_with_a_slash(tmp_path, capsys, base):
    with pytest.raises(SystemExit) as stop:
        main(["import", *map(str, example_files()), "--region", "bretagne", "--base", base,
              "--out", str(tmp_path / "x.ttl")])  # fmt: skip
    assert stop.value.code == 2
    assert "--base" in capsys.readouterr().err
    assert not (tmp_path / "x.ttl").exists()


def test_the_imported_file_is_readable_by_all(tmp_path, capsys):
    out = tmp_path / "bretagne.ttl"
    previous = os.umask(0o022)
    try:
        code, output = import_example(capsys, out)
    finally:
        os.umask(previous)
    assert code == 0, output
    assert out.stat().st_mode & 0o777 == 0o644


def test_reimport_gives_the_same_bytes(imported_file, tmp_path, capsys):
    out = tmp_path / "bretagne.ttl"
    shutil.copy(imported_file, out)
    assert import_example(capsys, out)[0] == 0
    assert out.read_bytes() == imported_file.read_bytes()


def test_the_workbook_gives_the_same_triples_as_the_csv_files(tmp_path, capsys, imported):
    # Rows may be designated by their name instead of their key: the IRIs do not change.
    by_name = {
        ("adhesions", 7, "Instance"): "Bureau du CREFOP  Bretagne",
        ("adhesions", 3, "Membre"): "Préfecture de la région Bretagne",
        ("instances", 3, "Unité de"): ID + "instance/crefop-bretagne",
    }
    workbook = workbook_from_csvs(tmp_path / "efop-bretagne.xlsx", by_name)
    out = tmp_path / "from-workbook.ttl"
    code, output = import_example(capsys, out, workbook)
    assert code == 0, output
    from_workbook = Graph().parse(out)

    def without_file_names(graph: Graph) -> Graph:
        kept = Graph()
        for triple in graph:
            if triple[0] != SOURCE or triple[1] not in (DCTERMS.source, DCTERMS.title):
                kept.add(triple)
        return kept

    assert isomorphic(without_file_names(from_workbook), without_file_names(imported))
    assert str(from_workbook.value(SOURCE, DCTERMS.source)) == "efop-bretagne.xlsx"


# ---------------------------------------------------------------- broken input


BROKEN = {
    ("instances", 2, "Type d'instance"): "crefopp",
    ("instances", 3, "Type d'instance"): "clefop",  # valid cell, but a CLEFOP needs its CREFOP
    ("acteurs", 3, "Page web"): "pas une adresse",
    ("adhesions", 4, "Membre"): "dreetz",
    ("territoires", 3, "Code INSEE"): "2C",
    ("territoires", 2, "Code INSEE"): "",  # a département needs its code: the shapes say so
    ("dispositifs", 2, "Publics"): "salaries-reconversion | jeunes",
}


def test_a_broken_workbook_is_reported_precisely_and_writes_nothing(
    imported_file, tmp_path, capsys
):
    out = tmp_path / "bretagne.ttl"
    shutil.copy(imported_file, out)
    before = out.read_bytes()
    broken = workbook_from_csvs(tmp_path / "efop-bretagne.xlsx", BROKEN)
    code, output = import_example(capsys, out, broken)
    assert code == 1
    lines = output.splitlines()

    def line_for(sheet: str, row: int, column: str) -> str:
        where = f"efop-bretagne.xlsx, feuille « {sheet} », ligne {row}, colonne « {column} » : "
        found = [line for line in lines if line.startswith(where)]
        assert found, f"no report for {where!r} in:\n{output}"
        return found[0]

    assert "absente de la liste « body-kind »" in line_for("instances", 2, "Type d'instance")
    assert "adresse web invalide" in line_for("acteurs", 3, "Page web")
    assert "vouliez-vous dire : dreets" in line_for("adhesions", 4, "Membre")
    assert "mal formé" in line_for("territoires", 3, "Code INSEE")
    shapes_message = "Un CLEFOP ou un CDFOP doit indiquer le CREFOP dont il est la déclinaison"
    assert shapes_message in line_for("instances", 3, "Déclinaison de")
    assert "igeo:codeDepartement" in line_for("territoires", 2, "Code INSEE")
    assert "« jeunes »" not in output, "a known concept in a list is not reported"
    assert "rien n'a été écrit" in lines[-1]
    assert out.read_bytes() == before, "a failed import leaves the previous one in place"


def test_the_report_speaks_english_on_request(tmp_path, capsys):
    broken = workbook_from_csvs(tmp_path / "efop-bretagne.xlsx", BROKEN)
    out = tmp_path / "bretagne.ttl"
    code, output = run(
        capsys, "import", broken, "--region", "bretagne", "--out", out, "--lang", "en"
    )
    assert code == 1
    assert 'efop-bretagne.xlsx, sheet "adhesions", row 4, column "Membre": ' in output
    assert "did you mean: dreets?" in output
    assert "nothing written" in output
    assert not out.exists()


def test_unknown_and_missing_columns_are_named(tmp_path, capsys):
    target = tmp_path / "acteurs.csv"
    target.write_text("Clé;Nmo;Type d'acteur\nx;Y;region\n", encoding="utf-8")
    code, output = run(capsys, "import", target, "--region", "bretagne", "--out", tmp_path)
    assert code == 1
    assert "acteurs.csv, ligne 1, colonne « Nmo » : colonne inconnue" in output
    assert "acteurs.csv, ligne 1, colonne « Nom » : colonne obligatoire absente" in output
    assert not (tmp_path / "bretagne.ttl").exists()


def test_comma_separated_csv_with_bom_and_a_publisher_from_the_dataset(tmp_path, capsys):
    target = tmp_path / "territoires.csv"
    target.write_bytes(
        "Clé,Nom,Échelle,Code INSEE,Dans le territoire\n"
        'pays-de-brest,"Pays de Brest",bassin-emploi,,region/53\n'.encode("utf-8-sig")
    )
    code, output = run(capsys, "import", target, "--region", "bretagne", "--out", tmp_path,
                       "--publisher", "efopid:organisation/region-bretagne")  # fmt: skip
    assert code == 0, output
    graph = Graph().parse(tmp_path / "bretagne.ttl")
    territory = URIRef(ID + "territoire/bretagne-pays-de-brest")
    within = URIRef(EFOP + "withinTerritory")
    assert (territory, within, URIRef(ID + "territoire/region/53")) in graph
    assert graph.value(SOURCE, DCTERMS.publisher) == URIRef(ID + "organisation/region-bretagne")


def test_an_ambiguous_insee_code_asks_for_the_scale(tmp_path, capsys):
    target = tmp_path / "territoires.csv"
    target.write_text(
        "Clé;Nom;Échelle;Dans le territoire\nx;Un bassin;bassin-emploi;53\n", encoding="utf-8"
    )
    code, output = run(capsys, "import", target, "--region", "bretagne", "--out", tmp_path)
    assert code == 1
    assert "précisez region/53, departement/53 ou commune/53" in output


def test_unreadable_files_exit_2_with_what_to_do(tmp_path, capsys):
    latin1 = tmp_path / "acteurs.csv"
    latin1.write_bytes("Clé;Nom;Type d'acteur\nx;Région;region\n".encode("cp1252"))
    damaged = tmp_path / "efop.xlsx"
    damaged.write_bytes(b"not a workbook")
    code, output = run(capsys, "import", latin1, damaged, "--region", "bretagne", "--out", tmp_path)
    assert code == 2
    assert "acteurs.csv : le fichier n'est pas en UTF-8" in output
    assert "efop.xlsx : classeur illisible" in output
    assert not (tmp_path / "bretagne.ttl").exists()
