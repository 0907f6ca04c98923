"""``efop build``: build, validate and publish the dataset from the command line."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from efop.build.builder import BuildFailed, current_build, run_build
from efop.config import Settings


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "build",
        help="validate the sources and publish a new build",
        description="Load the ontology, concept schemes and data, validate them with the shapes "
        "and, if they conform, write a new store, dumps and dataset description and switch "
        "var/current to it. On failure the previous build stays current.",
    )
    parser.add_argument(
        "--base-iri", help="publish under this base instead of the data's (env EFOP_BASE_IRI)"
    )
    parser.add_argument(
        "--lang", choices=("fr", "en"), default="fr", help="language of the validation report"
    )
    parser.set_defaults(func=run)


def shown(path: Path) -> str:
    """``path`` relative to the working directory when it lies under it."""
    try:
        return os.path.relpath(path) if path.resolve().is_relative_to(Path.cwd()) else str(path)
    except ValueError:
        return str(path)


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run(args: argparse.Namespace) -> int:
    settings = Settings.from_env(base_iri=args.base_iri)
    try:
        result = run_build(settings, lang=args.lang, progress=_progress)
    except OSError as error:  # a full disk, a read-only volume: nothing was published
        return _failed(settings, BuildFailed(f"cannot write the build: {error.strerror or error}"))
    except BuildFailed as failure:
        return _failed(settings, failure)
    print(result.summary(shown(result.build.path)))
    return 0


def _failed(settings: Settings, failure: BuildFailed) -> int:
    """Say why the build failed and which build stays current."""
    previous = current_build(settings)
    kept = f"previous build kept: {shown(previous.path)}" if previous else "no previous build"
    stream = sys.stdout if failure.report else sys.stderr
    if failure.report:
        print(failure.report, file=stream)
    print(f"build FAILED: {failure.message}; {kept}", file=stream)
    return failure.exit_code
