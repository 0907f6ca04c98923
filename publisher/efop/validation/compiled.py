"""A SHACL engine that compiles the shapes into SPARQL queries run by Oxigraph.

pySHACL walks the data node by node in Python, about 0.6 ms per triple: too slow for a national
directory of millions of triples. Here every (shape, constraint) pair becomes one SELECT query
that returns only the violations, evaluated by Oxigraph over the union of the data files, the
ontology and the concept schemes (each file in its own named graph, so that a finding names its
file). The findings are the ones pySHACL reports: same focus node, path, value, source shape,
severity and messages; the equivalence tests hold both engines to that.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pyoxigraph import BlankNode as OxBlankNode
from pyoxigraph import Literal as OxLiteral
from pyoxigraph import NamedNode as OxNamedNode
from pyoxigraph import Store
from rdflib import RDF, RDFS, XSD, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH
from rdflib.term import Node

from efop.validation.compiled_constraints import (
    PYTHON_REGEX,
    ConstraintCompiler,
    PathPattern,
    UnsupportedShape,
    guarded,
    same_language,
    sparql_term,
)
from efop.validation.compiled_messages import generic_messages
from efop.validation.report import Finding, ValidationReport
from efop.validation.store_sources import StoredFile, StoreSources
from efop.validation.terms import messages_of, shape_name, short

TARGETS = [SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target]
SEVERITIES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}


@dataclass(frozen=True)
class Check:
    """One SELECT query returning the violations of one constraint of one shape."""

    shape: Node
    path: Node | None
    query: str
    prefixes: str = ""
    component: URIRef = SH.property
    """The parameter checked (for the messages of a shape that states none)."""
    pattern: re.Pattern[str] | None = None
    """When set, the query returns candidate values and Python's ``re`` judges them."""


def validate_store(sources: StoreSources) -> ValidationReport:
    """Validate the data files held in ``sources.store`` against ``sources.shapes``."""
    compiler = ConstraintCompiler(sources.shapes, class_closure(sources.store))
    checks = compile_shapes(sources.shapes, compiler)
    functions = {OxNamedNode(PYTHON_REGEX): python_regex(compiler.regexes)}
    locator = StoreLocator(
        sources.store, [*sources.data, *sources.ontology_files, *sources.context]
    )
    context_files = {part.path for part in sources.context}
    findings = []
    for check in checks:
        for focus, value in run(sources.store, check, functions):
            finding = to_finding(sources, check, focus, value, locator)
            if finding.file not in context_files:
                findings.append(finding)
    findings.sort(key=lambda f: (str(f.file or ""), f.focus, f.path or "", f.value or ""))
    conforms = not any(f.severity == "Violation" for f in findings)
    return ValidationReport(conforms, findings, files_checked=len(sources.data))


def compile_shapes(shapes: Graph, compiler: ConstraintCompiler) -> list[Check]:
    """Every check of every targeted shape; raises :class:`UnsupportedShape` on any gap."""
    declared = set(shapes.subjects(RDF.type, SH.NodeShape))
    declared |= set(shapes.subjects(RDF.type, SH.PropertyShape))
    declared |= set(shapes.objects(None, SH.property))
    for shape in declared:
        compiler.check_parameters(shape)
        if (shape, RDF.type, RDFS.Class) in shapes:
            raise UnsupportedShape(shape, "implicit class target (shape that is an rdfs:Class)")
    targeted = sorted({s for t in TARGETS for s in shapes.subjects(t, None)}, key=str)
    checks: list[Check] = []
    for shape in targeted:
        if compiler.deactivated(shape):
            continue
        focus = focus_pattern(shapes, shape)
        if shapes.value(shape, SH.path) is not None:
            checks += property_checks(compiler, shape, focus)
            continue
        compiler.check_parameters(shape)
        compiler.pair_properties(shape)
        for parameter in compiler.value_parameters(shape):
            condition = guarded(compiler.value_condition("?this", shape, parameter))
            query = (
                f"SELECT ?this (?this AS ?value) WHERE {{ {focus.pattern} FILTER(!{condition}) }}"
            )
            checks.append(Check(shape, None, query, focus.prefixes, parameter))
        for prop in sorted(shapes.objects(shape, SH.property), key=str):
            if not compiler.deactivated(prop):
                checks += property_checks(compiler, prop, focus)
    return checks


