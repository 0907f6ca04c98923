"""The whole benchmark in one command: ``python bench/run.py [--sizes 100k,1M] [--quick]``.

For each size it generates data (bench/generate.py), builds it with ``efop build`` in a
temporary project root, and serves it with ``efop serve`` (gunicorn, as in production) next to
the minimal Flask + pyoxigraph baseline; at the SPARQL size it also starts ``oxigraph
serve-read-only`` and rdflib-endpoint on the same data. Loads come from wrk on loopback, each
bounded in time and in requests. Results go to ``bench/RESULTS.md``, ``bench/results.json``
and ``bench/cost-vs-size.svg``; bench/README.md explains every figure.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from pyoxigraph import RdfFormat, parse

from efop.namespaces import DEFAULT_BASE

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
VENV_BIN = Path(sys.executable).parent
sys.path.insert(0, str(BENCH))

import generate  # noqa: E402
import machine  # noqa: E402
import report  # noqa: E402
from load import LoadResult, Request, run_wrk, wrk_available  # noqa: E402
from processes import children, free_port, pss_bytes, rss_bytes, run_measured, server  # noqa: E402
from stats import summarise  # noqa: E402

import queries  # noqa: E402

STAGE = re.compile(r"^\[(\d)/\d\] .*? / (.*?)…$")
STAGE_TIME = re.compile(r"^\s+([0-9.]+) s$")
GRAPH = DEFAULT_BASE + generate.SOURCE
FORMATS = {
    "turtle": "text/turtle",
    "jsonld": "application/ld+json",
    "html": "text/html",
}


@dataclass(frozen=True)
class Plan:
    sizes: list[int]
    sparql_size: int
    seconds: float
    repeat: int
    build_repeat: int
    max_requests: int
    connections: int
    workers: int
    resources: int
    per_template: int
    seed: int
    work: Path
    build_timeout: float
    efop_build_max: int
    code: Path  # the project tree whose code, ontology, shapes and queries are measured


def label(size: int) -> str:
    if size % 1_000_000 == 0:
        return f"{size // 1_000_000}M"
    if size % 1_000 == 0:
        return f"{size // 1_000}k"
    return str(size)


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# ------------------------------------------------------------------ data and builds


def snapshot(work: Path) -> Path:
    """The committed tree (``git archive HEAD``), so that edits in progress in the working tree
    cannot change what is measured half-way through a run."""
    commit = subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    target = work / f"snapshot-{commit}"
    if not target.is_dir():
        partial = work / f".snapshot-{commit}"
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir(parents=True)
        archive = subprocess.run(
            ["git", "-C", str(REPO), "archive", "--format=tar", "HEAD"],
            capture_output=True,
            check=True,
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(partial)], input=archive, check=True)
        partial.rename(target)
    return target


def code_env(plan: Plan) -> dict[str, str]:
    """Environment that makes subprocesses import the measured tree's ``efop`` package."""
    return {"PYTHONPATH": str(plan.code / "publisher")}


def prepare(plan: Plan, size: int) -> tuple[Path, dict]:
    """A project root for ``size``: the repository's ontology, shapes and queries, and
    generated data (reused when already generated for the same size and seed)."""
    data = plan.work / f"data-{label(size)}"
    stamp = data / "generated.json"
    summary = json.loads(stamp.read_text()) if stamp.is_file() else None
    if (
        not summary
        or summary["target"] != size
        or summary["seed"] != plan.seed
        or summary.get("code") != str(plan.code)
    ):
        shutil.rmtree(data, ignore_errors=True)
        say(f"generating {label(size)} triples")
        started = time.monotonic()
        summary = generate.generate(data, size, seed=plan.seed, root=plan.code)
        summary["generation_seconds"] = time.monotonic() - started
        summary["code"] = str(plan.code)
        stamp.write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n")
    root = plan.work / f"root-{label(size)}"
    root.mkdir(parents=True, exist_ok=True)
    for name in ("ontology", "shapes", "queries"):
        _symlink(root / name, plan.code / name)
    _symlink(root / "data", data)
    return root, summary


def _symlink(link: Path, target: Path) -> None:
    if link.is_symlink() and link.resolve() == target.resolve():
        return
    if link.is_symlink() or link.exists():
        link.unlink()
    link.symlink_to(target)


