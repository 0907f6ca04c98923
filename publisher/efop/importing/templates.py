"""Empty templates for stewards: the French column headers of a kind and one example row, as
CSV (``;``-separated UTF-8 with BOM, as French spreadsheet programs expect) or XLSX; a workbook
holds one sheet per kind plus a ``lisez-moi`` sheet explaining every column.

Required columns are marked with `` *``; the reader ignores the mark.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet
from rdflib import Graph

from efop.importing.mapping import MULTI_SEPARATOR, Column, KindMapping, mappings
from efop.importing.vocabulary import ConceptIndex

REQUIRED_MARK = " *"
NOTES_SHEET = "lisez-moi"


def header_text(column: Column) -> str:
    return column.header + (REQUIRED_MARK if column.required else "")


def csv_template(mapping: KindMapping) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([header_text(c) for c in mapping.columns])
    writer.writerow([c.example for c in mapping.columns])
    return buffer.getvalue().encode("utf-8-sig")


def concept_index(concepts_dir: Path) -> ConceptIndex:
    """The concept schemes the templates list allowed values from (empty if none is found)."""
    graph = Graph()
    for path in sorted(concepts_dir.glob("*.ttl")):
        graph.parse(path, format="turtle")
    return ConceptIndex.from_graph(graph)


def _fill_sheet(sheet: Worksheet, mapping: KindMapping) -> None:
    sheet.append([header_text(c) for c in mapping.columns])
    sheet.append([c.example or None for c in mapping.columns])
    for index, column in enumerate(mapping.columns, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True)
        cell.comment = Comment(column.help_fr, "efop")
        letter = cell.column_letter
        sheet.column_dimensions[letter].width = max(14, len(cell.value) + 4)
        if column.value == "insee-code":
            for row in range(2, 1001):
                sheet.cell(row=row, column=index).number_format = "@"
    sheet.freeze_panes = "A2"


def _value_help(column: Column, concepts: ConceptIndex) -> str:
    if column.value == "concept":
        allowed = concepts.slugs.get(column.scheme or "", [])
        listed = ", ".join(allowed) if allowed else f"liste « {column.scheme} »"
        return f"une valeur de : {listed}"
    if column.value == "reference":
        return f"clé d'une ligne de la feuille « {column.target} »"
    return {
        "key": "identifiant stable",
        "text-fr": "texte en français",
        "text-en": "texte en anglais",
        "iri": "adresse https://…",
        "territory": "clé de la feuille « territoires » ou code INSEE",
        "insee-code": "code officiel géographique",
        "date": "date",
        "integer": "nombre entier",
    }[column.value]


def _fill_notes(sheet: Worksheet, kinds: list[KindMapping], concepts: ConceptIndex) -> None:
    sheet.append(["Modèle d'import EFOP"])
    sheet["A1"].font = Font(bold=True, size=14)
    for line in (
        "Une feuille par type de ressource ; la ligne 1 porte les en-têtes, ne les modifiez pas.",
        "La ligne 2 est un exemple : remplacez-la par vos données.",
        "Les colonnes marquées * sont obligatoires. La clé de chaque ligne reste stable d'un "
        "import à l'autre : c'est elle qui fixe l'adresse (IRI) publiée.",
        f"Plusieurs valeurs dans une cellule : séparez-les par « {MULTI_SEPARATOR} ».",
        "Une ligne dont la première cellule commence par # est ignorée.",
        "Ne nommez jamais une personne : publiez l'organisation ou le poste.",
        "Vérifiez puis importez : efop import ce-fichier.xlsx --region VOTRE-REGION",
    ):
        sheet.append([line])
    sheet.append([])
    sheet.append(["Feuille", "Colonne", "Obligatoire", "Valeur attendue", "Contenu"])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for mapping in kinds:
        for column in mapping.columns:
            sheet.append(
                [
                    mapping.kind,
                    column.header,
                    "oui" if column.required else "",
                    _value_help(column, concepts),
                    column.help_fr,
                ]
            )
    for letter, width in zip("ABCDE", (14, 24, 12, 50, 90), strict=True):
        sheet.column_dimensions[letter].width = width


def xlsx_template(kinds: list[str], concepts: ConceptIndex, path: Path) -> None:
    """A workbook with a notes sheet and one sheet per kind, written to ``path``."""
    workbook = Workbook()
    notes = workbook.active
    notes.title = NOTES_SHEET
    chosen = [mappings()[k] for k in kinds]
    _fill_notes(notes, chosen, concepts)
    for mapping in chosen:
        _fill_sheet(workbook.create_sheet(mapping.kind), mapping)
    workbook.save(path)


def write_template(kinds: list[str], fmt: str, path: Path, concepts_dir: Path) -> None:
    """Write the template of one kind (CSV or XLSX) or a workbook of several kinds."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        (kind,) = kinds
        path.write_bytes(csv_template(mappings()[kind]))
    else:
        xlsx_template(kinds, concept_index(concepts_dir), path)
