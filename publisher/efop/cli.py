"""The ``efop`` command.

Each subcommand lives in the module of the layer it belongs to, which exposes
``register(subparsers)``. Only the module of the command being run is imported, so
``efop validate`` never loads the web stack and starts fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys

COMMANDS: dict[str, tuple[str, str]] = {
    "validate": ("efop.validation.command", "valider les données / validate the data"),
    "build": ("efop.build.command", "construire et publier un build / build the dataset"),
    "serve": ("efop.web.command", "servir le jeu de données / serve the dataset"),
    "push": ("efop.store.command", "charger le build dans un triplestore / push to a store"),
    "import": ("efop.importing.command", "importer un tableur / import a spreadsheet"),
    "template": ("efop.importing.command", "écrire un modèle de tableur / write a template"),
    "link": ("efop.importing.command", "proposer des liens / suggest links"),
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
        module_name = COMMANDS[name][0]
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
