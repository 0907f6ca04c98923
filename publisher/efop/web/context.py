"""The one accessor for the data a request reads: the current build and its store.

Each server process opens the current build's store once, read-only, and keeps it. A request
costs one ``readlink`` of ``var/current``: when a new build has been switched in, the process
opens the new store and forgets what it memoised for the old one, so a new build is served
without a restart. With ``settings.store_endpoint`` the data comes from a remote SPARQL
endpoint instead, and there is no build (no dumps, no manifest).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from typing import Any

from flask import current_app

from efop.build import Build, current_build
from efop.config import Settings
from efop.store import Store, StoreError
from efop.store.embedded import EmbeddedStore


class ServingContext:
    """What one process serves: a store, the build it comes from, and per-build memos."""

    def __init__(self, settings: Settings, store: Store | None = None):
        self.settings = settings
        self._fixed_store = store
        self._lock = threading.Lock()
        self._target: str | None = None
        self._build: Build | None = None
        self._store: Store | None = None
        self._memo: dict[str, Any] = {}
        self._opened = False

    def _link_target(self) -> str | None:
        try:
            return os.readlink(self.settings.current_build)
        except OSError:
            return None

    def _refresh(self) -> None:
        target = self._link_target()
        if self._opened and target == self._target:
            return
        with self._lock:
            if self._opened and target == self._target:
                return
            build = current_build(self.settings) if target is not None else None
            store: Store | None
            if self._fixed_store is not None:
                store = None
            elif self.settings.store_endpoint:
                from efop.store.remote import RemoteStore

                store = self._store or RemoteStore(self.settings.store_endpoint)
            elif build is not None:
                store = EmbeddedStore.open(build.store_path)
            else:
                store = None
            self._target, self._build, self._store, self._memo = target, build, store, {}
            self._opened = True

    def build(self) -> Build | None:
        self._refresh()
        return self._build

    def store(self) -> Store:
        self._refresh()
        store = self._fixed_store or self._store
        if store is None:
            raise StoreError("aucune publication disponible / no build to serve: run `efop build`")
        return store

    def build_id(self) -> str | None:
        """Identifier of the data being served, or None when it can change at any time."""
        if self._fixed_store is not None or self.settings.store_endpoint:
            return None
        build = self.build()
        return build.id if build is not None else None

    def memo(self, key: str, compute: Callable[[], Any]) -> Any:
        """A value computed once per build (label indexes, class lists, ...)."""
        self._refresh()
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]


def serving() -> ServingContext:
    return current_app.extensions["efop"]


def get_store() -> Store:
    return serving().store()


def get_build() -> Build | None:
    return serving().build()
