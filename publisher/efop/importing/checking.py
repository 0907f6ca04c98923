"""Validation of an import with the repository's shapes, reported in the steward's terms.

The import is validated together with the dataset it joins (minus the file it replaces), through
:mod:`efop.validation`, exactly as the build will validate it; each finding is traced back to the
sheet, row and column the offending statement came from.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph

from efop.config import Settings
from efop.importing.problems import Location, Problem, quote
from efop.importing.rows import Conversion
from efop.importing.vocabulary import full_iri
from efop.validation import Finding, LoadedSources, load_sources, validate


@dataclass
class Context:
    """The dataset an import joins: the repository's sources without the file it replaces."""

    settings: Settings
    sources: LoadedSources
    data_paths: list[Path]
    dataset: Graph

    @classmethod
    def load(cls, settings: Settings, *, exclude: Path | None = None) -> Context:
        sources = load_sources(settings)
        skip = exclude.resolve() if exclude is not None else None
        kept = [d for d in sources.data if Path(d.path).resolve() != skip]
        dataset = Graph()
        for data_file in kept:
            dataset += data_file.graph
        return cls(settings, sources, [Path(d.path) for d in kept], dataset)


def _details(path: str | None, value: str | None, lang: str) -> str:
    parts = []
    if path:
        parts.append(f"{'property' if lang == 'en' else 'propriété'} {path}")
    if value:
        parts.append(f"{'value' if lang == 'en' else 'valeur'} {quote(value, lang)}")
    return f" [{', '.join(parts)}]" if parts else ""


def _problem(finding: Finding, location: Location, *, outside: bool) -> Problem:
    messages = {}
    for lang in ("fr", "en"):
        message = finding.message_en if lang == "en" else finding.message_fr
        if outside:
            message = f"{finding.focus} : {message}"
        value = finding.value if finding.value != finding.focus else None
        messages[lang] = message + _details(finding.path, value, lang)
    return Problem(location, messages["fr"], messages["en"])


@dataclass
class Check:
    """What the shapes say about an import: its violations stop it, its warnings do not;
    findings in other files of the dataset are not the import's to fix (``efop build`` and
    ``efop validate`` report them)."""

    violations: list[Problem]
    warnings: list[Problem]
    elsewhere: list[Problem]


def validate_import(context: Context, conversion: Conversion, data: bytes, name: str) -> Check:
    """Validate the import's Turtle ``data`` together with the dataset it joins."""
    with tempfile.TemporaryDirectory(prefix="efop-import-") as directory:
        candidate = Path(directory) / name
        candidate.write_bytes(data)
        sources = load_sources(context.settings, data_paths=[*context.data_paths, candidate])
        report = validate(sources)
    check = Check([], [], [])
    for finding in report.findings:
        location = conversion.locate(
            full_iri(finding.focus),
            full_iri(finding.path) if finding.path else None,
            finding.value,
        )
        in_import = location is not None or (
            finding.file is not None and Path(finding.file) == candidate
        )
        if not in_import:
            where = _relative(finding.file, context.settings.root)
            check.elsewhere.append(_problem(finding, Location(where), outside=True))
        elif finding.severity == "Violation":
            check.violations.append(_problem(finding, location or Location(name), outside=False))
        else:
            check.warnings.append(_problem(finding, location or Location(name), outside=False))
    return check


def _relative(path: Path | None, root: Path) -> str:
    if path is None:
        return "?"
    try:
        return Path(path).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return Path(path).name
