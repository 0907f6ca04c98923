"""HTTP caching of representations, which cannot change between two builds.

Every representation is identified by the build id and what selects it (path, format,
language, page, ...). Its ETag is derived from that key alone, so a matching ``If-None-Match``
is answered with 304 before the store is touched; ``Last-Modified`` is the build time. Rendered
bodies are kept in a small LRU per process, keyed by the same key.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from flask import Response, request

from efop.web.context import serving


@dataclass(frozen=True)
class Rendered:
    """A rendered representation: what the LRU keeps."""

    body: bytes
    content_type: str
    status: int = 200
    headers: Mapping[str, str] = field(default_factory=dict)


class RepresentationCache:
    """A bounded least-recently-used map from representation keys to rendered bodies."""

    def __init__(self, size: int = 1024):
        self.size = size
        self._entries: OrderedDict[tuple[str, ...], Rendered] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_render(self, key: tuple[str, ...], render: Callable[[], Rendered]) -> Rendered:
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key]
        rendered = render()
        if rendered.status == 200:
            with self._lock:
                self._entries[key] = rendered
                while len(self._entries) > self.size:
                    self._entries.popitem(last=False)
        return rendered


def build_time(manifest: Mapping) -> datetime | None:
    created = manifest.get("created")
    if not created:
        return None
    moment = datetime.fromisoformat(str(created).replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.replace(microsecond=0)


def _etag(key: tuple[str, ...]) -> str:
    return hashlib.sha256("\x1f".join(key).encode()).hexdigest()[:24]


def _not_modified(etag: str, modified: datetime | None) -> bool:
    """RFC 9110 §13.1.2: ``If-None-Match`` compares weakly (``W/"x"`` matches ``"x"``) and
    ``*`` matches any current representation; it takes precedence over ``If-Modified-Since``."""
    if request.if_none_match:
        return request.if_none_match.contains_weak(etag)
    since = request.if_modified_since
    return modified is not None and since is not None and modified <= since


def serve(
    key: tuple[str, ...],
    render: Callable[[], Rendered],
    *,
    vary: str = "Accept",
    headers: Mapping[str, str] | None = None,
) -> Response:
    """The response for one representation, revalidated and cached per build."""
    context = serving()
    build_id = context.build_id()
    extra = {"Vary": vary, **(headers or {})}
    if build_id is None:
        return _response(render(), extra)
    full_key = (build_id, request.script_root, *key)
    etag = _etag(full_key)
    build = context.build()
    modified = build_time(build.manifest) if build is not None else None
    if _not_modified(etag, modified):
        response = Response(status=304, headers=extra)
    else:
        cache: RepresentationCache = context.memo("representations", RepresentationCache)
        response = _response(cache.get_or_render(full_key, render), extra)
    if response.status_code in (200, 304):
        response.set_etag(etag)
        if modified is not None:
            response.last_modified = modified
        response.cache_control.public = True
        response.cache_control.max_age = 60
    return response


def _response(rendered: Rendered, extra: Mapping[str, str]) -> Response:
    response = Response(rendered.body, status=rendered.status, content_type=rendered.content_type)
    response.headers.update({**rendered.headers, **extra})
    return response
