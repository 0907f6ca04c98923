"""The build layer: from validated sources to a published store, dumps and description.

See :mod:`efop.build.builder` for how a build is made and switched to atomically.
"""

from efop.build.builder import (
    Build,
    BuildFailed,
    BuildResult,
    current_build,
    ensure_build,
    run_build,
)

__all__ = ["Build", "BuildFailed", "BuildResult", "current_build", "ensure_build", "run_build"]
