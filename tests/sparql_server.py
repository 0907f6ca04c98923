"""Runs the publisher on 127.0.0.1:PORT for the SPARQL protocol tests, configured from the
environment (``EFOP_*``). ``--full`` serves the whole application (``create_app``); without
it, only the SPARQL and stored-query blueprints, on the same serving context and error
handlers, so the endpoint is tested on its own."""

from __future__ import annotations

import argparse

from flask import Flask
from werkzeug.serving import run_simple

from efop.config import Settings
from efop.web import errors
from efop.web.context import ServingContext


def endpoint_app(settings: Settings) -> Flask:
    from efop.web import queries_api, sparql

    app = Flask("efop", template_folder="templates", static_folder="static")
    app.extensions["efop"] = ServingContext(settings)
    app.register_blueprint(sparql.blueprint)
    app.register_blueprint(queries_api.blueprint)
    errors.register(app)
    return app


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("port", type=int)
    parser.add_argument("--full", action="store_true")
    args = parser.parse_args()
    settings = Settings.from_env()
    if args.full:
        from efop.web.app import create_app

        app = create_app(settings)
    else:
        app = endpoint_app(settings)
    run_simple("127.0.0.1", args.port, app, threaded=True)


if __name__ == "__main__":
    main()
