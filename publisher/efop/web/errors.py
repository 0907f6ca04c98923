"""HTTP errors in the negotiated format: a short message, never a traceback.

HTML visitors get a page; JSON clients get ``{"error": ..., "status": ...}`` and JSON-LD clients
the same object with a context; RDF clients get an empty graph in their syntax, the message as a
comment (Turtle, N-Triples, RDF/XML); every other client (``*/*`` from scripts) gets plain text.
A 406 lists the supported media types; a 405 names the allowed methods.
"""

from __future__ import annotations

import json
import logging
from urllib.parse import quote

from flask import Flask, Response, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError, ServiceUnavailable

from efop.negotiation import best_match, by_name
from efop.store import StoreError
from efop.web.negotiation import (
    HTML,
    JSONLD,
    NTRIPLES,
    RDFXML,
    TURTLE,
    Format,
    FormatNotAcceptable,
    choose_language,
    split_suffix,
)

log = logging.getLogger(__name__)

PLAIN = Format("text", "text/plain", ".txt", "Text")
JSON = Format("json", "application/json", ".json", "JSON")
# Plain text first: what ``*/*`` gets.
ERROR_FORMATS = (PLAIN, HTML, JSON, JSONLD, TURTLE, NTRIPLES, RDFXML)
# Terms of the JSON-LD error object.
ERROR_CONTEXT = {
    "error": "https://schema.org/description",
    "status": "http://www.w3.org/2011/http#statusCodeValue",
}
RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


def _wanted() -> Format:
    _, suffix = split_suffix(request.path)
    if suffix is not None:
        return suffix
    named = request.args.get("format")
    if named:
        found = by_name(named, ERROR_FORMATS[1:], Format.names)
        if found is not None:
            return found
    accepted = best_match(request.headers.get("Accept"), ERROR_FORMATS, Format.media_types)
    return accepted or PLAIN


def _shortened(text: str, limit: int = 200) -> str:
    """What the client sent, echoed within a short message."""
    return text if len(text) <= limit else text[:limit] + "…"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _body(fmt: Format, status: int, title: str, message: str) -> str:
    line = _one_line(f"{status} {title}: {message}")
    if fmt is JSONLD:
        document = {"@context": ERROR_CONTEXT, "error": message, "status": status}
        return json.dumps(document, ensure_ascii=False)
    if fmt is JSON:
        return json.dumps({"error": message, "status": status}, ensure_ascii=False)
    if fmt in (TURTLE, NTRIPLES):
        return f"# {line}\n"
    if fmt is RDFXML:
        comment = line.replace("--", "- -").rstrip("-")
        return (
            '<?xml version="1.0" encoding="utf-8"?>\n'
            f"<!-- {comment} -->\n"
            f'<rdf:RDF xmlns:rdf="{RDF_NS}"/>\n'
        )
    return f"{status} {title}: {message}\n"


def error_response(status: int, title: str, message: str, headers: dict | None = None) -> Response:
    fmt = _wanted()
    if fmt is HTML:
        lang = choose_language(request)
        body = render_template("error.html", status=status, title=title, message=message, lang=lang)
    else:
        body = _body(fmt, status, title, message)
    content_type = f"{fmt.media_type}; charset=utf-8"
    response = Response(body, status, content_type=content_type)
    response.headers.update(headers or {})
    response.headers["Vary"] = "Accept"
    return response


def _http_error(error: HTTPException) -> Response:
    headers: dict[str, str] = {}
    if getattr(error, "valid_methods", None):
        headers["Allow"] = ", ".join(error.valid_methods)
    message = error.description or error.name
    if error.code == 404:
        message = "Ressource inconnue / unknown resource: " + _shortened(request.path)
    if isinstance(error, FormatNotAcceptable):
        headers["Link"] = ", ".join(
            f'<{quote(request.path)}>; rel="alternate"; type="{f.media_type}"'
            for f in error.offered
        )
    return error_response(error.code or 500, error.name, message, headers)


def _store_error(error: StoreError) -> Response:
    log.error("store unavailable: %s", error)
    unavailable = ServiceUnavailable()
    return error_response(503, unavailable.name, str(error))


def _unexpected(error: Exception) -> Response:
    if isinstance(error, HTTPException):
        return _http_error(error)
    log.exception("unexpected error on %s", request.path)
    failure = InternalServerError()
    return error_response(500, failure.name, "Erreur interne du serveur / internal server error")


def register(app: Flask) -> None:
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(StoreError, _store_error)
    app.register_error_handler(Exception, _unexpected)
