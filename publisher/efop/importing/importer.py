"""One import, from a steward's files to one validated Turtle file.

The import is all or nothing: the rows are converted, described by one source document (who
published them, when, from which files), and validated together with the rest of the dataset
through :mod:`efop.validation`; the file is written only when everything conforms, by an atomic
rename, so a failed import leaves the previous one in place.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

from rdflib import DCTERMS, RDF, RDFS, XSD, Graph, Literal, URIRef

from efop.build.builder import current_umask
from efop.config import Settings
from efop.importing.checking import Context, validate_import
from efop.importing.mapping import DEFAULT_DOCUMENT_KIND
from efop.importing.problems import ImportFailed, Location, Problem
from efop.importing.reader import read_files
from efop.importing.rows import Conversion, convert
from efop.importing.text import slugify
from efop.importing.vocabulary import ConceptIndex, DatasetIndex, as_iri
from efop.namespaces import DEFAULT_BASE, ONTOLOGY_NS, PREFIXES

SOURCE_DOCUMENT = URIRef(ONTOLOGY_NS + "SourceDocument")
ACTOR_KIND = URIRef(ONTOLOGY_NS + "actorKind")
ACTS_ON = URIRef(ONTOLOGY_NS + "actsOn")
REGION_KIND = URIRef(DEFAULT_BASE + "id/concept/actor-kind/region")
REGION_CLASS = URIRef(PREFIXES["igeo"] + "Region")
DOCUMENT_KIND = URIRef(ONTOLOGY_NS + "documentKind")
DOCUMENT_KIND_SCHEME = "document-kind"


@dataclass(frozen=True)
class ImportRequest:
    files: list[Path]
    region: str
    out: Path
    kind: str | None = None
    graph: str | None = None
    publisher: str | None = None
    issued: dt.date | None = None
    document_kind: str = DEFAULT_DOCUMENT_KIND
    base: str = DEFAULT_BASE  # where the region's own resources live


@dataclass(frozen=True)
class ImportResult:
    path: Path
    source: URIRef
    triples: int
    resources: int
    warnings: list[Problem]
    elsewhere: list[Problem]  # findings in other files of the dataset


def default_output(settings: Settings, region: str) -> Path:
    return settings.data_dir / "imports" / f"{region}.ttl"


def source_iri(request: ImportRequest) -> URIRef:
    """The import's source document, which is also its named graph in the build."""
    if request.graph:
        iri = as_iri(request.graph)
        if iri is None:
            raise ImportFailed(
                [
                    Problem(
                        Location("--graph"),
                        f"IRI invalide « {request.graph} »",
                        f'invalid IRI "{request.graph}"',
                    )
                ],
                exit_code=2,
            )
        return iri
    return URIRef(f"{request.base}id/source/{request.region}-import")


def _region_territory(dataset: DatasetIndex, region: str) -> URIRef | None:
    """The dataset's region whose name gives the region slug, if there is one."""
    for territory in dataset.graph.subjects(RDF.type, REGION_CLASS):
        label = dataset.label(territory)
        if isinstance(territory, URIRef) and label and slugify(label) == region:
            return territory
    return None


def _dataset_region(dataset: DatasetIndex, region: str) -> list:
    """The dataset's actors of kind "region" acting on the region the slug names (the Region
    of an import that points to it instead of describing it again)."""
    territory = _region_territory(dataset, region)
    if territory is None:
        return []
    graph = dataset.graph
    return sorted(
        actor
        for actor in graph.subjects(ACTOR_KIND, REGION_KIND)
        if (actor, ACTS_ON, territory) in graph
    )


def _publisher(request: ImportRequest, conversion: Conversion, dataset: DatasetIndex) -> URIRef:
    graph = conversion.graph
    if request.publisher:
        iri = as_iri(request.publisher)
        if iri is not None and (iri in conversion.subjects or dataset.knows(iri)):
            return iri
        wanted = slugify(request.publisher)
        for subject in conversion.subjects:
            key = str(subject).rsplit("/", 1)[-1]
            labels = [slugify(str(label)) for label in graph.objects(subject, RDFS.label)]
            if (graph.value(subject, ACTOR_KIND) is not None) and (
                key == f"{request.region}-{wanted}" or wanted in labels
            ):
                return subject
        problem = Problem(
            Location("--publisher"),
            f"« {request.publisher} » ne désigne aucun acteur de l'import ni du jeu de données",
            f'"{request.publisher}" designates no actor of the import or of the dataset',
        )
    else:
        regions = sorted(graph.subjects(ACTOR_KIND, REGION_KIND)) or _dataset_region(
            dataset, request.region
        )
        if len(regions) == 1 and isinstance(regions[0], URIRef):
            return regions[0]
        problem = Problem(
            Location("--publisher"),
            "indiquez l'acteur qui publie ces données avec --publisher (clé, nom ou IRI)",
            "give the actor publishing these data with --publisher (key, name or IRI)",
        )
    raise ImportFailed([problem])


