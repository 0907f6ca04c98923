"""Cross-origin rules, in one place: what another site's scripts may read or send.

The site is read-only: every route allows ``GET``, ``HEAD`` and ``OPTIONS`` from any origin,
never with credentials. A route may need more (the SPARQL endpoint takes queries by ``POST``,
with a ``Content-Type`` header): its needs are added to the common policy, never substituted
for it. Other methods get no cross-origin header, so a browser refuses to send them.
"""

from __future__ import annotations

from flask import Flask, Response, request

READ_METHODS = ("GET", "HEAD", "OPTIONS")
REQUEST_HEADERS = ("Accept", "Accept-Language", "If-None-Match", "If-Modified-Since")
EXPOSED_HEADERS = (
    "ETag",
    "Last-Modified",
    "Link",
    "Content-Location",
    "Content-Length",
    "Vary",
    "X-EFOP-Results-Truncated",
    "X-EFOP-Results-Limit",
)
MAX_AGE = "86400"

# Per endpoint (blueprint.function): extra methods and request headers on top of the common ones.
EXTRA_METHODS: dict[str, tuple[str, ...]] = {"sparql.query": ("POST",)}
EXTRA_REQUEST_HEADERS: dict[str, tuple[str, ...]] = {"sparql.query": ("Content-Type",)}


def allowed_methods(endpoint: str | None) -> tuple[str, ...]:
    return (*READ_METHODS, *EXTRA_METHODS.get(endpoint or "", ()))


def _allow_cross_origin(response: Response) -> Response:
    methods = allowed_methods(request.endpoint)
    if request.method not in methods:
        return response
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = ", ".join(EXPOSED_HEADERS)
    if request.method == "OPTIONS":
        extra = EXTRA_REQUEST_HEADERS.get(request.endpoint or "", ())
        response.headers["Access-Control-Allow-Methods"] = ", ".join(methods)
        response.headers["Access-Control-Allow-Headers"] = ", ".join((*REQUEST_HEADERS, *extra))
        response.headers["Access-Control-Max-Age"] = MAX_AGE
    return response


def init_app(app: Flask) -> None:
    """Apply the cross-origin policy to every response of ``app``."""
    app.after_request(_allow_cross_origin)
