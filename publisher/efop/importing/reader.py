"""Reading a steward's spreadsheets: CSV files (``;`` or ``,``, UTF-8 with or without BOM)
and XLSX workbooks (one sheet per kind), into rows of text keyed by the mapping's headers.

Row numbers are the ones the steward sees in a spreadsheet program: the header is row 1.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from efop.importing.mapping import KIND_ORDER, KindMapping, mappings
from efop.importing.problems import Location, Problem, quote
from efop.importing.text import header_key

# Sheets of a workbook that hold explanations, not data.
NOTE_SHEETS = ("lisez moi", "aide", "read me", "help")


@dataclass(frozen=True)
class Row:
    number: int
    cells: dict[str, str]  # mapping header -> cell text, empty cells left out


@dataclass
class Sheet:
    kind: str
    file: str  # file name as the steward knows it
    sheet: str | None  # sheet name in a workbook, None for CSV
    rows: list[Row] = field(default_factory=list)

    def location(self, row: int | None = None, column: str | None = None) -> Location:
        return Location(self.file, self.sheet, row, column)


@dataclass
class ReadResult:
    sheets: list[Sheet] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def kind_of(name: str) -> str | None:
    """The kind a file or sheet name designates: ``instances``, ``bretagne-instances``…"""
    key = header_key(name).replace(" ", "-")
    for kind in KIND_ORDER:
        if key == kind or key.endswith("-" + kind):
            return kind
    return None


def cell_text(value: object) -> str:
    """The text of a spreadsheet cell as the steward meant it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _headers(
    raw: list[str], mapping: KindMapping, sheet: Sheet
) -> tuple[list[str | None], list[Problem]]:
    """Each raw header's mapping header (None for an empty header), and the problems."""
    known = {header_key(h): h for h in mapping.headers}
    result: list[str | None] = []
    problems = []
    for text in raw:
        if not text.strip():
            result.append(None)
            continue
        header = known.get(header_key(text))
        if header is None:
            expected_fr = ", ".join(quote(h, "fr") for h in mapping.headers)
            expected_en = ", ".join(quote(h, "en") for h in mapping.headers)
            problems.append(
                Problem(
                    sheet.location(1, text.strip()),
                    f"colonne inconnue ; colonnes attendues : {expected_fr}",
                    f"unknown column; expected columns: {expected_en}",
                )
            )
        result.append(header)
    seen = [h for h in result if h]
    for header in sorted({h for h in seen if seen.count(h) > 1}):
        problems.append(Problem(sheet.location(1, header), "colonne en double", "duplicate column"))
    for column in mapping.columns:
        if column.required and column.header not in seen:
            problems.append(
                Problem(
                    sheet.location(1, column.header),
                    "colonne obligatoire absente",
                    "required column missing",
                )
            )
    return result, problems


def _fill(sheet: Sheet, records: list[list[str]], result: ReadResult) -> None:
    """Rows of a sheet from its records (first one the header)."""
    if not records:
        result.problems.append(
            Problem(
                sheet.location(), "feuille vide, sans ligne d'en-tête", "empty sheet, no header"
            )
        )
        return
    mapping = mappings()[sheet.kind]
    headers, problems = _headers(records[0], mapping, sheet)
    result.problems.extend(problems)
    for number, record in enumerate(records[1:], start=2):
        if not any(v.strip() for v in record) or record[0].lstrip().startswith("#"):
            continue
        cells = {}
        for header, value in zip(headers, record, strict=False):
            if header and value.strip():
                cells[header] = value.strip()
        extra = [v for v in record[len(headers) :] if v.strip()]
        if extra:
            result.problems.append(
                Problem(
                    sheet.location(number),
                    f"{len(records[0])} colonnes attendues, {len(record)} trouvées : une cellule "
                    "contient-elle un séparateur ? Mettez-la entre guillemets",
                    f"{len(records[0])} columns expected, {len(record)} found: does a cell "
                    "contain a separator? Put it in double quotes",
                )
            )
        sheet.rows.append(Row(number, cells))
    result.sheets.append(sheet)


def _unreadable(path: Path, fr: str, en: str) -> Problem:
    return Problem(Location(path.name), fr, en)


def read_csv(path: Path, kind: str | None, result: ReadResult) -> None:
    kind = kind or kind_of(path.stem)
    if kind is None:
        result.problems.append(
            _unreadable(
                path,
                f"type de feuille inconnu : nommez le fichier d'après un type "
                f"({', '.join(KIND_ORDER)}) ou indiquez --kind",
                f"unknown kind of sheet: name the file after a kind ({', '.join(KIND_ORDER)}) "
                "or give --kind",
            )
        )
        return
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        result.problems.append(
            _unreadable(
                path,
                f"le fichier n'est pas en UTF-8 (octet {error.start}) : enregistrez-le au "
                "format « CSV UTF-8 »",
                f'the file is not UTF-8 (byte {error.start}): save it as "CSV UTF-8"',
            )
        )
        return
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    _fill(Sheet(kind, path.name, None), records, result)


def read_xlsx(path: Path, result: ReadResult) -> None:
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as error:
        result.problems.append(
            _unreadable(
                path,
                f"classeur illisible ({error.__class__.__name__}) : enregistrez-le au format .xlsx",
                f"unreadable workbook ({error.__class__.__name__}): save it as .xlsx",
            )
        )
        return
    try:
        for worksheet in workbook.worksheets:
            name = worksheet.title
            if header_key(name) in NOTE_SHEETS:
                continue
            kind = kind_of(name)
            if kind is None:
                result.problems.append(
                    Problem(
                        Location(path.name, name),
                        f"feuille inconnue : les feuilles s'appellent {', '.join(KIND_ORDER)}",
                        f"unknown sheet: sheets are named {', '.join(KIND_ORDER)}",
                    )
                )
                continue
            records = [[cell_text(v) for v in row] for row in worksheet.iter_rows(values_only=True)]
            _fill(Sheet(kind, path.name, name), records, result)
    finally:
        workbook.close()


def read_files(paths: list[Path], kind: str | None = None) -> ReadResult:
    """Every sheet of the given CSV and XLSX files; ``kind`` forces the kind of CSV files."""
    result = ReadResult()
    for path in paths:
        if not path.is_file():
            result.problems.append(_unreadable(path, "fichier introuvable", "file not found"))
        elif path.suffix.lower() == ".csv":
            read_csv(path, kind, result)
        elif path.suffix.lower() in (".xlsx", ".xlsm"):
            read_xlsx(path, result)
        else:
            result.problems.append(
                _unreadable(
                    path,
                    "format non pris en charge : utilisez .csv ou .xlsx",
                    "unsupported format: use .csv or .xlsx",
                )
            )
    return result
