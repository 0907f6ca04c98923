"""The ``efop`` command. Each subcommand lives in the module of the layer it belongs to and
registers itself through a ``register(subparsers)`` function listed in ``COMMAND_MODULES``."""

from __future__ import annotations

import argparse
import importlib
import sys

COMMAND_MODULES = [
    "efop.validation.command",
    "efop.build.command",
    "efop.web.command",
]


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="efop",
        description="EFOP Linked Data: validate, build and publish the EFOP dataset.",
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = make_parser()
    args = parser.parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
