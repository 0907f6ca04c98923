"""``/shapes``: the SHACL shapes the data is checked against, where the ``efsh:`` names of every
validation report lead.

The build keeps no copy of the shapes, so the files of the repository's ``shapes/`` are read and
merged once per process. The document is negotiated like any other (Turtle, JSON-LD, RDF/XML,
N-Triples); people get a page listing each node shape with its name, description and target.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, render_template, request
from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, Triple, parse

from efop.namespaces import PREFIXES
from efop.web.caching import Rendered, serve
from efop.web.context import serving
from efop.web.linkeddata import negotiated_headers
from efop.web.negotiation import (
    ALL_FORMATS,
    HTML,
    RDF_FORMATS,
    Format,
    choose,
    choose_language,
    split_suffix,
)
from efop.web.representation import serialize_triples
from efop.web.resource_page import namer

blueprint = Blueprint("shapes_doc", __name__)

PATH = "shapes"
SH = PREFIXES["sh"]
RDF_TYPE = NamedNode(PREFIXES["rdf"] + "type")
NODE_SHAPE = NamedNode(SH + "NodeShape")
TARGETS = ("targetClass", "targetSubjectsOf", "targetObjectsOf", "targetNode")
_lock = threading.Lock()


def read_shapes(directory: Path) -> list[Triple]:
    """The triples of every ``*.ttl`` file of ``directory``, merged (blank nodes kept apart)."""
    triples: list[Triple] = []
    for path in sorted(directory.glob("*.ttl")):
        fresh: dict[BlankNode, BlankNode] = {}

        def apart(term, fresh: dict[BlankNode, BlankNode] = fresh):
            return fresh.setdefault(term, BlankNode()) if isinstance(term, BlankNode) else term

        triples.extend(
            Triple(apart(t.subject), t.predicate, apart(t.object))
            for t in parse(path=str(path), format=RdfFormat.TURTLE)
        )
    return triples


def shapes_triples() -> list[Triple]:
    """The shapes, read once per process."""
    holder = current_app.extensions.setdefault("efop.shapes", {})
    with _lock:
        if "triples" not in holder:
            holder["triples"] = read_shapes(serving().settings.shapes_dir)
    return holder["triples"]


@dataclass
class ShapeSummary:
    """What the page says of one node shape."""

    iri: str
    name: str | None
    description: str | None
    targets: list[tuple[str, str]]


def _text(values: list[Literal], lang: str) -> str | None:
    by_language = {v.language or "": v.value for v in values}
    for wanted in (lang, "fr", "en", ""):
        if wanted in by_language:
            return by_language[wanted]
    return None


def summaries(triples: list[Triple], lang: str) -> list[ShapeSummary]:
    """One summary per named node shape, in the order of their compact names."""
    shapes = sorted(
        {
            t.subject.value
            for t in triples
            if t.predicate == RDF_TYPE
            and t.object == NODE_SHAPE
            and isinstance(t.subject, NamedNode)
        }
    )
    found = []
    for iri in shapes:
        about = [t for t in triples if t.subject == NamedNode(iri)]

        def literals(term: str, about: list[Triple] = about) -> list[Literal]:
            return [
                t.object
                for t in about
                if t.predicate.value == SH + term and isinstance(t.object, Literal)
            ]

        targets = [
            (term, t.object.value)
            for term in TARGETS
            for t in about
            if t.predicate.value == SH + term and isinstance(t.object, NamedNode)
        ]
        found.append(
            ShapeSummary(
                iri, _text(literals("name"), lang), _text(literals("description"), lang), targets
            )
        )
    return found


def _serve(suffix: Format | None) -> Response:
    choice = choose(request, ALL_FORMATS, suffix=suffix)
    fmt = choice.format
    lang = choose_language(request) if fmt is HTML else ""
    base = serving().settings.base_iri

    def render() -> Rendered:
        triples = shapes_triples()
        if not triples:
            abort(404)
        if fmt is HTML:
            html = render_template(
                "shapes.html",
                names=namer(lang),
                shapes=summaries(triples, lang),
                formats=[(f, f"{request.script_root}/{PATH}{f.suffix}") for f in RDF_FORMATS],
            )
            return Rendered(html.encode("utf-8"), HTML.content_type)
        return Rendered(serialize_triples(triples, fmt, base), fmt.content_type)

    vary = "Accept, Accept-Language" if fmt is HTML else "Accept"
    return serve(
        ("shapes", fmt.name, lang), render, vary=vary, headers=negotiated_headers(PATH, choice)
    )


@blueprint.route("/shapes")
def shapes() -> Response:
    return _serve(None)


@blueprint.route("/shapes.<ext>")
def shapes_suffixed(ext: str) -> Response:
    _, suffix = split_suffix(f"{PATH}.{ext}")
    if suffix is None:
        abort(404)
    return _serve(suffix)
