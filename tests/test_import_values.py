"""Cell values of the spreadsheet import: dates, numbers, web addresses and INSEE codes as a
steward or a spreadsheet program writes them."""

from __future__ import annotations

import pytest
from rdflib import XSD, Literal, URIRef

from efop.importing import values
from efop.importing.mapping import mappings


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2020-09-01", Literal("2020-09-01", datatype=XSD.date)),
        ("1/9/2020", Literal("2020-09-01", datatype=XSD.date)),
        ("2020-07", Literal("2020-07", datatype=XSD.gYearMonth)),
        ("2020", Literal("2020", datatype=XSD.gYear)),
    ],
)
def test_dates(text, expected):
    assert values.date(text) == expected


@pytest.mark.parametrize("text", ["2024-02-30", "2020-13", "17 juillet 2020", "31/31/2020"])
def test_impossible_dates_say_which_formats_work(text):
    with pytest.raises(values.CellError) as error:
        values.date(text)
    assert "JJ/MM/AAAA" in error.value.fr and "DD/MM/YYYY" in error.value.en


def test_whole_numbers_accept_french_thousands_separators():
    assert values.whole_number("1\u202f200") == Literal(1200, datatype=XSD.integer)
    with pytest.raises(values.CellError):
        values.whole_number("près de 100")


def test_web_addresses():
    assert values.web_address("https://www.bretagne.bzh") == URIRef("https://www.bretagne.bzh")
    for text in ("www.bretagne.bzh", "https://exemple .fr", "voir le site"):
        with pytest.raises(values.CellError):
            values.web_address(text)


def code_rule(scale: str):
    column = mappings()["territoires"].column("Code INSEE")
    return next(rule for rule in column.codes if rule.scale == scale)


@pytest.mark.parametrize(
    ("scale", "text", "expected"),
    [
        ("regional", "53", "53"),
        ("regional", "1", "01"),  # a spreadsheet drops the leading zero of a number
        ("departemental", "2a", "2A"),
        ("departemental", "974", "974"),
        ("commune", "1053", "01053"),
        ("commune", "2B033", "2B033"),
    ],
)
def test_insee_codes(scale, text, expected):
    assert values.insee_code(text, code_rule(scale)) == Literal(expected)


@pytest.mark.parametrize(("scale", "text"), [("regional", "530"), ("departemental", "2C")])
def test_malformed_insee_codes(scale, text):
    with pytest.raises(values.CellError):
        values.insee_code(text, code_rule(scale))
