"""The ``efop`` command.

Each subcommand lives in the module of the layer it belongs to, which exposes
``register(subparsers)``. Only the module of the command being run is imported, so
``efop validate`` never loads the web stack and starts fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys

# Each command and the module that registers it (its help text lives with the command).
COMMANDS: dict[str, str] = {
    "validate": "efop.validation.command",
    "build": "efop.build.command",
    "serve": "efop.web.command",
    "push": "efop.store.command",
    "import": "efop.importing.command",
    "template": "efop.importing.command",
    "link": "efop.importing.command",
}


def make_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser with the given command's subparser, or with every command's (for help)."""
    parser = argparse.ArgumentParser(
        prog="efop",
        description="EFOP Linked Data: validate, build and publish the EFOP dataset.",
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    wanted = [command] if command in COMMANDS else list(COMMANDS)
    registered: set[str] = set()
    for name in wanted:
        module_name = COMMANDS[name]
        if module_name not in registered:
            importlib.import_module(module_name).register(subparsers)
            registered.add(module_name)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    command = next((a for a in argv if not a.startswith("-")), None)
    args = make_parser(command).parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
