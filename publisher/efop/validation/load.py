"""Reads the ontology, the concept schemes, the shapes and the data files from local disk.

Loading is the one place where untrusted files are parsed, so it refuses what could make a
parser reach the network or expand entities, and turns every parse failure into a
:class:`SourceError` that names the file and line instead of a traceback. Each data file also
gets the IRI of the named graph it will be published in (see docs/model.md, "Named graphs").
"""

from __future__ import annotations

import json
import re
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import RDF, Dataset, Graph, URIRef

from efop.config import Settings
from efop.namespaces import DEFAULT_BASE, ONTOLOGY_NS

REFERENCE_GRAPH = DEFAULT_BASE + "id/graph/reference"
ONTOLOGY_GRAPH = DEFAULT_BASE + "id/graph/ontology"
SOURCE_DOCUMENT = URIRef(ONTOLOGY_NS + "SourceDocument")

FORMATS: dict[str, str] = {
    ".ttl": "turtle",
    ".trig": "trig",
    ".nt": "nt",
    ".nq": "nquads",
    ".rdf": "xml",
    ".owl": "xml",
    ".xml": "xml",
    ".jsonld": "json-ld",
}
LINE_BASED = {"nt", "nquads"}
QUAD_FORMATS = {"trig", "nquads"}
DTD_MARKERS = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


class SourceError(Exception):
    """A file that cannot be read as RDF: its path, the line when known, and why."""

    def __init__(self, path: Path, line: int | None, message: str) -> None:
        self.path = path
        self.line = line
        self.message = message
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {message}")


@dataclass
class DataFile:
    """One data file, the named graph it belongs to and its triples."""

    path: Path
    graph_iri: str
    graph: Graph


@dataclass
class LoadedSources:
    """Everything validation needs: ontology with concept schemes, shapes, and data files.

    ``ontology_files`` keeps each ontology and concept-scheme file apart, so that a finding
    on a concept can name its file. ``context`` holds the repository's data when other files
    are validated: it resolves their links (regions, national actors, source documents cited
    by the concept schemes) but is not itself checked.
    """

    ontology: Graph
    shapes: Graph
    data: list[DataFile]
    ontology_files: list[DataFile] = field(default_factory=list)
    context: list[DataFile] = field(default_factory=list)


def rdf_files(folder: Path) -> list[Path]:
    """The RDF files under a folder, in a stable order."""
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in FORMATS)


def read_checked(path: Path) -> tuple[str, bytes]:
    """The RDF format and bytes of one local file, once refused if unknown or unsafe."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise SourceError(path, None, f"unknown RDF format (extensions: {', '.join(FORMATS)})")
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise SourceError(path, None, f"cannot read the file: {error.strerror}") from error
    refuse_unsafe(path, fmt, raw)
    return fmt, raw


def parse_file(path: Path) -> Graph:
    """The triples of one local file (named graphs of TriG / N-Quads are merged)."""
    fmt, raw = read_checked(path)
    try:
        return parse_bytes(raw, fmt, path.resolve().as_uri())
    except SyntaxError as error:
        line = getattr(error, "lines", None)
        why = getattr(error, "_why", None) or str(error)
        raise SourceError(path, None if line is None else line + 1, why) from None
    except Exception as error:  # rdflib's parsers raise many unrelated exception types
        line = failing_line(raw, fmt) if fmt in LINE_BASED else None
        raise SourceError(path, line, str(error) or type(error).__name__) from None


def parse_bytes(raw: bytes, fmt: str, base: str) -> Graph:
    """Parse RDF text; for the quad formats, the triples of all named graphs."""
    if fmt not in QUAD_FORMATS:
        return Graph().parse(data=raw, format=fmt, publicID=base)
    dataset = Dataset()
    with warnings.catch_warnings():
        # rdflib 7.x warns about its own use of a deprecated attribute in Dataset.parse
        warnings.simplefilter("ignore", DeprecationWarning)
        dataset.parse(data=raw, format=fmt, publicID=base)
    graph = Graph()
    for prefix, namespace in dataset.namespaces():
        graph.bind(prefix, namespace, override=False)
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        graph.add((s, p, o))
    return graph


def refuse_unsafe(path: Path, fmt: str, raw: bytes) -> None:
    """Refuse RDF/XML with a DTD (entity expansion) and JSON-LD with a remote context."""
    if fmt == "xml" and DTD_MARKERS.search(raw):
        raise SourceError(path, None, "RDF/XML with a DOCTYPE or ENTITY declaration is refused")
    if fmt == "json-ld":
        try:
            document = json.loads(raw)
        except ValueError as error:
            raise SourceError(path, getattr(error, "lineno", None), str(error)) from None
        if has_remote_context(document):
            raise SourceError(path, None, "JSON-LD with a non-inline @context is refused")


def has_remote_context(node: object) -> bool:
    """True when any @context in a JSON-LD document refers to something outside it."""
    if isinstance(node, list):
        return any(has_remote_context(item) for item in node)
    if not isinstance(node, dict):
        return False
    for key, value in node.items():
        if key == "@context" and context_is_remote(value):
            return True
        if key == "@import" or has_remote_context(value):
            return True
    return False


def context_is_remote(context: object) -> bool:
    if isinstance(context, str):
        return True
    if isinstance(context, list):
        return any(context_is_remote(item) for item in context)
    return False


def failing_line(raw: bytes, fmt: str) -> int | None:
    """The first line of an N-Triples / N-Quads file that does not parse on its own."""
    for number, line in enumerate(raw.splitlines(), start=1):
        text = line.strip()
        if not text or text.startswith(b"#"):
            continue
        try:
            parse_bytes(text + b"\n", fmt, "file:///")
        except Exception:  # any failure of this single line locates the error
            return number
    return None


def graph_iri_of(path: Path, graph: Graph, data_dir: Path) -> str:
    """The named graph of a data file: its single source document, else the reference graph."""
    documents = sorted(str(s) for s in graph.subjects(RDF.type, SOURCE_DOCUMENT))
    in_sources = is_under(path, data_dir / "sources")
    if len(documents) == 1:
        return documents[0]
    if in_sources:
        found = ", ".join(documents) if documents else "none"
        raise SourceError(
            path,
            None,
            f"a file of data/sources/ must type exactly one efop:SourceDocument (found: {found})",
        )
    return REFERENCE_GRAPH


def is_under(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True


def merge(graphs: Iterable[Graph]) -> Graph:
    merged = Graph()
    for graph in graphs:
        merged += graph
        for prefix, namespace in graph.namespaces():
            merged.bind(prefix, namespace, override=False)
    return merged


def expand(paths: Sequence[Path]) -> list[Path]:
    """Files named directly, and the RDF files found in named folders."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(rdf_files(path))
        elif path.exists():
            files.append(path)
        else:
            raise SourceError(path, None, "no such file or folder")
    return files


