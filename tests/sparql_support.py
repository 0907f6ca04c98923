"""Helpers of the SPARQL endpoint tests: a small build on disk, real server processes on
loopback (the publisher and ``oxigraph serve``), and a TCP listener that records connections.

The build written here follows the build contract (``var/builds/ID/store`` + ``manifest.json``,
``var/current`` symlink) with a small dataset, so the endpoint is tested on its own data.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from pyoxigraph import Literal, NamedNode, Quad, Store

REPO = Path(__file__).resolve().parents[1]
PYTHON = REPO / ".venv" / "bin" / "python"
OXIGRAPH = REPO / ".venv" / "bin" / "oxigraph"
BASE = "https://w3id.org/efop/"
REFERENCE = BASE + "id/graph/reference"
SOURCE = BASE + "id/source/atelier-3-alliances-territoriales"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
ORG = "http://www.w3.org/ns/org#"
EFOP = BASE + "ontology#"
REGIONS = {"52": "Pays de la Loire", "75": "Nouvelle-Aquitaine", "53": "Bretagne"}
FILLER = 120  # triples of the filler graph, enough for a runaway cartesian product

STORED_QUERIES = {
    "regions.rq": """# title: Régions et leur libellé
# title-en: Regions and their label
# description: Les territoires régionaux avec leur libellé en français.
# description-en: Regional territories with their French label.
# param: region iri | Région (IRI)
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX igeo: <http://rdf.insee.fr/def/geo#>
SELECT ?region ?label WHERE {
  ?region a igeo:Region ; rdfs:label ?label .
}
ORDER BY ?label
""",
    "region-by-code.rq": """# title: Région par code INSEE
# title-en: Region by INSEE code
# description: La région dont le code INSEE est donné.
# description-en: The region with the given INSEE code.
# param: code string 52 | Code INSEE de la région
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX igeo: <http://rdf.insee.fr/def/geo#>
SELECT ?code ?region ?label WHERE {
  ?region igeo:codeRegion ?code ; rdfs:label ?label .
}
""",
}


def dataset_quads() -> list[Quad]:
    quads = []
    region_class = NamedNode("http://rdf.insee.fr/def/geo#Region")
    for code, name in REGIONS.items():
        region = NamedNode(f"{BASE}id/territoire/region/{code}")
        graph = NamedNode(REFERENCE)
        quads += [
            Quad(region, NamedNode(RDF_TYPE), region_class, graph),
            Quad(region, NamedNode(RDFS_LABEL), Literal(name, language="fr"), graph),
            Quad(
                region,
                NamedNode("http://rdf.insee.fr/def/geo#codeRegion"),
                Literal(code),
                graph,
            ),
        ]
    body = NamedNode(f"{BASE}id/instance/crefop-pays-de-la-loire")
    source = NamedNode(SOURCE)
    quads += [
        Quad(body, NamedNode(RDF_TYPE), NamedNode(EFOP + "CREFOP"), source),
        Quad(
            body, NamedNode(RDFS_LABEL), Literal("CREFOP Pays de la Loire", language="fr"), source
        ),
        Quad(
            body,
            NamedNode(EFOP + "actsOn"),
            NamedNode(f"{BASE}id/territoire/region/52"),
            source,
        ),
    ]
    filler = NamedNode(BASE + "id/graph/filler")
    for i in range(FILLER):
        quads.append(
            Quad(
                NamedNode(f"{BASE}id/projet/p{i}"),
                NamedNode(ORG + "purpose"),
                Literal(f"objectif {i}", language="fr"),
                filler,
            )
        )
    return quads


def write_build(var_dir: Path, build_id: str = "20260101T000000Z-test") -> Path:
    """A build directory with a store and a manifest, made current."""
    path = var_dir / "builds" / build_id
    (path / "store").mkdir(parents=True)
    store = Store(str(path / "store"))
    quads = dataset_quads()
    store.extend(quads)
    store.flush()
    del store
    graphs: dict[str, dict] = {}
    for quad in quads:
        entry = graphs.setdefault(quad.graph_name.value, {"files": [], "triples": 0})
        entry["triples"] += 1
    manifest = {
        "id": build_id,
        "created": "2026-01-01T00:00:00Z",
        "base_iri": BASE,
        "triples": len(quads),
        "quads": len(quads),
        "graphs": graphs,
        "dumps": [],
    }
    (path / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    link = var_dir / "current"
    if link.is_symlink():
        link.unlink()
    link.symlink_to(path)
    return path


def write_root(root: Path) -> Path:
    """A project root with the stored queries of the tests."""
    queries = root / "queries"
    queries.mkdir(parents=True, exist_ok=True)
    for name, text in STORED_QUERIES.items():
        (queries / name).write_text(text, encoding="utf-8")
    return root


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, seconds: float = 30.0, process: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"{url} did not answer in {seconds} s")


@contextmanager
def running(command: list[str], url: str, env: dict | None = None, log: Path | None = None):
    """A server process for the duration of the block; stopped (by its own id) afterwards."""
    out = open(log, "wb") if log else subprocess.DEVNULL  # noqa: SIM115
    process = subprocess.Popen(
        command, env={**os.environ, **(env or {})}, stdout=out, stderr=subprocess.STDOUT
    )
    try:
        wait_for(url, process=process)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)
        if log:
            out.close()


def publisher_command(port: int) -> list[str]:
    return [str(PYTHON), str(Path(__file__).with_name("sparql_server.py")), str(port)]


def oxigraph_command(port: int, location: Path) -> list[str]:
    return [
        str(OXIGRAPH),
        "serve",
        "--location",
        str(location),
        "--bind",
        f"127.0.0.1:{port}",
        "--union-default-graph",
    ]


def load_oxigraph(endpoint_root: str, quads: list[Quad]) -> None:
    """Send quads to an ``oxigraph serve`` through its Graph Store endpoint (one PUT/graph)."""
    from pyoxigraph import RdfFormat, serialize

    by_graph: dict[str, list] = {}
    for quad in quads:
        by_graph.setdefault(quad.graph_name.value, []).append(quad.triple)
    for graph, triples in by_graph.items():
        body = serialize(triples, format=RdfFormat.N_TRIPLES)
        request = urllib.request.Request(
            f"{endpoint_root}/store?graph={urllib.parse.quote(graph, safe='')}",
            data=body,
            method="PUT",
            headers={"Content-Type": "application/n-triples"},
        )
        urllib.request.urlopen(request, timeout=10).read()


class Listener:
    """A TCP socket on 127.0.0.1 that accepts and records every connection it receives."""

    def __init__(self):
        self._socket = socket.socket()
        self._socket.bind(("127.0.0.1", 0))
        self._socket.listen(16)
        self._socket.settimeout(0.2)
        self.port = self._socket.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/sparql"
        self.connections: list[tuple] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, peer = self._socket.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections.append(peer)
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self._socket.close()
