"""Security headers on every response: what a browser may run, frame, sniff or send elsewhere.

HTML pages get a content security policy that lets only the application's own scripts run:
files served from the same origin, plus the inline ``<script>`` elements written literally in
the application's templates, allowed by their SHA-256 hash (computed once, when the application
is created, from the template sources). A script injected into a page through data has another
hash and does not run; ``eval`` is not allowed (the query editor does not need it). Styles are
the application's own files plus inline styles: measured in Chromium, the query editor (YASGUI)
injects its stylesheet as a ``<style>`` element and the ontology page embeds its SVG diagram
with the diagram's ``<style>``; styles cannot run code.

Every response also refuses MIME sniffing and framing by other sites, and sends no referrer to
other origins. Cross-origin reads are granted by the application factory and the SPARQL
blueprint, never with credentials.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable

from flask import Flask, Response
from jinja2 import BaseLoader, TemplateNotFound

INLINE_SCRIPT = re.compile(
    r"<script(?P<attributes>[^>]*)>(?P<body>.*?)</script\s*>", re.IGNORECASE | re.DOTALL
)
NOT_EXECUTED = re.compile(r"""\btype\s*=\s*["']?application/(ld\+)?json""", re.IGNORECASE)
TEMPLATE_SYNTAX = ("{{", "{%", "{#")

# A drawing opened on its own: its own inline styles, nothing that runs or loads.
SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"
STATIC_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


def _digest(body: str) -> str:
    raw = hashlib.sha256(body.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(raw).decode("ascii") + "'"


def inline_script_hashes(sources: Iterable[str]) -> list[str]:
    """CSP hashes of the literal inline scripts of template sources.

    Scripts whose body holds template syntax change from one rendering to the next and are left
    out (the policy refuses them); JSON data blocks are not executed and need none.
    """
    found: set[str] = set()
    for source in sources:
        for element in INLINE_SCRIPT.finditer(source):
            attributes, body = element["attributes"], element["body"]
            if "src=" in attributes.lower() or NOT_EXECUTED.search(attributes):
                continue
            if not body.strip() or any(mark in body for mark in TEMPLATE_SYNTAX):
                continue
            found.add(_digest(body))
    return sorted(found)


def _template_sources(app: Flask) -> list[str]:
    loader: BaseLoader | None = app.jinja_loader
    if loader is None:
        return []
    sources = []
    for name in loader.list_templates():
        if not name.endswith(".html"):
            continue
        try:
            source, _, _ = loader.get_source(app.jinja_env, name)
        except TemplateNotFound:
            continue
        sources.append(source)
    return sources


def content_security_policy(script_hashes: Iterable[str]) -> str:
    """The policy of HTML pages: same-origin resources only, inline scripts only by hash."""
    scripts = " ".join(["'self'", *script_hashes])
    directives = [
        "default-src 'self'",
        f"script-src {scripts}",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
    return "; ".join(directives)


def init_app(app: Flask) -> None:
    """Add the security headers to every response of ``app``."""
    policy = content_security_policy(inline_script_hashes(_template_sources(app)))
    app.config.setdefault("EFOP_CONTENT_SECURITY_POLICY", policy)

    def add_headers(response: Response) -> Response:
        for name, value in STATIC_HEADERS.items():
            response.headers.setdefault(name, value)
        if response.mimetype in ("text/html", "application/xhtml+xml"):
            response.headers.setdefault(
                "Content-Security-Policy", app.config["EFOP_CONTENT_SECURITY_POLICY"]
            )
        elif response.mimetype == "image/svg+xml":
            response.headers.setdefault("Content-Security-Policy", SVG_POLICY)
        return response

    app.after_request(add_headers)
