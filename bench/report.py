"""Turns the benchmark's results into bench/RESULTS.md and the cost-against-size plot (SVG).

The plot is drawn with a few lines of SVG (log-log axes, one polyline per series) so that the
benchmark needs no plotting library.
"""

from __future__ import annotations

import math
from html import escape

GIB = 2**30
MIB = 2**20
TARGETS_SPARQL = {"oxigraph": 0.85, "rdflib-endpoint": 7.0}


def _fmt(value, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value:,.{digits}f}"


def _span(summary: dict, digits: int = 1, scale: float = 1.0) -> str:
    if not summary or not summary.get("n"):
        return "–"
    median = summary["median"] / scale
    if summary["n"] == 1:
        return _fmt(median, digits)
    low, high = summary["min"] / scale, summary["max"] / scale
    return f"{_fmt(median, digits)} ({_fmt(low, digits)}–{_fmt(high, digits)})"


def _engine_ratio(ours: float | None, engine: dict) -> tuple[float | None, str]:
    """efop's throughput over an engine's; when the engine completed no query at all, a lower
    bound that credits it with one query over the whole time it was loaded."""
    theirs = engine["rps"]["median"]
    if theirs or not ours:
        value = _ratio(ours, theirs)
        return value, f"{_fmt(value, 2)}×"
    loaded = sum(run["seconds"] for run in engine.get("runs", [])) or None
    value = _ratio(ours, 1 / loaded) if loaded else None
    return value, f"≥ {_fmt(value, 0)}× (it completed no query in {_fmt(loaded, 0)} s of load)"


def _ratio(ours: float | None, theirs: float | None) -> float | None:
    if ours is None or not theirs:
        return None
    return ours / theirs


def _status(value: float | None, target: float, higher_is_better: bool = True) -> str:
    if value is None:
        return "not measured"
    met = value >= target if higher_is_better else value <= target
    if met:
        return "met"
    missed_by = (target - value) / target if higher_is_better else (value - target) / target
    return f"MISSED by {missed_by:.0%}"


def markdown(results: dict) -> str:
    lines = ["# Benchmark results", ""]
    lines += [
        f"Produced by `{results['command']}`, started {results['started']}"
        + (f", finished {results['finished']}." if results.get("finished") else " (in progress)."),
        f"Code measured: {results.get('code', 'working tree')}. "
        "How to read every figure: bench/README.md. Medians over repetitions, with the range "
        "(min–max) in parentheses; latencies are wrk's per-run p50 / p99, median over runs.",
        "",
    ]
    lines += _machine(results["machine"], results["plan"])
    lines += _builds(results["sizes"])
    lines += _linked_data(results["sizes"])
    lines += _sparql(results["sizes"])
    lines += _targets(results)
    return "\n".join(lines) + "\n"


def _machine(info: dict, plan: dict) -> list[str]:
    packages = ", ".join(f"{k} {v}" for k, v in info["packages"].items())
    load = ", ".join(f"{x:.2f}" for x in info["load_average_at_start"])
    return [
        "## Machine",
        "",
        f"- {info['cores']} cores, {info['memory_gb']} GiB memory, CPU {info['cpu']}, "
        f"Linux {info['kernel']}, Python {info['python']}; load average at start {load} "
        "(the machine is shared: other work may run during the benchmark).",
        f"- {packages}; {info['wrk']}; commit {info['commit']}.",
        f"- Plan: loads of {plan['seconds']} s (at most {plan['max_requests']} requests) × "
        f"{plan['repeat']} repetitions, {plan['connections']} connections, "
        f"{plan['workers']} gunicorn workers for efop and the minimal baseline, "
        f"{plan['resources']} resources cycled, {plan['per_template']} instances per query "
        f"template; seed {plan['seed']}.",
        "",
    ]


def _stage_names(sizes: dict) -> list[str]:
    """The build's own stage names, in the order it reports them."""
    names: list[str] = []
    for entry in sizes.values():
        for name in entry["build"].get("stages", {}):
            if name not in names:
                names.append(name)
    return names


def _validation_stage(stages: dict) -> dict:
    return next((v for k, v in stages.items() if k.startswith("validat")), {})


