"""Candidate links between an import and the rest of the dataset, for a steward to confirm.

Identity is ``owl:sameAs``, proposed only on evidence: territories with the same INSEE code;
governance bodies of the same kind (CREFOP, CDFOP…) acting on the same coded territory, which
the law makes unique; actors of the same kind on the same coded territory whose names also
match. Resources of the same segment whose names match (once accents, case, punctuation and
filler words are set aside, or by acronym) without that evidence are only related
(``rdfs:seeAlso``); ``skos:closeMatch`` is for concepts alone (its domain is ``skos:Concept``).
A resource whose name is another's followed by a region's name is its regional branch
(``org:subOrganizationOf``). Nothing is linked without confirmation.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from rdflib import DCTERMS, OWL, RDF, RDFS, SKOS, XSD, Graph, Literal, URIRef

from efop.importing.text import acronym, normalise_label, words
from efop.importing.vocabulary import CODE_PROPERTIES, curie, label_of
from efop.namespaces import ORG, PREFIXES, PROV, bind_all

SOURCE_DOCUMENT = URIRef(PREFIXES["efop"] + "SourceDocument")
DOCUMENT_KIND = URIRef(PREFIXES["efop"] + "documentKind")
REGION_CLASS = URIRef(PREFIXES["igeo"] + "Region")
BODY_KIND = URIRef(PREFIXES["efop"] + "bodyKind")
ACTOR_KIND = URIRef(PREFIXES["efop"] + "actorKind")
ACTS_ON = URIRef(PREFIXES["efop"] + "actsOn")
MATCHABLE_SEGMENTS = frozenset({"instance", "organisation", "territoire", "dispositif", "projet"})
BRANCH_SEGMENTS = frozenset({"instance", "organisation"})


@dataclass(frozen=True)
class Candidate:
    imported: URIRef
    imported_label: str
    target: URIRef
    target_label: str
    link: URIRef
    reason_fr: str
    reason_en: str

    def reason(self, lang: str) -> str:
        return self.reason_en if lang == "en" else self.reason_fr


def segment(iri: URIRef) -> str | None:
    """The kind of an instance IRI under any base: ``…/id/organisation/x`` → ``organisation``."""
    _, found, rest = str(iri).rpartition("/id/")
    if not found or "/" not in rest:
        return None
    return rest.split("/", 1)[0]


def names(graph: Graph, resource: URIRef) -> set[str]:
    """Normalised labels and alternative labels of a resource."""
    found = set()
    for prop in (RDFS.label, SKOS.prefLabel, SKOS.altLabel):
        for label in graph.objects(resource, prop):
            normalised = normalise_label(str(label))
            if normalised:
                found.add(normalised)
    return found


def acronyms(graph: Graph, resource: URIRef) -> set[str]:
    found = {acronym(str(label)) for label in graph.objects(resource, RDFS.label)}
    return {a for a in found if len(a) >= 3}


def _subjects(graph: Graph) -> list[URIRef]:
    return sorted(
        {s for s in graph.subjects(RDF.type, None) if isinstance(s, URIRef)},
        key=str,
    )


def _already_linked(imported: Graph, dataset: Graph, a: URIRef, b: URIRef) -> bool:
    return any(
        (a, prop, b) in g or (b, prop, a) in g
        for g in (imported, dataset)
        for prop in (
            OWL.sameAs,
            SKOS.closeMatch,
            SKOS.exactMatch,
            ORG.subOrganizationOf,
            RDFS.seeAlso,
        )
    )


def _by_code(imported: Graph, dataset: Graph) -> list[Candidate]:
    candidates = []
    for scale, prop in CODE_PROPERTIES.items():
        for subject, code in sorted(imported.subject_objects(prop)):
            for target in sorted(dataset.subjects(prop, code)):
                if target != subject and isinstance(target, URIRef):
                    candidates.append(
                        _candidate(
                            imported,
                            dataset,
                            subject,
                            target,
                            OWL.sameAs,
                            f"même code INSEE ({scale} {code})",
                            f"same INSEE code ({scale} {code})",
                        )
                    )
    return candidates


def _codes(graph: Graph, territory) -> set[tuple[URIRef, str]]:
    return {
        (prop, str(code))
        for prop in CODE_PROPERTIES.values()
        for code in graph.objects(territory, prop)
    }


def _places(imported: Graph, dataset: Graph, resource: URIRef) -> set[tuple[URIRef, str]]:
    """The INSEE codes of the territories a resource acts on, wherever they are described."""
    found = set()
    for graph in (imported, dataset):
        for territory in graph.objects(resource, ACTS_ON):
            found |= _codes(imported, territory) | _codes(dataset, territory)
    return found


def _kinds(graph: Graph, resource: URIRef) -> set:
    return set(graph.objects(resource, BODY_KIND)) | set(graph.objects(resource, ACTOR_KIND))


def _same_kind_and_place(imported: Graph, dataset: Graph, subject, target) -> bool:
    """Same kind, same coded territory and, for units (bureau, plenary…), of the same body."""
    kinds = _kinds(imported, subject) & _kinds(dataset, target)
    places = _places(imported, dataset, subject) & _places(imported, dataset, target)
    parents = set(imported.objects(subject, ORG.unitOf)), set(dataset.objects(target, ORG.unitOf))
    same_parent = parents[0] == parents[1] if any(parents) else True
    return bool(kinds and places) and same_parent


def _bodies_by_kind_and_place(imported: Graph, dataset: Graph, subject) -> list[URIRef]:
    """The dataset's governance bodies of the imported body's kind on the same coded territory."""
    found = []
    for kind in imported.objects(subject, BODY_KIND):
        for target in dataset.subjects(BODY_KIND, kind):
            if isinstance(target, URIRef) and _same_kind_and_place(
                imported, dataset, subject, target
            ):
                found.append(target)
    return sorted(found)


def _name_link(imported: Graph, dataset: Graph, subject, target) -> URIRef:
    """The link two resources with the same name get: identity with the evidence of kind and
    territory, a concept mapping between concepts, a mere pointer otherwise."""
    if _same_kind_and_place(imported, dataset, subject, target):
        return OWL.sameAs
    concept = SKOS.Concept
    if (subject, RDF.type, concept) in imported and (target, RDF.type, concept) in dataset:
        return SKOS.closeMatch
    return RDFS.seeAlso


def _candidate(
    imported: Graph, dataset: Graph, subject, target, link, fr: str, en: str
) -> Candidate:
    return Candidate(
        subject,
        label_of(imported, subject) or curie(str(subject)),
        target,
        label_of(dataset, target) or curie(str(target)),
        link,
        fr,
        en,
    )


def _region_words(dataset: Graph) -> list[list[str]]:
    """The words of every region's name, longest first, to recognise regional branches."""
    names_ = {
        tuple(words(str(label)))
        for r in dataset.subjects(RDF.type, REGION_CLASS)
        for label in dataset.objects(r, RDFS.label)
    }
    return [list(n) for n in sorted(names_, key=len, reverse=True) if n]


