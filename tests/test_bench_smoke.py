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

import pytest
from pyoxigraph import QuerySolutions, RdfFormat, Store

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))

import generate  # noqa: E402

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