def _builds(sizes: dict) -> list[str]:
    stage_names = _stage_names(sizes)
    blank = "| " * (len(stage_names) + 3)
    lines = [
        "## Build (`efop build`, as a command, with its own stages)",
        "",
        "| size | triples in store | total s | "
        + " | ".join(f"{n} s" for n in stage_names)
        + " | peak RSS GiB | validation µs / triple | oxigraph load s, peak GiB |",
        "|---|---|---|" + "---|" * len(stage_names) + "---|---|---|",
    ]
    for name, entry in sizes.items():
        build = entry["build"]
        native = entry.get("native_load") or {}
        floor = (
            f"{native['seconds']:.1f}, {native['peak_rss'] / GIB:.2f}"
            if native.get("status") == 0
            else "–"
        )
        if build.get("skipped"):
            lines.append(
                f"| {name} | not built with efop build (above --efop-build-max); served from "
                f"Oxigraph's bulk load, unvalidated | {blank}{floor} |"
            )
            continue
        if not build["ok"]:
            runs = build["runs"]
            why = f"status {runs[-1]['status']} after {runs[-1]['seconds']:.0f} s" if runs else ""
            lines.append(f"| {name} | build failed ({why}) | {blank}{floor} |")
            continue
        stages = build["stages"]
        validating = _validation_stage(stages).get("median")
        per_triple = (
            validating / build["triples"] * 1e6 if validating and build["triples"] else None
        )
        cells = [_span(stages.get(stage, {})) for stage in stage_names]
        lines.append(
            f"| {name} | {build['triples']:,} | {_span(build['seconds'])} | "
            + " | ".join(cells)
            + f" | {_span(build['peak_rss'], 2, GIB)} | {_fmt(per_triple, 0)} | {floor} |"
        )
    lines += [
        "",
        "The last column is Oxigraph's own bulk loader (`oxigraph load`) on the same files, "
        "without validation: the floor for the parse and load stages.",
        "",
        "![cost against size](cost-vs-size.svg)",
        "",
    ]
    return lines


def _linked_data(sizes: dict) -> list[str]:
    lines = [
        "## Linked data (`efop serve`, gunicorn, against the minimal Flask + pyoxigraph app)",
        "",
    ]
    for name, entry in sizes.items():
        data = entry.get("linked_data")
        if not data:
            continue
        loads = data["loads"]
        probes = "; ".join(
            f"{key}: {p['status']} {p['type'] or ''}".rstrip() for key, p in data["probes"].items()
        )
        lines += [
            f"### {name} ({data['resources']} resources cycled)",
            "",
            f"First response of each variant: {probes}.",
            "",
            "| variant | requests/s | p50 ms | p99 ms | requests | errors |",
            "|---|---|---|---|---|---|",
        ]
        for variant, load in loads.items():
            lines.append(
                f"| {variant} | {_span(load['rps'], 0)} | {_span(load['p50_ms'], 2)} "
                f"| {_span(load['p99_ms'], 2)} | {load['requests']:,} | {load['errors']} |"
            )
        baseline = loads["minimal turtle"]["rps"]["median"]
        ratios = {
            v: _ratio(loads[v]["rps"]["median"], baseline)
            for v in ("efop turtle", "efop jsonld", "efop html", "efop 304")
        }
        lines += [
            "",
            "Ratios to the minimal baseline's requests/s: "
            + ", ".join(f"{v} {_fmt(r, 2)}×" for v, r in ratios.items())
            + ".",
            "",
        ]
        for server, memory in data["memory"].items():
            lines.append(
                f"- {server}: per worker (with its children) max RSS "
                f"{memory['max_rss'] / MIB:,.0f} MiB, max PSS {memory['max_pss'] / MIB:,.0f} MiB "
                f"({len(memory['workers'])} workers)."
            )
        lines.append("")
    return lines


