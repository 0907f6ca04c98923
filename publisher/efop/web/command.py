"""``efop serve``: make sure a good build exists, then serve it with gunicorn.

Each gunicorn worker creates its own application (no preloading) and so opens the build's
store read-only for itself. ``--dev`` runs Flask's development server in one process instead.
"""

from __future__ import annotations

import argparse
import sys

from efop.build import BuildFailed, ensure_build
from efop.config import Settings


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "serve",
        help="serve the dataset as linked data",
        description="Serve the current build (building it first if there is none, or if it was "
        "made for another base IRI): resource pages, content negotiation, dataset description, "
        "dumps and the SPARQL endpoint.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8000, help="port to listen on")
    parser.add_argument(
        "--base-iri", help="base of the published IRIs (env EFOP_BASE_IRI; default the data's)"
    )
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes")
    parser.add_argument(
        "--access-log",
        action="store_true",
        help="log every request on standard output (off by default: it costs throughput)",
    )
    parser.add_argument(
        "--dev", action="store_true", help="Flask's development server in one process"
    )
    parser.set_defaults(func=run)


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run(args: argparse.Namespace) -> int:
    settings = Settings.from_env(base_iri=args.base_iri)
    try:
        build = ensure_build(settings, progress=_progress)
    except BuildFailed as failure:
        if failure.report:
            print(failure.report)
        print(f"build FAILED: {failure.message}; nothing to serve", file=sys.stderr)
        return failure.exit_code
    print(
        f"serving build {build.id} on http://{args.host}:{args.port}/ (base {settings.base_iri})",
        file=sys.stderr,
        flush=True,
    )
    if args.dev:
        from efop.web.app import create_app

        create_app(settings).run(host=args.host, port=args.port, debug=False)
        return 0
    from efop.web.server import PublisherServer

    PublisherServer(
        settings,
        host=args.host,
        port=args.port,
        workers=args.workers,
        access_log=args.access_log,
    ).run()
    return 0