def _document_kind(request: ImportRequest, concepts: ConceptIndex) -> URIRef:
    found = concepts.find(DOCUMENT_KIND_SCHEME, request.document_kind)
    if found is not None:
        return found
    allowed = ", ".join(concepts.slugs.get(DOCUMENT_KIND_SCHEME, []))
    raise ImportFailed(
        [
            Problem(
                Location("--document-kind"),
                f"la liste « {DOCUMENT_KIND_SCHEME} » n'a pas de concept "
                f"« {request.document_kind} » ; valeurs admises : {allowed}",
                f'the "{DOCUMENT_KIND_SCHEME}" list has no concept "{request.document_kind}"; '
                f"allowed values: {allowed}",
            )
        ]
    )


def describe_source(
    request: ImportRequest,
    conversion: Conversion,
    dataset: DatasetIndex,
    concepts: ConceptIndex,
    source: URIRef,
) -> None:
    """The source document of the import: what kind, who, when, from which files."""
    graph = conversion.graph
    names = sorted(p.name for p in request.files)
    issued = request.issued or dt.datetime.now(dt.UTC).date()
    region_territory = _region_territory(dataset, request.region)
    region_name = dataset.label(region_territory) if region_territory else request.region
    graph.add((source, RDF.type, SOURCE_DOCUMENT))
    graph.add((source, DOCUMENT_KIND, _document_kind(request, concepts)))
    graph.add((source, RDFS.label, Literal(f"Données EFOP importées : {region_name}", lang="fr")))
    graph.add((source, RDFS.label, Literal(f"Imported EFOP data: {region_name}", lang="en")))
    title = f"Import tableur {region_name} : {', '.join(names)}"
    graph.add((source, DCTERMS.title, Literal(title, lang="fr")))
    for name in names:
        graph.add((source, DCTERMS.source, Literal(name)))
    graph.add((source, DCTERMS.issued, Literal(issued.isoformat(), datatype=XSD.date)))
    graph.add((source, DCTERMS.publisher, _publisher(request, conversion, dataset)))
    graph.add((source, DCTERMS.language, Literal("fr")))
    if region_territory is not None:
        graph.add((source, DCTERMS.spatial, region_territory))


def serialise(graph: Graph, origin: str) -> bytes:
    """Turtle with a header saying which command wrote the file, and from what."""
    header = (
        f"# Écrit par : {origin}\n"
        "# Ne modifiez pas ce fichier à la main : corrigez le tableur et relancez la commande.\n"
    )
    return header.encode("utf-8") + graph.serialize(format="turtle", encoding="utf-8")


def write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, 0o666 & ~current_umask())  # mkstemp creates 0600
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def without_duplicates(findings: list[Problem], known: list[Problem]) -> list[Problem]:
    """The shapes' findings on cells that have no problem reported already."""
    seen = {p.location for p in known}
    rows = {replace(p.location, column=None) for p in known}
    return [f for f in findings if f.location not in seen and f.location not in rows]


def run_import(settings: Settings, request: ImportRequest) -> ImportResult:
    """Convert, validate and write one import; raises :class:`ImportFailed` with every problem.

    The result carries the shapes' warnings, which do not stop an import."""
    read = read_files(request.files, request.kind)
    if read.problems:
        unreadable = any(p.location.row is None and p.location.sheet is None for p in read.problems)
        raise ImportFailed(read.problems, exit_code=2 if unreadable else 1)
    context = Context.load(settings, exclude=request.out)
    source = source_iri(request)
    dataset = DatasetIndex.from_graph(context.dataset)
    concepts = ConceptIndex.from_graph(context.sources.ontology)
    conversion = convert(
        read.sheets,
        region=request.region,
        source=source,
        concepts=concepts,
        dataset=dataset,
        base=request.base,
    )
    try:
        describe_source(request, conversion, dataset, concepts, source)
    except ImportFailed as failure:
        raise ImportFailed(conversion.problems + failure.problems) from None
    names = sorted(p.name for p in request.files)
    data = serialise(conversion.graph, f"efop import {' '.join(names)}")
    # The shapes run even when cells were wrong, so that one report lists everything to fix.
    check = validate_import(context, conversion, data, request.out.name)
    problems = conversion.problems + without_duplicates(check.violations, conversion.problems)
    if problems:
        raise ImportFailed(problems)
    write_atomically(request.out, data)
    return ImportResult(
        request.out,
        source,
        len(conversion.graph),
        len(conversion.subjects),
        check.warnings,
        check.elsewhere,
    )
