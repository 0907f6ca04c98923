"""``/queries``: the stored queries of ``queries/`` as a small read-only API.

``/queries`` lists them (HTML or JSON) with titles and descriptions; ``/queries/NAME`` runs one,
with its declared parameters taken from the query string and bound by the engine as RDF terms
(never pasted into the query text), and answers in the negotiated result format, within the
same limits as the SPARQL endpoint.
"""

from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, Response, abort, jsonify, render_template, request

from efop.negotiation import best_match
from efop.queries import StoredQuery, load_catalogue
from efop.sparql import QueryRejected
from efop.sparql.formats import NotAcceptable, choose
from efop.web.context import serving
from efop.web.sparql import (
    TRUNCATED_HEADER,
    current_endpoint,
    not_acceptable_response,
    rejected_response,
)

blueprint = Blueprint("queries_api", __name__)


def _catalogue() -> dict[str, StoredQuery]:
    return load_catalogue(serving().settings.queries_dir)


def _wants_html() -> bool:
    wanted = request.args.get("format")
    if wanted:
        return wanted.lower() in ("html", "text/html")
    header = request.headers.get("Accept")
    return (
        bool(header) and best_match(header, ["application/json", "text/html"], _one) == "text/html"
    )


def _one(media_type: str) -> tuple[str]:
    return (media_type,)


def _summary(query: StoredQuery) -> dict:
    return {
        "name": query.name,
        "title": query.title,
        "title_en": query.title_en,
        "description": query.description,
        "description_en": query.description_en,
        "parameters": [
            {"name": p.name, "kind": p.kind, "default": p.default, "label": p.label}
            for p in query.parameters
        ],
        "url": serving().settings.base_iri + "queries/" + quote(query.name),
    }


blueprint.register_error_handler(QueryRejected, rejected_response)
blueprint.register_error_handler(NotAcceptable, not_acceptable_response)


@blueprint.route("/queries")
def index() -> Response:
    queries = [_summary(q) for q in _catalogue().values()]
    if _wants_html():
        return Response(
            render_template("sparql/queries.html", queries=queries),
            content_type="text/html; charset=utf-8",
            headers={"Vary": "Accept"},
        )
    response = jsonify({"queries": queries})
    response.headers["Vary"] = "Accept"
    return response


@blueprint.route("/queries/<name>")
def run(name: str) -> Response:
    stored = _catalogue().get(name)
    if stored is None:
        abort(404)
    values = {k: v for k, v in request.args.items() if k not in ("format", "lang")}
    try:
        bindings = stored.bindings(values)
    except ValueError as error:
        raise QueryRejected(400, f"paramètre invalide / invalid parameter: {error}") from error
    endpoint = current_endpoint()
    checked = endpoint.check(stored.text)
    fmt = choose(checked.kind, request.headers.get("Accept"), request.args.get("format"))
    answer = endpoint.run(checked, fmt, bindings=bindings)
    response = Response(answer.body, 200, content_type=fmt.content_type)
    response.headers["Vary"] = "Accept"
    if answer.truncated:
        response.headers[TRUNCATED_HEADER] = "true"
    return response