@dataclass(frozen=True)
class Focus:
    """The focus nodes of a shape: a group pattern binding ``?this``, with its prefixes.

    ``subjects_of`` lists the predicates when the only targets are ``sh:targetSubjectsOf``:
    a node with a value for one of them is then a focus node without further test.
    """

    pattern: str
    prefixes: str
    subjects_of: frozenset[URIRef] | None


def property_checks(compiler: ConstraintCompiler, shape: Node, focus: Focus) -> list[Check]:
    """One check per constraint of a property shape, over the focus nodes of ``focus``."""
    compiler.check_parameters(shape)
    shapes = compiler.shapes
    path = compiler.path(shape)
    path_node = shapes.value(shape, SH.path)
    prefixes = focus.prefixes
    queries = [
        (focus_query(compiler, shape, focus.pattern, path, p), p)
        for p in compiler.focus_parameters(shape)
    ]
    checks = [Check(shape, path_node, q, prefixes, p) for q, p in queries if q]
    implied = focus.subjects_of is not None and path.predicates is not None
    implied = implied and set(path.predicates or ()) <= set(focus.subjects_of or ())
    scope = "" if implied else focus.pattern
    for parameter in compiler.value_parameters(shape):
        values = f"SELECT DISTINCT ?this ?value WHERE {{ {scope} {path('?this', '?value')}"
        pattern = compiler.python_pattern(shape) if parameter == SH.pattern else None
        if pattern is not None:
            checks.append(Check(shape, path_node, values + " }", prefixes, parameter, pattern))
            continue
        condition = guarded(compiler.value_condition("?value", shape, parameter))
        query = f"{values} FILTER(!{condition}) }}"
        checks.append(Check(shape, path_node, query, prefixes, parameter))
    for other in compiler.pair_properties(shape):
        query = (
            f"SELECT DISTINCT ?this ?value WHERE {{ {scope} {path('?this', '?value')} "
            f"?this {other} ?value }}"
        )
        checks.append(Check(shape, path_node, query, prefixes, SH.disjoint))
    for nested in sorted(shapes.objects(shape, SH.property), key=str):
        raise UnsupportedShape(nested, "sh:property of a property shape")
    return checks


def focus_query(
    compiler: ConstraintCompiler, shape: Node, focus: str, path: PathPattern, parameter: URIRef
) -> str:
    """The violations of one focus-level constraint (no value: pySHACL reports none)."""
    if parameter == SH.minCount:
        limit = compiler.integer(shape, parameter)
        if limit == 0:
            return ""
        if limit == 1:
            return f"SELECT ?this WHERE {{ {focus} FILTER NOT EXISTS {{ {path('?this', '?v')} }} }}"
        return count_query(focus, f"OPTIONAL {{ {path('?this', '?v')} }}", f"< {limit}")
    if parameter == SH.maxCount:
        limit = compiler.integer(shape, parameter)
        return count_query(focus, f"{path('?this', '?v')}", f"> {limit}")
    if parameter == SH.hasValue:
        value = sparql_term(compiler.single(shape, parameter))
        return f"SELECT ?this WHERE {{ {focus} FILTER NOT EXISTS {{ {path('?this', value)} }} }}"
    if parameter == SH.uniqueLang:
        if compiler.single(shape, parameter) != Literal(True):
            return ""
        return (
            f"SELECT DISTINCT ?this (LCASE(lang(?v)) AS ?language) WHERE {{ {focus} "
            f"{path('?this', '?v')} {path('?this', '?w')} {same_language('?v', '?w')} }}"
        )
    qualified = compiler.single(shape, SH.qualifiedValueShape)
    condition = compiler.conforms("?v", qualified)
    has_max = (shape, SH.qualifiedMaxCount, None) in compiler.shapes
    if not has_max and compiler.integer(shape, SH.qualifiedMinCount) == 1:
        return (
            f"SELECT ?this WHERE {{ {focus} "
            f"FILTER NOT EXISTS {{ {path('?this', '?v')} FILTER({condition}) }} }}"
        )
    matching = f"OPTIONAL {{ {path('?this', '?v')} FILTER({condition}) }}"
    tests = []
    if (shape, SH.qualifiedMinCount, None) in compiler.shapes:
        tests.append(f"?n < {compiler.integer(shape, SH.qualifiedMinCount)}")
    if (shape, SH.qualifiedMaxCount, None) in compiler.shapes:
        tests.append(f"?n > {compiler.integer(shape, SH.qualifiedMaxCount)}")
    return count_query(focus, matching, "", " || ".join(tests))


