"""The compiled SHACL engine (shapes as SPARQL on Oxigraph) reports exactly what pySHACL reports.

Each comparison runs both engines over the same files: pySHACL on the rdflib graphs of
``load_sources``, the compiled engine on the Oxigraph store of ``load_store_sources``, so that
the loader is held to the same answers too. A finding is compared as (file, focus node, path,
value, source shape, severity, French message), as a multiset: one result per constraint.
"""

from __future__ import annotations

import json
import random
import re
from collections import Counter
from functools import cache
from pathlib import Path

import pytest
from pyoxigraph import NamedNode, RdfFormat, Store
from rdflib import Graph
from rdflib.namespace import SH

from efop.config import Settings
from efop.validation import Finding, SourceError, ValidationReport, load_sources, validate
from efop.validation.compiled import compile_shapes
from efop.validation.compiled_constraints import SUPPORTED, ConstraintCompiler, UnsupportedShape
from efop.validation.load import DataFile, LoadedSources, merge, parse_file, rdf_files
from efop.validation.store_sources import StoredFile, StoreSources, load_store_sources

FIXTURES = Path(__file__).parent / "fixtures" / "shapes"
FIXTURE_FILES = sorted(FIXTURES.rglob("*.ttl"))
BLANK = re.compile(r"^_:\S+$|^[A-Za-z0-9]{20,}$")
Key = tuple[str, str, str | None, str | None, str, str, str]


def key(finding: Finding) -> Key:
    """A comparable finding; blank node labels differ between engines and are masked."""

    def mask(text: str | None) -> str | None:
        return "_:blank" if text is not None and BLANK.match(text) else text

    return (
        str(finding.file),
        mask(finding.focus) or "",
        finding.path,
        mask(finding.value),
        finding.shape,
        finding.severity,
        finding.message_fr,
    )


def both(paths: list[Path] | None) -> tuple[ValidationReport, ValidationReport]:
    """(pySHACL, compiled) over ``paths`` with the repository's data, or the repository's data."""
    settings = Settings()
    context = paths is not None
    rdflib_sources = load_sources(settings, data_paths=paths, with_repository_data=context)
    store_sources = load_store_sources(settings, data_paths=paths, with_repository_data=context)
    return (
        validate(rdflib_sources, engine="pyshacl"),
        validate(store_sources, engine="compiled"),
    )


@cache
def fixture_reports(kind: str) -> tuple[ValidationReport, ValidationReport]:
    """One run per kind, as in test_shapes (the resources of fixtures never overlap)."""
    return both([p for p in FIXTURE_FILES if p.name.startswith(f"{kind}-")])


def findings_of(report: ValidationReport, path: Path) -> Counter[Key]:
    return Counter(key(f) for f in report.findings if f.file == path)


def test_fixtures_are_found():
    assert len(FIXTURE_FILES) >= 40
    assert all(p.name.startswith(("ok-", "bad-")) for p in FIXTURE_FILES)


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_both_engines_find_the_same_in_each_fixture(path: Path):
    reference, compiled = fixture_reports(path.name.split("-", 1)[0])
    expected = findings_of(reference, path)
    assert findings_of(compiled, path) == expected
    assert bool(expected) == path.name.startswith("bad-")


@pytest.mark.parametrize("kind", ["ok", "bad"])
def test_both_engines_find_the_same_over_all_fixtures(kind: str):
    reference, compiled = fixture_reports(kind)
    assert Counter(map(key, compiled.findings)) == Counter(map(key, reference.findings))
    assert compiled.conforms == reference.conforms
    assert compiled.files_checked == reference.files_checked
    assert compiled.format("en") == reference.format("en") or kind == "bad"


def test_both_engines_agree_on_the_repository_data():
    reference, compiled = both(None)
    assert compiled.conforms and reference.conforms
    assert compiled.findings == reference.findings
    assert compiled.files_checked == reference.files_checked > 5


# ------------------------------------------------------------------ at scale


