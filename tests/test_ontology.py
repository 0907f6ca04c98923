"""Proofs about the EFOP ontology and its concept schemes.

They check that the ontology files parse, carry the metadata vocabulary catalogues expect, label
and define every term in French and English, implement exactly the terms and concept slugs of
docs/model.md, agree with ``efop.vocab.EFOP``, and that the ontology together with every data
file is consistent, with every class satisfiable, under the HermiT reasoner.
"""

import re
from pathlib import Path

import owlready2
import pytest
from rdflib import OWL, RDF, RDFS, SKOS, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV, VANN

from efop.namespaces import ONTOLOGY_IRI, ONTOLOGY_NS, PREFIXES
from efop.vocab import EFOP

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY_DIR = ROOT / "ontology"
MODEL_DOC = ROOT / "docs" / "model.md"
ORG = Namespace(PREFIXES["org"])
ONTOLOGY = URIRef(ONTOLOGY_IRI)
SCHEME_BASE = PREFIXES["efopid"] + "scheme/"
CONCEPT_BASE = PREFIXES["efopc"]
OWN_TERM_TYPES = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, RDFS.Datatype)
DECLARATION_TYPES = (*OWN_TERM_TYPES, OWL.AnnotationProperty)
# Own terms that docs/model.md does not list (yet): they are reported for the model page.
ADDITIONS = {"dataInclusionTypology"}
CONCEPT_ADDITIONS = {"document-kind": {"vocabulaire"}}
ROLE_SCHEMES = {"college", "member-role"}


def turtle_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("**/*.ttl"))


def load(paths: list[Path]) -> Graph:
    graph = Graph()
    for path in paths:
        graph.parse(path, format="turtle")
    return graph


@pytest.fixture(scope="module")
def ontology() -> Graph:
    files = turtle_files(ONTOLOGY_DIR)
    assert files, "no ontology file found under ontology/"
    return load(files)


@pytest.fixture(scope="module")
def data_files() -> list[Path]:
    files = turtle_files(ROOT / "data")
    assert files, "no data file found under data/"
    return files


@pytest.fixture(scope="module")
def everything(ontology: Graph, data_files: list[Path]) -> Graph:
    graph = Graph()
    for triple in ontology:
        graph.add(triple)
    for path in data_files:
        graph.parse(path, format="turtle")
    return graph


def own_terms(graph: Graph) -> set[URIRef]:
    return {
        term
        for kind in OWN_TERM_TYPES
        for term in graph.subjects(RDF.type, kind)
        if isinstance(term, URIRef) and str(term).startswith(ONTOLOGY_NS)
    }


def local_name(term: URIRef) -> str:
    return str(term)[len(ONTOLOGY_NS) :]


def has_lang(graph: Graph, subject: URIRef, predicate: URIRef, lang: str) -> bool:
    return any(
        isinstance(value, Literal) and value.language == lang and str(value).strip()
        for value in graph.objects(subject, predicate)
    )


def model_concepts() -> dict[str, set[str]]:
    """Scheme name -> slugs, as listed in docs/model.md's concept-scheme section."""
    text = MODEL_DOC.read_text(encoding="utf-8")
    section = text.split("## Concept schemes", 1)[1].split("\n## ", 1)[0]
    schemes = {}
    for line in section.splitlines():
        match = re.match(r"- `([a-z-]+)`: (.*)", line)
        if match:
            schemes[match.group(1)] = set(re.findall(r"`([a-z0-9-]+)`", match.group(2)))
    return schemes


def concepts_of(graph: Graph) -> set[URIRef]:
    return {c for c in graph.subjects(RDF.type, SKOS.Concept) if isinstance(c, URIRef)}


def test_ontology_modules_and_concept_schemes_are_present() -> None:
    modules = {p.stem for p in ONTOLOGY_DIR.glob("*.ttl")}
    expected = {"efop", "external", "actors", "governance", "territories", "schemes"}
    expected |= {"strategies", "activities", "needs", "provenance"}
    assert expected <= modules
    assert {p.stem for p in (ONTOLOGY_DIR / "concepts").glob("*.ttl")} == set(model_concepts())


