"""``/sparql``: the SPARQL 1.1 Protocol endpoint, its service description and its query page.

This module only maps HTTP onto :mod:`efop.sparql` (query inspection, bounded evaluation,
result formats): which parameters carry the query, which errors get which status, and which
representation a request gets when it carries no query (the query page for browsers, the
service description for RDF clients).
"""

from __future__ import annotations

import threading
from functools import partial
from pathlib import Path

from flask import (
    Blueprint,
    Request,
    Response,
    current_app,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from pyoxigraph import serialize
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge
from werkzeug.http import HTTP_STATUS_CODES

from efop.namespaces import PREFIXES, sparql_prologue
from efop.negotiation import best_match, parse_accept
from efop.queries import load_catalogue
from efop.sparql import Endpoint, Limits, QueryRejected
from efop.sparql.formats import GRAPH_FORMATS, NotAcceptable, ResultFormat, choose
from efop.sparql.guard import UPDATE_REFUSED
from efop.sparql.service_description import describe
from efop.store.base import QueryKind
from efop.store.embedded import EmbeddedStore
from efop.store.remote import RemoteStore
from efop.web.context import serving
from efop.web.errors import error_response

blueprint = Blueprint("sparql", __name__)

UI_DIR = Path(__file__).resolve().parents[1] / "static" / "yasgui"
TRUNCATED_HEADER = "X-EFOP-Results-Truncated"
FORM = "application/x-www-form-urlencoded"
QUERY_BODY = "application/sparql-query"
UPDATE_BODY = "application/sparql-update"
HTML_TYPES = ("text/html", "application/xhtml+xml")
EMPTY_QUERY = "requête vide / empty query"


def current_endpoint() -> Endpoint:
    """The endpoint of the data being served; replaced (and its workers stopped) when a new
    build is switched in."""
    context = serving()
    store = context.store()
    key = (context.build_id(), id(store))
    holder = current_app.extensions.setdefault("efop.sparql", {"lock": threading.Lock()})
    with holder["lock"]:
        if holder.get("key") != key:
            if holder.get("endpoint") is not None:
                holder["endpoint"].close()
            holder["endpoint"] = _make_endpoint(store)
            holder["key"] = key
        return holder["endpoint"]


def _make_endpoint(store) -> Endpoint:
    context = serving()
    settings = context.settings
    limits = Limits.from_settings(settings)
    build = context.build()
    if isinstance(store, RemoteStore):
        opener = partial(RemoteStore, store.endpoint, timeout=limits.timeout + 5)
    elif isinstance(store, EmbeddedStore) and build is not None and context.build_id():
        opener = partial(EmbeddedStore.open, build.store_path)
    else:
        opener = None
    return Endpoint(store, limits, allowed_services=settings.federation_allow_list, opener=opener)


@blueprint.errorhandler(QueryRejected)
def rejected_response(error: QueryRejected) -> Response:
    """A refused or failed query: its status and message, in the error format of the site."""
    headers = {"Retry-After": "5"} if error.status == 503 else None
    title = HTTP_STATUS_CODES.get(error.status, "Error")
    return error_response(error.status, title, error.message, headers)


@blueprint.errorhandler(NotAcceptable)
def not_acceptable_response(error: NotAcceptable) -> Response:
    return error_response(406, HTTP_STATUS_CODES[406], str(error))


def _single(values: list[str], name: str) -> str | None:
    if len(values) > 1:
        raise QueryRejected(400, f"un seul paramètre {name} / exactly one {name} parameter")
    return values[0] if values else None


def _protocol_parameters(req: Request) -> tuple[str | None, list[str], list[str], str | None]:
    """(query, default graphs, named graphs, format) from a GET or POST request."""
    mimetype = req.mimetype
    if req.method == "POST" and mimetype == UPDATE_BODY:
        raise QueryRejected(415, UPDATE_REFUSED)
    if req.method == "POST" and mimetype not in (FORM, QUERY_BODY):
        raise QueryRejected(
            415,
            f"Type de contenu non pris en charge : {req.content_type or '(aucun)'}. / "
            f"Unsupported Content-Type {req.content_type or '(none)'}: send {FORM} or "
            f"{QUERY_BODY}.",
        )
    params = req.form if req.method == "POST" and mimetype == FORM else req.args
    if "update" in params or "update" in req.args:
        raise QueryRejected(400, UPDATE_REFUSED)
    if req.method == "POST" and mimetype == QUERY_BODY:
        query = req.get_data(as_text=True)
    else:
        query = _single(params.getlist("query"), "query")
    defaults = params.getlist("default-graph-uri") or req.args.getlist("default-graph-uri")
    named = params.getlist("named-graph-uri") or req.args.getlist("named-graph-uri")
    fmt = params.get("format") or req.args.get("format")
    return query, defaults, named, fmt


def _limit_request_size() -> None:
    limit = Limits.from_settings(serving().settings).max_request_bytes
    request.max_content_length = limit
    request.max_form_memory_size = limit
    if len(request.query_string) > limit:
        raise RequestEntityTooLarge(f"request larger than {limit} bytes")


def _prefers_html() -> bool:
    """A browser asking for a page: HTML named in Accept and ranked first (``*/*`` alone, as
    curl and most libraries send, means results)."""
    if request.args.get("format"):
        return False
    header = request.headers.get("Accept")
    named = any(
        r.quality > 0 and r.matches(t, exact_only=True)
        for r in parse_accept(header)
        for t in HTML_TYPES
    )
    if not named:
        return False
    offered = [("application/sparql-results+json",), *((t,) for t in _graph_types()), HTML_TYPES]
    return best_match(header, offered, lambda types: types) is HTML_TYPES


def _graph_types() -> list[str]:
    return [f.media_type for f in GRAPH_FORMATS]


@blueprint.route("/sparql", methods=["GET", "POST"])
def query() -> Response:
    _limit_request_size()
    try:
        text, defaults, named, format_param = _protocol_parameters(request)
    except BadRequest as error:
        raise QueryRejected(400, f"requête HTTP invalide / bad HTTP request: {error}") from error
    if text is None:
        if request.method == "POST":
            raise QueryRejected(400, "paramètre query absent / missing query parameter")
        return _page() if _prefers_html() else _service_description(format_param)
    if not text.strip():
        raise QueryRejected(400, EMPTY_QUERY)
    if request.method == "GET" and _prefers_html():
        return _page(text)
    endpoint = current_endpoint()
    checked = endpoint.check(text, defaults, named)
    fmt = choose(checked.kind, request.headers.get("Accept"), format_param)
    answer = endpoint.run(checked, fmt, defaults, named)
    response = Response(answer.body, 200, content_type=fmt.content_type)
    response.headers["Vary"] = "Accept"
    if answer.truncated:
        response.headers[TRUNCATED_HEADER] = "true"
        response.headers["X-EFOP-Results-Limit"] = str(endpoint.limits.max_rows)
    return response


def _service_description(format_param: str | None) -> Response:
    endpoint = current_endpoint()
    fmt: ResultFormat = choose(QueryKind.CONSTRUCT, request.headers.get("Accept"), format_param)
    triples = describe(
        serving().settings.base_iri + "sparql",
        endpoint.graphs,
        federation=bool(endpoint.allowed_services),
    )
    body = serialize(triples, format=fmt.oxigraph, prefixes=PREFIXES)
    response = Response(body, 200, content_type=fmt.content_type)
    response.headers["Vary"] = "Accept"
    return response


def _page(initial: str | None = None) -> Response:
    current_endpoint()  # starts the query workers while the editor loads
    settings = serving().settings
    stored = [
        {"name": q.name, "title": q.title, "title_en": q.title_en, "query": q.text}
        for q in load_catalogue(settings.queries_dir).values()
    ]
    example = sparql_prologue() + "\nSELECT ?s ?p ?o WHERE {\n  ?s ?p ?o\n}\nLIMIT 10\n"
    config = {
        "endpoint": url_for("sparql.query"),
        "prefixes": PREFIXES,
        "initial": initial or example,
        "stored": stored,
    }
    body = render_template("sparql/query.html", config=config, ui_ready=UI_DIR.is_dir())
    response = Response(body, 200, content_type="text/html; charset=utf-8")
    response.headers["Vary"] = "Accept"
    return response


@blueprint.route("/sparql/ui/<path:filename>")
def ui_asset(filename: str) -> Response:
    """YASGUI's bundle, installed from npm by ``scripts/install-ui.sh``."""
    return send_from_directory(UI_DIR, filename, max_age=86400)