PREAMBLE = """@base <https://w3id.org/efop/> .
@prefix efop: <https://w3id.org/efop/ontology#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix adms: <http://www.w3.org/ns/adms#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix kind: <https://w3id.org/efop/id/concept/actor-kind/> .
@prefix theme: <https://w3id.org/efop/id/concept/theme/> .
@prefix sector: <https://w3id.org/efop/id/concept/sector/> .
@prefix doc: <https://w3id.org/efop/id/concept/document-kind/> .

<id/source/test-echelle> a efop:SourceDocument ;
    rdfs:label "Données de test à grande échelle"@fr ;
    dct:title "Données de test"@fr ;
    efop:documentKind doc:compte-rendu-atelier ;
    dct:publisher <id/organisation/etat> .
"""
KINDS = ["association", "entreprise", "mission-locale", "organisme-formation", "opco"]
THEMES = ["gpect", "recrutement", "insertion", "mobilite-inexistante", "orientation"]
REGIONS = ["52", "75", "11", "84"]


def synthetic_actor(n: int, rng: random.Random) -> str:
    """An actor, its post and a project; a few of them break a rule on purpose."""
    actor = f"<id/organisation/acteur-test-{n}>"
    kind = "" if n % 997 == 5 else f"efop:actorKind kind:{rng.choice(KINDS)} ;"
    label = '"Julie MARTIN"@fr' if n % 1009 == 7 else f'"Structure de test numéro {n}"@fr'
    place = (
        "<id/organisation/etat>"
        if n % 991 == 3
        else f"<id/territoire/region/{rng.choice(REGIONS)}>"
    )
    siren = f'"{n:08d}"' if n % 983 == 11 else f'"{n:09d}"'
    carriers = f"{actor}, <id/organisation/etat>" if n % 977 == 13 else actor
    start = '"2021"' if n % 971 == 17 else '"2021-01-01"^^xsd:date'
    theme = rng.choice(THEMES)
    return f"""
{actor} a efop:Actor ; rdfs:label {label} ; {kind}
    efop:actsOn {place} ; adms:identifier <id/organisation/acteur-test-{n}/siren> ;
    prov:wasDerivedFrom <id/source/test-echelle> .
<id/organisation/acteur-test-{n}/siren> a adms:Identifier ; skos:notation {siren} .
<id/poste/charge-mission-test-{n}> a org:Post ; rdfs:label "Chargé de mission, structure {n}"@fr ;
    org:postIn {actor} ; prov:wasDerivedFrom <id/source/test-echelle> .
<id/projet/projet-test-{n}> a efop:Project ; rdfs:label "Projet de test {n}"@fr ;
    efop:carriedBy {carriers} ; efop:theme theme:{theme} ; efop:startDate {start} ;
    efop:numberOfParticipants {n % 50 - (1 if n % 967 == 19 else 0) * 100} ;
    prov:wasDerivedFrom <id/source/test-echelle> .
"""


def test_both_engines_agree_on_fifty_thousand_triples(tmp_path: Path):
    rng = random.Random(7)
    path = tmp_path / "echelle.ttl"
    path.write_text(PREAMBLE + "".join(synthetic_actor(n, rng) for n in range(2400)))
    size = len(Graph().parse(path))
    assert size > 45_000
    reference, compiled = both([path])
    found = Counter(key(f) for f in compiled.findings)
    assert found == Counter(key(f) for f in reference.findings)
    shapes = {f.shape for f in compiled.findings}
    assert {
        "efsh:ActorShape",  # no kind; a territory that is an actor
        "efsh:NoPersonNameInTextShape",
        "efsh:IdentifierShape",
        "efsh:ProjectShape",  # two carriers
        "efsh:PeriodShape",
        "efsh:FigureShape",
        "efsh:ClassificationShape",  # a theme that is not in the theme list
    } <= shapes
    assert not compiled.conforms


# ------------------------------------------------------------------ what the compiler accepts


@cache
def repository_shapes() -> Graph:
    files = rdf_files(Settings().shapes_dir)
    assert files
    return merge(parse_file(p) for p in files)


def test_every_constraint_component_of_the_shapes_is_supported():
    shapes = repository_shapes()
    used = {p for p in shapes.predicates() if str(p).startswith(str(SH))}
    assert len(used) >= 20
    assert used <= SUPPORTED, sorted(str(p) for p in used - SUPPORTED)
    compiler = ConstraintCompiler(shapes, lambda cls: [cls])
    checks = compile_shapes(shapes, compiler)
    assert len(checks) > 150
    assert any(check.pattern for check in checks), "the person-name pattern runs in Python"


