"""Runs the publisher (``create_app``) on 127.0.0.1:PORT with werkzeug's threaded server, for
the SPARQL tests that need their own configuration (``EFOP_*`` in the environment) and a
server that starts in a second."""

from __future__ import annotations

import sys

from werkzeug.serving import run_simple

from efop.config import Settings
from efop.web.app import create_app

if __name__ == "__main__":
    run_simple("127.0.0.1", int(sys.argv[1]), create_app(Settings.from_env()), threaded=True)