def _without_region(label: str, regions: list[list[str]]) -> str | None:
    label_words = words(label)
    for region in regions:
        if len(label_words) > len(region) and label_words[-len(region) :] == region:
            return normalise_label(" ".join(label_words[: -len(region)]))
    return None


def find_candidates(imported: Graph, dataset: Graph) -> list[Candidate]:
    """Every candidate link from the imported resources to the dataset's, numbered in order."""
    candidates = _by_code(imported, dataset)
    coded = {(c.imported, c.target) for c in candidates}
    index: dict[tuple[str, str], set[URIRef]] = defaultdict(set)
    for resource in _subjects(dataset):
        kind = segment(resource)
        if kind in MATCHABLE_SEGMENTS:
            for name in names(dataset, resource):
                index[(kind, name)].add(resource)
                index[(kind, name.replace(" ", ""))].add(resource)
    regions = _region_words(dataset)
    for subject in _subjects(imported):
        kind = segment(subject)
        if kind not in MATCHABLE_SEGMENTS:
            continue
        own = names(imported, subject)
        matches: dict[URIRef, tuple[URIRef, str, str]] = {}
        for target in _bodies_by_kind_and_place(imported, dataset, subject):
            matches[target] = (
                OWL.sameAs,
                "même type d'instance sur le même territoire (code INSEE)",
                "same kind of body on the same territory (INSEE code)",
            )
        for name in own:
            for target in index.get((kind, name), ()):
                link = _name_link(imported, dataset, subject, target)
                matches.setdefault(target, (link, f"même nom « {name} »", f'same name "{name}"'))
        for initials in acronyms(imported, subject):
            for target in index.get((kind, initials), ()):
                link = _name_link(imported, dataset, subject, target)
                matches.setdefault(target, (link, f"sigle « {initials} »", f'acronym "{initials}"'))
        if kind in BRANCH_SEGMENTS:
            for label in imported.objects(subject, RDFS.label):
                parent = _without_region(str(label), regions)
                for target in index.get((kind, parent or ""), ()):
                    matches.setdefault(
                        target,
                        (
                            ORG.subOrganizationOf,
                            f"antenne régionale de « {parent} »",
                            f'regional branch of "{parent}"',
                        ),
                    )
        for target, (link, fr, en) in sorted(matches.items()):
            if target == subject or (subject, target) in coded:
                continue
            if _already_linked(imported, dataset, subject, target):
                continue
            candidates.append(_candidate(imported, dataset, subject, target, link, fr, en))
    return candidates