UNSUPPORTED = [
    ("sh:equals rdfs:label", "sh:equals"),
    ("sh:closed true", "sh:closed"),
    ('sh:sparql [ sh:select "SELECT $this WHERE {}" ]', "sh:sparql"),
    ("sh:xone ( [ sh:minCount 1 ] )", "sh:xone"),
]


@pytest.mark.parametrize(("text", "construct"), UNSUPPORTED, ids=[c for _, c in UNSUPPORTED])
def test_an_unsupported_construct_fails_loudly(text: str, construct: str):
    shapes = shape_graph(f"ex:Shape a sh:NodeShape ; sh:targetClass ex:Thing ; {text} .")
    with pytest.raises(UnsupportedShape) as raised:
        validate(store_sources(shapes, ""), engine="compiled")
    assert construct in str(raised.value) and "https://example.org/Shape" in str(raised.value)


def test_a_constraint_without_message_gets_one_in_french_and_english():
    shapes = shape_graph(
        "ex:Shape a sh:NodeShape ; sh:targetClass ex:Thing ; sh:nodeKind sh:Literal ; "
        "sh:property [ sh:path ex:p ; sh:minCount 2 ] ."
    )
    report = validate(store_sources(shapes, "ex:a a ex:Thing ."), engine="compiled")
    assert sorted((f.path or "", f.message_fr, f.message_en) for f in report.findings) == [
        (
            "",
            "La valeur n'est pas de la sorte sh:Literal.",
            "The value is not of node kind sh:Literal.",
        ),
        ("<https://example.org/p>", "Moins de 2 valeur(s).", "Fewer than 2 value(s)."),
    ]


def test_a_deactivated_shape_reports_nothing():
    data = "ex:a a ex:Thing ."
    active = "ex:Shape a sh:NodeShape ; sh:targetClass ex:Thing ; sh:property ex:P ."
    prop = 'ex:P sh:path ex:p ; sh:minCount 1 ; sh:message "manque"@fr, "missing"@en .'
    report = validate(store_sources(shape_graph(active + prop), data), engine="compiled")
    assert [(f.focus, f.message_en) for f in report.findings] == [
        ("<https://example.org/a>", "missing")
    ]
    off = shape_graph(active + prop + " ex:P sh:deactivated true .")
    assert validate(store_sources(off, data), engine="compiled").findings == []


def test_an_unknown_engine_is_refused():
    with pytest.raises(ValueError, match="engine"):
        validate(store_sources(shape_graph(""), ""), engine="jena")


def shape_graph(text: str) -> Graph:
    prefixes = (
        "@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <https://example.org/> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
    )
    return Graph().parse(data=prefixes + text, format="turtle")


def store_sources(shapes: Graph, data: str) -> StoreSources:
    store = Store()
    graph = NamedNode("file:///data.ttl")
    store.load(
        input=f"@prefix ex: <https://example.org/> . {data}",
        format=RdfFormat.TURTLE,
        to_graph=graph,
    )
    return StoreSources(store, shapes, [StoredFile(Path("/data.ttl"), graph, "urn:x")])


# ------------------------------------------------------------------ loading into the store


def load_one(path: Path) -> StoreSources:
    return load_store_sources(Settings(), data_paths=[path])


def test_the_store_loader_refuses_rdf_xml_with_a_dtd(tmp_path: Path):
    path = tmp_path / "entities.rdf"
    path.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE rdf [<!ENTITY a "aaaa">]>\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>\n'
    )
    with pytest.raises(SourceError, match="DOCTYPE") as raised:
        load_one(path)
    assert raised.value.path == path


def test_the_store_loader_refuses_a_remote_json_ld_context(tmp_path: Path):
    path = tmp_path / "remote.jsonld"
    path.write_text(json.dumps({"@context": "https://example.org/context.jsonld"}))
    with pytest.raises(SourceError, match="@context"):
        load_one(path)


def test_the_store_loader_names_the_line_of_a_syntax_error(tmp_path: Path):
    path = tmp_path / "broken.ttl"
    path.write_text(
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        '<https://w3id.org/efop/id/organisation/x> rdfs:label "ok"@fr .\n'
        "<https://w3id.org/efop/id/organisation/y> rdfs:label .\n"
    )
    with pytest.raises(SourceError) as raised:
        load_one(path)
    assert (raised.value.path, raised.value.line) == (path, 3)


