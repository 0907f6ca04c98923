"""HTML pages for people: home, class indexes, the directory of actors and the label search.

What these pages list is read from the store once per build (:mod:`efop.web.catalog`) and
filtered in Python, so nothing a visitor types ever reaches a query.
"""

from __future__ import annotations

import math
from urllib.parse import quote

from flask import Blueprint, Response, abort, render_template, request
from werkzeug.exceptions import BadRequest

from efop.queries import QueryFileError, load_catalogue
from efop.web.caching import Rendered, serve
from efop.web.catalog import catalog
from efop.web.context import get_build, serving
from efop.web.labels import fold
from efop.web.negotiation import HTML, choose, choose_language
from efop.web.resource_page import namer

blueprint = Blueprint("pages", __name__)

PAGE_SIZE = 50
MAX_RESULTS = 200


def _page(template: str, key: tuple[str, ...], **values) -> Response:
    """An HTML-only page, negotiated (406 otherwise) and cached per build and language."""
    choose(request, (HTML,))
    lang = choose_language(request)

    def render() -> Rendered:
        html = render_template(template, names=namer(lang), **values)
        return Rendered(html.encode("utf-8"), HTML.content_type)

    return serve((template, lang, *key), render, vary="Accept, Accept-Language")


def _example_queries() -> list[dict[str, str]]:
    try:
        stored = load_catalogue(serving().settings.queries_dir)
    except (OSError, QueryFileError):
        return []
    lang = choose_language(request)
    return [
        {
            "title": q.title_en if lang == "en" else q.title,
            "description": q.description_en if lang == "en" else q.description,
            "href": f"{request.script_root}/sparql?query={quote(q.text)}",
        }
        for q in stored.values()
    ]


@blueprint.route("/")
def home() -> Response:
    build = get_build()
    names = namer(choose_language(request))
    return _page(
        "home.html",
        (),
        manifest=build.manifest if build is not None else {},
        classes=sorted(catalog().class_counts(), key=lambda c: fold(names.label(c[0]))),
        examples=_example_queries(),
    )


def _paginate(items: list, page_arg: str | None) -> tuple[list, int, int]:
    pages = max(1, math.ceil(len(items) / PAGE_SIZE))
    try:
        page = int(page_arg or 1)
    except ValueError as error:
        raise BadRequest("page: nombre entier attendu / an integer is expected") from error
    if not 1 <= page <= pages:
        abort(404)
    return items[(page - 1) * PAGE_SIZE : page * PAGE_SIZE], page, pages


def _class_page(class_iri: str) -> Response:
    members = catalog().members(class_iri)
    if not members and class_iri not in catalog().classes():
        abort(404)
    lang = choose_language(request)
    names = namer(lang)
    ordered = sorted(members, key=lambda iri: fold(names.label(iri)))
    shown, page, pages = _paginate(ordered, request.args.get("page"))
    return _page(
        "class_index.html",
        (class_iri, str(page)),
        class_iri=class_iri,
        members=shown,
        total=len(members),
        page=page,
        pages=pages,
    )


@blueprint.route("/classes/")
def classes() -> Response:
    names = namer(choose_language(request))
    counts = sorted(catalog().class_counts(), key=lambda c: fold(names.label(c[0])))
    return _page("classes.html", (), classes=counts)


@blueprint.route("/classes/<name>")
def efop_class(name: str) -> Response:
    return _class_page(catalog().ontology_namespace + name)


@blueprint.route("/class")
def any_class() -> Response:
    iri = request.args.get("iri", "")
    if not iri:
        raise BadRequest("iri: paramètre requis / parameter required")
    return _class_page(iri)


def _choice(name: str, allowed: dict[str, str]) -> str | None:
    value = request.args.get(name) or None
    if value is not None and value not in allowed:
        raise BadRequest(f"{name}: valeur inconnue / unknown value")
    return value


@blueprint.route("/annuaire")
def directory() -> Response:
    lang = choose_language(request)
    names = namer(lang)
    actors = catalog().actors()
    options = {
        "territory": actors.options("territories", names),
        "kind": actors.options("kinds", names),
        "theme": actors.options("themes", names),
    }
    chosen = {key: _choice(key, dict(values)) for key, values in options.items()}
    found = actors.matching(chosen["territory"], chosen["kind"], chosen["theme"])
    ordered = sorted(found, key=lambda iri: fold(names.label(iri)))
    shown, page, pages = _paginate(ordered, request.args.get("page"))
    return _page(
        "directory.html",
        tuple(chosen[k] or "" for k in sorted(chosen)) + (str(page),),
        options=options,
        chosen=chosen,
        actors=shown,
        kinds=actors.kinds,
        total=len(found),
        page=page,
        pages=pages,
    )


@blueprint.route("/recherche")
def search() -> Response:
    text = request.args.get("q", "").strip()
    if len(text) > 200:
        raise BadRequest("q: 200 caractères au plus / at most 200 characters")
    results = catalog().search(text, MAX_RESULTS) if text else []
    return _page(
        "search.html",
        (text,),
        q=text,
        results=results,
        limit=MAX_RESULTS,
        types=catalog().types,
    )
