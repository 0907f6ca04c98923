"""How validation results name things: compact terms, source shapes and bilingual messages.

Both validation engines report through these functions, so that their findings read the same.
"""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import XSD, Graph, Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from efop.namespaces import PREFIXES


def messages_of(values: Iterable[Node]) -> tuple[str, str]:
    """The French and English messages among ``values`` (either falls back to the other)."""
    by_lang: dict[str, str] = {}
    for message in values:
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
        return literal_text(term)
    return str(term)


def literal_text(literal: Literal) -> str:
    """A literal as written in Turtle, in the RDF 1.1 form both engines agree on.

    ``"x"^^xsd:string`` and ``"x"`` are the same literal (shown as ``"x"``), and language tags
    are case-insensitive (shown in lower case, as Oxigraph stores them).
    """
    if literal.language:
        return Literal(str(literal), lang=literal.language.lower()).n3()
    if literal.datatype == XSD.string:
        return Literal(str(literal)).n3()
    return literal.n3()


def is_local_name(name: str) -> bool:
    return bool(name) and all(c.isalnum() or c in "-_" for c in name)
