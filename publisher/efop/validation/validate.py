"""Runs the shapes over the data and maps every result back to the file it comes from.

The data graph is the union of the data files, the ontology and the concept schemes: SHACL's
``rdfs:subClassOf`` walk then finds the instances of subclasses (an ``efop:CREFOP`` is checked
as an ``efop:GovernanceBody``) without any inference step, which is both correct and the
fastest option (no RDFS closure, no copy of the graph). The concept schemes are validated too.

Files given as context (the repository's data when other files are validated) take
part in the data graph, so that links to regions or national actors resolve, but findings on
resources they state are not reported: they are not the files being checked.
"""

from __future__ import annotations

from pathlib import Path

from pyshacl import validate as shacl_validate
from rdflib import RDF, Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH
from rdflib.term import Node

from efop.validation.compiled import validate_store
from efop.validation.load import DataFile, LoadedSources
from efop.validation.report import Finding, ValidationReport
from efop.validation.store_sources import StoreSources, from_loaded
from efop.validation.terms import is_local_name, messages_of, shape_name, short

__all__ = ["ENGINES", "FileLocator", "is_local_name", "shape_name", "short", "validate"]


ENGINES = ("compiled", "pyshacl")


def validate(
    sources: LoadedSources | StoreSources, *, engine: str = "compiled"
) -> ValidationReport:
    """Validate the loaded data files, with the ontology and concept schemes, against the shapes.

    ``engine`` is "compiled" (the shapes compiled to SPARQL and run by Oxigraph, see
    :mod:`efop.validation.compiled`) or "pyshacl"; both report the same findings. Sources
    read straight into a store (:func:`efop.validation.store_sources.load_store_sources`)
    are validated by the compiled engine only.
    """
    if engine == "compiled":
        if isinstance(sources, LoadedSources):
            sources = from_loaded(sources)
        return validate_store(sources)
    if engine != "pyshacl":
        raise ValueError(f"unknown validation engine {engine!r} (known: {', '.join(ENGINES)})")
    if not isinstance(sources, LoadedSources):
        raise TypeError("the pyshacl engine validates sources loaded with load_sources")
    return validate_with_pyshacl(sources)


def validate_with_pyshacl(sources: LoadedSources) -> ValidationReport:
    """pySHACL over an rdflib graph holding the data files, the ontology and concept schemes."""
    parts = [*sources.data, *sources.ontology_files, *sources.context]
    data_graph = Graph()
    for part in parts:
        data_graph += part.graph
    _, results, _ = shacl_validate(
        data_graph,
        shacl_graph=sources.shapes,
        inference="none",
        advanced=True,
        allow_warnings=True,
        do_owl_imports=False,
        inplace=True,
    )
    locator = FileLocator(parts)
    context_files = {part.path for part in sources.context}
    # Only the report's own results: those pySHACL nests under a failing sh:node (sh:detail)
    # are about the referenced node, not a finding of the data being checked.
    findings = [
        to_finding(results, sources.shapes, result, locator)
        for result in results.objects(None, SH.result)
    ]
    findings = [f for f in findings if f.file not in context_files]
    findings.sort(key=lambda f: (str(f.file or ""), f.focus, f.path or "", f.value or ""))
    conforms = not any(f.severity == "Violation" for f in findings)
    return ValidationReport(conforms, findings, files_checked=len(sources.data))


def to_finding(results: Graph, shapes: Graph, result: Node, locator: FileLocator) -> Finding:
    focus = results.value(result, SH.focusNode)
    value = results.value(result, SH.value)
    path = locator.property_of(focus, results.value(result, SH.resultPath), value, results)
    severity = results.value(result, SH.resultSeverity)
    message_fr, message_en = messages_of(results.objects(result, SH.resultMessage))
    return Finding(
        file=locator.file_of(focus, path, value),
        focus=short(focus),
        path=short(path) if isinstance(path, URIRef) else None,
        value=None if value is None else short(value),
        shape=shape_name(shapes, results.value(result, SH.sourceShape)),
        severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
        message_fr=message_fr,
        message_en=message_en,
    )


class FileLocator:
    """Finds the file that states a resource (first the offending triple, then its description)."""

    def __init__(self, parts: list[DataFile]) -> None:
        self.parts = parts

    def file_of(self, focus: Node | None, path: Node | None, value: Node | None) -> Path | None:
        if focus is None:
            return None
        patterns: list[tuple[Node | None, Node | None, Node | None]] = []
        if isinstance(path, URIRef) and value is not None:
            patterns.append((focus, path, value))
        patterns += [(focus, RDF.type, None), (focus, None, None), (None, None, focus)]
        for pattern in patterns:
            for part in self.parts:
                if pattern in part.graph:
                    return part.path
        return None

    def property_of(
        self, focus: Node | None, path: Node | None, value: Node | None, results: Graph
    ) -> Node | None:
        """The property a result is about; for an alternative path, the one holding the value."""
        if path is None or isinstance(path, URIRef) or value is None:
            return path
        alternatives = results.value(path, SH.alternativePath)
        if alternatives is None:
            return path
        for candidate in Collection(results, alternatives):
            if any((focus, candidate, value) in part.graph for part in self.parts):
                return candidate
        return path
