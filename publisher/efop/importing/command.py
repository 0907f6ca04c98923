"""``efop import``, ``efop template`` and ``efop link``: the spreadsheet path of a region's data
steward, from an empty template to validated, linked data."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from efop.config import Settings
from efop.importing.mapping import DEFAULT_DOCUMENT_KIND, KIND_ORDER
from efop.importing.problems import ImportFailed
from efop.importing.text import slugify
from efop.importing.vocabulary import as_iri
from efop.namespaces import DEFAULT_BASE


def register(subparsers) -> None:
    _register_import(subparsers)
    _register_template(subparsers)
    _register_link(subparsers)


def _lang(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--lang", choices=("fr", "en"), default="fr", help="langue des messages / message language"
    )


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(
            f"date AAAA-MM-JJ attendue / YYYY-MM-DD expected: {text}"
        ) from error


def _base(text: str) -> str:
    if (
        not text.endswith("/")
        or as_iri(text) is None
        or not text.startswith(("http://", "https://"))
    ):
        raise argparse.ArgumentTypeError(
            "adresse http(s) terminée par « / » attendue / http(s) address ending with "
            f'"/" expected: {text}'
        )
    return text


def _region(text: str) -> str:
    if not text or slugify(text) != text:
        raise argparse.ArgumentTypeError(
            f'slug attendu, par ex. « bretagne » / slug expected, e.g. "bretagne": {text}'
        )
    return text


# ---------------------------------------------------------------- efop import


def _register_import(subparsers) -> None:
    parser = subparsers.add_parser(
        "import",
        help="importer des tableurs / import spreadsheets",
        description="Convertit des fichiers CSV ou XLSX remplis d'après les modèles, les valide "
        "avec les formes SHACL du dépôt avec le reste du jeu de données, et n'écrit le fichier "
        "Turtle (data/imports/REGION.ttl) que si tout est valide. / Converts CSV or XLSX files "
        "filled from the templates, validates them with the repository's shapes together with "
        "the dataset, and writes the Turtle file only if everything conforms.",
    )
    parser.add_argument(
        "files", nargs="+", type=Path, metavar="FILE", help="fichiers .csv ou .xlsx"
    )
    parser.add_argument(
        "--region", required=True, type=_region, help="slug de la région, ex. bretagne"
    )
    parser.add_argument(
        "--kind", choices=KIND_ORDER, help="type des fichiers CSV (sinon d'après leur nom)"
    )
    parser.add_argument(
        "--base",
        type=_base,
        default=DEFAULT_BASE,
        help="adresse de base sous laquelle la région publie ses propres ressources, ex. "
        "https://donnees.ma-region.fr/efop/ (défaut : celle du jeu EFOP, avec le nom de la "
        "région) / base under which the region publishes its own resources",
    )
    parser.add_argument("--graph", help="IRI du document source, qui est aussi le graphe nommé")
    parser.add_argument("--publisher", help="acteur qui publie : clé, nom ou IRI")
    parser.add_argument(
        "--date", type=_date, help="date de publication (dct:issued), défaut : aujourd'hui"
    )
    parser.add_argument(
        "--document-kind",
        default=DEFAULT_DOCUMENT_KIND,
        help="nature du document source, concept de la liste document-kind "
        f"(défaut : {DEFAULT_DOCUMENT_KIND})",
    )
    parser.add_argument(
        "--out", type=Path, help="fichier .ttl ou dossier de sortie (défaut data/imports/)"
    )
    _lang(parser)
    parser.set_defaults(func=run_import_command)


def _output(settings: Settings, args: argparse.Namespace) -> Path:
    from efop.importing.importer import default_output

    if args.out is None:
        return default_output(settings, args.region)
    if args.out.suffix.lower() == ".ttl":
        return args.out
    return args.out / f"{args.region}.ttl"


def run_import_command(args: argparse.Namespace) -> int:
    from efop.importing.importer import ImportRequest, run_import
    from efop.validation import SourceError

    settings = Settings.from_env()
    request = ImportRequest(
        files=list(args.files),
        region=args.region,
        out=_output(settings, args),
        kind=args.kind,
        graph=args.graph,
        publisher=args.publisher,
        issued=args.date,
        document_kind=args.document_kind,
        base=args.base,
    )
    english = args.lang == "en"
    try:
        result = run_import(settings, request)
    except ImportFailed as failure:
        print(failure.format(args.lang))
        count = len(failure.problems)
        print(
            f"import FAILED: {count} problem(s), nothing written"
            if english
            else f"import ÉCHOUÉ : {count} problème(s), rien n'a été écrit"
        )
        return failure.exit_code
    except SourceError as error:
        print(str(error), file=sys.stderr)
        return 2
    for warning in result.warnings:
        print(("warning: " if english else "avertissement : ") + warning.format(args.lang))
    _report_elsewhere(result.elsewhere, english)
    counts = (
        f"{result.resources} resources, {result.triples} triples"
        if english
        else f"{result.resources} ressources, {result.triples} triplets"
    )
    print(f"import OK{':' if english else ' :'} {counts} -> {result.path}")
    return 0


def _report_elsewhere(problems: list, english: bool) -> None:
    """One line about findings in other files of the dataset, which the import cannot fix."""
    if not problems:
        return
    files = ", ".join(sorted({p.location.file for p in problems}))
    print(
        f"note: {len(problems)} finding(s) in other files of the dataset ({files}); "
        "`efop validate` details them and `efop build` refuses them until they are fixed"
        if english
        else f"note : {len(problems)} constat(s) dans d'autres fichiers du jeu de données "
        f"({files}) ; `efop validate` les détaille et `efop build` les refusera tant qu'ils "
        "ne sont pas corrigés"
    )


# ---------------------------------------------------------------- efop template


def _register_template(subparsers) -> None:
    parser = subparsers.add_parser(
        "template",
        help="écrire un modèle de tableur / write a spreadsheet template",
        description="Écrit un modèle vide (en-têtes en français et une ligne d'exemple) pour un "
        "type de feuille, ou un classeur avec une feuille par type. / Writes an empty template "
        "(French headers and an example row) for one kind, or a workbook with a sheet per kind.",
    )
    parser.add_argument("kind", nargs="?", choices=KIND_ORDER, help="type de feuille")
    parser.add_argument("--workbook", action="store_true", help="classeur XLSX de tous les types")
    parser.add_argument("--format", choices=("csv", "xlsx"), default="csv", dest="fmt")
    parser.add_argument("-o", "--output", type=Path, help="fichier à écrire")
    parser.set_defaults(func=run_template_command)


def run_template_command(args: argparse.Namespace) -> int:
    from efop.importing.templates import write_template

    if args.workbook == (args.kind is not None):
        print(
            "indiquez un type de feuille ou --workbook / give a kind or --workbook", file=sys.stderr
        )
        return 2
    if args.workbook:
        kinds, fmt, default = list(KIND_ORDER), "xlsx", Path("modele-efop.xlsx")
    else:
        kinds, fmt = [args.kind], args.fmt
        default = Path(f"{args.kind}.{fmt}")
    path = args.output or default
    write_template(kinds, fmt, path, Settings.from_env().ontology_dir / "concepts")
    print(path)
    return 0


# ---------------------------------------------------------------- efop link


def _register_link(subparsers) -> None:
    parser = subparsers.add_parser(
        "link",
        help="proposer des liens vers le jeu de données / suggest links to the dataset",
        description="Compare un fichier importé au jeu de données (codes INSEE, noms normalisés, "
        "sigles) et affiche les liens candidats numérotés ; --write écrit ceux que vous confirmez "
        "avec --accept. / Compares an imported file with the dataset and prints numbered "
        "candidate links; --write writes those confirmed with --accept.",
    )
    parser.add_argument("file", type=Path, metavar="FILE.ttl")
    parser.add_argument(
        "--against",
        nargs="+",
        type=Path,
        metavar="FILE",
        help="fichiers RDF à comparer au lieu des données du dépôt (ex. un dump publié)",
    )
    parser.add_argument(
        "--write",
        nargs="?",
        type=Path,
        const=True,
        default=None,
        metavar="OUT.ttl",
        help="écrire les liens confirmés (défaut : FILE-liens.ttl à côté de FILE)",
    )
    parser.add_argument(
        "--accept", nargs="+", metavar="N", help="numéros des liens confirmés, ou « all »"
    )
    parser.add_argument(
        "--date", type=_date, help="date des liens (dct:issued), défaut : aujourd'hui"
    )
    _lang(parser)
    parser.set_defaults(func=run_link_command)


def _accepted(args: argparse.Namespace, count: int) -> list[int] | str:
    """Indexes of the confirmed candidates, or an error message."""
    if not args.accept:
        return (
            "give the numbers of the links you confirm with --accept 1 3 (or --accept all)"
            if args.lang == "en"
            else "indiquez les numéros des liens que vous confirmez avec --accept 1 3 "
            "(ou --accept all)"
        )
    if [a.lower() for a in args.accept] in (["all"], ["tout"]):
        return list(range(count))
    chosen = []
    for text in args.accept:
        if not text.isdigit() or not 1 <= int(text) <= count:
            return f"numéro invalide / invalid number: {text} (1..{count})"
        chosen.append(int(text) - 1)
    return sorted(set(chosen))


def run_link_command(args: argparse.Namespace) -> int:
    from efop.importing.checking import Context, validate_import
    from efop.importing.importer import serialise, write_atomically
    from efop.importing.linking import find_candidates, format_table, links_graph, union
    from efop.importing.rows import Conversion
    from efop.validation import SourceError, load_sources

    settings = Settings.from_env()
    try:
        imported = union(load_sources(settings, data_paths=[args.file]))
        if args.against:
            dataset = union(load_sources(settings, data_paths=args.against))
        else:
            dataset = Context.load(settings, exclude=args.file).dataset
    except SourceError as error:
        print(str(error), file=sys.stderr)
        return 2
    candidates = find_candidates(imported, dataset)
    print(format_table(candidates, args.lang))
    if args.write is None:
        return 0
    chosen = _accepted(args, len(candidates))
    if isinstance(chosen, str):
        print(chosen, file=sys.stderr)
        return 2
    out = args.file.with_name(f"{args.file.stem}-liens.ttl") if args.write is True else args.write
    graph = links_graph(
        [candidates[i] for i in chosen], imported, args.date or dt.datetime.now(dt.UTC).date()
    )
    data = serialise(graph, f"efop link {args.file.name}")
    context = Context.load(settings, exclude=out)
    if args.file.resolve() not in {p.resolve() for p in context.data_paths}:
        context.data_paths.append(args.file)
    check = validate_import(context, Conversion(graph), data, out.name)
    if check.violations:
        print("\n".join(p.format(args.lang) for p in check.violations))
        return 1
    write_atomically(out, data)
    print(f"{len(chosen)} lien(s) / link(s) -> {out}")
    return 0
