"""What the benchmark ran on: cores, memory, CPU model, kernel, and the versions that matter."""

from __future__ import annotations

import importlib.metadata
import os
import platform
import subprocess
from pathlib import Path

PACKAGES = ("pyoxigraph", "oxigraph", "rdflib", "pyshacl", "flask", "gunicorn", "rdflib-endpoint")


def _first(path: str, key: str) -> str:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(key):
                return line.split(":", 1)[1].strip()
    except OSError:
        return "?"
    return "?"


def _command_version(command: list[str]) -> str:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return "absent"
    text = (done.stdout or done.stderr).strip().splitlines()
    return text[0] if text else "?"


def _version(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "absent"


def describe(repo: Path) -> dict:
    memory_kb = _first("/proc/meminfo", "MemTotal").split()[0]
    commit = _command_version(["git", "-C", str(repo), "rev-parse", "--short", "HEAD"])
    return {
        "cores": os.cpu_count(),
        "memory_gb": round(int(memory_kb) / 1024 / 1024, 1) if memory_kb.isdigit() else None,
        "cpu": _first("/proc/cpuinfo", "model name"),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "load_average_at_start": os.getloadavg(),
        "packages": {name: _version(name) for name in PACKAGES},
        "wrk": _command_version(["wrk", "--version"]),
        "commit": commit,
    }
