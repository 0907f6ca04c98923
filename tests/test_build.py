"""The build: ``efop build`` on a copy of the repository's sources, and the Python API on a
small hand-made project.

Checks what the publisher relies on: a complete build directory, dumps that hold exactly the
store's triples, a description whose counts are the store's, an atomic switch of
``var/current`` only after success, and nothing left behind by a failed build.
"""

from __future__ import annotations

import gzip
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import rdflib
from pyoxigraph import BlankNode, DefaultGraph, NamedNode, RdfFormat, Store, parse
from rdflib.namespace import DCAT, DCTERMS, VOID

from efop.build import BuildFailed, current_build, ensure_build, run_build
from efop.build.manifest import read_manifest
from efop.config import REPO_ROOT, Settings
from efop.namespaces import DEFAULT_BASE, PREFIXES, SD

DUMP_FILES = ("efop.nt.gz", "efop.ttl", "efop.nq.gz", "efop.trig", "efop.jsonld")
SUMMARY = re.compile(
    r"^build OK: (\d+) triples, (\d+) resources, (\d+) graphs in [\d.]+ s -> (\S+)$", re.M
)


def efop_build(root: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "EFOP_ROOT": str(root), "EFOP_VAR_DIR": str(root / "var")}
    env.pop("EFOP_BASE_IRI", None)
    return subprocess.run(
        [sys.executable, "-m", "efop.cli", "build", *args],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        umask=0o022,
    )


def build_dirs(var: Path) -> list[str]:
    builds = var / "builds"
    return sorted(p.name for p in builds.iterdir()) if builds.is_dir() else []


def store_quads(store_path: Path) -> set[str]:
    store = Store.read_only(str(store_path))
    return {str(quad) for quad in store}


def store_union(store_path: Path) -> set[str]:
    store = Store.read_only(str(store_path))
    rows = store.query("SELECT DISTINCT ?s ?p ?o { ?s ?p ?o }", use_default_graph_as_union=True)
    return {f"{row['s']} {row['p']} {row['o']}" for row in rows}


def dump_statements(path: Path, rdf_format: RdfFormat) -> set[str]:
    data = path.read_bytes()
    if path.suffix == ".gz":
        data = gzip.decompress(data)
    return {str(statement) for statement in parse(input=data, format=rdf_format)}


# --- the command on a copy of the repository's ontology, shapes and data ---------------------