def format_table(candidates: list[Candidate], lang: str) -> str:
    """The candidates as a numbered text table."""
    english = lang == "en"
    if not candidates:
        return "No candidate link found." if english else "Aucun lien candidat trouvé."
    headings = (
        ("#", "imported resource", "dataset resource", "proposed link", "reason")
        if english
        else ("n°", "ressource importée", "ressource du jeu de données", "lien proposé", "motif")
    )
    rows = [
        (
            str(n),
            f"{c.imported_label} ({curie(str(c.imported))})",
            f"{c.target_label} ({curie(str(c.target))})",
            curie(str(c.link)),
            c.reason(lang),
        )
        for n, c in enumerate(candidates, start=1)
    ]
    widths = [max(len(r[i]) for r in (headings, *rows)) for i in range(len(headings))]
    lines = [
        " | ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in (headings, *rows)
    ]
    lines.insert(1, "-+-".join("-" * w for w in widths))
    return "\n".join(lines)


def links_graph(candidates: list[Candidate], imported: Graph, issued: dt.date) -> Graph:
    """The confirmed links, described by a source document derived from the import's."""
    graph = Graph()
    bind_all(graph)
    sources = sorted(imported.subjects(RDF.type, SOURCE_DOCUMENT), key=str)
    if len(sources) != 1:
        raise ValueError("the imported file must describe exactly one efop:SourceDocument")
    origin = sources[0]
    links = URIRef(f"{origin}-liens")
    origin_title = label_of(imported, origin, "fr")
    graph.add((links, RDF.type, SOURCE_DOCUMENT))
    graph.add(
        (
            links,
            RDFS.label,
            Literal(f"Liens confirmés : {label_of(imported, origin, 'fr')}", lang="fr"),
        )
    )
    graph.add(
        (
            links,
            RDFS.label,
            Literal(f"Confirmed links: {label_of(imported, origin, 'en')}", lang="en"),
        )
    )
    graph.add((links, DCTERMS.issued, Literal(issued.isoformat(), datatype=XSD.date)))
    graph.add((links, DCTERMS.title, Literal(f"Liens confirmés : {origin_title}", lang="fr")))
    for kind in imported.objects(origin, DOCUMENT_KIND):
        graph.add((links, DOCUMENT_KIND, kind))
    graph.add((links, PROV.wasDerivedFrom, origin))
    for publisher in imported.objects(origin, DCTERMS.publisher):
        graph.add((links, DCTERMS.publisher, publisher))
    graph.add((links, DCTERMS.language, Literal("fr")))
    for candidate in candidates:
        graph.add((candidate.imported, candidate.link, candidate.target))
    return graph


def union(sources) -> Graph:
    """The union of the data files of ``efop.validation``'s loaded sources."""
    graph = Graph()
    for data_file in sources.data:
        graph += data_file.graph
    return graph