def test_header_has_the_metadata_vocabulary_catalogues_expect(ontology: Graph) -> None:
    assert (ONTOLOGY, RDF.type, OWL.Ontology) in ontology
    version_iri = ontology.value(ONTOLOGY, OWL.versionIRI)
    assert version_iri == URIRef(ONTOLOGY_IRI + "/0.1.0") != ONTOLOGY
    assert ontology.value(ONTOLOGY, OWL.versionInfo) == Literal("0.1.0")
    for predicate in (DCTERMS.title, DCTERMS.description, DCTERMS.bibliographicCitation):
        for lang in ("fr", "en"):
            assert has_lang(ontology, ONTOLOGY, predicate, lang), (predicate, lang)
    for predicate in (DCTERMS.creator, DCTERMS.publisher, DCTERMS.contributor):
        agent = ontology.value(ONTOLOGY, predicate)
        assert agent is not None and has_lang(ontology, agent, RDFS.label, "fr"), predicate
    assert ontology.value(ONTOLOGY, DCTERMS.license) == URIRef(
        "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
    )
    assert str(ontology.value(ONTOLOGY, DCTERMS.created)) == "2026-11-23"
    assert ontology.value(ONTOLOGY, DCTERMS.modified) is not None
    assert ontology.value(ONTOLOGY, URIRef("http://purl.org/ontology/bibo/status")) is not None
    assert str(ontology.value(ONTOLOGY, VANN.preferredNamespacePrefix)) == "efop"
    assert str(ontology.value(ONTOLOGY, VANN.preferredNamespaceUri)) == ONTOLOGY_NS
    schemes = set(ontology.subjects(RDF.type, SKOS.ConceptScheme))
    assert schemes and set(ontology.objects(ONTOLOGY, RDFS.seeAlso)) == schemes
    assert not list(ontology.objects(None, OWL.imports)), "the ontology must import nothing"


def test_every_own_term_is_labelled_and_defined_in_french_and_english(ontology: Graph) -> None:
    terms = own_terms(ontology)
    assert len(terms) > 80
    problems = []
    for term in sorted(terms):
        for lang in ("fr", "en"):
            if not has_lang(ontology, term, RDFS.label, lang):
                problems.append(f"{term}: no rdfs:label@{lang}")
            if not has_lang(ontology, term, SKOS.definition, lang):
                problems.append(f"{term}: no skos:definition@{lang}")
        if ontology.value(term, RDFS.isDefinedBy) != ONTOLOGY:
            problems.append(f"{term}: rdfs:isDefinedBy is not the ontology")
    assert not problems, "\n".join(problems)


def test_own_terms_are_exactly_those_of_the_model_page(ontology: Graph) -> None:
    named = set(re.findall(r"`efop:([A-Za-z]+)`", MODEL_DOC.read_text(encoding="utf-8")))
    declared = {local_name(t) for t in own_terms(ontology)}
    assert named - declared == set(), "terms of docs/model.md missing from the ontology"
    assert declared - named <= ADDITIONS, "terms not in docs/model.md"


def test_vocab_namespace_lists_exactly_the_ontology_terms(ontology: Graph) -> None:
    in_python = set(EFOP.__annotations__)
    in_ontology = {local_name(t) for t in own_terms(ontology)}
    assert in_python - in_ontology == set(), "EFOP attributes the ontology does not declare"
    assert in_ontology - in_python == set(), "ontology terms missing from efop.vocab.EFOP"
    with pytest.raises(AttributeError):
        EFOP.GovernanceBodyy  # noqa: B018 - a misspelt term must fail


@pytest.mark.parametrize(
    ("term", "parent"),
    [
        (EFOP.Actor, ORG.Organization),
        (EFOP.PublicActor, URIRef(PREFIXES["cv"] + "PublicOrganisation")),
        (EFOP.GovernanceBody, ORG.OrganizationalCollaboration),
        (EFOP.BodyUnit, ORG.OrganizationalUnit),
        (EFOP.Territory, DCTERMS.Location),
        (EFOP.Scheme, URIRef(PREFIXES["cpsv"] + "PublicService")),
        (EFOP.CallForProjects, PROV.Activity),
        (EFOP.Project, PROV.Activity),
        (EFOP.SourceDocument, URIRef(PREFIXES["foaf"] + "Document")),
        (EFOP.Statement, PROV.Entity),
        (EFOP.Meeting, EFOP.Event),
        (EFOP.CLEFOP, EFOP.GovernanceBody),
    ],
)
def test_classes_specialise_the_reused_vocabularies(ontology: Graph, term, parent) -> None:
    assert (term, RDFS.subClassOf, parent) in ontology


