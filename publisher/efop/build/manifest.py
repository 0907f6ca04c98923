"""The manifest of a build: what went in, what came out, with counts.

Servers read it to know which base a build was made for and what it holds without opening the
store; people read it to know which file fed which named graph.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path

import rdflib
from rdflib.namespace import DCTERMS, OWL, RDF

from efop.build.dumps import Dump
from efop.build.loading import GraphInput, relative_name
from efop.build.statistics import Statistics

MANIFEST_FILE = "manifest.json"


def inputs_hash(files: Iterable[Path], root: Path, base_iri: str) -> str:
    """SHA-256 over the base and the names and contents of the input files."""
    digest = hashlib.sha256(base_iri.encode())
    for path in sorted(Path(p).resolve() for p in files):
        digest.update(b"\0" + relative_name(path, root).encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def ontology_version(ontology: rdflib.Graph) -> str | None:
    """``owl:versionInfo`` of the ontology, else its ``owl:versionIRI``, else nothing."""
    for subject in ontology.subjects(RDF.type, OWL.Ontology):
        for prop in (OWL.versionInfo, OWL.versionIRI):
            value = ontology.value(subject, prop)
            if value is not None:
                return str(value)
    return None


def ontology_issued(ontology: rdflib.Graph) -> rdflib.Literal | None:
    """``dct:issued`` of the ontology: when the dataset was first published."""
    for subject in ontology.subjects(RDF.type, OWL.Ontology):
        issued = ontology.value(subject, DCTERMS.issued)
        if isinstance(issued, rdflib.Literal):
            return issued
    return None


def make_manifest(
    *,
    build_id: str,
    created: str,
    base_iri: str,
    version: str | None,
    stats: Statistics,
    plans: Iterable[GraphInput],
    dumps: Iterable[Dump],
    digest: str,
) -> dict:
    return {
        "id": build_id,
        "created": created,
        "base_iri": base_iri,
        "ontology_version": version,
        "triples": stats.triples,
        "quads": stats.quads,
        "resources": stats.resources,
        "graphs": {
            plan.iri: {
                "files": plan.files,
                "triples": stats.graphs[plan.iri].triples if plan.iri in stats.graphs else 0,
            }
            for plan in plans
        },
        "dumps": [_dump_entry(d, stats) for d in dumps],
        "inputs_hash": digest,
    }


def _dump_entry(dump: Dump, stats: Statistics) -> dict:
    """A dump's figures: the distinct triples it holds, and its quads when it keeps the graphs."""
    entry = {
        "file": dump.file,
        "media_type": dump.media_type,
        "triples": stats.triples,
        "bytes": dump.bytes,
    }
    if dump.format.with_graphs:
        entry["quads"] = stats.quads
    return entry


def write_manifest(directory: Path, manifest: dict) -> Path:
    path = directory / MANIFEST_FILE
    path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def read_manifest(directory: Path) -> dict:
    return json.loads((directory / MANIFEST_FILE).read_text(encoding="utf-8"))
