"""How SHACL validation cost grows with the data: time and peak memory of each engine by size.

Generates shape-conformant data with ``bench/generate.py`` (cached under ``--work``), then
measures each (engine, size) in a fresh process, so that its peak resident memory is its own:
the compiled engine (files parsed by Oxigraph into a store, shapes run as SPARQL) at every
size, pySHACL (files parsed by rdflib) only up to ``--pyshacl-max``, since it costs about
0.6 ms per triple. Prints one line per measurement and, last, the growth of the compiled
engine's validation time from one size to the next. Not a test: timings vary with the machine.

    .venv/bin/python bench/validation_scaling.py --sizes 100k,1M
"""

from __future__ import annotations

import argparse
import itertools
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import generate  # noqa: E402

DEFAULT_WORK = BENCH / "work" / "validation"


def measure(engine: str, data: Path) -> dict:
    """Load and validate ``data`` with one engine, in this process."""
    from efop.config import Settings
    from efop.validation import load_sources, validate
    from efop.validation.store_sources import load_store_sources

    load = load_store_sources if engine == "compiled" else load_sources
    started = time.perf_counter()
    sources = load(Settings(), data_paths=[data])
    loaded = time.perf_counter()
    report = validate(sources, engine=engine)
    done = time.perf_counter()
    return {
        "engine": engine,
        "load_s": round(loaded - started, 2),
        "validate_s": round(done - loaded, 2),
        "findings": len(report.findings),
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def dataset(work: Path, size: int, seed: int) -> tuple[Path, int]:
    """The generated data of ``size`` triples (reused when already generated)."""
    out = work / f"{size}-seed{seed}"
    summary_path = out / "generated.json"
    if summary_path.exists():
        return out, json.loads(summary_path.read_text())["triples"]
    summary = generate.generate(out, size, seed=seed, fmt="ttl")
    return out, summary["triples"]


def run_measure(engine: str, data: Path) -> dict:
    command = [sys.executable, __file__, "--measure", engine, str(data)]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"{engine} on {data} failed:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100k,1M", help="sizes in triples (default 100k,1M)")
    parser.add_argument(
        "--pyshacl-max", default="100k", help="largest size run with pySHACL (0: none)"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK, help="generated data cache")
    parser.add_argument("--measure", nargs=2, metavar=("ENGINE", "DATA"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        print(json.dumps(measure(args.measure[0], Path(args.measure[1]))))
        return 0
    pyshacl_max = 0 if args.pyshacl_max in ("0", "none") else generate.parse_size(args.pyshacl_max)
    compiled_times: list[tuple[int, float]] = []
    print("engine    triples     load_s  validate_s  total_s  peak_MB  findings")
    for size in (generate.parse_size(s) for s in args.sizes.split(",")):
        data, triples = dataset(args.work, size, args.seed)
        engines = ["compiled"] + (["pyshacl"] if size <= pyshacl_max else [])
        for engine in engines:
            row = run_measure(engine, data)
            total = row["load_s"] + row["validate_s"]
            print(
                f"{engine:9} {triples:>9,}  {row['load_s']:>8.2f}  {row['validate_s']:>10.2f}"
                f"  {total:>7.2f}  {row['peak_mb']:>7}  {row['findings']:>8}",
                flush=True,
            )
            if engine == "compiled":
                compiled_times.append((triples, row["validate_s"]))
    for (small, t_small), (large, t_large) in itertools.pairwise(compiled_times):
        if t_small > 0:
            print(
                f"compiled validation: {large / small:.1f}x the triples, "
                f"{t_large / t_small:.1f}x the time"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