def _sparql(sizes: dict) -> list[str]:
    lines = []
    for name, entry in sizes.items():
        data = entry.get("sparql")
        if not data:
            continue
        engines = data["engines"]
        lines += [
            f"## SPARQL query mix at {name} ({data['queries']} queries cycled)",
            "",
            "| engine | queries/s | p50 ms | p99 ms | requests | errors | ready after s "
            "| RSS after, MiB |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for engine, result in engines.items():
            lines.append(
                f"| {engine} | {_span(result['rps'], 2)} | {_span(result['p50_ms'], 1)} "
                f"| {_span(result['p99_ms'], 1)} | {result['requests']:,} | {result['errors']} "
                f"| {_fmt(result['startup_seconds'])} | {result['rss_after'] / MIB:,.0f} |"
            )
        ours = engines.get("efop", {}).get("rps", {}).get("median")
        ratios = [
            f"{_engine_ratio(ours, engines[e])[1]} {e}" for e in TARGETS_SPARQL if e in engines
        ]
        lines += ["", "efop's throughput: " + ", ".join(ratios) + ".", ""]
        lines += _answers(engines)
    return lines


def _answers(engines: dict) -> list[str]:
    names = list(engines)
    lines = [
        "Each query once, in turn (seconds, and number of results: they must agree):",
        "",
        "| query | " + " | ".join(names) + " |",
        "|---|" + "---|" * len(names),
    ]
    per_engine = [engines[n]["answers"] for n in names]
    disagreements = 0
    for row in zip(*per_engine, strict=True):
        counts = {a["results"] for a in row if a["error"] is None}
        if len(counts) > 1:
            disagreements += 1
        cells = [
            f"{a['seconds']:.3f} s, {a['results']}"
            if a["error"] is None
            else f"error: {a['error']}"
            for a in row
        ]
        lines.append(f"| {row[0]['query']} | " + " | ".join(cells) + " |")
    lines += ["", f"Queries whose result counts differ between engines: {disagreements}.", ""]
    return lines


def _targets(results: dict) -> list[str]:
    rows = []
    for name, entry in results["sizes"].items():
        data = entry.get("sparql")
        if data:
            engines = data["engines"]
            ours = engines.get("efop", {}).get("rps", {}).get("median")
            for engine, target in TARGETS_SPARQL.items():
                if engine in engines:
                    value, shown = _engine_ratio(ours, engines[engine])
                    rows.append(
                        (f"SPARQL mix ≥ {target}× {engine} ({name})", shown, _status(value, target))
                    )
        ld = entry.get("linked_data")
        if ld:
            loads = ld["loads"]
            baseline = loads["minimal turtle"]["rps"]["median"]
            for variant, target in (("efop turtle", 1.0), ("efop html", 0.7)):
                value = _ratio(loads[variant]["rps"]["median"], baseline)
                rows.append(
                    (
                        f"{variant} ≥ {target}× minimal ({name})",
                        f"{_fmt(value, 2)}×",
                        _status(value, target),
                    )
                )
            page = loads["efop html"]
            p99 = page["p99_ms"]["median"] if page["requests"] else None
            rows.append(
                (
                    f"resource page p99 < 50 ms ({name})",
                    f"{_fmt(p99, 1)} ms" if p99 is not None else "no page completed",
                    _status(p99, 50, higher_is_better=False) if p99 is not None else "MISSED",
                )
            )
            pss = ld["memory"]["efop"]["max_pss"] / GIB
            rows.append(
                (
                    f"memory per worker < 1 GiB ({name}, PSS)",
                    f"{pss:.2f} GiB",
                    _status(pss, 1.0, higher_is_better=False),
                )
            )
        build = entry["build"]
        if name == "1M" and build["ok"]:
            seconds = build["seconds"]["median"]
            rows.append(("build 1M < 60 s", f"{seconds:.0f} s", _status(seconds, 60, False)))
            peak = build["peak_rss"]["median"] / GIB
            rows.append(("build 1M peak < 4 GiB", f"{peak:.2f} GiB", _status(peak, 4, False)))
    lines = ["## Targets", "", "| target | measured | status |", "|---|---|---|"]
    lines += [f"| {t} | {m} | {s} |" for t, m, s in rows]
    return lines + [""]


# ------------------------------------------------------------------ plot

WIDTH, HEIGHT, MARGIN = 360, 260, 50
COLOURS = ("#1b6ca8", "#c0392b", "#27ae60", "#8e44ad")


def _series(results: dict) -> tuple[list[tuple[str, list]], list[tuple[str, list]]]:
    times: dict[str, list] = {
        "efop build": [],
        "validating": [],
        "loading sources": [],
        "oxigraph load": [],
    }
    memory: dict[str, list] = {"efop build": [], "oxigraph load": []}
    for entry in results["sizes"].values():
        build = entry["build"]
        native = entry.get("native_load") or {}
        if native.get("status") == 0:
            x = entry["generated_triples"]
            times["oxigraph load"].append((x, native["seconds"]))
            memory["oxigraph load"].append((x, native["peak_rss"] / GIB))
        if not build["ok"] or not build["triples"]:
            continue
        x = build["triples"]
        times["efop build"].append((x, build["seconds"]["median"]))
        validating = _validation_stage(build["stages"])
        if validating:
            times["validating"].append((x, validating["median"]))
        if "loading sources" in build["stages"]:
            times["loading sources"].append((x, build["stages"]["loading sources"]["median"]))
        memory["efop build"].append((x, build["peak_rss"]["median"] / GIB))
    return list(times.items()), list(memory.items())


def _panel(title: str, unit: str, series: list[tuple[str, list]], left: int) -> list[str]:
    points = [p for _, values in series for p in values if p[1] > 0]
    if not points:
        return []
    xs = [math.log10(p[0]) for p in points]
    ys = [math.log10(p[1]) for p in points]
    x0, x1 = (
        math.floor(min(xs)),
        math.ceil(max(xs)) if max(xs) > min(xs) else math.floor(min(xs)) + 1,
    )
    y0, y1 = (
        math.floor(min(ys)),
        math.ceil(max(ys)) if max(ys) > min(ys) else math.floor(min(ys)) + 1,
    )

    def sx(v: float) -> float:
        return left + MARGIN + (math.log10(v) - x0) / (x1 - x0) * (WIDTH - 1.5 * MARGIN)

    def sy(v: float) -> float:
        return HEIGHT - MARGIN - (math.log10(v) - y0) / (y1 - y0) * (HEIGHT - 1.6 * MARGIN)

    out = [
        f'<text x="{left + WIDTH / 2}" y="18" text-anchor="middle" font-weight="bold">'
        f"{escape(title)}</text>",
        f'<line x1="{left + MARGIN}" y1="{HEIGHT - MARGIN}" x2="{left + WIDTH - MARGIN / 2}" '
        f'y2="{HEIGHT - MARGIN}" stroke="black"/>',
        f'<line x1="{left + MARGIN}" y1="{HEIGHT - MARGIN}" x2="{left + MARGIN}" '
        f'y2="{0.6 * MARGIN}" stroke="black"/>',
    ]
    for exponent in range(x0, x1 + 1):
        x = sx(10**exponent)
        out.append(
            f'<text x="{x}" y="{HEIGHT - MARGIN + 16}" text-anchor="middle">'
            f"{_short(10**exponent)}</text>"
        )
    for exponent in range(y0, y1 + 1):
        y = sy(10**exponent)
        out.append(
            f'<text x="{left + MARGIN - 6}" y="{y + 4}" text-anchor="end">{10.0**exponent:g}</text>'
        )
    out.append(
        f'<text x="{left + WIDTH / 2}" y="{HEIGHT - 12}" text-anchor="middle">triples</text>'
    )
    out.append(
        f'<text x="{left + 12}" y="{HEIGHT / 2}" transform="rotate(-90 {left + 12} {HEIGHT / 2})" '
        f'text-anchor="middle">{escape(unit)}</text>'
    )
    for index, (name, values) in enumerate(series):
        values = [v for v in values if v[1] > 0]
        if not values:
            continue
        colour = COLOURS[index % len(COLOURS)]
        coords = " ".join(f"{sx(x):.1f},{sy(y):.1f}" for x, y in values)
        out.append(f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="2"/>')
        out += [
            f'<circle cx="{sx(x):.1f}" cy="{sy(y):.1f}" r="3" fill="{colour}"/>' for x, y in values
        ]
        out.append(
            f'<text x="{left + MARGIN + 8}" y="{0.6 * MARGIN + 14 * (index + 1)}" '
            f'fill="{colour}">{escape(name)}</text>'
        )
    return out


def _short(value: float) -> str:
    if value >= 1e6:
        return f"{value / 1e6:g}M"
    if value >= 1e3:
        return f"{value / 1e3:g}k"
    return f"{value:g}"


def svg(results: dict) -> str:
    times, memory = _series(results)
    body = _panel("Build time", "seconds", times, 0)
    body += _panel("Build peak memory (RSS)", "GiB", memory, WIDTH)
    if not body:
        body = ['<text x="20" y="40">no successful build yet</text>']
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{2 * WIDTH}" height="{HEIGHT}" '
        f'font-family="sans-serif" font-size="11">\n'
        '<rect width="100%" height="100%" fill="white"/>\n' + "\n".join(body) + "\n</svg>\n"
    )
