"""``efop push``: load the current build into an external SPARQL store."""

from __future__ import annotations

import argparse
import sys

from efop.config import Settings
from efop.store.base import StoreError


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "push",
        help="charger le build dans un triplestore / push the build to a SPARQL store",
        description=(
            "Charge chaque graphe nommé du build courant dans un triplestore externe (protocole "
            "SPARQL 1.1 Graph Store, PUT), puis vérifie le nombre de triplets. / Loads each "
            "named graph of the current build into an external store (SPARQL 1.1 Graph Store "
            "Protocol, PUT), then checks the triple counts, per graph and over their union as "
            "the publisher will query it (default-graph-uri)."
        ),
    )
    parser.add_argument("--endpoint", required=True, help="SPARQL query endpoint URL")
    parser.add_argument(
        "--graph-store",
        help="Graph Store Protocol URL (default: the endpoint URL), e.g. http://host:7878/store",
    )
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per request")
    parser.add_argument(
        "--prune", action="store_true", help="delete the server's graphs that the build lacks"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from efop.build import current_build
    from efop.store.push import DEFAULT_GRAPH, push
    from efop.store.remote import RemoteStore

    build = current_build(Settings.from_env())
    if build is None:
        print("push FAILED: aucun build / no build: run `efop build` first", file=sys.stderr)
        return 1
    remote = RemoteStore(args.endpoint, graph_store=args.graph_store, timeout=args.timeout)
    try:
        report = push(build, remote, prune=args.prune, progress=lambda m: print(m, file=sys.stderr))
    except StoreError as error:
        print(f"push FAILED: {error}", file=sys.stderr)
        return 1
    for graph, (wanted, found) in sorted(report.mismatches.items()):
        print(f"count mismatch {graph}: build {wanted}, server {found}", file=sys.stderr)
    if DEFAULT_GRAPH in report.mismatches:
        print(
            "le serveur ne répond pas sur l'union des graphes du build : il doit respecter les "
            "paramètres default-graph-uri / named-graph-uri du protocole SPARQL 1.1 / the "
            "server does not answer over the union of the build's graphs: it must honour the "
            "SPARQL 1.1 Protocol's default-graph-uri / named-graph-uri parameters",
            file=sys.stderr,
        )
    status = "OK" if report.ok else "FAILED"
    total = sum(report.sent.values())
    print(f"push {status}: {len(report.sent)} graphs, {total} triples -> {args.endpoint}")
    return 0 if report.ok else 1
