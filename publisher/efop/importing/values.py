"""Cell text to RDF terms for the value kinds that need no lookup: texts, web addresses,
whole numbers, dates and INSEE codes. A cell that does not fit raises :class:`CellError` with
what to write instead, in French and English."""

from __future__ import annotations

import datetime as dt
import re

from rdflib import XSD, Literal, URIRef

from efop.importing.mapping import CodeRule
from efop.importing.vocabulary import as_iri


class CellError(ValueError):
    def __init__(self, fr: str, en: str):
        super().__init__(en)
        self.fr = fr
        self.en = en


def web_address(text: str) -> URIRef:
    iri = as_iri(text)
    if iri is not None and str(iri).startswith(("http://", "https://")):
        return iri
    raise CellError(
        f"adresse web invalide « {text} » (attendu : https://…)",
        f'invalid web address "{text}" (expected: https://…)',
    )


def whole_number(text: str) -> Literal:
    digits = re.sub(r"[\s\u00a0\u202f]", "", text)  # French thousands separators
    if re.fullmatch(r"-?[0-9]+", digits):
        return Literal(int(digits), datatype=XSD.integer)
    raise CellError(
        f"nombre entier attendu, pas « {text} »", f'whole number expected, not "{text}"'
    )


def date(text: str) -> Literal:
    """A day (``2024-09-01`` or ``01/09/2024``), a month (``2024-09``) or a year (``2024``)."""
    value = text.strip()
    french = re.fullmatch(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})", value)
    if french:
        value = f"{french[3]}-{int(french[2]):02d}-{int(french[1]):02d}"
    try:
        if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
            return Literal(dt.date.fromisoformat(value).isoformat(), datatype=XSD.date)
        if re.fullmatch(r"[0-9]{4}-[0-9]{2}", value) and 1 <= int(value[5:]) <= 12:
            return Literal(value, datatype=XSD.gYearMonth)
        if re.fullmatch(r"[0-9]{4}", value):
            return Literal(value, datatype=XSD.gYear)
    except ValueError:
        pass  # an impossible day such as 2024-02-30: reported below like any bad date
    raise CellError(
        f"date invalide « {text} » (formats : AAAA-MM-JJ, JJ/MM/AAAA, AAAA-MM, AAAA)",
        f'invalid date "{text}" (formats: YYYY-MM-DD, DD/MM/YYYY, YYYY-MM, YYYY)',
    )


def literal(kind: str, text: str) -> Literal | URIRef:
    """The term of a cell of value kind ``text-fr``, ``text-en``, ``iri``, ``integer``, ``date``."""
    if kind in ("text-fr", "text-en"):
        return Literal(text, lang=kind[-2:])
    if kind == "iri":
        return web_address(text)
    if kind == "integer":
        return whole_number(text)
    if kind == "date":
        return date(text)
    raise KeyError(kind)


def insee_code(text: str, rule: CodeRule) -> Literal:
    """An INSEE code as the rule's scale writes it; a spreadsheet's ``1`` for ``01`` is padded."""
    code = text.strip().upper()
    if code.isdigit() and len(code) < rule.width:
        code = code.zfill(rule.width)
    if re.fullmatch(rule.pattern, code):
        return Literal(code)
    raise CellError(
        f"code INSEE « {text} » mal formé pour l'échelle {rule.scale}",
        f'malformed INSEE code "{text}" for scale {rule.scale}',
    )
