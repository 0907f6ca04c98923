"""A small pool of worker processes that run client queries and can be killed at the deadline.

pyoxigraph has no query timeout, and a thread running a query cannot be stopped: a runaway
query would keep a core busy after its client has gone. Each query therefore runs in a worker
process that opens the store itself (read-only); when the deadline passes, the process is
killed and replaced, the client gets a clear error, and the other workers keep answering.
"""

from __future__ import annotations

import logging
import multiprocessing
import queue
import threading
import time
from collections.abc import Callable
from multiprocessing.connection import Connection

from efop.sparql.guard import QueryRejected
from efop.sparql.results import Answer, Job, run
from efop.store.base import Store, StoreError

log = logging.getLogger(__name__)
STARTUP_SECONDS = 60
START_GRACE_SECONDS = 15  # a worker process starting up (imports, opening the store)


class QueryTimeout(QueryRejected):
    def __init__(self, seconds: float):
        super().__init__(
            504,
            f"Requête arrêtée : elle dépassait la limite de {seconds:g} s. / Query stopped: it "
            f"exceeded the time limit of {seconds:g} s. Add a LIMIT or narrow the patterns.",
        )


class ServerBusy(QueryRejected):
    def __init__(self):
        super().__init__(
            503,
            "Toutes les unités de calcul sont occupées, réessayez. / All query workers are busy, "
            "try again shortly.",
        )


def _serve(opener: Callable[[], Store], connection: Connection) -> None:
    """Worker main loop: open the store, then answer jobs until the pipe closes."""
    try:
        store = opener()
    except (StoreError, OSError) as error:
        connection.send(("failed", str(error)))
        return
    connection.send(("ready",))
    while True:
        try:
            job: Job = connection.recv()
        except EOFError:
            return
        try:
            reply: tuple = ("ok", run(store, job))
        except QueryRejected as error:
            reply = ("rejected", error.status, error.message)
        connection.send(reply)


class _Worker:
    def __init__(self, context, opener: Callable[[], Store]):
        self.connection, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(opener, child), daemon=True)
        self.process.start()
        child.close()

    def kill(self) -> None:
        self.process.kill()
        self.process.join(5)
        self.connection.close()


class QueryPool:
    """``size`` worker processes; :meth:`run` answers a job within ``timeout`` seconds or fails."""

    def __init__(self, opener: Callable[[], Store], *, size: int = 2, timeout: float = 30.0):
        self._context = multiprocessing.get_context("spawn")
        self._opener = opener
        self.timeout = timeout
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        self._size = size
        self.start_error: str | None = None
        for _ in range(size):
            self._spawn()

    def _spawn(self) -> None:
        threading.Thread(target=self._add, name="efop-sparql-worker-start", daemon=True).start()

    def _add(self) -> None:
        worker = _Worker(self._context, self._opener)
        try:
            if not worker.connection.poll(STARTUP_SECONDS):
                raise TimeoutError(f"no answer within {STARTUP_SECONDS} s")
            reply = worker.connection.recv()
            if reply[0] != "ready":
                raise OSError(reply[1])
        except (EOFError, OSError) as error:
            self.start_error = f"a query worker could not start: {error or 'it exited'}"
            log.error("%s", self.start_error)
            worker.kill()
            return
        with self._lock:
            self.start_error = None
            if self._closed:
                worker.kill()
                return
            self._all.add(worker)
        self._idle.put(worker)

    def _replace(self, worker: _Worker) -> None:
        with self._lock:
            self._all.discard(worker)
        worker.kill()
        self._spawn()

    def run(self, job: Job) -> Answer:
        """The job's answer. Waits for a free worker (at worst until a runaway query is killed
        and its worker replaced), then gives the query itself ``timeout`` seconds."""
        self._check_started()
        try:
            worker = self._idle.get(timeout=self.timeout + START_GRACE_SECONDS)
        except queue.Empty as error:
            raise ServerBusy() from error
        deadline = time.monotonic() + self.timeout
        try:
            worker.connection.send(job)
            if not worker.connection.poll(max(0.0, deadline - time.monotonic())):
                log.warning("query stopped after %.1f s", self.timeout)
                self._replace(worker)
                raise QueryTimeout(self.timeout)
            reply = worker.connection.recv()
        except (EOFError, OSError) as error:
            self._replace(worker)
            raise QueryRejected(
                502, "L'unité de calcul s'est arrêtée / the query worker stopped unexpectedly"
            ) from error
        self._idle.put(worker)
        if reply[0] == "ok":
            return reply[1]
        raise QueryRejected(reply[1], reply[2])

    def _check_started(self) -> None:
        """Fail fast, and try again, when no worker could start (store missing, broken...)."""
        with self._lock:
            failed = self.start_error is not None and not self._all
            if failed:
                self.start_error = None
        if failed:
            for _ in range(self._size):
                self._spawn()
            raise QueryRejected(
                503,
                "Le moteur de requêtes n'a pas pu démarrer ; nouvel essai en cours. / The query "
                "engine could not start; retrying. See the server log.",
            )

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers, self._all = list(self._all), set()
        for worker in workers:
            worker.kill()
