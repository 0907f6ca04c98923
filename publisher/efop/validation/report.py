"""What validation found, in terms a data steward can act on: file, resource, property, message.

A :class:`ValidationReport` is a plain value built from pySHACL's results graph; it prints
itself grouped by file, then by resource, in French or English.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

SEVERITY_WORDS = {
    "fr": {"Violation": "erreur", "Warning": "avertissement", "Info": "information"},
    "en": {"Violation": "error", "Warning": "warning", "Info": "info"},
}
NO_FILE = {"fr": "(hors fichier de données)", "en": "(not in a data file)"}
SUMMARY = {
    "fr": (
        "Conforme : {files} fichier(s) validé(s), aucune erreur.",
        "Non conforme : {n} problème(s) dans {files} fichier(s) validé(s).",
    ),
    "en": (
        "Conforms: {files} file(s) validated, no error.",
        "Does not conform: {n} problem(s) in {files} validated file(s).",
    ),
}
VALUE_WORD = {"fr": "valeur", "en": "value"}
SHAPE_WORD = {"fr": "forme", "en": "shape"}


@dataclass(frozen=True)
class Finding:
    """One validation result, mapped back to the data file its resource comes from."""

    file: Path | None
    focus: str
    path: str | None
    value: str | None
    shape: str
    severity: str
    message_fr: str
    message_en: str

    def message(self, lang: str) -> str:
        return self.message_en if lang == "en" else self.message_fr


@dataclass
class ValidationReport:
    """The outcome of validating a set of data files."""

    conforms: bool
    findings: list[Finding] = field(default_factory=list)
    files_checked: int = 0

    def summary(self, lang: str = "fr") -> str:
        ok, failed = SUMMARY["en" if lang == "en" else "fr"]
        if self.conforms and not self.findings:
            return ok.format(files=self.files_checked)
        if self.conforms:
            return ok.format(files=self.files_checked) + f" ({len(self.findings)})"
        return failed.format(n=len(self.findings), files=self.files_checked)

    def format(self, lang: str = "fr") -> str:
        """A readable multi-line report grouped by file, then by resource, then the summary."""
        lang = "en" if lang == "en" else "fr"
        grouped: dict[str, dict[str, list[Finding]]] = defaultdict(lambda: defaultdict(list))
        for finding in self.findings:
            where = str(finding.file) if finding.file else NO_FILE[lang]
            grouped[where][finding.focus].append(finding)
        lines: list[str] = []
        for where in sorted(grouped):
            lines.append(where)
            for focus in sorted(grouped[where]):
                lines.append(f"  {focus}")
                for finding in grouped[where][focus]:
                    lines.extend(describe(finding, lang))
            lines.append("")
        lines.append(self.summary(lang))
        return "\n".join(lines)


def describe(finding: Finding, lang: str) -> list[str]:
    """The lines of one finding: severity, property and message, then value and shape."""
    colon = " :" if lang == "fr" else ":"
    severity = SEVERITY_WORDS[lang].get(finding.severity, finding.severity)
    prop = finding.path or "-"
    lines = [f"    [{severity}] {prop}{colon} {finding.message(lang)}"]
    if finding.value is not None:
        lines.append(f"      {VALUE_WORD[lang]}{colon} {finding.value}")
    lines.append(f"      {SHAPE_WORD[lang]}{colon} {finding.shape}")
    return lines
