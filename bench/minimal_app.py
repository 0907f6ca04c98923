"""The ceiling for a Python stack: Flask and pyoxigraph returning a resource's triples in Turtle.

No negotiation, no caching headers, no inverse links: the benchmark serves it with gunicorn and
the same worker count as ``efop serve``, on the same store (``BENCH_STORE``, opened read-only).
"""

import os

from flask import Flask, Response
from pyoxigraph import NamedNode, RdfFormat, Store, serialize

BASE = os.environ.get("EFOP_BASE_IRI", "https://w3id.org/efop/")
store = Store.read_only(os.environ["BENCH_STORE"])
app = Flask(__name__)


@app.get("/id/<path:rest>")
def resource(rest: str) -> Response:
    subject = NamedNode(BASE + "id/" + rest)
    triples = [quad.triple for quad in store.quads_for_pattern(subject, None, None)]
    if not triples:
        return Response("not found", status=404)
    return Response(serialize(triples, format=RdfFormat.TURTLE), content_type="text/turtle")
