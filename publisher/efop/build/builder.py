"""The build: load the sources, validate them, and publish a new store only if all is well.

Each source file is parsed once, by Oxigraph, into an in-memory store that validation reads and
that then becomes the dataset (see :mod:`efop.build.loading`): statistics and dumps are fast
there, and it is copied in one bulk operation into the on-disk store that servers open read-only.

A build is written in a hidden working directory beside the live ones, renamed into
``var/builds/`` once complete, and only then made current by replacing the ``var/current``
symlink in one ``os.replace``. Servers therefore always see either the previous build or the
new one, never a half-written store, and invalid data never goes live.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pyoxigraph import NamedNode, Store

from efop.build.description import describe, write_description
from efop.build.dumps import write_dumps
from efop.build.loading import (
    instance_base,
    load_graphs,
    ontology_header,
    plan_graphs,
    published_prefixes,
)
from efop.build.manifest import (
    MANIFEST_FILE,
    inputs_hash,
    make_manifest,
    ontology_issued,
    ontology_version,
    read_manifest,
    write_manifest,
)
from efop.build.statistics import compute
from efop.config import Settings
from efop.validation import SourceError, validate
from efop.validation.store_sources import StoreSources, load_store_sources

KEEP_BUILDS = 3
Progress = Callable[[str], None]

STAGES = (
    ("lecture des sources", "loading sources"),
    ("validation", "validating"),
    ("assemblage du jeu de données", "assembling the dataset"),
    ("écriture des exports", "writing dumps"),
    ("store, description et bascule", "store, description and switch"),
)


class BuildFailed(Exception):
    """The build did not publish anything; ``report`` says why, ``exit_code`` for the CLI."""

    def __init__(self, message: str, report: str = "", exit_code: int = 1):
        super().__init__(message)
        self.message = message
        self.report = report
        self.exit_code = exit_code


@dataclass(frozen=True)
class Build:
    """A complete build directory."""

    path: Path
    manifest: dict

    @property
    def id(self) -> str:
        return self.manifest.get("id", self.path.name)

    @property
    def store_path(self) -> Path:
        return self.path / "store"

    @property
    def dumps_dir(self) -> Path:
        return self.path / "dumps"

    @property
    def description_path(self) -> Path:
        return self.path / "description.ttl"

    @property
    def base_iri(self) -> str:
        return self.manifest["base_iri"]


@dataclass(frozen=True)
class BuildResult:
    build: Build
    triples: int
    resources: int
    graphs: int
    seconds: float

    def summary(self, shown_path: str) -> str:
        return (
            f"build OK: {self.triples} triples, {self.resources} resources, "
            f"{self.graphs} graphs in {self.seconds:.1f} s -> {shown_path}"
        )


def current_build(settings: Settings) -> Build | None:
    """The build ``var/current`` points to, if it is complete."""
    link = settings.current_build
    if not link.exists():
        return None
    path = link.resolve()
    if not (path / MANIFEST_FILE).is_file() or not (path / "store").is_dir():
        return None
    try:
        return Build(path, read_manifest(path))
    except (OSError, ValueError):
        return None


def run_build(
    settings: Settings, *, lang: str = "fr", progress: Progress | None = None
) -> BuildResult:
    """Build, validate and publish; raise :class:`BuildFailed` and change nothing on failure."""
    with _build_lock(settings):
        return _build(settings, lang, progress)


def ensure_build(
    settings: Settings, *, lang: str = "fr", progress: Progress | None = None
) -> Build:
    """The current build, building first if there is none, if its store cannot be opened, or if
    it was made for another base."""
    build = current_build(settings)
    if build is not None and build.base_iri == settings.base_iri and _store_opens(build):
        return build
    with _build_lock(settings):
        build = current_build(settings)
        if build is not None and build.base_iri == settings.base_iri:
            problem = _store_problem(build)
            if problem is None:
                return build
            _say(progress, f"build {build.id} : store inutilisable / unusable store ({problem})")
        elif build is None:
            _say(progress, "aucun build utilisable / no usable build in var/current")
        return _build(settings, lang, progress).build


def _store_problem(build: Build) -> str | None:
    """Why the build's store cannot be opened read-only, or None when it opens."""
    try:
        Store.read_only(str(build.store_path))
    except (OSError, RuntimeError) as error:  # pyoxigraph reports corruption as RuntimeError
        return str(error) or type(error).__name__
    return None


def _store_opens(build: Build) -> bool:
    return _store_problem(build) is None


def _say(progress: Progress | None, message: str) -> None:
    if progress is not None:
        progress(message)


