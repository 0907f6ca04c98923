"""Server processes for the benchmark, and the memory they use, read from ``/proc``.

Every server is started in its own process group on loopback, waited for until its port
answers, and stopped (the whole group) when the measurement ends, even on failure. Memory is
the resident set of a process tree (polled, for peak figures) and the proportional set size of
each process (``smaps_rollup``), which shares the pages of a store opened by several workers
fairly between them instead of counting them once per worker.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

PAGE = os.sysconf("SC_PAGE_SIZE")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def children(pid: int) -> list[int]:
    """Every descendant of ``pid``."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents.setdefault(int(fields[1]), []).append(int(entry))
    found, frontier = [], [pid]
    while frontier:
        for child in parents.get(frontier.pop(), []):
            found.append(child)
            frontier.append(child)
    return found


def rss_bytes(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm") as handle:
            return int(handle.read().split()[1]) * PAGE
    except OSError:
        return 0


def pss_bytes(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return 0
    return 0


def tree_rss(pid: int) -> int:
    return sum(rss_bytes(p) for p in [pid, *children(pid)])


class PeakMemory:
    """Polls the resident memory of a process tree in a thread and keeps the peak."""

    def __init__(self, pid: int, interval: float = 0.1):
        self.pid = pid
        self.interval = interval
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _poll(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, tree_rss(self.pid))
            self._stop.wait(self.interval)


def wait_http(url: str, timeout: float, process: subprocess.Popen) -> None:
    """Wait until ``url`` answers any HTTP status, or fail if the process exits or time is up."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with status {process.returncode}: {url}")
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"no answer from {url} within {timeout:.0f} s")


@contextmanager
def server(
    command: Sequence[str],
    ready_url: str,
    *,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    log: Path,
    ready_timeout: float = 120.0,
) -> Iterator[subprocess.Popen]:
    """A server process (group) that is ready when entered and stopped when left."""
    with log.open("w") as output:
        process = subprocess.Popen(
            list(command),
            env={**os.environ, **(env or {})},
            cwd=cwd,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            wait_http(ready_url, ready_timeout, process)
            yield process
        finally:
            _stop_group(process)


def _stop_group(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)


def run_measured(
    command: Sequence[str], *, env: dict[str, str], log: Path, timeout: float
) -> tuple[int, float, int]:
    """Run a command to completion: (exit status, wall seconds, peak RSS of its tree)."""
    with log.open("w") as output:
        started = time.monotonic()
        process = subprocess.Popen(
            list(command),
            env={**os.environ, **env},
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        with PeakMemory(process.pid) as peak:
            try:
                status = process.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
                status = -9
        return status, time.monotonic() - started, peak.peak
