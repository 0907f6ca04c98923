"""Rows to RDF, following the column mapping.

IRIs are minted from each row's stable key, ``{base}id/{segment}/{region}-{key}``, so
re-importing the same sheet gives the same IRIs. Every value is checked and converted here
(concepts, references, INSEE codes, dates); what the row means as a whole is left to the
shapes. Each triple remembers the sheet, row and column it comes from, so that a shape's
finding can be reported where the steward can fix it.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.term import Node

from efop.importing import values
from efop.importing.mapping import KIND_ORDER, MULTI_SEPARATOR, Column, KindMapping, mappings
from efop.importing.problems import Location, Problem
from efop.importing.reader import Row, Sheet
from efop.importing.text import normalise_label, slugify
from efop.importing.vocabulary import (
    ConceptIndex,
    DatasetIndex,
    as_iri,
    label_of,
    parse_code_reference,
)
from efop.namespaces import DEFAULT_BASE, PROV, bind_all

TEXT_KINDS = frozenset({"text-fr", "text-en"})


@dataclass
class Entry:
    """One row of one sheet, with the resource it describes."""

    sheet: Sheet
    row: Row
    mapping: KindMapping
    key: str
    iri: URIRef

    def location(self, column: str | None = None) -> Location:
        return self.sheet.location(self.row.number, column)

    @property
    def name(self) -> str:
        """The row's French name, from the mapping's first French label column."""
        for column in self.mapping.columns:
            if column.property == RDFS.label and column.value == "text-fr":
                return self.row.cells.get(column.header, "")
        return ""


@dataclass
class Conversion:
    """The RDF of an import, where each statement came from, and the problems found."""

    graph: Graph
    problems: list[Problem] = field(default_factory=list)
    subjects: dict[URIRef, Location] = field(default_factory=dict)
    kinds: dict[URIRef, KindMapping] = field(default_factory=dict)
    origins: dict[tuple[Node, Node], list[tuple[Node, Location]]] = field(default_factory=dict)

    def add(self, triple: tuple[Node, Node, Node], location: Location) -> None:
        self.graph.add(triple)
        s, p, o = triple
        self.origins.setdefault((s, p), []).append((o, location))

    def locate(self, focus: str, path: str | None, value: str | None) -> Location | None:
        """Where a finding on ``focus`` (and ``path``, ``value``) points in the steward's files;
        ``focus`` and ``path`` are IRIs, ``value`` as validation reports it."""
        subject = URIRef(focus)
        if subject not in self.subjects:
            return None
        if path is not None:
            candidates = self.origins.get((subject, URIRef(path)), [])
            for obj, location in candidates:
                if value is not None and value in (str(obj), obj.n3(), f"<{obj}>"):
                    return location
            if candidates:
                return candidates[0][1]
            # A missing value: the column that would have stated it.
            for column in self.kinds[subject].columns:
                states = {column.property, *(rule.property for rule in column.codes)}
                if URIRef(path) in states:
                    return replace(self.subjects[subject], column=column.header)
        return self.subjects[subject]


def _problem(location: Location, fr: str, en: str) -> Problem:
    return Problem(location, fr, en)


class Converter:
    """Turns the sheets of one import into a graph (one instance per import)."""

    def __init__(
        self,
        sheets: list[Sheet],
        region: str,
        source: URIRef,
        concepts: ConceptIndex,
        dataset: DatasetIndex,
        base: str = DEFAULT_BASE,
    ):
        self.region = slugify(region)
        self.base = base
        self.source = source
        self.concepts = concepts
        self.dataset = dataset
        graph = Graph()
        bind_all(graph)
        self.result = Conversion(graph)
        self.entries: dict[str, dict[str, Entry]] = {kind: {} for kind in mappings()}
        self.sheets = sheets

    # ------------------------------------------------------------------ minting

    def mint(self, mapping: KindMapping, key: str) -> URIRef:
        return URIRef(f"{self.base}id/{mapping.segment}/{self.region}-{key}")

    def _row_key(self, sheet: Sheet, row: Row, mapping: KindMapping) -> str | None:
        """The slug of a row's key, from its key column(s); None (with a problem) if missing."""
        parts = []
        for header in mapping.key:
            text = row.cells.get(header, "")
            column = mapping.column(header)
            if column.value == "reference" and text:
                part = self._reference_slug(column.target or "", text)
            else:
                part = slugify(text)
            if not part:
                self.result.problems.append(
                    _problem(
                        sheet.location(row.number, header),
                        "clé absente : chaque ligne a besoin d'un identifiant stable",
                        "missing key: every row needs a stable identifier",
                    )
                )
                return None
            parts.append(part)
        return "-".join(parts)

    def _reference_slug(self, target: str, text: str) -> str:
        """The key part a reference contributes: the referenced row's key, or the slug of an
        outside resource's IRI."""
        entry = self.find_entry(target, text)
        if entry is not None:
            return entry.key
        iri = as_iri(text)
        if iri is not None:
            return slugify(str(iri).rsplit("/id/", 1)[-1].split("/", 1)[-1])
        return slugify(text)

    def find_entry(self, kind: str, text: str) -> Entry | None:
        """The row of ``kind`` a cell designates by its key or, failing that, its exact name."""
        entries = self.entries[kind]
        if slugify(text) in entries:
            return entries[slugify(text)]
        wanted = normalise_label(text)
        by_name = [e for e in entries.values() if wanted and normalise_label(e.name) == wanted]
        return by_name[0] if len(by_name) == 1 else None

    def collect(self) -> None:
        """First pass: every row's key and IRI, so that rows may refer to later rows (kinds in
        their order, so that a membership's key can use the keys of its body and member)."""
        for sheet in sorted(self.sheets, key=lambda s: KIND_ORDER.index(s.kind)):
            mapping = mappings()[sheet.kind]
            for row in sheet.rows:
                key = self._row_key(sheet, row, mapping)
                if key is None:
                    continue
                known = self.entries[sheet.kind].get(key)
                if known is not None:
                    first = known.row.number
                    self.result.problems.append(
                        _problem(
                            sheet.location(row.number, mapping.key[0]),
                            f"clé « {key} » en double (déjà utilisée ligne {first})",
                            f'duplicate key "{key}" (already used on row {first})',
                        )
                    )
                    continue
                entry = Entry(sheet, row, mapping, key, self.mint(mapping, key))
                self.entries[sheet.kind][key] = entry
                self.result.subjects[entry.iri] = entry.location()
                self.result.kinds[entry.iri] = mapping

    # ------------------------------------------------------------------ values

    def concept(self, column: Column, text: str, location: Location) -> URIRef | None:
        scheme = column.scheme or ""
        found = self.concepts.find(scheme, text)
        if found is None:
            allowed = ", ".join(self.concepts.slugs.get(scheme, []))
            self.result.problems.append(
                _problem(
                    location,
                    f"valeur « {text} » absente de la liste « {scheme} » ; "
                    f"valeurs admises : {allowed}",
                    f'value "{text}" is not in the "{scheme}" list; allowed values: {allowed}',
                )
            )
        return found

    def reference(self, column: Column, text: str, location: Location) -> URIRef | None:
        target = column.target or ""
        entry = self.find_entry(target, text)
        if entry is not None:
            return entry.iri
        entries = self.entries[target]
        iri = as_iri(text)
        if iri is not None and (iri in self.result.subjects or self.dataset.knows(iri)):
            return iri
        close = difflib.get_close_matches(slugify(text), list(entries), n=3)
        hint_fr = f" ; vouliez-vous dire : {', '.join(close)} ?" if close else ""
        hint_en = f"; did you mean: {', '.join(close)}?" if close else ""
        self.result.problems.append(
            _problem(
                location,
                f"« {text} » ne désigne aucune ligne de la feuille « {target} » ni aucune "
                f"ressource connue du jeu de données{hint_fr}",
                f'"{text}" is neither a row of the "{target}" sheet nor a resource known to '
                f"the dataset{hint_en}",
            )
        )
        return None

    def territory(self, text: str, location: Location) -> URIRef | None:
        entry = self.find_entry("territoires", text)
        if entry is not None:
            return entry.iri
        code = parse_code_reference(text)
        if code is not None:
            properties, value = code
            found = sorted(
                {s for p in properties for s in self.result.graph.subjects(p, Literal(value))}
            ) or sorted(
                {
                    t
                    for p in properties
                    for t in self.dataset.territories_by_code.get((p, value), [])
                }
            )
            if len(found) == 1:
                return found[0]
            if len(found) > 1:
                self.result.problems.append(
                    _problem(
                        location,
                        f"le code « {text} » désigne plusieurs territoires : précisez "
                        f"region/{value}, departement/{value} ou commune/{value}",
                        f'code "{text}" designates several territories: write region/{value}, '
                        f"departement/{value} or commune/{value}",
                    )
                )
                return None
        iri = as_iri(text)
        if iri is not None and (iri in self.result.subjects or self.dataset.knows(iri)):
            return iri
        self.result.problems.append(
            _problem(
                location,
                f"territoire « {text} » inconnu : ajoutez-le à la feuille « territoires » ou "
                "donnez un code INSEE connu (ex. region/53)",
                f'unknown territory "{text}": add it to the "territoires" sheet or give a known '
                "INSEE code (e.g. region/53)",
            )
        )
        return None

    def literal(self, column: Column, text: str, location: Location) -> Literal | URIRef | None:
        try:
            return values.literal(column.value, text)
        except values.CellError as error:
            self.result.problems.append(_problem(location, error.fr, error.en))
            return None

    def insee_code(self, entry: Entry, column: Column, text: str) -> None:
        location = entry.location(column.header)
        scale_text = entry.row.cells.get(column.selector or "", "")
        scale_column = entry.mapping.column(column.selector or "")
        concept = self.concepts.find(scale_column.scheme or "", scale_text) if scale_text else None
        scale = self.concepts.slug(concept) if concept is not None else None
        rule = next((r for r in column.codes if r.scale == scale), None)
        if rule is None:
            scales = ", ".join(r.scale for r in column.codes)
            self.result.problems.append(
                _problem(
                    location,
                    f"un code INSEE n'est attendu que pour les échelles {scales}",
                    f"an INSEE code is only expected for the scales {scales}",
                )
            )
            return
        try:
            code = values.insee_code(text, rule)
        except values.CellError as error:
            self.result.problems.append(_problem(location, error.fr, error.en))
            return
        self.result.add((entry.iri, rule.property, code), location)

    def value(self, entry: Entry, column: Column, text: str) -> Node | None:
        location = entry.location(column.header)
        if column.value == "concept":
            return self.concept(column, text, location)
        if column.value == "reference":
            return self.reference(column, text, location)
        if column.value == "territory":
            return self.territory(text, location)
        return self.literal(column, text, location)

    # ------------------------------------------------------------------ rows

    def cell_values(self, column: Column, text: str, location: Location) -> list[str]:
        if column.multiple:
            return [v.strip() for v in text.split(MULTI_SEPARATOR) if v.strip()]
        if column.value not in TEXT_KINDS and MULTI_SEPARATOR in text:
            self.result.problems.append(
                _problem(
                    location,
                    "une seule valeur attendue dans cette colonne",
                    "only one value expected in this column",
                )
            )
            return []
        return [text]

    def types(self, entry: Entry) -> tuple[URIRef, ...]:
        mapping = entry.mapping
        if not mapping.types_column:
            return mapping.default_types
        text = entry.row.cells.get(mapping.types_column, "")
        column = mapping.column(mapping.types_column)
        concept = self.concepts.find(column.scheme or "", text) if text else None
        return mapping.types_for(self.concepts.slug(concept) if concept is not None else None)

    def template_labels(self, entry: Entry, values: dict[str, list[Node]]) -> None:
        for lang, template in (("fr", entry.mapping.label_fr), ("en", entry.mapping.label_en)):
            if not template:
                continue
            names = {}
            for header, nodes in values.items():
                names[header] = " / ".join(self.label(n, lang) for n in nodes)
            try:
                text = template.format(**names)
            except KeyError:
                continue  # a referenced cell was wrong, and already reported
            self.result.add((entry.iri, RDFS.label, Literal(text, lang=lang)), entry.location())

    def label(self, node: Node, lang: str) -> str:
        if isinstance(node, URIRef):
            return label_of(self.result.graph, node, lang) or self.dataset.label(node) or str(node)
        return str(node)

    def convert_row(self, entry: Entry) -> None:
        location = entry.location()
        for rdf_type in self.types(entry):
            self.result.add((entry.iri, RDF.type, rdf_type), location)
        self.result.add((entry.iri, PROV.wasDerivedFrom, self.source), location)
        values: dict[str, list[Node]] = {}
        for column in entry.mapping.columns:
            text = entry.row.cells.get(column.header, "")
            if not text:
                if column.required:
                    self.result.problems.append(
                        _problem(
                            entry.location(column.header),
                            "valeur obligatoire manquante",
                            "required value missing",
                        )
                    )
                continue
            if column.value == "key":
                continue
            if column.value == "insee-code":
                continue  # stated before every row, see convert()
            for item in self.cell_values(column, text, entry.location(column.header)):
                node = self.value(entry, column, item)
                if node is None:
                    continue
                values.setdefault(column.header, []).append(node)
                if column.property is not None:
                    self.result.add(
                        (entry.iri, column.property, node), entry.location(column.header)
                    )
        self.template_labels(entry, values)

    def entries_in_order(self) -> Iterator[Entry]:
        for kind_entries in self.entries.values():
            yield from kind_entries.values()

    def convert(self) -> Conversion:
        self.collect()
        # INSEE codes first: any row, even an earlier one, may designate a territory by code.
        for entry in self.entries_in_order():
            for column in entry.mapping.columns:
                text = entry.row.cells.get(column.header, "")
                if column.value == "insee-code" and text:
                    self.insee_code(entry, column, text)
        for entry in self.entries_in_order():
            self.convert_row(entry)
        return self.result


def convert(
    sheets: list[Sheet],
    *,
    region: str,
    source: URIRef,
    concepts: ConceptIndex,
    dataset: DatasetIndex,
    base: str = DEFAULT_BASE,
) -> Conversion:
    """The RDF of the given sheets, with the problems found in their cells; the rows' own
    resources are minted under ``base``."""
    return Converter(sheets, region, source, concepts, dataset, base).convert()
