"""Problems found in a steward's files, located by file, sheet, row and column, in French
and in English. An import writes nothing while there is one."""

from __future__ import annotations

from dataclasses import dataclass


def quote(text: str, lang: str) -> str:
    """A name quoted the French or the English way."""
    return f'"{text}"' if lang == "en" else f"« {text} »"


@dataclass(frozen=True)
class Location:
    file: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None

    def format(self, lang: str) -> str:
        english = lang == "en"
        parts = [self.file]
        if self.sheet:
            parts.append(
                f"sheet {quote(self.sheet, lang)}"
                if english
                else f"feuille {quote(self.sheet, lang)}"
            )
        if self.row is not None:
            parts.append(f"{'row' if english else 'ligne'} {self.row}")
        if self.column:
            parts.append(f"{'column' if english else 'colonne'} {quote(self.column, lang)}")
        return ", ".join(parts)


@dataclass(frozen=True)
class Problem:
    location: Location
    message_fr: str
    message_en: str

    def message(self, lang: str) -> str:
        return self.message_en if lang == "en" else self.message_fr

    def format(self, lang: str) -> str:
        separator = ": " if lang == "en" else " : "
        return f"{self.location.format(lang)}{separator}{self.message(lang)}"


class ImportFailed(Exception):
    """The import stopped on problems; ``exit_code`` 2 for unreadable input, 1 otherwise."""

    def __init__(self, problems: list[Problem], exit_code: int = 1):
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems
        self.exit_code = exit_code

    def format(self, lang: str) -> str:
        return "\n".join(p.format(lang) for p in self.problems)
