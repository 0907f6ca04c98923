"""Where the project's files live and how a run is configured.

Settings come from command-line arguments and environment variables (``EFOP_*``), never from
module globals, so tests can run several configurations side by side.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from efop.namespaces import DEFAULT_BASE

REPO_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Settings:
    """Paths and options shared by the build and the publisher."""

    root: Path = REPO_ROOT
    base_iri: str = DEFAULT_BASE
    var_dir: Path = field(default_factory=lambda: REPO_ROOT / "var")
    query_timeout: float = 30.0
    max_result_rows: int = 100_000
    federation_allow_list: tuple[str, ...] = ()
    store_endpoint: str | None = None  # a remote SPARQL endpoint instead of the embedded store

    @property
    def ontology_dir(self) -> Path:
        return self.root / "ontology"

    @property
    def shapes_dir(self) -> Path:
        return self.root / "shapes"

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def queries_dir(self) -> Path:
        return self.root / "queries"

    @property
    def builds_dir(self) -> Path:
        return self.var_dir / "builds"

    @property
    def current_build(self) -> Path:
        """Symlink to the last good build; replaced atomically by a successful build."""
        return self.var_dir / "current"

    @classmethod
    def from_env(cls, **overrides) -> Settings:
        """Settings from ``EFOP_*`` environment variables, then explicit overrides."""
        env = os.environ
        values: dict = {}
        if "EFOP_ROOT" in env:
            values["root"] = Path(env["EFOP_ROOT"])
        if "EFOP_BASE_IRI" in env:
            values["base_iri"] = env["EFOP_BASE_IRI"]
        if "EFOP_VAR_DIR" in env:
            values["var_dir"] = Path(env["EFOP_VAR_DIR"])
        elif "root" in values:
            values["var_dir"] = values["root"] / "var"
        if "EFOP_QUERY_TIMEOUT" in env:
            values["query_timeout"] = float(env["EFOP_QUERY_TIMEOUT"])
        if "EFOP_MAX_RESULT_ROWS" in env:
            values["max_result_rows"] = int(env["EFOP_MAX_RESULT_ROWS"])
        if "EFOP_FEDERATION_ALLOW_LIST" in env:
            values["federation_allow_list"] = tuple(
                u for u in env["EFOP_FEDERATION_ALLOW_LIST"].split() if u
            )
        if "EFOP_STORE_ENDPOINT" in env:
            values["store_endpoint"] = env["EFOP_STORE_ENDPOINT"] or None
        values.update({k: v for k, v in overrides.items() if v is not None})
        if not values.get("base_iri", DEFAULT_BASE).endswith("/"):
            values["base_iri"] = values["base_iri"] + "/"
        return cls(**values)