def build(plan: Plan, root: Path, size: int) -> dict:
    """``efop build`` ``build_repeat`` times: wall time, stage times and peak RSS."""
    runs = []
    for number in range(plan.build_repeat):
        say(f"efop build {label(size)} ({number + 1}/{plan.build_repeat})")
        log = plan.work / f"build-{label(size)}-{number}.log"
        status, seconds, peak = run_measured(
            [str(VENV_BIN / "efop"), "build"],
            env={"EFOP_ROOT": str(root), **code_env(plan)},
            log=log,
            timeout=plan.build_timeout,
        )
        stages = parse_stages(log.read_text())
        runs.append({"status": status, "seconds": seconds, "peak_rss": peak, "stages": stages})
        say(f"  status {status}, {seconds:.1f} s, peak {peak / 2**30:.2f} GiB, {stages}")
        if status != 0:
            break
    ok = [r for r in runs if r["status"] == 0]
    manifest = _manifest(root) if ok else {}
    return {
        "runs": runs,
        "ok": bool(ok) and len(ok) == len(runs),
        "seconds": summarise([r["seconds"] for r in ok]),
        "peak_rss": summarise([r["peak_rss"] for r in ok]),
        "stages": {
            name: summarise([r["stages"][name] for r in ok if name in r["stages"]])
            for name in (ok[0]["stages"] if ok else {})
        },
        "triples": manifest.get("triples"),
        "resources": manifest.get("resources"),
    }


def native_load(plan: Plan, root: Path, size: int) -> tuple[dict, Path]:
    """Oxigraph's own bulk loader on the same files, without validation: the floor for the
    load stage of a build. Returns the figures and the store it wrote."""
    store = plan.work / f"native-{label(size)}" / "store"
    shutil.rmtree(store.parent, ignore_errors=True)
    store.parent.mkdir(parents=True)
    files = [str(p) for p in sorted((root / "data").resolve().rglob("*.ttl"))]
    say(f"oxigraph load {label(size)} ({len(files)} files)")
    status, seconds, peak = run_measured(
        [str(VENV_BIN / "oxigraph"), "load", "--location", str(store), "--graph", GRAPH, "--file"]
        + files,
        env={},
        log=plan.work / f"native-{label(size)}.log",
        timeout=plan.build_timeout,
    )
    say(f"  status {status}, {seconds:.1f} s, peak {peak / 2**30:.2f} GiB")
    return {"status": status, "seconds": seconds, "peak_rss": peak}, store


