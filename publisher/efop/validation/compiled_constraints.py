"""SHACL Core constraints as SPARQL expressions, for the compiled validation engine.

A shape is turned into a boolean SPARQL expression that holds when a node conforms to it, so
that ``sh:node``, ``sh:or``, ``sh:not`` and ``sh:qualifiedValueShape`` nest as ``EXISTS``
filters inside one query instead of one Python call per node. Every condition is wrapped in
``COALESCE(..., false)``: a SPARQL evaluation error (comparing a string with a number, casting an
ill-typed literal) means "does not conform", which is what SHACL says.

Only the subset of SHACL Core the project's shapes use is compiled; any other SHACL parameter
raises :class:`UnsupportedShape` naming the shape and the construct, never a silent skip.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from itertools import count

from pyoxigraph import Literal as OxLiteral
from pyoxigraph import NamedNode as OxNamedNode
from rdflib import RDF, RDFS, XSD, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH
from rdflib.term import Node

PYTHON_REGEX = "urn:efop:validation:python-regex"
"""A custom SPARQL function: Python ``re.search`` for patterns Oxigraph's regex engine lacks."""

VALUE_PARAMETERS = {
    SH["class"],
    SH.datatype,
    SH.nodeKind,
    SH["in"],
    SH.languageIn,
    SH.pattern,
    SH.flags,
    SH.minLength,
    SH.maxLength,
    SH.minInclusive,
    SH.maxInclusive,
    SH.minExclusive,
    SH.maxExclusive,
    SH.node,
    SH["or"],
    SH["and"],
    SH["not"],
}
"""Parameters checked on each value node (the focus node itself for a node shape)."""

FOCUS_PARAMETERS = {
    SH.minCount,
    SH.maxCount,
    SH.hasValue,
    SH.uniqueLang,
    SH.qualifiedValueShape,
    SH.qualifiedMinCount,
    SH.qualifiedMaxCount,
}
"""Parameters of a property shape checked once per focus node."""

PAIR_PARAMETERS = {SH.disjoint}
"""Parameters of a property shape comparing each value with another property of the focus."""

DESCRIPTIVE = {
    SH.name,
    SH.description,
    SH.message,
    SH.severity,
    SH.deactivated,
    SH.order,
    SH.group,
    SH.defaultValue,
    SH.path,
    SH.property,
    SH.targetClass,
    SH.targetNode,
    SH.targetSubjectsOf,
    SH.targetObjectsOf,
    SH.target,
    SH.declare,
    SH.prefixes,
}
"""Parameters that select, describe or structure shapes rather than constrain values."""

SHAPE_PARAMETERS = VALUE_PARAMETERS | FOCUS_PARAMETERS | PAIR_PARAMETERS | DESCRIPTIVE

PATHS_AND_TARGETS = {
    SH.alternativePath,
    SH.inversePath,
    SH.zeroOrMorePath,
    SH.oneOrMorePath,
    SH.zeroOrOnePath,
    SH.select,
    SH.prefix,
    SH.namespace,
}
"""Terms of property paths, SPARQL targets and prefix declarations, found on other nodes."""

SUPPORTED = SHAPE_PARAMETERS | PATHS_AND_TARGETS
CHECKED_DATATYPES = {
    XSD.integer,
    XSD.decimal,
    XSD.float,
    XSD.double,
    XSD.boolean,
    XSD.date,
    XSD.time,
    XSD.dateTime,
}
"""Datatypes whose literals must also be well formed (the ones pySHACL checks through rdflib)."""
NODE_KINDS = {
    SH.IRI: "isIRI({v})",
    SH.BlankNode: "isBlank({v})",
    SH.Literal: "isLiteral({v})",
    SH.BlankNodeOrIRI: "(isIRI({v}) || isBlank({v}))",
    SH.BlankNodeOrLiteral: "(isBlank({v}) || isLiteral({v}))",
    SH.IRIOrLiteral: "(isIRI({v}) || isLiteral({v}))",
}
COMPARISONS = {
    SH.minInclusive: ">=",
    SH.maxInclusive: "<=",
    SH.minExclusive: ">",
    SH.maxExclusive: "<",
}
PYTHON_ONLY_REGEX = re.compile(r"\(\?<?[=!]|\\[1-9]|\(\?P[=<]")
PYTHON_FLAGS = {"i": re.IGNORECASE, "m": re.MULTILINE, "s": re.DOTALL, "x": re.VERBOSE}


