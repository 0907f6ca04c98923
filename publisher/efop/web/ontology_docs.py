"""The ontology IRI: HTML documentation generated from the ontology, and the ontology itself in
every RDF format, by negotiation or suffix; the version IRI answers the same way.

The documentation lists every class and property of the namespace with French and English
labels and definitions, hierarchy, domains and ranges, and shows a diagram of the main classes
drawn by :mod:`efop.web.diagram`. Concept schemes are ordinary resources under ``/id/scheme/``.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request
from pyoxigraph import BlankNode, NamedNode

from efop.build.loading import ONTOLOGY_GRAPH_PATH, published_iri
from efop.namespaces import DEFAULT_BASE, PREFIXES
from efop.web.caching import Rendered, serve
from efop.web.catalog import catalog
from efop.web.context import get_store, serving
from efop.web.diagram import class_diagram
from efop.web.linkeddata import negotiated_headers
from efop.web.negotiation import HTML, RDF_FORMATS, choose, choose_language, split_suffix
from efop.web.ontology_model import Ontology, ontology_triples, read_ontology
from efop.web.representation import serialize_triples
from efop.web.resource_page import namer

blueprint = Blueprint("ontology_docs", __name__)

VERSION_IRI = NamedNode(PREFIXES["owl"] + "versionIRI")
ONTOLOGY_GRAPH = DEFAULT_BASE + ONTOLOGY_GRAPH_PATH  # the vocabulary is never rebased
SVG_TYPE = "image/svg+xml; charset=utf-8"


def _triples():
    settings = serving().settings
    base = settings.base_iri
    return serving().memo(
        "ontology-triples",
        lambda: [
            t
            for t in ontology_triples(get_store(), ONTOLOGY_GRAPH, DEFAULT_BASE + "id/")
            if isinstance(t.subject, BlankNode) or not t.subject.value.startswith(base + "id/")
        ],
    )


def ontology() -> Ontology:
    iri = published_iri(serving().settings.base_iri, "ontology")
    return serving().memo("ontology", lambda: read_ontology(_triples(), iri))


def _serve_ontology(path: str, suffix) -> Response:
    choice = choose(request, suffix=suffix)
    fmt = choice.format
    lang = choose_language(request) if fmt is HTML else ""
    base = serving().settings.base_iri

    def render() -> Rendered:
        triples = _triples()
        if not triples:
            abort(404)
        if fmt is not HTML:
            return Rendered(serialize_triples(triples, fmt, base), fmt.content_type)
        html = render_template(
            "ontology.html",
            onto=ontology(),
            names=namer(lang),
            diagram=class_diagram(ontology(), lang, f"{request.script_root}/ontology"),
            formats=[(f, f"{request.script_root}/{path}{f.suffix}") for f in RDF_FORMATS],
            path=path,
            schemes=sorted(catalog().members(PREFIXES["skos"] + "ConceptScheme")),
        )
        return Rendered(html.encode("utf-8"), HTML.content_type)

    return serve(
        ("ontology", path, fmt.name, lang),
        render,
        vary="Accept, Accept-Language",
        headers=negotiated_headers(path, choice),
    )


@blueprint.route("/ontology")
@blueprint.route("/ontology<suffix>")
def ontology_document(suffix: str = "") -> Response:
    _, fmt = split_suffix("ontology" + suffix)
    if suffix and fmt is None:
        abort(404)
    return _serve_ontology("ontology", fmt)


@blueprint.route("/ontology/diagram.svg")
def diagram() -> Response:
    lang = choose_language(request)

    def render() -> Rendered:
        if not _triples():
            abort(404)
        svg = class_diagram(ontology(), lang, f"{request.script_root}/ontology")
        return Rendered(svg.encode("utf-8"), SVG_TYPE)

    return serve(("diagram", lang), render, vary="Accept-Language")


@blueprint.route("/ontology/<version>")
def ontology_version(version: str) -> Response:
    path, fmt = split_suffix(version)
    iri = published_iri(serving().settings.base_iri, "ontology/" + path)
    if not any(t.object.value == iri and t.predicate == VERSION_IRI for t in _triples()):
        abort(404)
    return _serve_ontology("ontology/" + path, fmt)
