"""What the HTML pages list, read once per build: classes and their members, the actors with
their kinds, territories and themes, and a label index for the search.

The queries take no user input; filtering by what a visitor chose happens in Python.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from efop.store import Store
from efop.web.context import serving
from efop.web.labels import LabelIndex, LabelLookup, Namer, fold
from efop.web.representation import prefixes_for, sparql_prologue_for

MEMBERS = """
SELECT DISTINCT ?s ?class WHERE { ?s a/rdfs:subClassOf* ?class FILTER(isIRI(?s) && isIRI(?class)) }
"""
DIRECT_TYPES = "SELECT DISTINCT ?s ?type WHERE { ?s a ?type FILTER(isIRI(?s) && isIRI(?type)) }"
ACTORS = "SELECT DISTINCT ?a WHERE { ?a a/rdfs:subClassOf* efop:Actor }"
ACTOR_KINDS = "SELECT DISTINCT ?a ?value WHERE { ?a efop:actorKind ?value }"
ACTOR_TERRITORIES = """
SELECT DISTINCT ?a ?value WHERE {
  ?a efop:actsOn ?t .
  ?t (efop:overlapsTerritory|^efop:overlapsTerritory)?/efop:withinTerritory* ?value
}
"""
ACTOR_THEMES = """
SELECT DISTINCT ?a ?value WHERE {
  { ?a efop:theme ?value }
  UNION { ?x efop:carriedBy|efop:partner ?a . ?x efop:theme ?value }
  UNION { ?x efop:statedBy ?a . ?x efop:theme ?value }
  UNION { ?x efop:statedBy ?post . ?post org:postIn ?a . ?x efop:theme ?value }
}
"""


@dataclass
class Actors:
    """Every actor with the kinds, territories (with those containing them) and themes."""

    all: list[str]
    kinds: dict[str, set[str]] = field(default_factory=dict)
    territories: dict[str, set[str]] = field(default_factory=dict)
    themes: dict[str, set[str]] = field(default_factory=dict)

    def options(self, facet: str, names: Namer) -> list[tuple[str, str]]:
        """(IRI, label) of every value of a facet, sorted by label."""
        values = {v for vs in getattr(self, facet).values() for v in vs}
        return sorted(((v, names.label(v)) for v in values), key=lambda o: fold(o[1]))

    def matching(self, territory: str | None, kind: str | None, theme: str | None) -> list[str]:
        wanted = ((territory, self.territories), (kind, self.kinds), (theme, self.themes))
        return [
            actor
            for actor in self.all
            if all(value is None or value in facet.get(actor, ()) for value, facet in wanted)
        ]


class Catalog:
    """Lists read from one build's store."""

    def __init__(self, store: Store, base: str, labels: Callable[[], LabelIndex]):
        self.store = store
        self.base = base
        self._labels = labels  # read on the first search only: it holds every label
        self.ontology_namespace = prefixes_for(base)["efop"]
        self._prologue = sparql_prologue_for(base)
        self._members: dict[str, list[str]] = defaultdict(list)
        for row in self._select(MEMBERS):
            self._members[row["class"].value].append(row["s"].value)
        self._types: dict[str, list[str]] = defaultdict(list)
        for row in self._select(DIRECT_TYPES):
            self._types[row["s"].value].append(row["type"].value)
        self._actors: Actors | None = None
        self._folded: dict[str, list[str]] | None = None

    def _select(self, query: str) -> list[dict]:
        return self.store.select(self._prologue + query)

    def _pairs(self, query: str) -> dict[str, set[str]]:
        pairs: dict[str, set[str]] = defaultdict(set)
        for row in self._select(query):
            pairs[row["a"].value].add(row["value"].value)
        return dict(pairs)

    def classes(self) -> list[str]:
        return list(self._members)

    def members(self, class_iri: str) -> list[str]:
        return [iri for iri in self._members.get(class_iri, []) if iri.startswith(self.base)]

    def class_counts(self) -> list[tuple[str, int]]:
        """Classes of the ontology's namespace with their number of published members."""
        counts = [
            (iri, len(self.members(iri)))
            for iri in self._members
            if iri.startswith(self.ontology_namespace)
        ]
        return sorted(c for c in counts if c[1])

    def types(self, iri: str) -> list[str]:
        return self._types.get(iri, [])

    def actors(self) -> Actors:
        if self._actors is None:
            self._actors = Actors(
                all=[row["a"].value for row in self._select(ACTORS)],
                kinds=self._pairs(ACTOR_KINDS),
                territories=self._pairs(ACTOR_TERRITORIES),
                themes=self._pairs(ACTOR_THEMES),
            )
        return self._actors

    def search(self, text: str, limit: int) -> list[str]:
        """IRIs under the base with a label containing ``text``, ignoring case and accents."""
        wanted = fold(text)
        if not wanted:
            return []
        if self._folded is None:
            self._folded = {
                iri: [fold(label) for label in by_lang.values()]
                for iri, by_lang in self._labels().labels.items()
                if iri.startswith(self.base)
            }
        folded_labels = self._folded
        hits = [iri for iri, folded in folded_labels.items() if any(wanted in f for f in folded)]
        hits.sort(key=lambda iri: (not any(f.startswith(wanted) for f in folded_labels[iri]), iri))
        return hits[:limit]


def labels() -> LabelIndex:
    """Every label of the build, for search and the directory."""
    context = serving()
    return context.memo("labels", lambda: LabelIndex.load(context.store()))


def label_lookup() -> LabelLookup:
    """Labels fetched per IRI, for pages that show a few IRIs."""
    context = serving()
    return context.memo("label-lookup", lambda: LabelLookup(context.store()))


def catalog() -> Catalog:
    context = serving()
    return context.memo(
        "catalog", lambda: Catalog(context.store(), context.settings.base_iri, labels)
    )
