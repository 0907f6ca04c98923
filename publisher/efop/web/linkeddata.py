"""Dereferenceable IRIs: every ``{base}id/...`` IRI answers at ``/id/...`` of this server.

A resource's description, the same in every format, is:

- its outgoing triples (and, depth first, those of the blank nodes it points to);
- its incoming triples (inverse links);
- the labels (``rdfs:label``, ``skos:prefLabel``) and types of every IRI it links to or from,
  so that the description can be read alone.

A named graph that is not itself a resource (reference data, ontology) is described by its
subset in the dataset description.

Negotiated responses answer 200 with ``Content-Location`` naming the suffixed URL of the
representation sent; suffixed URLs (``.html .ttl .jsonld .rdf .nt``) answer directly.
"""

from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, Response, abort, request
from pyoxigraph import BlankNode, NamedNode, RdfFormat, Triple, parse

from efop.build.loading import published_iri
from efop.namespaces import sparql_prologue
from efop.store import Store
from efop.web import resource_page
from efop.web.caching import Rendered, serve
from efop.web.context import get_store, serving
from efop.web.negotiation import ALL_FORMATS, HTML, Choice, choose, choose_language, split_suffix
from efop.web.representation import serialize_triples

blueprint = Blueprint("linkeddata", __name__)

OUTGOING = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
INCOMING = "CONSTRUCT { ?x ?p ?s } WHERE { ?x ?p ?s }"
NEIGHBOURS = (
    sparql_prologue(["rdf", "rdfs", "skos"])
    + """
CONSTRUCT { ?n ?lp ?l } WHERE {
  { ?s ?p ?n FILTER(isIRI(?n)) ?n ?lp ?l } UNION { ?n ?p ?s . ?n ?lp ?l }
  FILTER(?lp = rdfs:label || ?lp = skos:prefLabel || ?lp = rdf:type)
}
"""
)


def dataset_description() -> list[Triple]:
    """The triples of the current build's dataset description (VoID and DCAT)."""
    context = serving()
    build = context.build()
    if build is None:
        return []
    path = build.description_path
    return context.memo("description", lambda: list(parse(path=str(path), format=RdfFormat.TURTLE)))


def describe_graph(iri: str) -> list[Triple]:
    """A named graph that is not a resource of the data, described by its VoID subset."""
    node = NamedNode(iri)
    triples = dataset_description()
    subsets = {t.subject for t in triples if t.object == node}
    return [t for t in triples if t.subject in subsets]


def describe(store: Store, iri: str) -> list[Triple]:
    """The description of ``iri`` (see the module docstring); empty when it is unknown."""
    subject = {"s": NamedNode(iri)}
    outgoing = store.construct(OUTGOING, subject)
    incoming = store.construct(INCOMING, subject)
    if not outgoing and not incoming:
        return describe_graph(iri) if iri in store.named_graphs() else []
    triples = dict.fromkeys(outgoing)
    triples.update(dict.fromkeys(_blank_closure(store, outgoing)))
    triples.update(dict.fromkeys(incoming))
    triples.update(dict.fromkeys(store.construct(NEIGHBOURS, subject)))
    return list(triples)


def _blank_closure(store: Store, triples: list[Triple]) -> list[Triple]:
    """Triples of the blank nodes reachable from ``triples`` through blank nodes only."""
    seen: set[BlankNode] = set()
    frontier = [t.object for t in triples if isinstance(t.object, BlankNode)]
    found: list[Triple] = []
    while frontier:
        node = frontier.pop()
        if node in seen:
            continue
        seen.add(node)
        more = store.construct(OUTGOING, {"s": node})
        found.extend(more)
        frontier.extend(t.object for t in more if isinstance(t.object, BlankNode))
    return found


def alternates(path: str) -> dict[str, str]:
    """``Link`` header naming every representation of the document at ``path``."""
    links = [
        f'<{request.script_root}/{quote(path)}{fmt.suffix}>; rel="alternate"; '
        f'type="{fmt.media_type}"'
        for fmt in ALL_FORMATS
    ]
    return {"Link": ", ".join(links)}


def negotiated_headers(path: str, choice: Choice) -> dict[str, str]:
    headers = alternates(path)
    if choice.negotiated:
        headers["Content-Location"] = f"{request.script_root}/{quote(path)}{choice.format.suffix}"
    return headers


def serve_description(path: str, iri: str, suffix=None) -> Response:
    """The negotiated representation of the resource ``iri`` published at ``/path``."""
    choice = choose(request, suffix=suffix)
    fmt = choice.format
    lang = choose_language(request) if fmt is HTML else ""
    base = serving().settings.base_iri

    def render() -> Rendered:
        store = get_store()
        triples = describe(store, iri)
        if not triples:
            abort(404)
        if fmt is HTML:
            body = resource_page.render(store, iri, triples, lang, path)
        else:
            body = serialize_triples(triples, fmt, base)
        return Rendered(body, fmt.content_type)

    vary = "Accept, Accept-Language" if fmt is HTML else "Accept"
    return serve(
        ("resource", path, fmt.name, lang),
        render,
        vary=vary,
        headers=negotiated_headers(path, choice),
    )


@blueprint.route("/id/<path:rest>")
def resource(rest: str) -> Response:
    path, suffix = split_suffix(rest)
    iri = published_iri(serving().settings.base_iri, "id/" + path)
    try:
        NamedNode(iri)
    except ValueError:
        abort(404)
    return serve_description("id/" + path, iri, suffix)
