"""The bounds every client request is held to, from the settings and the environment.

Time and result rows come from :class:`efop.config.Settings`; the request size and the number
of worker processes are endpoint concerns, read here from ``EFOP_SPARQL_MAX_REQUEST_BYTES`` and
``EFOP_SPARQL_WORKERS``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from efop.config import Settings


@dataclass(frozen=True)
class Limits:
    timeout: float = 30.0
    max_rows: int = 100_000
    max_request_bytes: int = 1_000_000
    workers: int = 2

    @classmethod
    def from_settings(cls, settings: Settings, **overrides) -> Limits:
        env = os.environ
        values = {
            "timeout": settings.query_timeout,
            "max_rows": settings.max_result_rows,
            "max_request_bytes": int(env.get("EFOP_SPARQL_MAX_REQUEST_BYTES", 1_000_000)),
            "workers": int(env.get("EFOP_SPARQL_WORKERS", 2)),
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)