class UnsupportedShape(Exception):
    """A shape uses a SHACL construct the compiled engine does not implement."""

    def __init__(self, shape: Node, construct: str) -> None:
        self.shape = shape
        self.construct = construct
        super().__init__(f"shape {shape.n3()}: unsupported SHACL construct {construct}")


def sparql_term(term: Node) -> str:
    """A term of the shapes graph written for a SPARQL query (escaped by pyoxigraph)."""
    if isinstance(term, URIRef):
        return str(OxNamedNode(str(term)))
    if isinstance(term, Literal):
        if term.language:
            return str(OxLiteral(str(term), language=term.language))
        datatype = OxNamedNode(str(term.datatype)) if term.datatype else None
        return str(OxLiteral(str(term), datatype=datatype))
    raise TypeError(f"no SPARQL form for {term!r}")


def string_literal(text: str) -> str:
    return str(OxLiteral(text))


class ConstraintCompiler:
    """Compiles shapes of one shapes graph into SPARQL, given the classes known to the data.

    ``subclasses`` returns a class and its subclasses (``rdfs:subClassOf*`` in the data),
    ``regexes`` collects the patterns that the Python regex function must evaluate.
    """

    def __init__(self, shapes: Graph, subclasses: Callable[[URIRef], list[URIRef]]) -> None:
        self.shapes = shapes
        self.subclasses = subclasses
        self.regexes: list[re.Pattern[str]] = []
        self._names = count()
        self._stack: list[Node] = []

    # ------------------------------------------------------------------ shape structure

    def check_parameters(self, shape: Node) -> None:
        """Refuse a shape that uses a SHACL parameter this compiler does not implement."""
        for predicate in set(self.shapes.predicates(shape, None)):
            if str(predicate).startswith(str(SH)) and predicate not in SHAPE_PARAMETERS:
                raise UnsupportedShape(shape, self.shapes.namespace_manager.normalizeUri(predicate))
        if self.shapes.value(shape, SH.qualifiedValueShapesDisjoint, default=Literal(False)) in (
            Literal(True),
        ):
            raise UnsupportedShape(shape, "sh:qualifiedValueShapesDisjoint")
        messages = [str(m) for m in self.shapes.objects(shape, SH.message)]
        if any("{$" in m or "{?" in m for m in messages):
            raise UnsupportedShape(shape, "templated sh:message")

    def deactivated(self, shape: Node) -> bool:
        return self.shapes.value(shape, SH.deactivated) == Literal(True)

    def single(self, shape: Node, parameter: URIRef) -> Node:
        values = list(self.shapes.objects(shape, parameter))
        if len(values) != 1:
            name = self.shapes.namespace_manager.normalizeUri(parameter)
            raise UnsupportedShape(shape, f"{name} with {len(values)} values")
        return values[0]

    def integer(self, shape: Node, parameter: URIRef) -> int:
        value = self.single(shape, parameter)
        if not isinstance(value, Literal) or not isinstance(value.toPython(), int):
            raise UnsupportedShape(shape, f"non-integer {parameter}")
        return int(value.toPython())

    def members(self, shape: Node, parameter: URIRef) -> list[Node]:
        head = self.single(shape, parameter)
        return list(Collection(self.shapes, head))

    def path(self, shape: Node) -> PathPattern:
        """The triple pattern linking a focus node to its values along a shape's ``sh:path``."""
        node = self.single(shape, SH.path)
        alternatives = self.shapes.value(node, SH.alternativePath)
        if isinstance(node, URIRef):
            return PathPattern(self, sparql_term(node), [node])
        if alternatives is not None:
            options = list(Collection(self.shapes, alternatives))
            if all(isinstance(option, URIRef) for option in options):
                return PathPattern(self, "", options)
        return PathPattern(self, self.path_of(shape, node), None)

    def path_of(self, shape: Node, node: Node) -> str:
        """The SPARQL property path of a SHACL path."""
        if isinstance(node, URIRef):
            return sparql_term(node)
        if not isinstance(node, BNode):
            raise UnsupportedShape(shape, f"sh:path {node!r}")
        if (node, RDF.first, None) in self.shapes:
            steps = [self.path_of(shape, step) for step in Collection(self.shapes, node)]
            return "(" + "/".join(steps) + ")"
        unary = {
            SH.inversePath: "^{}",
            SH.zeroOrMorePath: "{}*",
            SH.oneOrMorePath: "{}+",
            SH.zeroOrOnePath: "{}?",
        }
        for predicate, template in unary.items():
            inner = self.shapes.value(node, predicate)
            if inner is not None:
                return "(" + template.format(self.path_of(shape, inner)) + ")"
        alternatives = self.shapes.value(node, SH.alternativePath)
        if alternatives is not None:
            options = [self.path_of(shape, p) for p in Collection(self.shapes, alternatives)]
            return "(" + "|".join(options) + ")"
        raise UnsupportedShape(shape, "this form of sh:path")

    def variable(self) -> str:
        return f"?v{next(self._names)}"

    # ------------------------------------------------------------------ conformance

    def conforms(self, node: str, shape: Node) -> str:
        """An expression that holds when ``node`` (a variable or term) conforms to ``shape``."""
        if shape in self._stack:
            raise UnsupportedShape(shape, "recursive shape reference")
        self.check_parameters(shape)
        if self.deactivated(shape):
            return "true"
        self._stack.append(shape)
        try:
            if self.shapes.value(shape, SH.path) is not None:
                parts = [self.property_conforms(node, shape)]
            else:
                parts = [self.value_condition(node, shape, p) for p in self.value_parameters(shape)]
                for prop in self.shapes.objects(shape, SH.property):
                    parts.append(self.conforms(node, prop))
        finally:
            self._stack.pop()
        return guarded(" && ".join(parts) if parts else "true")

    def property_conforms(self, focus: str, shape: Node) -> str:
        """Conformance of a focus node to a property shape, as one expression."""
        self.check_parameters(shape)
        if self.deactivated(shape):
            return "true"
        path = self.path(shape)
        parts = [self.focus_condition(focus, shape, path, p) for p in self.focus_parameters(shape)]
        value_parameters = self.value_parameters(shape)
        if value_parameters:
            value = self.variable()
            ok = " && ".join(self.value_condition(value, shape, p) for p in value_parameters)
            parts.append(f"NOT EXISTS {{ {path(focus, value)} FILTER(!{guarded(ok)}) }}")
        for other in self.pair_properties(shape):
            value = self.variable()
            parts.append(f"NOT EXISTS {{ {path(focus, value)} {focus} {other} {value} }}")
        for prop in self.shapes.objects(shape, SH.property):
            value = self.variable()
            parts.append(
                f"NOT EXISTS {{ {path(focus, value)} FILTER(!{self.conforms(value, prop)}) }}"
            )
        return guarded(" && ".join(parts) if parts else "true")

    def pair_properties(self, shape: Node) -> list[str]:
        """The properties named by ``sh:disjoint``: no value may also be a value of them."""
        others = self.objects(shape, SH.disjoint)
        if others and self.shapes.value(shape, SH.path) is None:
            raise UnsupportedShape(shape, "sh:disjoint on a node shape")
        if any(not isinstance(other, URIRef) for other in others):
            raise UnsupportedShape(shape, "sh:disjoint with a blank node")
        return [sparql_term(other) for other in others]

    def value_parameters(self, shape: Node) -> list[URIRef]:
        found = {p for p in self.shapes.predicates(shape, None) if p in VALUE_PARAMETERS}
        found.discard(SH.flags)
        if self.shapes.value(shape, SH.path) is None and (shape, SH.hasValue, None) in self.shapes:
            found.add(SH.hasValue)
        return sorted(found)

    def focus_parameters(self, shape: Node) -> list[URIRef]:
        found = {p for p in self.shapes.predicates(shape, None) if p in FOCUS_PARAMETERS}
        if SH.qualifiedValueShape in found:
            found -= {SH.qualifiedMinCount, SH.qualifiedMaxCount}
        elif found & {SH.qualifiedMinCount, SH.qualifiedMaxCount}:
            raise UnsupportedShape(shape, "sh:qualifiedMinCount without sh:qualifiedValueShape")
        return sorted(found)

    # ------------------------------------------------------------------ value constraints

    def value_condition(self, v: str, shape: Node, parameter: URIRef) -> str:
        """An expression that holds when value ``v`` satisfies one parameter of ``shape``."""
        if parameter == SH["class"]:
            return self.class_condition(v, shape)
        if parameter == SH.datatype:
            return " && ".join(datatype_condition(v, d) for d in self.objects(shape, parameter))
        if parameter == SH.nodeKind:
            kind = self.single(shape, parameter)
            if kind not in NODE_KINDS:
                raise UnsupportedShape(shape, f"sh:nodeKind {kind}")
            return NODE_KINDS[kind].format(v=v)
        if parameter == SH["in"]:
            options = self.members(shape, parameter)
            return any_of(f"sameTerm({v}, {sparql_term(o)})" for o in options)
        if parameter == SH.hasValue:
            return f"sameTerm({v}, {sparql_term(self.single(shape, parameter))})"
        if parameter == SH.languageIn:
            tags = self.members(shape, parameter)
            matches = any_of(f"langMatches(lang({v}), {string_literal(str(t))})" for t in tags)
            return f"(isLiteral({v}) && {matches})"
        if parameter == SH.pattern:
            return self.pattern_condition(v, shape)
        if parameter in (SH.minLength, SH.maxLength):
            limit = self.integer(shape, parameter)
            operator = ">=" if parameter == SH.minLength else "<="
            if parameter == SH.minLength and limit == 0:
                return "true"
            return f"(!isBlank({v}) && STRLEN(STR({v})) {operator} {limit})"
        if parameter in COMPARISONS:
            bound = sparql_term(self.single(shape, parameter))
            return f"({v} {COMPARISONS[parameter]} {bound})"
        if parameter == SH.node:
            return " && ".join(self.conforms(v, s) for s in self.objects(shape, parameter))
        if parameter == SH["or"]:
            return " && ".join(
                any_of(self.conforms(v, s) for s in Collection(self.shapes, head))
                for head in self.objects(shape, parameter)
            )
        if parameter == SH["and"]:
            return " && ".join(
                self.conforms(v, s)
                for head in self.objects(shape, parameter)
                for s in Collection(self.shapes, head)
            )
        if parameter == SH["not"]:
            return " && ".join(f"!{self.conforms(v, s)}" for s in self.objects(shape, parameter))
        raise UnsupportedShape(shape, str(parameter))

    def objects(self, shape: Node, parameter: URIRef) -> list[Node]:
        return sorted(self.shapes.objects(shape, parameter))

    def class_condition(self, v: str, shape: Node) -> str:
        parts = []
        for cls in self.objects(shape, SH["class"]):
            if not isinstance(cls, URIRef):
                raise UnsupportedShape(shape, "sh:class with a blank node")
            # One EXISTS per class: Oxigraph answers each with one index lookup, much faster
            # than one EXISTS binding the type with VALUES.
            typed = (
                f"EXISTS {{ {v} {sparql_term(RDF.type)} {sparql_term(c)} }}"
                for c in self.subclasses(cls)
            )
            parts.append(any_of(typed))
        return " && ".join(parts)

    def python_pattern(self, shape: Node) -> re.Pattern[str] | None:
        """The shape's ``sh:pattern`` compiled by Python's ``re`` when Oxigraph cannot run it.

        Oxigraph's regular expressions (Rust's ``regex``) have no lookaround and no
        back-references; pySHACL uses Python's ``re``, so such patterns are evaluated in Python.
        """
        pattern = str(self.single(shape, SH.pattern))
        flags = self.shapes.value(shape, SH.flags)
        flag_text = str(flags) if flags is not None else ""
        if any(f not in PYTHON_FLAGS for f in flag_text):
            raise UnsupportedShape(shape, f"sh:flags {flag_text!r}")
        if not PYTHON_ONLY_REGEX.search(pattern):
            return None
        python_flags = 0
        for flag in flag_text:
            python_flags |= PYTHON_FLAGS[flag]
        return re.compile(pattern, python_flags)

    def pattern_condition(self, v: str, shape: Node) -> str:
        compiled = self.python_pattern(shape)
        if compiled is not None:
            if compiled not in self.regexes:
                self.regexes.append(compiled)
            index = self.regexes.index(compiled)
            call = f"<{PYTHON_REGEX}>(STR({v}), {index})"
            return f"(!isBlank({v}) && {call})"
        pattern = str(self.single(shape, SH.pattern))
        flag_text = str(self.shapes.value(shape, SH.flags) or "")
        arguments = f"STR({v}), {string_literal(pattern)}"
        if flag_text:
            arguments += f", {string_literal(flag_text)}"
        return f"(!isBlank({v}) && REGEX({arguments}))"

    # ------------------------------------------------------------------ per-focus constraints

    def focus_condition(self, focus: str, shape: Node, path: PathPattern, parameter: URIRef) -> str:
        """One focus-level parameter of a property shape, nested inside another condition."""
        v, w = self.variable(), self.variable()
        if parameter == SH.minCount:
            limit = self.integer(shape, parameter)
            if limit == 0:
                return "true"
            if limit == 1:
                return f"EXISTS {{ {path(focus, v)} }}"
        elif parameter == SH.maxCount:
            limit = self.integer(shape, parameter)
            if limit == 0:
                return f"NOT EXISTS {{ {path(focus, v)} }}"
            if limit == 1:
                return (
                    f"NOT EXISTS {{ {path(focus, v)} {path(focus, w)} "
                    f"FILTER(!sameTerm({v}, {w})) }}"
                )
        elif parameter == SH.hasValue:
            return f"EXISTS {{ {path(focus, sparql_term(self.single(shape, parameter)))} }}"
        elif parameter == SH.uniqueLang:
            if self.single(shape, parameter) != Literal(True):
                return "true"
            return f"NOT EXISTS {{ {path(focus, v)} {path(focus, w)} {same_language(v, w)} }}"
        elif parameter == SH.qualifiedValueShape:
            if (shape, SH.qualifiedMaxCount, None) in self.shapes:
                raise UnsupportedShape(shape, "nested sh:qualifiedMaxCount")
            limit = self.integer(shape, SH.qualifiedMinCount)
            if limit <= 1:
                inner = self.conforms(v, self.single(shape, parameter))
                return "true" if limit == 0 else f"EXISTS {{ {path(focus, v)} FILTER({inner}) }}"
        name = self.shapes.namespace_manager.normalizeUri(parameter)
        raise UnsupportedShape(shape, f"nested {name} above 1")


