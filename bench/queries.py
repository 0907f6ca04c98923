"""The fixed SPARQL query mix, the same for every engine: lookups, joins, needs↔resources
matching, aggregations and a DESCRIBE, each instantiated on a few resources of the data.

The resources are chosen from the generator's own numbering (actors, EPCI, départements), so a
mix is reproducible for a seed and size without querying the data first.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from efop.namespaces import sparql_prologue

PROLOGUE = sparql_prologue(["efop", "org", "rdfs", "igeo"])
BASE = "https://w3id.org/efop/"

TEMPLATES: dict[str, str] = {
    "lookup-resource": "SELECT ?p ?o WHERE { <%(actor)s> ?p ?o }",
    "lookup-label": 'SELECT ?s WHERE { ?s rdfs:label "%(label)s"@fr }',
    "join-members": """SELECT ?member ?label ?college WHERE {
  ?m org:organization <%(clefop)s> ; org:member ?member ; org:role ?college .
  ?member rdfs:label ?label }""",
    "join-territory": """SELECT ?actor ?label WHERE {
  ?actor efop:actsOn ?commune ; rdfs:label ?label .
  ?commune efop:withinTerritory/efop:withinTerritory <%(departement)s> } LIMIT 200""",
    "match-needs-offers": """SELECT ?need ?offer ?offerer ?theme WHERE {
  ?need a efop:Need ; efop:statedBy <%(actor)s> ; efop:theme ?theme .
  <%(actor)s> efop:actsOn/efop:withinTerritory ?epci .
  ?offer a efop:ResourceOffer ; efop:theme ?theme ; efop:statedBy ?offerer .
  ?offerer efop:actsOn/efop:withinTerritory ?epci } LIMIT 100""",
    "aggregate-needs-by-theme": """SELECT ?theme (COUNT(?need) AS ?needs) WHERE {
  ?need a efop:Need ; efop:theme ?theme } GROUP BY ?theme ORDER BY DESC(?needs)""",
    "aggregate-projects-by-region": """SELECT ?region (COUNT(DISTINCT ?project) AS ?projects)
WHERE {
  ?project a efop:Project ; efop:actsOn ?epci .
  ?epci efop:withinTerritory/efop:withinTerritory ?region .
  ?region a igeo:Region } GROUP BY ?region ORDER BY ?region""",
    "describe": "DESCRIBE <%(actor)s>",
}


@dataclass(frozen=True)
class Query:
    name: str
    text: str

    @property
    def accept(self) -> str:
        if self.text.lstrip().startswith("DESCRIBE"):
            return "application/n-triples"
        return "application/sparql-results+json"


def query_mix(summary: dict, *, per_template: int = 4, seed: int = 7) -> list[Query]:
    """``per_template`` instances of every template on resources of the generated data."""
    rng = random.Random(seed)
    actors = max(1, summary["actors"])
    epcis = summary["epci"]
    departements = summary["departement_paths"]
    labels = summary["actor_labels"]
    labelled = sorted(labels, key=int)
    mix: list[Query] = []
    for _ in range(per_template):
        number = rng.randrange(actors)
        named = rng.choice(labelled)
        values = {
            "actor": f"{BASE}id/organisation/synthetique-{number:07d}",
            "label": labels[named],
            "clefop": f"{BASE}id/instance/synthetique-clefop-epci-{rng.randrange(epcis):05d}",
            "departement": BASE + rng.choice(departements),
        }
        for name, template in TEMPLATES.items():
            mix.append(Query(name, PROLOGUE + template % values))
    return mix