@dataclass(frozen=True)
class SourceFiles:
    """Which files a validation reads, before any of them is parsed."""

    ontology: list[Path]
    shapes: list[Path]
    data: list[Path]
    context: list[Path]


def select_files(
    settings: Settings,
    data_paths: Sequence[Path | str] | None = None,
    *,
    with_repository_data: bool = False,
) -> SourceFiles:
    """The ontology, shapes, data and context files of a validation (see :func:`load_sources`);
    raises :class:`SourceError` when there is no shape or no data file to check."""
    shape_files = rdf_files(settings.shapes_dir)
    if not shape_files:
        raise SourceError(settings.shapes_dir, None, "no shapes file found")
    if data_paths is None:
        data_files = rdf_files(settings.data_dir)
    else:
        data_files = expand([Path(p) for p in data_paths])
    if not data_files:
        where = Path(data_paths[0]) if data_paths else settings.data_dir
        raise SourceError(where, None, "no data file found")
    context: list[Path] = []
    if data_paths is not None and with_repository_data:
        chosen = {path.resolve() for path in data_files}
        context = [p for p in rdf_files(settings.data_dir) if p.resolve() not in chosen]
    return SourceFiles(rdf_files(settings.ontology_dir), shape_files, data_files, context)


def load_sources(
    settings: Settings,
    data_paths: Sequence[Path | str] | None = None,
    *,
    with_repository_data: bool = False,
) -> LoadedSources:
    """Parse the ontology, concept schemes and shapes of the repository, and the data files.

    By default the data files are every RDF file under ``data/`` (Turtle in practice; a file in
    another RDF format is read, and refused if unsafe, rather than silently skipped).
    ``data_paths`` (files or folders) replaces the repository's ``data/`` when given; with
    ``with_repository_data``, the repository's other data files are loaded as ``context`` so
    that the given files may link to the resources they state.
    """
    files = select_files(settings, data_paths, with_repository_data=with_repository_data)
    ontology = [DataFile(p, ONTOLOGY_GRAPH, parse_file(p)) for p in files.ontology]
    shapes = merge(parse_file(p) for p in files.shapes)
    data = [read_data_file(path, settings) for path in files.data]
    context = [read_data_file(path, settings) for path in files.context]
    return LoadedSources(merge(f.graph for f in ontology), shapes, data, ontology, context)


def read_data_file(path: Path, settings: Settings) -> DataFile:
    graph = parse_file(path)
    return DataFile(path, graph_iri_of(path, graph, settings.data_dir), graph)
