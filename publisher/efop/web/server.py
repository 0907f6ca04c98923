"""The production server: gunicorn, through its application API, with several workers.

``preload_app`` stays off so that every worker builds its own application and opens the
store itself, read-only, after the fork. Workers are threaded (``gthread``): a client that opens
a connection and sends nothing waits in the worker's poller instead of holding the worker, and a
request waiting for its SPARQL query leaves the other threads serving pages.
"""

from __future__ import annotations

from gunicorn.app.base import BaseApplication

from efop.config import Settings

THREADS = 8  # requests served at once by each worker


class PublisherServer(BaseApplication):
    """A gunicorn application serving :func:`efop.web.app.create_app` for ``settings``."""

    def __init__(
        self,
        settings: Settings,
        *,
        host: str,
        port: int,
        workers: int,
        access_log: bool = False,
    ):
        self.settings = settings
        self.options = {
            "bind": f"{host}:{port}",
            "workers": max(1, workers),
            "preload_app": False,
            "worker_class": "gthread",
            "threads": THREADS,
            "timeout": 60,
            "graceful_timeout": 10,
            # gunicorn's largest request line, so that long GET SPARQL queries reach the
            # endpoint, which answers 413 itself past its own configured limit.
            "limit_request_line": 8190,
            "accesslog": "-" if access_log else None,
            "errorlog": "-",
            "loglevel": "warning",
        }
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        from efop.web.app import create_app

        return create_app(self.settings)
