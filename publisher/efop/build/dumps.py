"""The downloadable dumps of a build, written by Oxigraph's serialisers from the built store.

Harvesters and users who do not query the endpoint take the dataset as a whole: the union of
the graphs (N-Triples, Turtle, JSON-LD) or the graphs themselves (N-Quads, TriG).
"""

from __future__ import annotations

import gzip
import shutil
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import RdfFormat, Store, serialize

from efop.build.statistics import Statistics

UNION_QUERY = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
CHUNK = 1 << 20


@dataclass(frozen=True)
class DumpFormat:
    """One kind of dump: file name, syntax and how it is described in DCAT."""

    file: str
    rdf_format: RdfFormat
    media_type: str
    title: str
    file_type: str  # code in the EU "file type" authority list
    compressed: bool
    with_graphs: bool


DUMP_FORMATS: tuple[DumpFormat, ...] = (
    DumpFormat(
        "efop.nt.gz", RdfFormat.N_TRIPLES, "application/n-triples", "N-Triples (gzip)",
        "RDF_N_TRIPLES", compressed=True, with_graphs=False,
    ),
    DumpFormat(
        "efop.ttl", RdfFormat.TURTLE, "text/turtle", "Turtle",
        "RDF_TURTLE", compressed=False, with_graphs=False,
    ),
    DumpFormat(
        "efop.nq.gz", RdfFormat.N_QUADS, "application/n-quads", "N-Quads (gzip)",
        "RDF_N_QUADS", compressed=True, with_graphs=True,
    ),
    DumpFormat(
        "efop.trig", RdfFormat.TRIG, "application/trig", "TriG",
        "RDF_TRIG", compressed=False, with_graphs=True,
    ),
    DumpFormat(
        "efop.jsonld", RdfFormat.JSON_LD, "application/ld+json", "JSON-LD",
        "JSON_LD", compressed=False, with_graphs=False,
    ),
)  # fmt: skip


@dataclass(frozen=True)
class Dump:
    """A written dump: its format, the number of triples (or quads) it holds and its size."""

    format: DumpFormat
    triples: int
    bytes: int

    @property
    def file(self) -> str:
        return self.format.file

    @property
    def media_type(self) -> str:
        return self.format.media_type


def _gzip(plain: Path, target: Path) -> None:
    """Compress ``plain`` into ``target`` (reproducibly: no timestamp) and remove it."""
    with open(plain, "rb") as source, open(target, "wb") as raw:
        with gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=6, mtime=0) as zipped:
            shutil.copyfileobj(source, zipped, CHUNK)
    plain.unlink()


def write_dumps(
    store: Store, directory: Path, prefixes: dict[str, str], stats: Statistics
) -> list[Dump]:
    """Write every dump of :data:`DUMP_FORMATS` into ``directory``.

    Oxigraph writes straight to a file path (much faster than through a Python file object);
    compressed dumps are written plain first, then gzipped in a thread of their own while
    Oxigraph writes the next dumps (zlib lets other threads run while it compresses).
    """
    directory.mkdir(parents=True, exist_ok=True)
    compressing: list[Future[None]] = []
    with ThreadPoolExecutor(max_workers=1) as gzipper:
        for dump_format in DUMP_FORMATS:
            path = directory / dump_format.file
            plain = path.with_name("." + path.stem) if dump_format.compressed else path
            if dump_format.with_graphs:
                store.dump(str(plain), dump_format.rdf_format, prefixes=prefixes)
            else:
                union = store.query(UNION_QUERY, use_default_graph_as_union=True)
                serialize(union, str(plain), dump_format.rdf_format, prefixes=prefixes)
            if dump_format.compressed:
                compressing.append(gzipper.submit(_gzip, plain, path))
        for job in compressing:
            job.result()
    dumps = []
    for dump_format in DUMP_FORMATS:
        count = stats.quads if dump_format.with_graphs else stats.triples
        size = (directory / dump_format.file).stat().st_size
        dumps.append(Dump(dump_format, count, size))
    return dumps