def count_query(focus: str, values: str, test: str, full_test: str = "") -> str:
    condition = full_test or f"?n {test}"
    return (
        f"SELECT ?this WHERE {{ {{ SELECT ?this (COUNT(DISTINCT ?v) AS ?n) WHERE {{ {focus} "
        f"{values} }} GROUP BY ?this }} FILTER({condition}) }}"
    )


def focus_pattern(shapes: Graph, shape: Node) -> Focus:
    """The focus nodes of a shape, from its targets."""
    options: list[str] = []
    prefixes = ""
    for cls in sorted(shapes.objects(shape, SH.targetClass)):
        options.append(
            f"{{ ?this {sparql_term(RDF.type)} ?type . "
            f"?type {sparql_term(RDFS.subClassOf)}* {sparql_term(cls)} }}"
        )
    for node in sorted(shapes.objects(shape, SH.targetNode)):
        options.append(f"{{ VALUES ?this {{ {sparql_term(node)} }} }}")
    for predicate in sorted(shapes.objects(shape, SH.targetSubjectsOf)):
        options.append(f"{{ ?this {sparql_term(predicate)} ?object }}")
    for predicate in sorted(shapes.objects(shape, SH.targetObjectsOf)):
        options.append(f"{{ ?subject {sparql_term(predicate)} ?this }}")
    for target in sorted(shapes.objects(shape, SH.target)):
        if (target, RDF.type, SH.SPARQLTarget) not in shapes:
            raise UnsupportedShape(shape, "sh:target that is not a sh:SPARQLTarget")
        select = shapes.value(target, SH.select)
        if select is None or re.search(r"^\s*(PREFIX|BASE)\b", str(select), re.I | re.M):
            raise UnsupportedShape(shape, "sh:SPARQLTarget without a plain sh:select")
        options.append(f"{{ {select} }}")
        prefixes += declared_prefixes(shapes, shape, target)
    union = " UNION ".join(options)
    subjects_of = frozenset(shapes.objects(shape, SH.targetSubjectsOf))
    only_subjects_of = not any(shapes.value(shape, t) for t in TARGETS if t != SH.targetSubjectsOf)
    return Focus(
        f"{{ SELECT DISTINCT ?this WHERE {{ {union} }} }}",
        prefixes,
        subjects_of if only_subjects_of else None,
    )


def declared_prefixes(shapes: Graph, shape: Node, target: Node) -> str:
    """The PREFIX lines a SPARQL target declares through ``sh:prefixes`` / ``sh:declare``."""
    lines = []
    for holder in shapes.objects(target, SH.prefixes):
        for declaration in shapes.objects(holder, SH.declare):
            prefix = shapes.value(declaration, SH.prefix)
            namespace = shapes.value(declaration, SH.namespace)
            if prefix is None or namespace is None:
                raise UnsupportedShape(shape, "sh:declare without sh:prefix and sh:namespace")
            lines.append(f"PREFIX {prefix}: {sparql_term(URIRef(str(namespace)))}\n")
    return "".join(sorted(set(lines)))


def class_closure(store: Store):
    """A cached function: a class and its subclasses (``rdfs:subClassOf*``) in the data."""

    @cache
    def subclasses(cls: URIRef) -> list[URIRef]:
        query = (
            f"SELECT DISTINCT ?c WHERE {{ ?c {sparql_term(RDFS.subClassOf)}* {sparql_term(cls)} }}"
        )
        found = {
            URIRef(row["c"].value)
            for row in store.query(query, use_default_graph_as_union=True)
            if isinstance(row["c"], OxNamedNode)
        }
        return sorted(found | {cls})

    return subclasses


def python_regex(patterns: list[re.Pattern[str]]):
    """The custom SPARQL function that evaluates a pattern with Python's ``re.search``."""

    def search(text: OxLiteral, index: OxLiteral) -> OxLiteral:
        found = patterns[int(index.value)].search(text.value) is not None
        return OxLiteral("true" if found else "false", datatype=OxNamedNode(str(XSD.boolean)))

    return search