@pytest.mark.parametrize(
    ("term", "parent"),
    [
        (EFOP.actorKind, ORG.classification),
        (EFOP.bodyKind, ORG.classification),
        (EFOP.actsOn, DCTERMS.spatial),
        (EFOP.declinationOf, ORG.subOrganizationOf),
        (EFOP.carriedBy, PROV.wasAssociatedWith),
        (EFOP.partner, PROV.wasAssociatedWith),
        (EFOP.participant, PROV.wasAssociatedWith),
        (EFOP.targetPublic, DCTERMS.audience),
        (EFOP.theme, DCTERMS.subject),
        (EFOP.sector, DCTERMS.subject),
    ],
)
def test_properties_specialise_the_reused_vocabularies(ontology: Graph, term, parent) -> None:
    assert (term, RDFS.subPropertyOf, parent) in ontology


def test_axioms_the_model_relies_on(ontology: Graph) -> None:
    assert (EFOP.withinTerritory, RDF.type, OWL.TransitiveProperty) in ontology
    disjoint = [
        set(ontology.items(ontology.value(axiom, OWL.members)))
        for axiom in ontology.subjects(RDF.type, OWL.AllDisjointClasses)
    ]
    assert {EFOP.Need, EFOP.ResourceOffer, EFOP.Challenge} in disjoint


def test_no_property_has_several_domains_or_ranges(ontology: Graph) -> None:
    problems = [
        f"{term}: {len(values)} x {predicate}"
        for term in own_terms(ontology)
        for predicate in (RDFS.domain, RDFS.range)
        if len(values := list(ontology.objects(term, predicate))) > 1
    ]
    assert not problems, "\n".join(problems)


def test_no_term_is_declared_with_two_owl_kinds(ontology: Graph) -> None:
    kinds: dict[URIRef, set[URIRef]] = {}
    for kind in DECLARATION_TYPES:
        for term in ontology.subjects(RDF.type, kind):
            kinds.setdefault(term, set()).add(kind)
    punned = {term: k for term, k in kinds.items() if len(k) > 1}
    assert not punned, punned


def test_every_term_used_by_ontology_and_data_is_declared(everything: Graph) -> None:
    builtin = (PREFIXES["rdf"], PREFIXES["rdfs"], PREFIXES["owl"], PREFIXES["xsd"])
    declared = {t for kind in DECLARATION_TYPES for t in everything.subjects(RDF.type, kind)}
    used = set(everything.predicates()) | {
        o for o in everything.objects(None, RDF.type) if isinstance(o, URIRef)
    }
    undeclared = sorted(str(t) for t in used - declared if not str(t).startswith(builtin))
    assert not undeclared, "declare these reused terms in ontology/external.ttl: " + ", ".join(
        undeclared
    )


def test_object_properties_link_resources_and_datatype_properties_carry_literals(
    everything: Graph,
) -> None:
    object_properties = set(everything.subjects(RDF.type, OWL.ObjectProperty))
    datatype_properties = set(everything.subjects(RDF.type, OWL.DatatypeProperty))
    problems = [
        f"{s} {p} {o!r}"
        for s, p, o in everything
        if (p in object_properties and isinstance(o, Literal))
        or (p in datatype_properties and not isinstance(o, Literal))
    ]
    assert not problems, "\n".join(sorted(problems))


def test_no_undeclared_efop_term_is_used_anywhere(ontology: Graph) -> None:
    files = [p for folder in ("ontology", "shapes", "data") for p in turtle_files(ROOT / folder)]
    assert files
    declared = own_terms(ontology)
    problems = []
    for path in files:
        graph = load([path])
        for term in {node for triple in graph for node in triple}:
            if isinstance(term, URIRef) and str(term).startswith(ONTOLOGY_NS):
                if term not in declared:
                    problems.append(f"{path.relative_to(ROOT)}: {term}")
    assert not problems, "\n".join(sorted(problems))


def test_concept_schemes_implement_exactly_the_model_slugs(ontology: Graph) -> None:
    expected = model_concepts()
    assert len(expected) == 12
    found: dict[str, set[str]] = {}
    for concept in concepts_of(ontology):
        scheme, _, slug = str(concept)[len(CONCEPT_BASE) :].partition("/")
        found.setdefault(scheme, set()).add(slug)
    for scheme, slugs in CONCEPT_ADDITIONS.items():
        expected[scheme] = expected[scheme] | slugs
    assert found == expected


