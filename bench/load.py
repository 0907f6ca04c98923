"""HTTP load on loopback with wrk, bounded in time and in number of requests.

wrk (a C load generator) is used rather than a Python client so that the client's own cost
stays small next to the servers' on a 2-core machine. A generated Lua script cycles through a
fixed list of requests (path and headers), stops each thread after its share of the request
budget, and prints the figures as one JSON line that :func:`run_wrk` reads back.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

LUA = """
local requests = {
%(requests)s
}
local budget = %(budget)d
local done_count = 0
local index = 0

request = function()
  index = index %% #requests + 1
  local r = requests[index]
  return wrk.format(r[1], r[2], r[3], r[4])
end

response = function(status, headers, body)
  done_count = done_count + 1
  if done_count >= budget then wrk.thread:stop() end
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests":%%d,"duration_us":%%d,"status_errors":%%d,"socket_errors":%%d,' ..
    '"p50_us":%%d,"p90_us":%%d,"p99_us":%%d,"max_us":%%d,"mean_us":%%.1f}\\n',
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    latency.mean))
end
"""


@dataclass(frozen=True)
class Request:
    path: str
    headers: dict[str, str]
    method: str = "GET"
    body: str | None = None


@dataclass(frozen=True)
class LoadResult:
    requests: int
    seconds: float
    status_errors: int
    socket_errors: int
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


def _lua_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=True)  # a JSON string is a valid Lua string literal


def _lua_request(request: Request) -> str:
    headers = ", ".join(
        f"[{_lua_string(k)}] = {_lua_string(v)}" for k, v in request.headers.items()
    )
    body = "nil" if request.body is None else _lua_string(request.body)
    return (
        f"  {{{_lua_string(request.method)}, {_lua_string(request.path)}, {{{headers}}}, {body}}},"
    )


def run_wrk(
    base_url: str,
    requests: list[Request],
    *,
    seconds: float,
    max_requests: int,
    connections: int = 4,
    threads: int = 1,
    timeout: float = 30.0,
) -> LoadResult:
    """Run one bounded load against ``base_url`` cycling through ``requests``."""
    if not requests:
        raise ValueError("no request to send")
    script = LUA % {
        "requests": "\n".join(_lua_request(r) for r in requests),
        "budget": max(1, max_requests // threads),
    }
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
        script_path = Path(handle.name)
    try:
        command = [
            "wrk",
            f"-t{threads}",
            f"-c{max(connections, threads)}",
            f"-d{max(1, round(seconds))}s",
            f"--timeout={max(1, round(timeout))}s",
            "-s",
            str(script_path),
            base_url,
        ]
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=seconds + timeout + 30, check=True
        )
    finally:
        script_path.unlink()
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    return LoadResult(
        requests=figures["requests"],
        seconds=figures["duration_us"] / 1e6,
        status_errors=figures["status_errors"],
        socket_errors=figures["socket_errors"],
        p50_ms=figures["p50_us"] / 1000,
        p90_ms=figures["p90_us"] / 1000,
        p99_ms=figures["p99_us"] / 1000,
        max_ms=figures["max_us"] / 1000,
    )
