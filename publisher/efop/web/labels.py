"""Readable names for IRIs: labels in the visitor's language, compact names, local links.

Pages ask for the labels of the IRIs they show, one IRI at a time, through a bounded cache
per build (:class:`LabelLookup`): a page never waits for the labels of the whole store, which at
millions of triples would outlast a worker's timeout. Search and the directory, which must scan
every label, read them all once per build into a :class:`LabelIndex`.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

from pyoxigraph import NamedNode

from efop.namespaces import sparql_prologue
from efop.store import Store
from efop.web.i18n import term_label
from efop.web.representation import prefixes_for

LABELS_QUERY = (
    sparql_prologue(["rdfs", "skos"])
    + """
SELECT DISTINCT ?s ?label WHERE {
  { ?s rdfs:label ?label } UNION { ?s skos:prefLabel ?label }
  FILTER(isIRI(?s) && isLiteral(?label))
}
"""
)

IRI_LABELS_QUERY = (
    sparql_prologue(["rdfs", "skos"])
    + """
SELECT ?s ?label WHERE {
  { ?s rdfs:label ?label } UNION { ?s skos:prefLabel ?label }
  FILTER(isLiteral(?label))
}
"""
)
LOOKUP_CACHE_SIZE = 50_000


def fold(text: str) -> str:
    """Text without case or accents, for matching what a visitor types."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@dataclass
class LabelIndex:
    """Labels by IRI and language (``""`` for a label without language)."""

    labels: dict[str, dict[str, str]]

    @classmethod
    def load(cls, store: Store) -> LabelIndex:
        labels: dict[str, dict[str, str]] = defaultdict(dict)
        for row in store.select(LABELS_QUERY):
            literal = row["label"]
            languages = labels[row["s"].value]
            languages.setdefault(literal.language or "", literal.value)
        return cls(dict(labels))

    def get(self, iri: str, lang: str) -> str | None:
        """The label in ``lang``, else French, English, untagged, or any label."""
        return choose(self.labels.get(iri), lang)


class LabelLookup:
    """Labels of one IRI at a time from the store, remembered for the build's lifetime."""

    def __init__(self, store: Store):
        self._store = store
        self._languages = lru_cache(maxsize=LOOKUP_CACHE_SIZE)(self._fetch)

    def _fetch(self, iri: str) -> dict[str, str]:
        languages: dict[str, str] = {}
        for row in self._store.select(IRI_LABELS_QUERY, {"s": NamedNode(iri)}):
            literal = row["label"]
            languages.setdefault(literal.language or "", literal.value)
        return languages

    def get(self, iri: str, lang: str) -> str | None:
        return choose(self._languages(iri), lang)


def choose(languages: dict[str, str] | None, lang: str) -> str | None:
    """The label in ``lang``, else French, English, untagged, or any label."""
    if not languages:
        return None
    for wanted in (lang, "fr", "en", ""):
        if wanted in languages:
            return languages[wanted]
    return next(iter(languages.values()))


class Labels(Protocol):
    def get(self, iri: str, lang: str) -> str | None: ...


class Namer:
    """Turns IRIs into labels, compact names and links on this server."""

    def __init__(self, base: str, index: Labels, lang: str, root: str = ""):
        self.base = base
        self.index = index
        self.lang = lang
        self.root = root
        self._prefixes = sorted(prefixes_for(base).items(), key=lambda item: -len(item[1]))

    def curie(self, iri: str) -> str:
        for prefix, namespace in self._prefixes:
            if iri.startswith(namespace) and len(iri) > len(namespace):
                return f"{prefix}:{iri[len(namespace) :]}"
        return iri

    def label(self, iri: str) -> str:
        known = self.index.get(iri, self.lang)
        if known:
            return known
        key = iri[len(self.base) :] if iri.startswith(self.base) else iri
        return term_label(key, self.lang) or self.curie(iri)

    def href(self, iri: str) -> str:
        """A link on this server for IRIs under the base, the IRI itself otherwise."""
        if iri.startswith(self.base):
            return self.root + "/" + iri[len(self.base) :]
        return iri
