"""The declarative column mapping of the spreadsheet import.

Each kind of sheet is described by one TOML file in ``mappings/``: for every French column
header, the property it fills, the kind of value it holds and whether it is required. The
import code only interprets these descriptions, so adding a column means editing a TOML file,
not writing code.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from rdflib import URIRef

from efop.namespaces import PREFIXES

MAPPINGS_DIR = Path(__file__).parent / "mappings"

# Kinds in the order a steward fills them and a workbook lists them.
KIND_ORDER = ("territoires", "acteurs", "instances", "adhesions", "dispositifs", "projets")

VALUE_KINDS = frozenset(
    {
        "key",
        "text-fr",
        "text-en",
        "iri",
        "concept",
        "territory",
        "insee-code",
        "date",
        "integer",
        "reference",
    }
)

MULTI_SEPARATOR = "|"

# The kind of source document an import is (a concept of the document-kind scheme).
DEFAULT_DOCUMENT_KIND = "import-tableur"


class MappingError(ValueError):
    """A mapping file does not describe a usable sheet (a bug in the repository, not in data)."""


def expand(curie: str) -> URIRef:
    """The IRI of a prefixed name written with one of the registered prefixes."""
    prefix, _, local = curie.partition(":")
    if prefix not in PREFIXES or not local:
        raise MappingError(f"unknown prefixed name {curie!r}")
    return URIRef(PREFIXES[prefix] + local)


@dataclass(frozen=True)
class CodeRule:
    """How an INSEE code is stated for one territorial scale."""

    scale: str
    property: URIRef
    pattern: str
    width: int


@dataclass(frozen=True)
class Column:
    header: str
    value: str
    property: URIRef | None = None
    required: bool = False
    multiple: bool = False
    scheme: str | None = None
    target: str | None = None
    selector: str | None = None
    codes: tuple[CodeRule, ...] = ()
    example: str = ""
    help_fr: str = ""
    help_en: str = ""

    def help(self, lang: str) -> str:
        return self.help_en if lang == "en" else self.help_fr


@dataclass(frozen=True)
class KindMapping:
    """How the rows of one sheet become resources."""

    kind: str
    segment: str
    title_fr: str
    title_en: str
    description_fr: str
    description_en: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    default_types: tuple[URIRef, ...]
    types_column: str | None = None
    types_by_value: dict[str, tuple[URIRef, ...]] | None = None
    label_fr: str | None = None
    label_en: str | None = None

    def column(self, header: str) -> Column:
        for column in self.columns:
            if column.header == header:
                return column
        raise KeyError(header)

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]

    def types_for(self, slug: str | None) -> tuple[URIRef, ...]:
        """The classes of a row whose type column holds the concept ``slug``."""
        if slug is not None and self.types_by_value and slug in self.types_by_value:
            return self.types_by_value[slug]
        return self.default_types


def _column(raw: dict, kind: str) -> Column:
    value = raw.get("value", "")
    if value not in VALUE_KINDS:
        raise MappingError(f"{kind}: column {raw.get('header')!r} has unknown value kind {value!r}")
    if value == "concept" and not raw.get("scheme"):
        raise MappingError(f"{kind}: concept column {raw['header']!r} needs a scheme")
    if value == "reference" and raw.get("target") not in KIND_ORDER:
        raise MappingError(f"{kind}: reference column {raw['header']!r} needs a known target")
    codes = tuple(
        CodeRule(c["scale"], expand(c["property"]), c["pattern"], int(c["width"]))
        for c in raw.get("codes", ())
    )
    return Column(
        header=raw["header"],
        value=value,
        property=expand(raw["property"]) if "property" in raw else None,
        required=bool(raw.get("required", False)),
        multiple=bool(raw.get("multiple", False)),
        scheme=raw.get("scheme"),
        target=raw.get("target"),
        selector=raw.get("selector"),
        codes=codes,
        example=str(raw.get("example", "")),
        help_fr=raw.get("help_fr", ""),
        help_en=raw.get("help_en", ""),
    )


def _load(path: Path) -> KindMapping:
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    kind = raw["kind"]
    columns = tuple(_column(c, kind) for c in raw["columns"])
    headers = [c.header for c in columns]
    if len(set(headers)) != len(headers):
        raise MappingError(f"{kind}: duplicate column headers")
    types_by = raw.get("types_by")
    mapping = KindMapping(
        kind=kind,
        segment=raw["segment"],
        title_fr=raw["title_fr"],
        title_en=raw["title_en"],
        description_fr=raw["description_fr"],
        description_en=raw["description_en"],
        key=tuple(raw["key"]),
        columns=columns,
        default_types=tuple(expand(t) for t in raw["default_types"]),
        types_column=types_by["column"] if types_by else None,
        types_by_value=(
            {slug: tuple(expand(t) for t in types) for slug, types in types_by["values"].items()}
            if types_by
            else None
        ),
        label_fr=raw.get("label_fr"),
        label_en=raw.get("label_en"),
    )
    for header in (*mapping.key, *([mapping.types_column] if mapping.types_column else [])):
        if header not in headers:
            raise MappingError(f"{kind}: {header!r} is not a column")
    for column in columns:
        if column.selector and column.selector not in headers:
            raise MappingError(f"{kind}: selector {column.selector!r} is not a column")
    return mapping


@cache
def mappings() -> dict[str, KindMapping]:
    """Every kind's mapping, in the order of ``KIND_ORDER``."""
    found = {p.stem: _load(p) for p in sorted(MAPPINGS_DIR.glob("*.toml"))}
    if set(found) != set(KIND_ORDER):
        raise MappingError(f"mapping files {sorted(found)} do not match {list(KIND_ORDER)}")
    for name, mapping in found.items():
        if mapping.kind != name:
            raise MappingError(f"{name}.toml declares kind {mapping.kind!r}")
    return {name: found[name] for name in KIND_ORDER}
