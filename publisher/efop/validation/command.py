"""``efop validate``: check data files against the shapes before anything is published.

Exit status: 0 when the data conforms, 1 when it does not, 2 when an input cannot be read.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from efop.config import Settings
from efop.validation.load import SourceError, load_sources
from efop.validation.store_sources import load_store_sources
from efop.validation.validate import ENGINES, validate

UNREADABLE = {"fr": "Entrée illisible", "en": "Unreadable input"}
LINE = {"fr": "ligne", "en": "line"}


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "validate",
        help="validate data files against the SHACL shapes",
        description=(
            "Validate data files (default: the repository's data/) together with the "
            "repository's ontology, concept schemes and shapes."
        ),
    )
    parser.add_argument(
        "paths", nargs="*", type=Path, help="data files or folders (default: data/)"
    )
    parser.add_argument(
        "--lang", choices=["fr", "en"], default="fr", help="language of the report (default: fr)"
    )
    parser.add_argument(
        "--engine",
        choices=ENGINES,
        default="compiled",
        help="SHACL engine: the shapes compiled to SPARQL on Oxigraph (default), or pySHACL",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    engine = getattr(args, "engine", "compiled")
    load = load_store_sources if engine == "compiled" else load_sources
    try:
        sources = load(
            settings, data_paths=args.paths or None, with_repository_data=bool(args.paths)
        )
    except SourceError as error:
        colon = " :" if args.lang == "fr" else ":"
        line = f", {LINE[args.lang]} {error.line}" if error.line else ""
        print(
            f"{UNREADABLE[args.lang]}{colon} {error.path}{line}{colon} {error.message}",
            file=sys.stderr,
        )
        return 2
    report = validate(sources, engine=engine)
    print(report.format(args.lang))
    return 0 if report.conforms else 1
