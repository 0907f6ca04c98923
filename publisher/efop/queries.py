"""The catalogue of stored queries in ``queries/``: each ``.rq`` file with its header.

A header is a block of ``# key: value`` comment lines at the top of the file::

    # title: Instances régionales et leurs membres par collège
    # title-en: Regional bodies and their members by college
    # description: Pour chaque instance ... (French)
    # description-en: For each body ... (English)
    # param: region iri https://w3id.org/efop/id/territoire/region/52 | Région (IRI du territoire)

A ``param`` line declares a variable the query projects (``?region``), its kind (``iri``,
``string``, ``integer`` or ``date``), its default value and a label. Parameters are bound with
the engine's substitution, never pasted into the text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import Literal, NamedNode

XSD = "http://www.w3.org/2001/XMLSchema#"
PARAM_KINDS = {"iri", "string", "integer", "date"}


class QueryFileError(ValueError):
    """A stored query file whose header cannot be read."""


@dataclass(frozen=True)
class Parameter:
    name: str
    kind: str
    default: str | None
    label: str

    def term(self, value: str) -> NamedNode | Literal:
        """The RDF term for a value given as text; raises ValueError when it does not fit."""
        if self.kind == "iri":
            forbidden = set('<>" {}|\\^`')
            if not value.startswith(("http://", "https://")) or forbidden & set(value):
                raise ValueError(f"{self.name}: not an absolute http(s) IRI")
            return NamedNode(value)
        if self.kind == "integer":
            return Literal(str(int(value)), datatype=NamedNode(XSD + "integer"))
        if self.kind == "date":
            from datetime import date

            return Literal(date.fromisoformat(value).isoformat(), datatype=NamedNode(XSD + "date"))
        return Literal(value)


@dataclass(frozen=True)
class StoredQuery:
    name: str
    path: Path
    text: str
    title: str
    title_en: str
    description: str
    description_en: str
    parameters: tuple[Parameter, ...] = field(default_factory=tuple)

    def bindings(self, values: dict[str, str] | None = None) -> dict[str, NamedNode | Literal]:
        """Terms for the declared parameters: given values first, else defaults."""
        values = values or {}
        unknown = set(values) - {p.name for p in self.parameters}
        if unknown:
            raise ValueError(f"unknown parameter(s): {', '.join(sorted(unknown))}")
        result = {}
        for param in self.parameters:
            raw = values.get(param.name, param.default)
            if raw is not None:
                result[param.name] = param.term(raw)
        return result


def _parse_param(spec: str, path: Path) -> Parameter:
    head, _, label = spec.partition("|")
    parts = head.split()
    if len(parts) not in (2, 3) or parts[1] not in PARAM_KINDS:
        raise QueryFileError(f"{path.name}: bad param line {spec!r}")
    default = parts[2] if len(parts) == 3 else None
    return Parameter(parts[0].lstrip("?"), parts[1], default, label.strip() or parts[0])


def read_query(path: Path) -> StoredQuery:
    text = path.read_text(encoding="utf-8")
    header: dict[str, str] = {}
    params: list[Parameter] = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        key, sep, value = line.lstrip("# ").partition(":")
        if not sep:
            continue
        key, value = key.strip().lower(), value.strip()
        if key == "param":
            params.append(_parse_param(value, path))
        elif key in header:
            header[key] += " " + value
        else:
            header[key] = value
    missing = [k for k in ("title", "title-en", "description", "description-en") if k not in header]
    if missing:
        raise QueryFileError(f"{path.name}: header lacks {', '.join(missing)}")
    return StoredQuery(
        name=path.stem,
        path=path,
        text=text,
        title=header["title"],
        title_en=header["title-en"],
        description=header["description"],
        description_en=header["description-en"],
        parameters=tuple(params),
    )


def load_catalogue(queries_dir: Path) -> dict[str, StoredQuery]:
    """Every competency query of ``queries/`` (not the quality checks of ``queries/qc``)."""
    return {q.name: q for q in map(read_query, sorted(queries_dir.glob("*.rq")))}
