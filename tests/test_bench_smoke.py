"""The benchmark's generator at a tiny size: deterministic, synthetic where it must be, valid.

The benchmark itself is not run here; these tests check that the data it measures is what the
project would publish (it passes ``efop validate``) and that its query mix runs on it.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest
from pyoxigraph import QuerySolutions, RdfFormat, Store

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))

import generate  # noqa: E402
import report  # noqa: E402

import queries  # noqa: E402

SIZE = 12_000
SYNTHETIC = "https://w3id.org/efop/id/territoire/synthetique/"
RDF_TYPE = generate.PREFIXES["rdf"] + "type"
RDFS_LABEL = generate.PREFIXES["rdfs"] + "label"
INSEE_GEO = generate.PREFIXES["igeo"]


def digest(folder: Path) -> dict[str, str]:
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("data")
    return out, generate.generate(out, SIZE, seed=3)


def test_same_seed_same_bytes_other_seed_other_data(generated, tmp_path):
    out, summary = generated
    again = generate.generate(tmp_path / "again", SIZE, seed=3)
    assert digest(tmp_path / "again") == digest(out)
    assert again == summary
    generate.generate(tmp_path / "other", SIZE, seed=4)
    assert digest(tmp_path / "other") != digest(out)


def test_reaches_the_requested_size(generated):
    _, summary = generated
    assert SIZE <= summary["triples"] < SIZE * 1.05
    assert summary["actors"] > 0


def test_sizes_are_read_like_the_command_line():
    assert generate.parse_size("100k") == 100_000
    assert generate.parse_size("1M") == 1_000_000
    assert generate.parse_size("2500") == 2_500
    with pytest.raises(ValueError):
        generate.parse_size("0")


def load(out: Path) -> Store:
    store = Store()
    for path in sorted(out.rglob("*.ttl")):
        store.load(path=str(path), format=RdfFormat.TURTLE)
    return store


def test_synthetic_territories_are_marked_and_carry_no_insee_code(generated):
    out, _ = generated
    quads = [q for q in load(out) if q.subject.value.startswith(SYNTHETIC)]
    assert quads
    labels = [q.object.value for q in quads if q.predicate.value == RDFS_LABEL]
    assert labels and all("synthétique" in label for label in labels)
    assert not any(q.predicate.value.startswith(INSEE_GEO) for q in quads)
    types = {q.object.value for q in quads if q.predicate.value == RDF_TYPE}
    assert types == {"https://w3id.org/efop/ontology#Territory"}


def test_query_mix_runs_and_finds_the_generated_resources(generated):
    out, summary = generated
    store = load(out)
    mix = queries.query_mix(summary, per_template=2)
    assert {q.name for q in mix} == set(queries.TEMPLATES)
    for query in mix:
        result = store.query(query.text, use_default_graph_as_union=True)
        rows = list(result)
        if query.name in ("lookup-resource", "lookup-label", "aggregate-needs-by-theme"):
            assert isinstance(result, QuerySolutions) and rows, query.name


def test_generated_data_passes_efop_validate(generated, tmp_path):
    out, _ = generated
    root = tmp_path / "root"
    root.mkdir()
    for name in ("ontology", "shapes", "queries"):
        (root / name).symlink_to(REPO / name)
    (root / "data").symlink_to(out)
    efop = Path(sys.executable).parent / "efop"
    done = subprocess.run(
        [str(efop), "validate"],
        env={**os.environ, "EFOP_ROOT": str(root)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "Conforme" in done.stdout


def figures(median: float) -> dict:
    return {"median": median, "min": median * 0.9, "max": median * 1.1, "n": 3}


def load_figures(rps: float, p99: float) -> dict:
    return {
        "rps": figures(rps),
        "p50_ms": figures(p99 / 4),
        "p99_ms": figures(p99),
        "requests": int(rps * 30),
        "errors": 0,
    }


def test_report_states_ratios_and_missed_targets():
    memory = {"max_rss": 2**29, "max_pss": 2**28, "workers": [{}, {}, {}]}
    linked_data = {
        "resources": 50,
        "probes": {"efop turtle": {"status": 200, "type": "text/turtle"}},
        "loads": {
            "efop turtle": load_figures(900, 20),
            "efop jsonld": load_figures(800, 20),
            "efop html": load_figures(600, 80),
            "efop 304": load_figures(1500, 10),
            "minimal turtle": load_figures(1000, 15),
        },
        "memory": {"efop": memory, "minimal": memory},
    }
    answer = {"query": "describe", "seconds": 0.01, "results": 6, "error": None}
    engines = {
        name: {
            **load_figures(rps, 100),
            "startup_seconds": 1.0,
            "rss_after": 2**28,
            "answers": [answer],
        }
        for name, rps in (("efop", 80), ("oxigraph", 100), ("rdflib-endpoint", 5))
    }
    build = {
        "ok": True,
        "runs": [],
        "seconds": figures(300),
        "peak_rss": figures(3 * 2**30),
        "stages": {"loading sources": figures(40), "validating": figures(200)},
        "triples": 1_000_000,
        "resources": 150_000,
    }
    results = {
        "command": "python bench/run.py",
        "started": "2026-01-01T00:00:00Z",
        "machine": {
            "cores": 2,
            "memory_gb": 23.5,
            "cpu": "x",
            "kernel": "6",
            "python": "3.11",
            "load_average_at_start": (0.1, 0.1, 0.1),
            "packages": {},
            "wrk": "wrk",
            "commit": "c",
        },
        "plan": {
            "seconds": 10,
            "max_requests": 1000,
            "repeat": 3,
            "connections": 4,
            "workers": 3,
            "resources": 50,
            "per_template": 4,
            "seed": 1,
        },
        "sizes": {
            "1M": {
                "generated_triples": 1_000_000,
                "native_load": {"status": 0, "seconds": 9.0, "peak_rss": 2**30},
                "build": build,
                "linked_data": linked_data,
                "sparql": {"queries": 32, "engines": engines},
            },
            "10M": {
                "generated_triples": 10_000_000,
                "native_load": {"status": 0, "seconds": 90.0, "peak_rss": 2**32},
                "build": {"ok": False, "skipped": True, "runs": []},
            },
        },
    }
    text = report.markdown(results)
    assert "| SPARQL mix ≥ 0.85× oxigraph (1M) | 0.80× | MISSED by 6% |" in text
    assert "| SPARQL mix ≥ 7.0× rdflib-endpoint (1M) | 16.00× | met |" in text
    assert "| efop turtle ≥ 1.0× minimal (1M) | 0.90× | MISSED by 10% |" in text
    assert "| build 1M < 60 s | 300 s | MISSED by 400% |" in text
    assert "| resource page p99 < 50 ms (1M) | 80.0 ms | MISSED by 60% |" in text
    assert "not built with efop build" in text
    ElementTree.fromstring(report.svg(results))