def store_only_build(root: Path, store: Path, size: int) -> None:
    """Make ``store`` the current build of ``root`` with a minimal manifest, so that ``efop
    serve`` can be measured at a size ``efop build`` cannot reach. Flagged as such in the
    manifest and in the report: nothing in it was validated, and it has no dumps."""
    build = root / "var" / "builds" / f"bench-store-only-{label(size)}"
    shutil.rmtree(build, ignore_errors=True)
    build.mkdir(parents=True)
    store.rename(build / "store")
    manifest = {
        "id": build.name,
        "created": time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime()),
        "base_iri": DEFAULT_BASE,
        "store_only": True,
        "graphs": {GRAPH: {"files": [], "triples": None}},
        "dumps": [],
    }
    (build / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    current = root / "var" / "current"
    temporary = root / "var" / ".current-bench"
    if temporary.is_symlink():
        temporary.unlink()
    temporary.symlink_to(Path("builds") / build.name)
    temporary.replace(current)


def parse_stages(log: str) -> dict[str, float]:
    stages: dict[str, float] = {}
    current = None
    for line in log.splitlines():
        if match := STAGE.match(line):
            current = match.group(2)
        elif (match := STAGE_TIME.match(line)) and current:
            stages[current] = float(match.group(1))
            current = None
    return stages


def _manifest(root: Path) -> dict:
    return json.loads((root / "var" / "current" / "manifest.json").read_text())


# ------------------------------------------------------------------ servers


def efop_server(plan: Plan, root: Path, port: int, name: str):
    return server(
        [
            str(VENV_BIN / "efop"),
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(plan.workers),
        ],
        f"http://127.0.0.1:{port}/id/",  # a cheap 404: the process answers
        env={"EFOP_ROOT": str(root), **code_env(plan)},
        log=plan.work / f"{name}.log",
    )


def minimal_server(plan: Plan, root: Path, port: int, name: str):
    return server(
        [
            str(VENV_BIN / "gunicorn"),
            "--workers",
            str(plan.workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--chdir",
            str(BENCH),
            "--log-level",
            "warning",
            "minimal_app:app",
        ],
        f"http://127.0.0.1:{port}/id/",
        env={"BENCH_STORE": str((root / "var" / "current" / "store").resolve())},
        log=plan.work / f"{name}.log",
    )


def worker_memory(master_pid: int) -> dict:
    """RSS and PSS of each direct child (gunicorn worker) with its own children."""
    workers = []
    for pid in children_of(master_pid):
        tree = [pid, *children(pid)]
        workers.append(
            {
                "pid": pid,
                "rss": sum(rss_bytes(p) for p in tree),
                "pss": sum(pss_bytes(p) for p in tree),
            }
        )
    return {
        "workers": workers,
        "max_rss": max((w["rss"] for w in workers), default=0),
        "max_pss": max((w["pss"] for w in workers), default=0),
    }


def children_of(pid: int) -> list[int]:
    direct = []
    for child in children(pid):
        try:
            with open(f"/proc/{child}/stat") as handle:
                parent = int(handle.read().rsplit(")", 1)[1].split()[1])
        except OSError:
            continue
        if parent == pid:
            direct.append(child)
    return direct


# ------------------------------------------------------------------ loads


def measure(plan: Plan, url: str, requests: list[Request], runs: list[LoadResult]) -> None:
    runs.append(
        run_wrk(
            url,
            requests,
            seconds=plan.seconds,
            max_requests=plan.max_requests,
            connections=plan.connections,
        )
    )


def summarise_loads(runs: list[LoadResult]) -> dict:
    return {
        "rps": summarise([r.rps for r in runs]),
        "p50_ms": summarise([r.p50_ms for r in runs]),
        "p99_ms": summarise([r.p99_ms for r in runs]),
        "requests": sum(r.requests for r in runs),
        "errors": sum(r.status_errors + r.socket_errors for r in runs),
        "runs": [asdict(r) for r in runs],
    }


def resource_paths(summary: dict, count: int) -> list[str]:
    numbers = sorted(summary["actor_labels"], key=int)
    step = max(1, len(numbers) // count)
    return [f"/id/organisation/synthetique-{int(n):07d}" for n in numbers[::step][:count]]


def etag_of(url: str, accept: str) -> str:
    with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept": accept})) as answer:
        etag = answer.headers.get("ETag")
    if not etag:
        raise RuntimeError(f"no ETag on {url}")
    return etag


def probe(url: str, headers: dict[str, str]) -> dict:
    """One request: its status and content type, to check what a load will measure."""
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers)) as answer:
            return {"status": answer.status, "type": answer.headers.get("Content-Type")}
    except urllib.error.HTTPError as error:
        return {"status": error.code, "type": error.headers.get("Content-Type")}


def linked_data(plan: Plan, root: Path, summary: dict, size: int) -> dict:
    paths = resource_paths(summary, plan.resources)
    efop_port, minimal_port = free_port(), free_port()
    efop_url, minimal_url = f"http://127.0.0.1:{efop_port}", f"http://127.0.0.1:{minimal_port}"
    name = label(size)
    with (
        efop_server(plan, root, efop_port, f"serve-{name}") as efop,
        minimal_server(plan, root, minimal_port, f"minimal-{name}") as minimal,
    ):
        variants: dict[str, tuple[str, list[Request]]] = {
            f"efop {fmt}": (efop_url, [Request(p, {"Accept": media}) for p in paths])
            for fmt, media in FORMATS.items()
        }
        variants["efop 304"] = (
            efop_url,
            [
                Request(
                    p,
                    {
                        "Accept": "text/turtle",
                        "If-None-Match": etag_of(efop_url + p, "text/turtle"),
                    },
                )
                for p in paths
            ],
        )
        variants["minimal turtle"] = (
            minimal_url,
            [Request(p, {"Accept": "text/turtle"}) for p in paths],
        )
        probes = {
            key: probe(url + requests[0].path, requests[0].headers)
            for key, (url, requests) in variants.items()
        }
        say(f"linked data at {name}: {probes}; warming up")
        for url, requests in variants.values():
            run_wrk(url, requests, seconds=2, max_requests=2_000, connections=plan.connections)
        runs: dict[str, list[LoadResult]] = {key: [] for key in variants}
        for number in range(plan.repeat):
            for key, (url, requests) in variants.items():
                measure(plan, url, requests, runs[key])
                say(f"  {key} #{number + 1}: {runs[key][-1].rps:.0f} req/s")
        memory = {"efop": worker_memory(efop.pid), "minimal": worker_memory(minimal.pid)}
    return {
        "resources": len(paths),
        "probes": probes,
        "loads": {key: summarise_loads(value) for key, value in runs.items()},
        "memory": memory,
    }


# ------------------------------------------------------------------ SPARQL


def union_dump(root: Path, plan: Plan, size: int) -> Path:
    """The build's N-Triples dump, uncompressed, for rdflib-endpoint."""
    target = plan.work / f"union-{label(size)}.nt"
    source = root / "var" / "current" / "dumps" / "efop.nt.gz"
    with gzip.open(source, "rb") as packed, target.open("wb") as plain:
        shutil.copyfileobj(packed, plain)
    return target


def sparql_request(path: str, query: queries.Query) -> Request:
    accept = "text/turtle" if query.name == "describe" else "application/sparql-results+json"
    return Request(f"{path}?{urllib.parse.urlencode({'query': query.text})}", {"Accept": accept})


def result_size(body: bytes, name: str) -> int:
    """Solutions of a SELECT, triples of a DESCRIBE (Turtle, or RDF/XML from engines that do not
    honour ``Accept: text/turtle`` for graph results)."""
    if name != "describe":
        return len(json.loads(body)["results"]["bindings"])
    xml = body.lstrip().startswith(b"<?xml") or body.lstrip().startswith(b"<rdf:RDF")
    return sum(1 for _ in parse(body, format=RdfFormat.RDF_XML if xml else RdfFormat.TURTLE))


def check_answers(url: str, path: str, mix: list[queries.Query], timeout: float) -> list[dict]:
    """Each query once, in turn: status, time and number of results (a query that takes
    longer than ``timeout`` is recorded as an error)."""
    answers = []
    for query in mix:
        request = sparql_request(path, query)
        started = time.monotonic()
        try:
            with urllib.request.urlopen(
                urllib.request.Request(url + request.path, headers=request.headers),
                timeout=timeout,
            ) as answer:
                body = answer.read()
            count: int | None = result_size(body, query.name)
            error = None
        except OSError as failure:
            count, error = None, str(failure)[:200]
        answers.append(
            {
                "query": query.name,
                "seconds": time.monotonic() - started,
                "results": count,
                "error": error,
            }
        )
    return answers


def sparql(plan: Plan, root: Path, summary: dict, size: int) -> dict:
    mix = queries.query_mix(summary, per_template=plan.per_template)
    store = (root / "var" / "current" / "store").resolve()
    dump = union_dump(root, plan, size)
    ports = {name: free_port() for name in ("efop", "oxigraph", "rdflib")}
    engines = {
        "efop": ("/sparql", efop_server(plan, root, ports["efop"], f"sparql-efop-{label(size)}")),
        "oxigraph": (
            "/query",
            server(
                [
                    str(VENV_BIN / "oxigraph"),
                    "serve-read-only",
                    "--location",
                    str(store),
                    "--bind",
                    f"127.0.0.1:{ports['oxigraph']}",
                    "--union-default-graph",
                ],
                f"http://127.0.0.1:{ports['oxigraph']}/",
                log=plan.work / f"sparql-oxigraph-{label(size)}.log",
            ),
        ),
        "rdflib-endpoint": (
            "/",
            server(
                [
                    str(VENV_BIN / "rdflib-endpoint"),
                    "serve",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(ports["rdflib"]),
                    str(dump),
                ],
                f"http://127.0.0.1:{ports['rdflib']}/",
                log=plan.work / f"sparql-rdflib-{label(size)}.log",
                ready_timeout=plan.build_timeout,
            ),
        ),
    }
    results: dict = {"queries": len(mix), "engines": {}}
    for name, (path, context) in engines.items():
        say(f"SPARQL on {name} at {label(size)}: starting")
        started = time.monotonic()
        with context as process:
            ready = time.monotonic() - started
            url = f"http://127.0.0.1:{ports['rdflib' if name == 'rdflib-endpoint' else name]}"
            answers = check_answers(url, path, mix[: len(queries.TEMPLATES)], timeout=30)
            requests = [sparql_request(path, q) for q in mix]
            runs: list[LoadResult] = []
            for number in range(plan.repeat):
                measure(plan, url, requests, runs)
                say(f"  {name} #{number + 1}: {runs[-1].rps:.2f} queries/s")
            memory = sum(rss_bytes(p) for p in [process.pid, *children(process.pid)])
        results["engines"][name] = {
            "startup_seconds": ready,
            "rss_after": memory,
            "answers": answers,
            **summarise_loads(runs),
        }
    dump.unlink()
    return results


# ------------------------------------------------------------------ main


def make_plan(args: argparse.Namespace) -> Plan:
    sizes = [generate.parse_size(s) for s in args.sizes.split(",") if s.strip()]
    if args.quick:
        sizes = sizes if args.sizes_given else [generate.parse_size("20k")]
    sparql_size = generate.parse_size(args.sparql_size) if args.sparql_size else None
    if sparql_size is None or sparql_size not in sizes:
        sparql_size = max(s for s in sizes if s <= 1_000_000) if min(sizes) <= 1_000_000 else None
        sparql_size = sparql_size or min(sizes)
    return Plan(
        sizes=sorted(sizes),
        sparql_size=sparql_size,
        seconds=3 if args.quick else args.seconds,
        repeat=1 if args.quick else args.repeat,
        build_repeat=1 if args.quick else args.build_repeat,
        max_requests=args.max_requests,
        connections=args.connections,
        workers=args.workers,
        resources=10 if args.quick else args.resources,
        per_template=1 if args.quick else args.per_template,
        seed=args.seed,
        work=args.work.resolve(),
        build_timeout=args.build_timeout,
        efop_build_max=generate.parse_size(args.efop_build_max),
        code=REPO,
    )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=None, help="sizes in triples (default 100k,1M)")
    parser.add_argument("--quick", action="store_true", help="20k triples, short loads, 1 run")
    parser.add_argument("--sparql-size", default=None, help="size of the SPARQL comparison")
    parser.add_argument("--seconds", type=float, default=10, help="duration of one load")
    parser.add_argument("--repeat", type=int, default=3, help="repetitions of each load")
    parser.add_argument("--build-repeat", type=int, default=1, help="repetitions of each build")
    parser.add_argument("--max-requests", type=int, default=200_000, help="cap of one load")
    parser.add_argument("--connections", type=int, default=4, help="concurrent connections")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (efop's default)")
    parser.add_argument("--resources", type=int, default=50, help="resources cycled through")
    parser.add_argument("--per-template", type=int, default=4, help="instances of each query")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--build-timeout", type=float, default=3600, help="seconds per build")
    parser.add_argument(
        "--efop-build-max",
        default="2M",
        help="largest size built with efop build; above it the store is bulk-loaded by "
        "Oxigraph without validation so that serving can still be measured (default 2M)",
    )
    parser.add_argument(
        "--code",
        choices=["head", "tree"],
        default="head",
        help="measure the committed HEAD (a git archive, default) or the working tree as it is",
    )
    parser.add_argument("--work", type=Path, default=BENCH / "work", help="working directory")
    parser.add_argument("--results", type=Path, default=BENCH, help="where results are written")
    args = parser.parse_args(argv)
    args.sizes_given = args.sizes is not None
    args.sizes = args.sizes or "100k,1M"
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if not wrk_available():
        print("wrk is required: apt-get install -y wrk", file=sys.stderr)
        return 2
    plan = make_plan(args)
    plan.work.mkdir(parents=True, exist_ok=True)
    if args.code == "head":
        plan = replace(plan, code=snapshot(plan.work))
    say(f"measuring the code in {plan.code}")
    results: dict = {
        "command": " ".join(["python bench/run.py", *(argv if argv is not None else sys.argv[1:])]),
        "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": machine.describe(REPO),
        "code": "committed HEAD" if plan.code != REPO else "working tree",
        "plan": {k: _portable(v) for k, v in asdict(plan).items()},
        "sizes": {},
    }
    for size in plan.sizes:
        root, summary = prepare(plan, size)
        entry: dict = {
            "generated_triples": summary["triples"],
            "generation_seconds": summary.get("generation_seconds"),
            "actors": summary["actors"],
        }
        entry["native_load"], store = native_load(plan, root, size)
        if size <= plan.efop_build_max:
            entry["build"] = build(plan, root, size)
            shutil.rmtree(store.parent, ignore_errors=True)
        else:
            entry["build"] = {"ok": False, "skipped": True, "runs": []}
            if entry["native_load"]["status"] == 0:
                store_only_build(root, store, size)
                entry["store_only"] = True
        if entry["build"]["ok"] or entry.get("store_only"):
            entry["linked_data"] = linked_data(plan, root, summary, size)
        if entry["build"]["ok"] and size == plan.sparql_size:
            entry["sparql"] = sparql(plan, root, summary, size)
        results["sizes"][label(size)] = entry
        _write(args.results, results)
    results["finished"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    _write(args.results, results)
    say(f"results in {args.results / 'RESULTS.md'}")
    return 0


def _write(folder: Path, results: dict) -> None:
    (folder / "results.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    (folder / "RESULTS.md").write_text(report.markdown(results))
    (folder / "cost-vs-size.svg").write_text(report.svg(results))


def _portable(value):
    """A plan value as stored in results.json: paths relative to the repository."""
    if not isinstance(value, Path):
        return value
    try:
        return str(value.resolve().relative_to(REPO))
    except ValueError:
        return value.name


if __name__ == "__main__":
    sys.exit(main())
