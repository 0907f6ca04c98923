"""The one prefix registry of the project: every serialiser, page and query uses it.

Also exposes the namespaces as rdflib objects so that code never spells an IRI by hand.
The EFOP vocabulary itself is a closed ``DefinedNamespace`` in :mod:`efop.vocab`.
"""

from __future__ import annotations

from rdflib import Namespace

DEFAULT_BASE = "https://w3id.org/efop/"
ONTOLOGY_IRI = DEFAULT_BASE + "ontology"
ONTOLOGY_NS = ONTOLOGY_IRI + "#"

PREFIXES: dict[str, str] = {
    "efop": ONTOLOGY_NS,
    "efopid": DEFAULT_BASE + "id/",
    "efopc": DEFAULT_BASE + "id/concept/",
    "efsh": DEFAULT_BASE + "shapes#",
    "org": "http://www.w3.org/ns/org#",
    "cv": "http://data.europa.eu/m8g/",
    "cpsv": "http://purl.org/vocab/cpsv#",
    "eli": "http://data.europa.eu/eli/ontology#",
    "rov": "http://www.w3.org/ns/regorg#",
    "adms": "http://www.w3.org/ns/adms#",
    "locn": "http://www.w3.org/ns/locn#",
    "igeo": "http://rdf.insee.fr/def/geo#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "prov": "http://www.w3.org/ns/prov#",
    "dct": "http://purl.org/dc/terms/",
    "dcat": "http://www.w3.org/ns/dcat#",
    "void": "http://rdfs.org/ns/void#",
    "sd": "http://www.w3.org/ns/sparql-service-description#",
    "time": "http://www.w3.org/2006/time#",
    "schema": "https://schema.org/",
    "vann": "http://purl.org/vocab/vann/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "sh": "http://www.w3.org/ns/shacl#",
}

ORG = Namespace(PREFIXES["org"])
CV = Namespace(PREFIXES["cv"])
CPSV = Namespace(PREFIXES["cpsv"])
IGEO = Namespace(PREFIXES["igeo"])
PROV = Namespace(PREFIXES["prov"])
DCAT = Namespace(PREFIXES["dcat"])
VOID = Namespace(PREFIXES["void"])
SD = Namespace(PREFIXES["sd"])
VANN = Namespace(PREFIXES["vann"])
SCHEMA = Namespace(PREFIXES["schema"])
VCARD = Namespace(PREFIXES["vcard"])
EFOPID = Namespace(PREFIXES["efopid"])


def sparql_prologue(names: list[str] | None = None) -> str:
    """PREFIX declarations for a SPARQL query, for all registered prefixes or the named ones."""
    chosen = PREFIXES if names is None else {n: PREFIXES[n] for n in names}
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in chosen.items())


def bind_all(graph) -> None:
    """Bind every registered prefix on an rdflib graph (replacing rdflib's defaults)."""
    for prefix, iri in PREFIXES.items():
        graph.bind(prefix, iri, override=True, replace=True)