class PathPattern:
    """Writes the triple pattern from a focus node to a value along one SHACL path.

    A predicate or an alternative of predicates (``VALUES`` on the predicate, which Oxigraph
    joins much faster than a ``|`` property path); any other path as a SPARQL property path.
    ``predicates`` lists the predicates of the first two forms, None for the others.
    """

    def __init__(
        self, compiler: ConstraintCompiler, path: str, predicates: list[URIRef] | None
    ) -> None:
        self.compiler = compiler
        self.text = path
        self.predicates = predicates

    def __call__(self, focus: str, value: str) -> str:
        if self.text:
            return f"{focus} {self.text} {value} ."
        assert self.predicates is not None
        variable = self.compiler.variable()
        options = " ".join(sparql_term(p) for p in self.predicates)
        return f"{focus} {variable} {value} . VALUES {variable} {{ {options} }}"


def same_language(v: str, w: str) -> str:
    """A filter: two distinct literals with the same language tag (case-insensitive)."""
    return (
        f'FILTER(!sameTerm({v}, {w}) && isLiteral({v}) && lang({v}) != "" '
        f"&& LCASE(lang({v})) = LCASE(lang({w})))"
    )


def datatype_condition(v: str, datatype: Node) -> str:
    """``v`` is a literal of ``datatype``; for the checked datatypes, also well formed."""
    if datatype == RDF.langString:
        return f'(isLiteral({v}) && lang({v}) != "")'
    if datatype == RDFS.Literal:
        return f"isLiteral({v})"
    if not isinstance(datatype, URIRef):
        raise TypeError(f"sh:datatype {datatype!r}")
    iri = sparql_term(datatype)
    condition = f"(isLiteral({v}) && datatype({v}) = {iri}"
    if datatype in CHECKED_DATATYPES:
        condition += f" && sameTerm(datatype({iri}(STR({v}))), {iri})"
    return condition + ")"


def guarded(expression: str) -> str:
    """An expression whose evaluation errors count as false."""
    return f"COALESCE({expression}, false)"


def any_of(parts) -> str:
    listed = list(parts)
    return "(" + " || ".join(listed) + ")" if listed else "false"