@pytest.fixture(scope="module")
def repo_copy(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("efop")
    for folder in ("ontology", "shapes", "data"):
        shutil.copytree(REPO_ROOT / folder, root / folder)
    return root


@pytest.fixture(scope="module")
def first_build(repo_copy):
    result = efop_build(repo_copy)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


@pytest.fixture(scope="module")
def build_path(repo_copy, first_build) -> Path:
    return (repo_copy / "var" / "current").resolve()


def test_build_reports_stages_and_summary(repo_copy, first_build):
    for stage in range(1, 6):
        assert f"[{stage}/5]" in first_build.stderr
    match = SUMMARY.search(first_build.stdout)
    assert match, first_build.stdout
    triples, resources, graphs, shown = match.groups()
    assert int(triples) > 0 and int(resources) > 0 and int(graphs) >= 3
    assert (repo_copy / shown).resolve() == (repo_copy / "var" / "current").resolve()
    assert shown.startswith("var/builds/")


def test_build_directory_is_complete(repo_copy, build_path):
    assert (repo_copy / "var" / "current").is_symlink()
    assert build_path.parent == (repo_copy / "var" / "builds").resolve()
    assert (build_path / "store").is_dir()
    assert (build_path / "description.ttl").is_file()
    for name in DUMP_FILES:
        assert (build_path / "dumps" / name).stat().st_size > 0, name
    build = current_build(Settings(root=repo_copy, var_dir=repo_copy / "var"))
    assert build is not None and build.path == build_path
    manifest = build.manifest
    assert manifest["id"] == build_path.name == build.id
    assert manifest["base_iri"] == DEFAULT_BASE
    assert re.fullmatch(r"[0-9a-f]{64}", manifest["inputs_hash"])
    assert build_path.name.endswith(manifest["inputs_hash"][:8])
    ontology = manifest["graphs"][DEFAULT_BASE + "id/graph/ontology"]
    assert any(f.startswith("ontology/") for f in ontology["files"])
    data_files = {f for g in manifest["graphs"].values() for f in g["files"]}
    expected = {p.relative_to(repo_copy).as_posix() for p in (repo_copy / "data").rglob("*.ttl")}
    assert expected and expected <= data_files
    assert [d["file"] for d in manifest["dumps"]] == list(DUMP_FILES)
    for dump in manifest["dumps"]:
        assert dump["bytes"] == (build_path / "dumps" / dump["file"]).stat().st_size


def test_a_build_is_readable_by_another_user(build_path):
    """Built with umask 022, a serving user other than the builder can read everything."""
    modes = {build_path: build_path.stat().st_mode & 0o777}
    modes.update({path: path.stat().st_mode & 0o777 for path in build_path.rglob("*")})
    wrong = {
        str(path): oct(mode)
        for path, mode in modes.items()
        if mode != (0o755 if path.is_dir() else 0o644)
    }
    assert (build_path / "store").is_dir() and not wrong


def test_union_dumps_hold_exactly_the_store_union(build_path):
    union = store_union(build_path / "store")
    assert union
    dumps = build_path / "dumps"
    assert dump_statements(dumps / "efop.nt.gz", RdfFormat.N_TRIPLES) == union
    lines = gzip.decompress((dumps / "efop.nt.gz").read_bytes()).splitlines()
    assert len(lines) == len(union)  # each triple once, even when several graphs hold it
    assert dump_statements(dumps / "efop.ttl", RdfFormat.TURTLE) == union
    assert dump_statements(dumps / "efop.jsonld", RdfFormat.JSON_LD) == union
    turtle = rdflib.Graph().parse(dumps / "efop.ttl", format="turtle")
    assert len(turtle) == len(union)


def test_quad_dumps_hold_exactly_the_store_quads(build_path):
    quads = store_quads(build_path / "store")
    dumps = build_path / "dumps"
    assert dump_statements(dumps / "efop.nq.gz", RdfFormat.N_QUADS) == quads
    assert dump_statements(dumps / "efop.trig", RdfFormat.TRIG) == quads


def test_description_counts_are_the_store_counts(build_path):
    description = rdflib.Graph().parse(build_path / "description.ttl", format="turtle")
    dataset = rdflib.URIRef(DEFAULT_BASE + "dataset")
    store = Store.read_only(str(build_path / "store"))
    per_graph = {
        row["g"].value: int(row["n"].value)
        for row in store.query("SELECT ?g (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    }
    described = {
        str(description.value(subset, SD.name)): int(description.value(subset, VOID.triples))
        for subset in description.objects(dataset, VOID.subset)
    }
    assert described == per_graph
    for subset in description.objects(dataset, VOID.subset):
        titles = {t.language for t in description.objects(subset, DCTERMS.title)}
        assert "fr" in titles, subset
    union = len(store_union(build_path / "store"))
    assert int(description.value(dataset, VOID.triples)) == union
    assert description.value(dataset, VOID.sparqlEndpoint) == rdflib.URIRef(DEFAULT_BASE + "sparql")
    assert rdflib.URIRef(PREFIXES["efop"]) in set(description.objects(dataset, VOID.vocabulary))
    dumps = {str(url) for url in description.objects(dataset, VOID.dataDump)}
    assert dumps == {f"{DEFAULT_BASE}dumps/{name}" for name in DUMP_FILES}
    for distribution in description.objects(dataset, DCAT.distribution):
        url = str(description.value(distribution, DCAT.downloadURL))
        path = build_path / "dumps" / url.rsplit("/", 1)[1]
        assert int(description.value(distribution, DCAT.byteSize)) == path.stat().st_size
    catalogue = rdflib.URIRef(DEFAULT_BASE + "catalogue")
    assert (catalogue, DCAT.dataset, dataset) in description


INVALID_RESOURCE = """\
@prefix efop: <https://w3id.org/efop/ontology#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
<https://w3id.org/efop/id/organisation/acteur-sans-libelle> a efop:Actor ;
    prov:wasDerivedFrom <https://w3id.org/efop/id/source/cog> .
"""


BROKEN_TURTLE = """\
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .

<https://w3id.org/efop/id/x> rdfs:label "x"@fr
<https://w3id.org/efop/id/y> rdfs:label .
"""


def failed_build_with(repo_copy: Path, build_path: Path, name: str, text: str):
    """Run ``efop build`` with one more data file, check nothing changed, return the run."""
    var = repo_copy / "var"
    before = build_dirs(var)
    extra = repo_copy / "data" / "reference" / name
    extra.write_text(text, encoding="utf-8")
    try:
        result = efop_build(repo_copy)
    finally:
        extra.unlink()
    output = result.stdout + result.stderr
    assert "build FAILED" in output and "previous build kept" in output
    assert "Traceback" not in output
    assert (var / "current").resolve() == build_path
    assert build_dirs(var) == before
    return result


def test_invalid_data_fails_and_keeps_the_previous_build(repo_copy, build_path):
    result = failed_build_with(repo_copy, build_path, "zz-invalid.ttl", INVALID_RESOURCE)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "acteur-sans-libelle" in result.stdout


def test_syntax_error_exits_2_with_file_and_line(repo_copy, build_path):
    result = failed_build_with(repo_copy, build_path, "zz-broken.ttl", BROKEN_TURTLE)
    output = result.stdout + result.stderr
    assert result.returncode == 2, output
    assert re.search(r"zz-broken\.ttl:[34]\b", output), output


# --- the Python API on a small hand-made project --------------------------------------------

ONTOLOGY = """\
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix efop: <https://w3id.org/efop/ontology#> .
<https://w3id.org/efop/ontology> a owl:Ontology ;
    owl:versionIRI <https://w3id.org/efop/ontology/0.1.0> ;
    owl:versionInfo "0.1.0" .
efop:Actor a owl:Class ; rdfs:label "Acteur"@fr, "Actor"@en .
efop:SourceDocument a owl:Class ; rdfs:label "Document source"@fr, "Source document"@en .
"""
SHAPES = """\
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix efop: <https://w3id.org/efop/ontology#> .
<https://w3id.org/efop/shapes#ActorShape> a sh:NodeShape ;
    sh:targetClass efop:Actor ;
    sh:property [ sh:path rdfs:label ; sh:minCount 1 ] .
"""
SOURCE = """\
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix efop: <https://w3id.org/efop/ontology#> .
<https://w3id.org/efop/id/source/atelier> a efop:SourceDocument ;
    rdfs:label "Atelier"@fr .
<https://w3id.org/efop/id/organisation/opco-ep> a efop:Actor ;
    rdfs:label "OPCO EP"@fr ;
    rdfs:comment "https://w3id.org/efop/id/organisation/opco-ep"@fr ;
    prov:wasDerivedFrom <https://w3id.org/efop/id/source/atelier> .
"""


@pytest.fixture
def small_project(tmp_path) -> Settings:
    root = tmp_path / "project"
    for relative, text in {
        "ontology/efop.ttl": ONTOLOGY,
        "shapes/actors.ttl": SHAPES,
        "data/sources/atelier.ttl": SOURCE,
    }.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text, encoding="utf-8")
    (root / "data" / "reference").mkdir()
    return Settings(root=root, var_dir=tmp_path / "var")


def test_store_holds_exactly_the_published_graphs(build_path):
    """The sources are read into graphs named after their files; none of those is published."""
    manifest = read_manifest(build_path)
    store = Store.read_only(str(build_path / "store"))
    graphs = {graph.value for graph in store.named_graphs()}
    assert graphs == set(manifest["graphs"])
    assert not any(graph.startswith("file:") for graph in graphs)
    assert not list(store.quads_for_pattern(None, None, None, DefaultGraph()))


def test_api_build_and_current_build(small_project):
    messages: list[str] = []
    result = run_build(small_project, progress=messages.append)
    assert [m[:5] for m in messages if m.startswith("[")] == [f"[{n}/5]" for n in range(1, 6)]
    build = current_build(small_project)
    assert build is not None and build.path == result.build.path
    assert build.store_path.is_dir() and build.description_path.is_file()
    assert sorted(p.name for p in build.dumps_dir.iterdir()) == sorted(DUMP_FILES)
    assert result.graphs == 2 and result.triples == len(store_union(build.store_path))
    assert build.manifest["ontology_version"] == "0.1.0"
    assert build.manifest["resources"] == result.resources == 2  # the two under id/


def test_api_invalid_data_raises_and_changes_nothing(small_project):
    first = run_build(small_project).build
    data = small_project.data_dir / "sources" / "atelier.ttl"
    data.write_text(SOURCE.replace('rdfs:label "OPCO EP"@fr ;', ""), encoding="utf-8")
    with pytest.raises(BuildFailed) as failure:
        run_build(small_project, lang="en")
    assert failure.value.exit_code == 1
    assert "opco-ep" in failure.value.report
    assert current_build(small_project).path == first.path
    assert build_dirs(small_project.var_dir) == [first.path.name]


def test_another_base_moves_the_instances_never_the_vocabulary(small_project):
    settings = Settings(
        root=small_project.root, var_dir=small_project.var_dir, base_iri="http://localhost:8765/"
    )
    build = run_build(settings).build
    assert build.manifest["base_iri"] == "http://localhost:8765/"
    store = Store.read_only(str(build.store_path))
    terms = {t.value for quad in store for t in quad if isinstance(t, NamedNode)}
    assert not [t for t in terms if t.startswith(DEFAULT_BASE + "id/organisation/")]
    assert "http://localhost:8765/id/organisation/opco-ep" in terms
    assert "http://localhost:8765/id/source/atelier" in terms
    shared = {t for t in terms if t.startswith(DEFAULT_BASE)}
    assert shared == {
        DEFAULT_BASE + "ontology",
        DEFAULT_BASE + "ontology/0.1.0",
        PREFIXES["efop"] + "Actor",
        PREFIXES["efop"] + "SourceDocument",
        DEFAULT_BASE + "id/graph/ontology",
    }
    assert not [t for t in terms if t.startswith("http://localhost:8765/ontology")]
    comments = [q.object.value for q in store if q.predicate.value.endswith("#comment")]
    assert comments == [DEFAULT_BASE + "id/organisation/opco-ep"]  # literals are kept
    nt = gzip.decompress((build.dumps_dir / "efop.nt.gz").read_bytes()).decode()
    assert f"<{DEFAULT_BASE}id/organisation/" not in nt and f"<{PREFIXES['efop']}Actor>" in nt
    assert not [t for quad in store for t in quad if isinstance(t, BlankNode)]


REGION_DATA = """\
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix efop: <https://w3id.org/efop/ontology#> .
<http://region.example/efop/id/source/region-import> a efop:SourceDocument ;
    rdfs:label "Import"@fr .
<http://region.example/efop/id/organisation/region-acteur> a efop:Actor ;
    rdfs:label "Acteur régional"@fr ;
    org:memberOf <https://w3id.org/efop/id/organisation/opco-ep> ;
    prov:wasDerivedFrom <http://region.example/efop/id/source/region-import> .
"""


def test_a_region_base_keeps_the_national_iris_it_links_to(small_project):
    """Data already minted under the base: a region's own publication, where the national
    resources it points to are links and keep their IRIs."""
    (small_project.data_dir / "imports").mkdir()
    (small_project.data_dir / "imports" / "region.ttl").write_text(REGION_DATA, encoding="utf-8")
    base = "http://region.example/efop/"
    settings = Settings(root=small_project.root, var_dir=small_project.var_dir, base_iri=base)
    build = run_build(settings).build
    store = Store.read_only(str(build.store_path))
    terms = {t.value for quad in store for t in quad if isinstance(t, NamedNode)}
    assert DEFAULT_BASE + "id/organisation/opco-ep" in terms
    assert base + "id/organisation/region-acteur" in terms
    assert not [t for t in terms if t.startswith(base) and "region" not in t]
    assert set(build.manifest["graphs"]) == {
        DEFAULT_BASE + "id/graph/ontology",
        DEFAULT_BASE + "id/source/atelier",
        base + "id/source/region-import",
    }


def test_ensure_build_reuses_or_rebuilds_for_another_base(small_project):
    first = ensure_build(small_project)
    assert ensure_build(small_project).path == first.path
    other = Settings(
        root=small_project.root, var_dir=small_project.var_dir, base_iri="http://example.org/"
    )
    rebuilt = ensure_build(other)
    assert rebuilt.path != first.path and rebuilt.manifest["base_iri"] == "http://example.org/"
    assert current_build(small_project).path == rebuilt.path


def test_retention_keeps_the_last_three_builds(small_project):
    names = [run_build(small_project).build.path.name for _ in range(5)]
    assert len(set(names)) == 5
    assert build_dirs(small_project.var_dir) == sorted(names[-3:])
    assert current_build(small_project).path.name == names[-1]
    leftovers = [p for p in small_project.var_dir.iterdir() if p.name.startswith(".current")]
    assert not leftovers


def test_failure_while_writing_leaves_no_partial_build(small_project, monkeypatch):
    first = run_build(small_project).build

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("efop.build.builder.write_dumps", disk_full)
    with pytest.raises(OSError):
        run_build(small_project)
    assert build_dirs(small_project.var_dir) == [first.path.name]
    assert current_build(small_project).path == first.path


def test_term_refused_by_the_store_fails_with_the_file_name(small_project):
    data = small_project.data_dir / "sources" / "atelier.ttl"
    data.write_text(SOURCE.replace('"Atelier"@fr', '"Atelier"@fr-123456789'), encoding="utf-8")
    with pytest.raises(BuildFailed) as failure:
        run_build(small_project)
    assert failure.value.exit_code == 2
    assert "data/sources/atelier.ttl" in failure.value.message
    assert current_build(small_project) is None
    assert build_dirs(small_project.var_dir) == []


@pytest.mark.parametrize("base", ["not an iri/", "relative/path/", "http://example.org/no-slash"])
def test_invalid_base_iri_is_refused_before_anything_is_written(small_project, base):
    settings = Settings(root=small_project.root, var_dir=small_project.var_dir, base_iri=base)
    with pytest.raises(BuildFailed) as failure:
        run_build(settings)
    assert failure.value.exit_code == 2 and "base IRI" in failure.value.message
    assert build_dirs(small_project.var_dir) == []


def test_concurrent_builds_take_turns(small_project):
    env = {
        **os.environ,
        "EFOP_ROOT": str(small_project.root),
        "EFOP_VAR_DIR": str(small_project.var_dir),
    }
    command = [sys.executable, "-m", "efop.cli", "build"]
    processes = [
        subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    outputs = [process.communicate(timeout=300) for process in processes]
    assert [process.returncode for process in processes] == [0, 0], outputs
    names = build_dirs(small_project.var_dir)
    assert len(names) == 2 and not [n for n in names if n.startswith(".")]
    assert current_build(small_project).path.name == names[-1]
