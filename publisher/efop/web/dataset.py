"""What harvesters and crawlers read: the dataset description (VoID and DCAT), the dumps, the
sitemap, robots.txt, the favicon and the JSON-LD context.

The build writes the description (``description.ttl``) beside the store; it is served as one
document at ``/.well-known/void`` (Turtle by default), ``/dataset`` and ``/catalogue`` (HTML by
default for people), and at every other IRI it describes under the base (distributions).
"""

from __future__ import annotations

import json
from xml.sax.saxutils import escape

from flask import (
    Blueprint,
    Response,
    abort,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from pyoxigraph import Triple

from efop.web.caching import Rendered, serve
from efop.web.catalog import catalog
from efop.web.context import get_build, get_store, serving
from efop.web.linkeddata import dataset_description, negotiated_headers
from efop.web.negotiation import (
    ALL_FORMATS,
    HTML,
    JSONLD,
    RDF_FORMATS,
    Format,
    choose,
    choose_language,
    split_suffix,
)
from efop.web.representation import jsonld_context, serialize_triples

blueprint = Blueprint("dataset", __name__)

DUMP_TYPES = {
    ".gz": "application/gzip",
    ".ttl": "text/turtle",
    ".trig": "application/trig",
    ".jsonld": "application/ld+json",
    ".nt": "application/n-triples",
    ".nq": "application/n-quads",
}
HARVESTER_FORMATS = (RDF_FORMATS[0], HTML, *RDF_FORMATS[1:])
ENTITIES = "SELECT DISTINCT ?s WHERE { ?s ?p ?o FILTER(isIRI(?s)) }"
# Paths whose requests run queries: not for crawlers.
CRAWL_EXCLUDED = ("/sparql", "/queries/", "/recherche")


def description() -> list[Triple]:
    """The triples of the current build's dataset description; 404 without a build."""
    triples = dataset_description()
    if not triples:
        abort(404)
    return triples


def _serve_description(path: str, offered: tuple[Format, ...], suffix: Format | None) -> Response:
    choice = choose(request, offered, suffix=suffix)
    fmt = choice.format
    lang = choose_language(request) if fmt is HTML else ""
    base = serving().settings.base_iri

    def render() -> Rendered:
        triples = description()
        if fmt is HTML:
            build = get_build()
            html = render_template(
                "dataset.html",
                manifest=build.manifest if build else {},
                formats=[(f, f"{request.script_root}/{path}{f.suffix}") for f in RDF_FORMATS],
                triples=len(triples),
            )
            return Rendered(html.encode("utf-8"), HTML.content_type)
        return Rendered(serialize_triples(triples, fmt, base), fmt.content_type)

    return serve(
        ("description", path, fmt.name, lang),
        render,
        vary="Accept, Accept-Language",
        headers=negotiated_headers(path, choice),
    )


def _document_route(path: str, offered: tuple[Format, ...]) -> None:
    endpoint = path.replace("/", "_").replace(".", "_")

    def plain() -> Response:
        return _serve_description(path, offered, None)

    def suffixed(ext: str) -> Response:
        _, suffix = split_suffix(f"{path}.{ext}", ALL_FORMATS)
        if suffix is None:
            abort(404)
        return _serve_description(path, offered, suffix)

    blueprint.add_url_rule("/" + path, endpoint, plain)
    blueprint.add_url_rule(f"/{path}.<ext>", endpoint + "_suffixed", suffixed)


_document_route(".well-known/void", HARVESTER_FORMATS)
_document_route("dataset", ALL_FORMATS)
_document_route("catalogue", ALL_FORMATS)


@blueprint.route("/dumps/<file>")
def dump(file: str) -> Response:
    build = get_build()
    if build is None:
        abort(404)
    listed = {d["file"] for d in build.manifest.get("dumps", [])}
    if file not in listed:
        abort(404)
    media_type = next((t for ext, t in DUMP_TYPES.items() if file.endswith(ext)), None)
    response = send_from_directory(
        build.dumps_dir, file, mimetype=media_type or "application/octet-stream", conditional=True
    )
    response.headers["Content-Disposition"] = f'attachment; filename="{file}"'
    return response


@blueprint.route("/context.jsonld")
def context_document() -> Response:
    """The JSON-LD context of every JSON-LD representation: one document, one format."""
    body = json.dumps({"@context": jsonld_context(serving().settings.base_iri)}, indent=2)
    return Response(body, content_type=JSONLD.content_type)


def _sitemap_paths() -> list[str]:
    base = serving().settings.base_iri
    published = sorted(
        row["s"].value[len(base) :]
        for row in get_store().select(ENTITIES)
        if row["s"].value.startswith(base + "id/")
    )
    classes = ["classes/" + iri.rsplit("#", 1)[-1] for iri, _ in catalog().class_counts()]
    pages = ["", "ontology", "shapes", "dataset", "catalogue", "annuaire", "classes/"]
    return [*pages, *classes, *published]


@blueprint.route("/sitemap.xml")
def sitemap() -> Response:
    """Every page, at its canonical URL under the configured base (never from the Host header,
    which a client chooses)."""
    root = serving().settings.base_iri

    def render() -> Rendered:
        urls = "".join(f"<url><loc>{escape(root + p)}</loc></url>\n" for p in _sitemap_paths())
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            f"{urls}</urlset>\n"
        )
        return Rendered(body.encode("utf-8"), "application/xml; charset=utf-8")

    return serve(("sitemap",), render, vary="Accept")


@blueprint.route("/robots.txt")
def robots() -> Response:
    """Crawlers are welcome everywhere but where a request runs a query; the sitemap is named
    at its canonical URL."""
    base = serving().settings.base_iri
    body = (
        "User-agent: *\n"
        + "".join(f"Disallow: {request.script_root}{path}\n" for path in CRAWL_EXCLUDED)
        + f"\nSitemap: {base}sitemap.xml\n"
    )
    response = Response(body, content_type="text/plain; charset=utf-8")
    response.cache_control.public = True
    response.cache_control.max_age = 86400
    return response


@blueprint.route("/favicon.ico")
def favicon() -> Response:
    """Browsers ask for /favicon.ico whatever the page links: send them to the SVG icon."""
    return redirect(url_for("static", filename="favicon.svg"), 301)
