"""HTTP errors in the negotiated format: a short message, never a traceback.

HTML visitors get a page; JSON and JSON-LD clients get ``{"error": ..., "status": ...}``;
every other client (Turtle, RDF/XML, N-Triples, ``*/*`` from scripts) gets plain text.
A 406 lists the supported media types; a 405 names the allowed methods.
"""

from __future__ import annotations

import json
import logging

from flask import Flask, Response, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError, ServiceUnavailable

from efop.store import StoreError
from efop.web.negotiation import (
    HTML,
    JSONLD,
    FormatNotAcceptable,
    choose_language,
    split_suffix,
)

log = logging.getLogger(__name__)

ERROR_TYPES = ["text/html", "application/ld+json", "application/json", "text/plain"]


def _wanted() -> str:
    _, suffix = split_suffix(request.path)
    if suffix is not None:
        return {HTML.name: "html", JSONLD.name: "json"}.get(suffix.name, "text")
    if request.args.get("format") in ("jsonld", JSONLD.media_type):
        return "json"
    if not request.headers.get("Accept"):
        return "text"
    best = request.accept_mimetypes.best_match(ERROR_TYPES)
    if best == HTML.media_type:
        return "html"
    if best in (JSONLD.media_type, "application/json"):
        return "json"
    return "text"


def error_response(status: int, title: str, message: str, headers: dict | None = None) -> Response:
    kind = _wanted()
    if kind == "html":
        lang = choose_language(request)
        body = render_template("error.html", status=status, title=title, message=message, lang=lang)
        response = Response(body, status, content_type="text/html; charset=utf-8")
    elif kind == "json":
        body = json.dumps({"error": message, "status": status}, ensure_ascii=False)
        response = Response(body, status, content_type="application/json; charset=utf-8")
    else:
        response = Response(
            f"{status} {title}: {message}\n", status, content_type="text/plain; charset=utf-8"
        )
    response.headers.update(headers or {})
    response.headers["Vary"] = "Accept"
    return response


def _http_error(error: HTTPException) -> Response:
    headers: dict[str, str] = {}
    if getattr(error, "valid_methods", None):
        headers["Allow"] = ", ".join(error.valid_methods)
    message = error.description or error.name
    if error.code == 404:
        message = "Ressource inconnue / unknown resource: " + request.path
    if isinstance(error, FormatNotAcceptable):
        headers["Link"] = ", ".join(
            f'<{request.path}>; rel="alternate"; type="{f.media_type}"' for f in error.offered
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