def test_every_concept_is_labelled_defined_and_placed_in_its_scheme(ontology: Graph) -> None:
    problems = []
    for concept in sorted(concepts_of(ontology)):
        scheme_name = str(concept)[len(CONCEPT_BASE) :].split("/")[0]
        scheme = URIRef(SCHEME_BASE + scheme_name)
        for lang in ("fr", "en"):
            for predicate in (SKOS.prefLabel, SKOS.definition):
                if not has_lang(ontology, concept, predicate, lang):
                    problems.append(f"{concept}: no {predicate}@{lang}")
        if list(ontology.objects(concept, SKOS.inScheme)) != [scheme]:
            problems.append(f"{concept}: skos:inScheme is not {scheme}")
        top = (concept, SKOS.topConceptOf, scheme) in ontology
        if not top and ontology.value(concept, SKOS.broader) is None:
            problems.append(f"{concept}: neither top concept nor narrower concept")
        if ontology.value(concept, PROV.wasDerivedFrom) is None:
            problems.append(f"{concept}: no prov:wasDerivedFrom")
        labels = set(ontology.objects(concept, SKOS.prefLabel))
        if labels & set(ontology.objects(concept, SKOS.altLabel)):
            problems.append(f"{concept}: an altLabel repeats the prefLabel")
        if scheme_name in ROLE_SCHEMES and (concept, RDF.type, ORG.Role) not in ontology:
            problems.append(f"{concept}: not an org:Role")
    assert not problems, "\n".join(problems)


def test_every_scheme_is_described_and_has_top_concepts(ontology: Graph) -> None:
    schemes = set(ontology.subjects(RDF.type, SKOS.ConceptScheme))
    assert len(schemes) == 12
    for scheme in schemes:
        for lang in ("fr", "en"):
            assert has_lang(ontology, scheme, DCTERMS.title, lang), (scheme, lang)
            assert has_lang(ontology, scheme, DCTERMS.description, lang), (scheme, lang)
        assert ontology.value(scheme, DCTERMS.license) is not None, scheme
        assert ontology.value(scheme, PROV.wasDerivedFrom) is not None, scheme
        tops = set(ontology.objects(scheme, SKOS.hasTopConcept))
        assert tops, f"{scheme} has no top concept"
        assert tops == set(ontology.subjects(SKOS.topConceptOf, scheme)), scheme


def test_sources_cited_by_the_ontology_are_described(everything: Graph, ontology: Graph) -> None:
    cited = {
        source
        for subject, source in ontology.subject_objects(PROV.wasDerivedFrom)
        if subject in concepts_of(ontology) or (subject, RDF.type, SKOS.ConceptScheme) in ontology
    }
    sources = set(everything.subjects(RDF.type, EFOP.SourceDocument))
    assert cited and cited <= sources, sorted(cited - sources)


def test_data_inclusion_codes_are_typed_notations(ontology: Graph) -> None:
    notations = [n for c in concepts_of(ontology) for n in ontology.objects(c, SKOS.notation)]
    assert notations
    assert {n.datatype for n in notations} == {EFOP.dataInclusionTypology}
    mission_locale = URIRef(CONCEPT_BASE + "actor-kind/mission-locale")
    assert Literal("ML", datatype=EFOP.dataInclusionTypology) in set(
        ontology.objects(mission_locale, SKOS.notation)
    )


def run_hermit(graph: Graph, folder: Path) -> owlready2.World:
    """Load a graph into a fresh owlready2 world and classify it with HermiT.

    xsd:date, xsd:gYear and xsd:gYearMonth are outside the OWL 2 datatype map, which HermiT
    refuses outright; ``ignore_unsupported_datatypes`` lets it reason over everything else.
    """
    path = folder / "efop.nt"
    graph.serialize(destination=path, format="nt", encoding="utf-8")
    world = owlready2.World()
    world.get_ontology(path.as_uri()).load()
    owlready2.sync_reasoner(
        world, infer_property_values=False, debug=0, ignore_unsupported_datatypes=True
    )
    return world


def test_ontology_and_data_are_consistent_under_hermit(everything: Graph, tmp_path) -> None:
    world = run_hermit(everything, tmp_path)
    assert list(world.inconsistent_classes()) == []


def test_hermit_detects_an_inconsistency(ontology: Graph, tmp_path) -> None:
    graph = Graph()
    for triple in ontology:
        graph.add(triple)
    statement = URIRef(PREFIXES["efopid"] + "besoin/contradiction")
    graph.add((statement, RDF.type, EFOP.Need))
    graph.add((statement, RDF.type, EFOP.ResourceOffer))
    with pytest.raises(owlready2.OwlReadyInconsistentOntologyError):
        run_hermit(graph, tmp_path)