@contextmanager
def _build_lock(settings: Settings) -> Iterator[None]:
    """One build at a time per ``var`` directory, across processes (e.g. server workers)."""
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    with open(settings.var_dir / ".build.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class _Stages:
    """Staged progress messages with the time each stage took."""

    def __init__(self, progress: Progress | None):
        self._progress = progress
        self._number = 0
        self._started = time.monotonic()
        self._stage_started = self._started

    def next(self) -> None:
        self._finish()
        self._number += 1
        fr, en = STAGES[self._number - 1]
        self._say(f"[{self._number}/{len(STAGES)}] {fr}… / {en}…")

    def _finish(self) -> None:
        if self._number:
            elapsed = time.monotonic() - self._stage_started
            self._say(f"      {elapsed:.1f} s")
        self._stage_started = time.monotonic()

    def done(self) -> float:
        self._finish()
        return time.monotonic() - self._started

    def _say(self, message: str) -> None:
        if self._progress is not None:
            self._progress(message)


def _check_base(base: str) -> None:
    try:
        NamedNode(base)
    except ValueError as error:
        raise BuildFailed(f"invalid base IRI {base!r}: {error}", exit_code=2) from error
    if not base.endswith("/"):
        raise BuildFailed(f"the base IRI must end with '/': {base!r}", exit_code=2)


def _build(settings: Settings, lang: str, progress: Progress | None) -> BuildResult:
    _check_base(settings.base_iri)
    stages = _Stages(progress)
    stages.next()
    try:
        sources = load_store_sources(settings)
    except SourceError as error:
        raise BuildFailed(str(error), exit_code=2) from error
    stages.next()
    report = validate(sources)
    if not report.conforms:
        count = len(report.findings)
        raise BuildFailed(f"{count} validation finding(s)", report=report.format(lang))
    stages.next()
    settings.builds_dir.mkdir(parents=True, exist_ok=True)
    _remove_abandoned(settings)
    work = Path(tempfile.mkdtemp(prefix=".tmp-", dir=settings.builds_dir))
    try:
        final, stats = _write_build(settings, sources, work, stages)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    _switch(settings, final)
    _prune(settings)
    build = Build(final, read_manifest(final))
    return BuildResult(build, stats.triples, stats.resources, len(stats.graphs), stages.done())


def _write_build(settings: Settings, sources: StoreSources, work: Path, stages: _Stages):
    """Everything a build directory holds, written into ``work`` then renamed into place."""
    base = settings.base_iri
    created = datetime.now(UTC)
    ontology_files = sorted(settings.ontology_dir.rglob("*.ttl"))
    moved_to = instance_base(sources.store, (f.graph for f in sources.data), base)
    plans = plan_graphs(sources, settings.root, ontology_files, moved_to)
    ontology = ontology_header(sources.store, (f.graph for f in sources.ontology_files))
    dataset = load_graphs(sources.store, plans, moved_to)
    stats = compute(dataset, base)
    stages.next()
    dumps = write_dumps(dataset, work / "dumps", published_prefixes(base), stats)
    stages.next()
    _persist(dataset, work, stats.quads)
    description = describe(
        base=base,
        stats=stats,
        dumps=dumps,
        created=created,
        issued=ontology_issued(ontology),
    )
    write_description(work / "description.ttl", description)
    inputs = [*ontology_files, *sorted(settings.shapes_dir.rglob("*.ttl"))]
    digest = inputs_hash([*inputs, *(f.path for f in sources.data)], settings.root, base)
    build_id = _build_id(settings.builds_dir, created, digest)
    manifest = make_manifest(
        build_id=build_id,
        created=created.isoformat(timespec="seconds"),
        base_iri=base,
        version=ontology_version(ontology),
        stats=stats,
        plans=plans,
        dumps=dumps,
        digest=digest,
    )
    write_manifest(work, manifest)
    _readable_by_all(work)
    final = settings.builds_dir / build_id
    os.rename(work, final)
    return final, stats


def current_umask() -> int:
    """The process's file mode creation mask (reading it means setting it, then back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _readable_by_all(work: Path) -> None:
    """Directories 0755 and files 0644 (less what the umask withholds), so that a server run
    by another user than the builder can read the build; the working directory is created
    0700 and some writers create their files 0600."""
    mask = current_umask()
    os.chmod(work, 0o777 & ~mask)
    for folder, directories, files in os.walk(work):
        for name in directories:
            os.chmod(Path(folder) / name, 0o777 & ~mask)
        for name in files:
            os.chmod(Path(folder) / name, 0o666 & ~mask)


def _persist(dataset: Store, work: Path, quads: int) -> None:
    """Write the on-disk store servers open, keeping the blank node labels of the dumps, and
    check that it opens read-only, as servers will open it, with every quad."""
    store = Store(str(work / "store"))
    store.bulk_extend(dataset)
    store.flush()
    del store
    reopened = Store.read_only(str(work / "store"))
    if len(reopened) != quads:
        raise BuildFailed(f"the new store holds {len(reopened)} quads instead of {quads}")


def _build_id(builds_dir: Path, created: datetime, digest: str) -> str:
    stamp = created.strftime("%Y%m%dT%H%M%S") + f".{created.microsecond // 1000:03d}Z"
    build_id = f"{stamp}-{digest[:8]}"
    suffix = 1
    while (builds_dir / build_id).exists():
        suffix += 1
        build_id = f"{stamp}-{digest[:8]}-{suffix}"
    return build_id


def _switch(settings: Settings, final: Path) -> None:
    """Point ``var/current`` at ``final`` in one atomic rename."""
    link = settings.current_build
    temporary = settings.var_dir / f".current-{os.getpid()}"
    if temporary.is_symlink() or temporary.exists():
        temporary.unlink()
    os.symlink(os.path.relpath(final, settings.var_dir), temporary)
    os.replace(temporary, link)


def _builds(settings: Settings) -> list[Path]:
    return sorted(
        path
        for path in settings.builds_dir.iterdir()
        if path.is_dir() and not path.name.startswith(".")
    )


def _prune(settings: Settings) -> None:
    """Keep the last :data:`KEEP_BUILDS` builds, and the current one whatever its age."""
    current = settings.current_build.resolve()
    for path in _builds(settings)[:-KEEP_BUILDS]:
        if path.resolve() != current:
            shutil.rmtree(path)


def _remove_abandoned(settings: Settings) -> None:
    """Working directories left by a build that was killed (we hold the build lock)."""
    for path in settings.builds_dir.glob(".tmp-*"):
        shutil.rmtree(path, ignore_errors=True)
