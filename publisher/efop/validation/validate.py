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
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH
from rdflib.term import Node

from efop.namespaces import PREFIXES
from efop.validation.load import DataFile, LoadedSources
from efop.validation.report import Finding, ValidationReport


def validate(sources: LoadedSources) -> ValidationReport:
    """Validate the loaded data files, with the ontology and concept schemes, against the shapes."""
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
    findings = [
        to_finding(results, sources.shapes, result, locator)
        for result in results.subjects(RDF.type, SH.ValidationResult)
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
    message_fr, message_en = messages(results, result)
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


def messages(results: Graph, result: Node) -> tuple[str, str]:
    """The French and English messages of a result (either falls back to the other)."""
    by_lang: dict[str, str] = {}
    for message in results.objects(result, SH.resultMessage):
        if isinstance(message, Literal):
            by_lang.setdefault(message.language or "", str(message))
    fr = by_lang.get("fr") or by_lang.get("") or by_lang.get("en", "")
    en = by_lang.get("en") or by_lang.get("") or fr
    return fr, en


def shape_name(shapes: Graph, shape: Node | None) -> str:
    """The named shape a result comes from: a blank property shape is named by its node shape."""
    seen: set[Node] = set()
    while shape is not None and not isinstance(shape, URIRef) and shape not in seen:
        seen.add(shape)
        shape = shapes.value(None, SH.property, shape) or shapes.value(None, SH["not"], shape)
    if not isinstance(shape, URIRef):
        return "?"
    return short(shape, {prefix: str(ns) for prefix, ns in shapes.namespaces()})


def short(term: Node | None, namespaces: dict[str, str] | None = None) -> str:
    """A compact form of a term: a prefixed name when a registered prefix fits.

    ``namespaces`` adds prefixes declared by a graph (the shapes' own ``efsh:``).
    """
    if term is None:
        return ""
    if isinstance(term, URIRef):
        text = str(term)
        known = {**(namespaces or {}), **PREFIXES}
        best = max(
            ((p, ns) for p, ns in known.items() if p and text.startswith(ns)),
            key=lambda item: len(item[1]),
            default=None,
        )
        if best and is_local_name(text[len(best[1]) :]):
            return f"{best[0]}:{text[len(best[1]) :]}"
        return f"<{text}>"
    if isinstance(term, Literal):
        return term.n3()
    return str(term)


def is_local_name(name: str) -> bool:
    return bool(name) and all(c.isalnum() or c in "-_" for c in name)


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
