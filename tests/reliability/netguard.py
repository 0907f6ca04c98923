"""Runs an ``efop`` command with every attempt to reach the network recorded and refused.

Usage: ``python netguard.py LOG efop-arguments...``. A Python audit hook sees each socket
connection and each host name resolution (and each opening of ``/etc/passwd``, the local file
hostile entities point to); it appends one line per attempt to LOG and refuses it, so a test
can assert that a command fetched nothing, resolved nothing and read nothing it should not.
"""

from __future__ import annotations

import sys
from pathlib import Path

NETWORK_EVENTS = {
    "socket.connect",
    "socket.sendto",
    "socket.getaddrinfo",
    "socket.gethostbyname",
    "socket.gethostbyaddr",
    "socket.getnameinfo",
    "urllib.Request",
}
SECRET = "/etc/passwd"


def _guard(log: Path):
    def hook(event: str, args: tuple) -> None:
        if event in NETWORK_EVENTS:
            if event == "socket.connect" and not isinstance(args[1], tuple):
                return  # a local (Unix) socket is not the network
            attempt = f"{event} {args[1:]!r}"
        elif event == "open" and args and str(args[0]) == SECRET:
            attempt = f"open {SECRET}"
        else:
            return
        with log.open("a", encoding="utf-8") as stream:
            stream.write(attempt + "\n")
        raise PermissionError(f"refused during the test: {attempt}")

    return hook


def main() -> int:
    log = Path(sys.argv[1])
    sys.addaudithook(_guard(log))
    from efop.cli import main as efop_main

    return efop_main(sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
