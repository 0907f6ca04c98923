"""The Flask application factory of the linked-data publisher.

One blueprint per concern, each in its own module listed in ``BLUEPRINT_MODULES``; the data is
reached only through :mod:`efop.web.context`. Cross-origin rules are :mod:`efop.web.cors`.
"""

from __future__ import annotations

import importlib
from urllib.parse import urlencode

from flask import Flask, request

from efop.config import Settings
from efop.store import Store
from efop.web import cors, errors, security
from efop.web.context import ServingContext
from efop.web.i18n import translate
from efop.web.negotiation import choose_language

# Query parameters that select what an HTML page shows, kept when switching language.
PAGE_PARAMETERS = ("iri", "q", "territory", "kind", "theme", "page")

BLUEPRINT_MODULES = [
    "efop.web.linkeddata",
    "efop.web.ontology_docs",
    "efop.web.dataset",
    "efop.web.pages",
    "efop.web.sparql",
    "efop.web.queries_api",
    "efop.web.shapes_doc",
]


def create_app(settings: Settings | None = None, *, store: Store | None = None) -> Flask:
    """The publisher for ``settings`` (from the environment by default).

    ``store`` replaces the build's store (tests, or a store opened by the caller).
    """
    settings = settings or Settings.from_env()
    app = Flask("efop", static_folder="static", template_folder="templates")
    app.config["EFOP_SETTINGS"] = settings
    app.extensions["efop"] = ServingContext(settings, store)
    for name in BLUEPRINT_MODULES:
        app.register_blueprint(importlib.import_module(name).blueprint)
    errors.register(app)
    security.init_app(app)
    cors.init_app(app)
    app.context_processor(_template_helpers)
    return app


def other_language_query(other: str) -> str:
    """The query string of this page in the other language: the parameters that select what the
    page shows (filters, page, search, class) are kept, ``lang`` is replaced. Only those, as the
    rendered page is cached under them."""
    kept = [(k, v) for k, v in request.args.items(multi=True) if k in PAGE_PARAMETERS]
    return "?" + urlencode([*kept, ("lang", other)])


def _template_helpers() -> dict:
    lang = choose_language(request)
    other = "en" if lang == "fr" else "fr"
    return {
        "lang": lang,
        "t": lambda key: translate(key, lang),
        "other_lang": other,
        "other_lang_query": other_language_query(other),
        "root": request.script_root,
    }