def test_the_store_loader_reads_json_ld_and_trig_into_one_graph_per_file(tmp_path: Path):
    label = "http://www.w3.org/2000/01/rdf-schema#label"
    jsonld = tmp_path / "a.jsonld"
    jsonld.write_text(json.dumps({"@id": "https://w3id.org/efop/id/organisation/a", label: "A"}))
    trig = tmp_path / "b.trig"
    trig.write_text(f'<urn:g> {{ <https://w3id.org/efop/id/organisation/b> <{label}> "B" . }}\n')
    sources = load_store_sources(Settings(), data_paths=[jsonld, trig])
    graphs = {part.path: part.graph for part in sources.data}
    assert set(graphs) == {jsonld, trig}
    for path, graph in graphs.items():
        assert len(list(sources.store.quads_for_pattern(None, None, None, graph))) == 1, path


# ------------------------------------------------------------------ corner cases, both engines

CORNER_SHAPES = """
ex:Thing a sh:NodeShape ; sh:targetClass ex:Thing ; sh:targetNode ex:lonely ;
    sh:targetObjectsOf ex:points ;
    sh:property [ sh:path ex:count ; sh:datatype xsd:integer ; sh:minInclusive 0 ;
        sh:maxCount 2 ; sh:message "nombre"@fr, "count"@en ] ;
    sh:property [ sh:path ex:label ; sh:languageIn ( "fr" "en" ) ; sh:uniqueLang true ;
        sh:minLength 3 ; sh:message "libellé"@fr, "label"@en ] ;
    sh:property [ sh:path ex:status ; sh:in ( ex:open ex:closed ) ; sh:minCount 2 ;
        sh:message "statut"@fr, "status"@en ] ;
    sh:property [ sh:path ex:kind ; sh:hasValue ex:main ; sh:nodeKind sh:IRI ;
        sh:message "nature"@fr, "kind"@en ] ;
    sh:property [ sh:path ( ex:part ex:label ) ; sh:maxLength 4 ;
        sh:message "partie"@fr, "part"@en ] ;
    sh:property [ sh:path [ sh:inversePath ex:points ] ; sh:maxCount 1 ;
        sh:message "pointé"@fr, "pointed"@en ] ;
    sh:property [ sh:path ex:part ; sh:qualifiedValueShape [ sh:class ex:Part ] ;
        sh:qualifiedMinCount 2 ; sh:message "parties"@fr, "parts"@en ] ;
    sh:property [ sh:path ex:status ; sh:disjoint ex:kind ;
        sh:message "disjoint"@fr, "disjoint"@en ] ;
    sh:property [ sh:path ex:kind ; sh:node [ sh:property [ sh:path ex:status ;
        sh:disjoint ex:part ] ] ; sh:message "imbriqué"@fr, "nested"@en ] ;
    sh:property [ sh:path ex:part ;
        sh:and ( [ sh:nodeKind sh:IRI ] [ sh:not [ sh:class ex:Thing ] ] ) ;
        sh:message "et"@fr, "and"@en ] .
"""
CORNER_DATA = """
ex:a a ex:Thing ; ex:count "abc"^^xsd:integer, -1, "5"^^xsd:string ;
    ex:label "Un"@fr, "Deux"@fr, "Three"@en-GB, "sans langue", "Vier"@de ;
    ex:status ex:open, ex:unknown, ex:other ; ex:kind ex:other, "main", ex:b ;
    ex:part ex:p1, ex:a, _:b .
ex:p1 a ex:Part ; ex:label "longer"@fr .
ex:b a ex:Thing ; ex:status ex:open, ex:closed, ex:p2 ; ex:kind ex:main ;
    ex:part ex:p1, ex:p2 ; ex:count 3, 4 .
ex:p2 a ex:Part .
ex:x ex:points ex:b . ex:y ex:points ex:b .
"""


def test_both_engines_agree_on_corner_cases():
    prefixes = (
        "@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <https://example.org/> .\n"
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
    )
    shapes = Graph().parse(data=prefixes + CORNER_SHAPES, format="turtle")
    data = Graph().parse(data=prefixes + CORNER_DATA, format="turtle")
    sources = LoadedSources(Graph(), shapes, [DataFile(Path("/corner.ttl"), "urn:x", data)])
    reference = validate(sources, engine="pyshacl")
    compiled = validate(sources, engine="compiled")
    assert len(reference.findings) >= 15
    assert Counter(map(key, compiled.findings)) == Counter(map(key, reference.findings))
