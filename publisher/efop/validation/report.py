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
    "fr": {
        True: "Conforme : {files} fichier(s) validé(s), aucune erreur, "
        "{warnings} avertissement(s).",
        False: "Non conforme : {errors} erreur(s) et {warnings} avertissement(s) "
        "dans {files} fichier(s) validé(s).",
    },
    "en": {
        True: "Conforms: {files} file(s) validated, no error, {warnings} warning(s).",
        False: "Does not conform: {errors} error(s) and {warnings} warning(s) "
        "in {files} validated file(s).",
    },
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
        """One line: conforms or not, with the counts of errors and warnings."""
        errors = sum(1 for f in self.findings if f.severity == "Violation")
        template = SUMMARY["en" if lang == "en" else "fr"][self.conforms]
        return template.format(
            files=self.files_checked, errors=errors, warnings=len(self.findings) - errors
        )

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


def shortened(value: str, limit: int = 200) -> str:
    """A value as the report shows it: cut, with its length, when it is too long to read."""
    if len(value) <= limit:
        return value
    return f"{value[:limit]}… ({len(value)} caractères / characters)"


def describe(finding: Finding, lang: str) -> list[str]:
    """The lines of one finding: severity, property and message, then value and shape."""
    colon = " :" if lang == "fr" else ":"
    severity = SEVERITY_WORDS[lang].get(finding.severity, finding.severity)
    prop = finding.path or "-"
    lines = [f"    [{severity}] {prop}{colon} {finding.message(lang)}"]
    if finding.value is not None:
        lines.append(f"      {VALUE_WORD[lang]}{colon} {shortened(finding.value)}")
    lines.append(f"      {SHAPE_WORD[lang]}{colon} {finding.shape}")
    return lines