def run(store: Store, check: Check, functions) -> Iterator[tuple[Node, Node | None]]:
    try:
        solutions = store.query(
            check.prefixes + check.query,
            use_default_graph_as_union=True,
            custom_functions=functions,
        )
    except SyntaxError as error:
        raise UnsupportedShape(check.shape, f"query that does not parse ({error})") from error
    variables = {v.value for v in solutions.variables}
    judged: dict[str, bool] = {}
    for solution in solutions:
        value = solution["value"] if "value" in variables else None
        if check.pattern is not None and not isinstance(value, OxBlankNode):
            text = value.value
            if text not in judged:
                judged[text] = check.pattern.search(text) is not None
            if judged[text]:
                continue
        yield to_rdflib(solution["this"]), None if value is None else to_rdflib(value)


def to_rdflib(term) -> Node:
    """An rdflib term equal to what rdflib's parsers produce for the same RDF term."""
    if isinstance(term, OxNamedNode):
        return URIRef(term.value)
    if isinstance(term, OxBlankNode):
        return BNode(term.value)
    if isinstance(term, OxLiteral):
        if term.language:
            return Literal(term.value, lang=term.language)
        if term.datatype.value == str(XSD.string):
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise TypeError(f"unexpected term {term!r}")


def to_finding(
    sources: StoreSources, check: Check, focus: Node, value: Node | None, locator: StoreLocator
) -> Finding:
    shapes = sources.shapes
    path = reported_path(shapes, check.path, focus, value, sources.store)
    severity = shapes.value(check.shape, SH.severity)
    if (check.shape, SH.message, None) in shapes:
        message_fr, message_en = messages_of(shapes.objects(check.shape, SH.message))
    else:
        message_fr, message_en = generic_messages(shapes, check.shape, check.component)
    return Finding(
        file=locator.file_of(focus, path, value),
        focus=short(focus),
        path=short(path) if isinstance(path, URIRef) else None,
        value=None if value is None else short(value),
        shape=shape_name(shapes, check.shape),
        severity=SEVERITIES.get(severity, str(severity).rsplit("#", 1)[-1])
        if severity
        else "Violation",
        message_fr=message_fr,
        message_en=message_en,
    )


def reported_path(
    shapes: Graph, path: Node | None, focus: Node, value: Node | None, store: Store
) -> Node | None:
    """The property a result is about; for an alternative path, the first one holding the value."""
    if path is None or isinstance(path, URIRef) or value is None:
        return path
    alternatives = shapes.value(path, SH.alternativePath)
    if alternatives is None:
        return path
    for candidate in Collection(shapes, alternatives):
        if isinstance(candidate, URIRef) and next(
            store.quads_for_pattern(to_ox(focus), to_ox(candidate), to_ox(value)), None
        ):
            return candidate
    return path


def to_ox(term: Node):
    if isinstance(term, URIRef):
        return OxNamedNode(str(term))
    if isinstance(term, BNode):
        return OxBlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return OxLiteral(str(term), language=term.language)
        datatype = OxNamedNode(str(term.datatype)) if term.datatype else None
        return OxLiteral(str(term), datatype=datatype)
    raise TypeError(f"unexpected term {term!r}")


class StoreLocator:
    """Finds the file that states a resource: the offending triple, then its description."""

    def __init__(self, store: Store, parts: list[StoredFile]) -> None:
        self.store = store
        self.rank = {part.graph: rank for rank, part in enumerate(parts)}
        self.paths = [part.path for part in parts]

    def file_of(self, focus: Node | None, path: Node | None, value: Node | None) -> Path | None:
        if focus is None:
            return None
        subject = to_ox(focus)
        patterns = []
        if isinstance(path, URIRef) and value is not None:
            patterns.append((subject, to_ox(path), to_ox(value)))
        patterns.append((subject, OxNamedNode(str(RDF.type)), None))
        patterns.append((subject, None, None))
        patterns.append((None, None, subject))
        for s, p, o in patterns:
            if isinstance(s, OxLiteral):
                continue
            ranks = [
                self.rank[q.graph_name]
                for q in self.store.quads_for_pattern(s, p, o)
                if q.graph_name in self.rank
            ]
            if ranks:
                return self.paths[min(ranks)]
        return None
