"""Synthetic EFOP data of any size, so that the benchmark can measure how cost grows with work.

The output is a directory usable as a project's ``data/``: a copy of the project's own data
files (the 18 real regions with their INSEE codes, national actors, and the source documents
that the concept schemes cite), and ``sources/synthetique-NNNN.ttl`` shards with the rest.
Every synthetic resource derives from one source document, "Données synthétiques de banc
d'essai", and says it is synthetic in its label; synthetic départements, EPCI and communes are
plain ``efop:Territory`` resources with no INSEE class and no code, because their codes would
be invented.

What is generated, around actors spread over a territory hierarchy sized like France's
(101 départements, up to 1,254 EPCI and 34,950 communes): governance bodies (a CREFOP per
region with its bureau and plenary, a CDFOP per département, a CLEFOP per EPCI), memberships
in colleges, posts, schemes with operators and funders, projects with a carrier, partners and
funders, workshops, and needs and resource offers on themes. The same seed gives the same
bytes. Run ``python bench/generate.py --help``.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph
from rdflib.namespace import RDF, SKOS

from efop.namespaces import DEFAULT_BASE, PREFIXES

REPO_ROOT = Path(__file__).resolve().parents[1]
SOURCE = "id/source/donnees-synthetiques-banc-essai"
SHARD_TRIPLES = 250_000
LABEL_EVERY = 97
MARK = "synthétique, banc d'essai"

# The 18 regions (INSEE code, name) of the Code officiel géographique and their number of
# départements; only these codes are real, every territory below them is synthetic.
REGIONS: tuple[tuple[str, str, int], ...] = (
    ("01", "Guadeloupe", 1),
    ("02", "Martinique", 1),
    ("03", "Guyane", 1),
    ("04", "La Réunion", 1),
    ("06", "Mayotte", 1),
    ("11", "Île-de-France", 8),
    ("24", "Centre-Val de Loire", 6),
    ("27", "Bourgogne-Franche-Comté", 8),
    ("28", "Normandie", 5),
    ("32", "Hauts-de-France", 5),
    ("44", "Grand Est", 10),
    ("52", "Pays de la Loire", 5),
    ("53", "Bretagne", 4),
    ("75", "Nouvelle-Aquitaine", 12),
    ("76", "Occitanie", 13),
    ("84", "Auvergne-Rhône-Alpes", 12),
    ("93", "Provence-Alpes-Côte d'Azur", 6),
    ("94", "Corse", 2),
)
EPCI_MAX = 1_254
COMMUNES_MAX = 34_950

ACTOR_KINDS: tuple[tuple[str, str, bool], ...] = (
    ("mission-locale", "Mission locale", False),
    ("maison-emploi", "Maison de l'emploi", False),
    ("plie", "PLIE", False),
    ("cap-emploi", "Cap emploi", False),
    ("france-travail", "Agence France Travail", True),
    ("organisme-formation", "Organisme de formation", False),
    ("association", "Association", False),
    ("entreprise", "Entreprise", False),
    ("commune", "Commune", True),
    ("epci", "Communauté de communes", True),
    ("chambre-consulaire", "Chambre consulaire", True),
    ("structure-insertion", "Structure d'insertion", False),
    ("agence-developpement", "Agence de développement", False),
    ("service-etat", "Service de l'État", True),
)
COLLEGES = (
    "etat",
    "region",
    "organisations-employeurs",
    "organisations-salaries",
    "membre-associe",
)
SCHEME_KINDS = ("accompagnement-mutations", "formation", "insertion", "demarche-territoriale")
POSTS = ("chargé·e de mission emploi", "directeur·rice", "responsable formation")


def parse_size(text: str) -> int:
    """``2500``, ``100k``, ``1M`` or ``10M`` as a number of triples."""
    text = text.strip().lower()
    factor = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    digits = text[:-1] if factor > 1 else text
    value = int(float(digits) * factor)
    if value <= 0:
        raise ValueError(f"not a positive size: {text!r}")
    return value


def concepts_by_scheme(root: Path = REPO_ROOT) -> dict[str, list[str]]:
    """Concept slugs of every scheme, read from the ontology's concept files (sorted)."""
    graph = Graph()
    files = sorted((root / "ontology" / "concepts").glob("*.ttl"))
    if not files:
        raise FileNotFoundError(f"no concept scheme in {root / 'ontology' / 'concepts'}")
    for path in files:
        graph.parse(path, format="turtle")
    prefix = DEFAULT_BASE + "id/concept/"
    found: dict[str, list[str]] = {}
    for concept in graph.subjects(RDF.type, SKOS.Concept):
        text = str(concept)
        if text.startswith(prefix):
            scheme, slug = text[len(prefix) :].split("/", 1)
            found.setdefault(scheme, []).append(slug)
    return {scheme: sorted(slugs) for scheme, slugs in found.items()}


class Terms:
    """Renders IRIs and literals for Turtle (``@base`` and prefixes) or N-Triples."""

    def __init__(self, fmt: str):
        self.turtle = fmt == "ttl"

    def id(self, path: str) -> str:
        return f"<{path}>" if self.turtle else f"<{DEFAULT_BASE}{path}>"

    def concept(self, scheme: str, slug: str) -> str:
        return self.id(f"id/concept/{scheme}/{slug}")

    def term(self, prefix: str, local: str) -> str:
        return f"{prefix}:{local}" if self.turtle else f"<{PREFIXES[prefix]}{local}>"

    def text(self, value: str, lang: str = "fr") -> str:
        escaped = value.replace("\\", "\\\\").replace('"', '\\"')
        return f'"{escaped}"@{lang}'

    def typed(self, value: str, datatype: str) -> str:
        return f'"{value}"^^{self.term("xsd", datatype)}'

    def header(self, used: tuple[str, ...]) -> str:
        if not self.turtle:
            return ""
        lines = [f"@base <{DEFAULT_BASE}> ."]
        lines += [f"@prefix {p}: <{PREFIXES[p]}> ." for p in used]
        return "\n".join(lines) + "\n"


USED_PREFIXES = ("efop", "org", "prov", "rdfs", "dct", "igeo", "xsd")


class ShardWriter:
    """Writes triples into numbered files, each opening with the synthetic source document."""

    def __init__(self, folder: Path, terms: Terms, fmt: str, shard_triples: int):
        self.folder = folder
        self.terms = terms
        self.suffix = "." + fmt
        self.shard_triples = shard_triples
        self.count = 0
        self.files: list[Path] = []
        self._handle = None
        self._in_shard = 0
        self._source_lines = source_document(terms)

    def write(self, triples: Iterator[tuple[str, str, str]] | list) -> None:
        for s, p, o in triples:
            if self._handle is None or self._in_shard >= self.shard_triples:
                self._open()
            self._handle.write(f"{s} {p} {o} .\n")
            self._in_shard += 1
            self.count += 1

    def _open(self) -> None:
        self.close()
        path = self.folder / f"synthetique-{len(self.files):04d}{self.suffix}"
        self.files.append(path)
        self._handle = path.open("w", encoding="utf-8")
        self._handle.write(self.terms.header(USED_PREFIXES))
        for s, p, o in self._source_lines:
            self._handle.write(f"{s} {p} {o} .\n")
        if len(self.files) == 1:
            self.count += len(self._source_lines)
        self._in_shard = len(self._source_lines)

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None


def source_document(t: Terms) -> list[tuple[str, str, str]]:
    s = t.id(SOURCE)
    return [
        (s, t.term("rdf", "type") if not t.turtle else "a", t.term("efop", "SourceDocument")),
        (s, t.term("rdfs", "label"), t.text("Données synthétiques de banc d'essai")),
        (s, t.term("rdfs", "label"), t.text("Synthetic benchmark data", "en")),
        (s, t.term("dct", "title"), t.text("Données synthétiques de banc d'essai")),
        (
            s,
            t.term("dct", "description"),
            t.text(
                "Données générées aléatoirement pour mesurer les performances : les acteurs, "
                "instances, projets, besoins et territoires infrarégionaux qu'elles décrivent "
                "n'existent pas. Seules les régions et leurs codes INSEE sont réels."
            ),
        ),
        (s, t.term("efop", "documentKind"), t.concept("document-kind", "donnees-synthetiques")),
    ]


@dataclass
class Territory:
    path: str
    region: int  # index in REGIONS
    parent: str | None = None
    children: list[str] = field(default_factory=list)


class Generator:
    """Produces the triples of one synthetic dataset, deterministically for a seed."""

    def __init__(self, target: int, seed: int, terms: Terms, concepts: dict[str, list[str]]):
        self.target = target
        self.rng = random.Random(seed)
        self.t = terms
        self.themes = concepts["theme"]
        self.publics = concepts["public"]
        self.a = "a" if terms.turtle else terms.term("rdf", "type")
        self.departements: list[Territory] = []
        self.epcis: list[Territory] = []
        self.communes: list[Territory] = []
        self.samples: dict[str, str] = {}
        self.labels: dict[str, str] = {}  # labels of every LABEL_EVERY-th actor, for queries

    # ------------------------------------------------------------------ small helpers
    def _resource(self, path: str, classes: tuple[str, ...], label: str) -> list:
        t, s = self.t, self.t.id(path)
        triples = [
            (s, self.a, t.term("efop", c) if ":" not in c else self._prefixed(c)) for c in classes
        ]
        triples.append((s, t.term("rdfs", "label"), t.text(label)))
        triples.append((s, t.term("prov", "wasDerivedFrom"), t.id(SOURCE)))
        return triples

    def _prefixed(self, name: str) -> str:
        prefix, local = name.split(":", 1)
        return self.t.term(prefix, local)

    def _link(self, subject: str, prop: str, obj: str) -> tuple[str, str, str]:
        return (self.t.id(subject), self._prefixed(prop), obj)

    # ------------------------------------------------------------------ territories
    def territory_sizes(self) -> tuple[int, int]:
        departements = sum(count for _, _, count in REGIONS)
        epcis = min(EPCI_MAX, max(departements, self.target // 800))
        communes = min(COMMUNES_MAX, max(epcis, self.target // 40))
        return epcis, communes

    def territories(self) -> Iterator[tuple[str, str, str]]:
        epci_count, commune_count = self.territory_sizes()
        for index, (code, _name, count) in enumerate(REGIONS):
            for number in range(1, count + 1):
                path = f"id/territoire/synthetique/departement-{code}-{number:02d}"
                self.departements.append(Territory(path, index, f"id/territoire/region/{code}"))
        for number in range(epci_count):
            dept = self.departements[number % len(self.departements)]
            path = f"id/territoire/synthetique/epci-{number:05d}"
            self.epcis.append(Territory(path, dept.region, dept.path))
        for number in range(commune_count):
            epci = self.epcis[number % len(self.epcis)]
            path = f"id/territoire/synthetique/commune-{number:05d}"
            self.communes.append(Territory(path, epci.region, epci.path))
        scales = (
            (self.departements, "departemental", "Département"),
            (self.epcis, "epci", "EPCI"),
            (self.communes, "commune", "Commune"),
        )
        for territories, scale, word in scales:
            for territory in territories:
                name = territory.path.rsplit("/", 1)[-1].split("-", 1)[1]
                yield from self._resource(territory.path, ("Territory",), f"{word} {name} ({MARK})")
                yield self._link(
                    territory.path,
                    "efop:territorialScale",
                    self.t.concept("territorial-scale", scale),
                )
                yield self._link(
                    territory.path, "efop:withinTerritory", self.t.id(territory.parent)
                )

    # ------------------------------------------------------------------ bodies and events
    def bodies(self) -> Iterator[tuple[str, str, str]]:
        t = self.t
        for code, name, _ in REGIONS:
            body = f"id/instance/synthetique-crefop-{code}"
            yield from self._resource(body, ("CREFOP",), f"CREFOP {name} ({MARK})")
            yield self._link(body, "efop:bodyKind", t.concept("body-kind", "crefop"))
            yield self._link(body, "efop:actsOn", t.id(f"id/territoire/region/{code}"))
            for unit in ("bureau", "pleniere"):
                path = f"{body}-{unit}"
                yield from self._resource(
                    path, ("BodyUnit",), f"{unit.capitalize()} du CREFOP {name} ({MARK})"
                )
                yield self._link(path, "org:unitOf", t.id(body))
                yield self._link(path, "efop:bodyKind", t.concept("body-kind", unit))
                yield self._link(body, "org:hasUnit", t.id(path))
        for dept in self.departements:
            yield from self._local_body(dept, "cdfop", "CDFOP")
            yield from self._workshop(dept)
        for epci in self.epcis:
            yield from self._local_body(epci, "clefop", "CLEFOP")

    def _local_body(self, territory: Territory, kind: str, cls: str) -> Iterator:
        t = self.t
        name = territory.path.rsplit("/", 1)[-1]
        body = f"id/instance/synthetique-{kind}-{name}"
        code = REGIONS[territory.region][0]
        yield from self._resource(body, (cls,), f"{cls} {name} ({MARK})")
        yield self._link(body, "efop:bodyKind", t.concept("body-kind", kind))
        yield self._link(body, "efop:actsOn", t.id(territory.path))
        yield self._link(body, "efop:declinationOf", t.id(f"id/instance/synthetique-crefop-{code}"))

    def _workshop(self, dept: Territory) -> Iterator:
        t = self.t
        name = dept.path.rsplit("/", 1)[-1]
        event = f"id/evenement/synthetique-atelier-{name}"
        yield from self._resource(event, ("Event",), f"Atelier des acteurs, {name} ({MARK})")
        yield self._link(event, "efop:eventKind", t.concept("event-kind", "atelier"))
        day = 1 + self.rng.randrange(28)
        yield self._link(event, "dct:date", t.typed(f"2021-03-{day:02d}", "date"))

    # ------------------------------------------------------------------ actors and their work
    def actor(self, number: int) -> Iterator[tuple[str, str, str]]:
        t, rng = self.t, self.rng
        commune = self.communes[rng.randrange(len(self.communes))]
        epci = commune.parent
        dept = self.epcis[int(epci.rsplit("-", 1)[1])].parent
        kind, word, public = ACTOR_KINDS[rng.randrange(len(ACTOR_KINDS))]
        actor = f"id/organisation/synthetique-{number:07d}"
        label = f"{word} n° {number} ({MARK})"
        classes = ("Actor", "PublicActor") if public else ("Actor",)
        yield from self._resource(actor, classes, label)
        yield self._link(actor, "efop:actorKind", t.concept("actor-kind", kind))
        yield self._link(actor, "efop:actsOn", t.id(commune.path))
        self.samples.setdefault("actor", actor)
        if number % LABEL_EVERY == 0:
            self.labels[str(number)] = label
        yield from self._memberships(number, actor, label, epci, dept)
        if rng.random() < 0.2:
            post = f"id/poste/synthetique-{number:07d}"
            role = POSTS[rng.randrange(len(POSTS))]
            yield from self._resource(post, ("org:Post",), f"{role}, {label}")
            yield self._link(post, "org:postIn", t.id(actor))
        yield from self._statements(number, actor, label, dept)
        if rng.random() < 0.25:
            yield from self._project(number, actor, commune)
        if rng.random() < 0.04:
            yield from self._scheme(number, actor, dept)

    def _memberships(self, number: int, actor: str, label: str, epci: str, dept: str) -> Iterator:
        t, rng = self.t, self.rng
        bodies = [f"id/instance/synthetique-clefop-{epci.rsplit('/', 1)[-1]}"]
        if rng.random() < 0.5:
            bodies.append(f"id/instance/synthetique-cdfop-{dept.rsplit('/', 1)[-1]}")
        for index, body in enumerate(bodies):
            path = f"id/adhesion/synthetique-{number:07d}-{index}"
            college = COLLEGES[rng.randrange(len(COLLEGES))]
            yield from self._resource(path, ("org:Membership",), f"Adhésion : {label}")
            yield self._link(path, "org:member", t.id(actor))
            yield self._link(path, "org:organization", t.id(body))
            yield self._link(path, "org:role", t.concept("college", college))

    def _statements(self, number: int, actor: str, label: str, dept: str) -> Iterator:
        t, rng = self.t, self.rng
        event = f"id/evenement/synthetique-atelier-{dept.rsplit('/', 1)[-1]}"
        kinds = (("besoin", "Need", "Besoin"), ("ressource", "ResourceOffer", "Ressource"))
        stated = False
        for segment, cls, word in kinds:
            if rng.random() < 0.7:
                continue_with = f"id/{segment}/synthetique-{number:07d}"
                themes = rng.sample(self.themes, 1 + rng.randrange(2))
                yield from self._resource(continue_with, (cls,), f"{word} de {label}")
                yield self._link(continue_with, "efop:statedBy", t.id(actor))
                yield self._link(continue_with, "efop:statedAt", t.id(event))
                for theme in themes:
                    yield self._link(continue_with, "efop:theme", t.concept("theme", theme))
                self.samples.setdefault(segment, continue_with)
                stated = True
        if stated:
            yield self._link(event, "efop:participant", t.id(actor))

    def _project(self, number: int, actor: str, commune: Territory) -> Iterator:
        t, rng = self.t, self.rng
        path = f"id/projet/synthetique-{number:07d}"
        yield from self._resource(path, ("Project",), f"Projet territorial n° {number} ({MARK})")
        yield self._link(path, "efop:carriedBy", t.id(actor))
        for other in sorted({rng.randrange(max(1, number)) for _ in range(2)}):
            if other != number:
                partner = t.id(f"id/organisation/synthetique-{other:07d}")
                yield self._link(path, "efop:partner", partner)
        funder = f"id/organisation/synthetique-{rng.randrange(max(1, number)):07d}"
        yield self._link(path, "efop:fundedBy", t.id(funder))
        yield self._link(path, "efop:actsOn", t.id(commune.parent))
        yield self._link(path, "efop:theme", t.concept("theme", rng.choice(self.themes)))
        yield self._link(path, "efop:targetPublic", t.concept("public", rng.choice(self.publics)))
        yield self._link(path, "efop:startDate", t.typed(str(2018 + rng.randrange(6)), "gYear"))
        self.samples.setdefault("project", path)

    def _scheme(self, number: int, actor: str, dept: str) -> Iterator:
        t, rng = self.t, self.rng
        path = f"id/dispositif/synthetique-{number:07d}"
        kind = SCHEME_KINDS[rng.randrange(len(SCHEME_KINDS))]
        yield from self._resource(path, ("Scheme",), f"Dispositif local n° {number} ({MARK})")
        yield self._link(path, "efop:schemeKind", t.concept("scheme-kind", kind))
        yield self._link(path, "efop:operatedBy", t.id(actor))
        yield self._link(path, "efop:actsOn", t.id(dept))
        yield self._link(path, "efop:theme", t.concept("theme", rng.choice(self.themes)))


def copy_project_data(out: Path, root: Path) -> int:
    """Copy the project's own data files: the real regions, actors and the sources that the
    concept schemes cite. Returns their number of triples."""
    files = sorted((root / "data").glob("reference/*.ttl")) + sorted(
        (root / "data").glob("sources/*.ttl")
    )
    if not files:
        raise FileNotFoundError(f"no data file under {root / 'data'}")
    graph = Graph()
    for path in files:
        target = out / path.parent.name / path.name
        shutil.copyfile(path, target)
        graph.parse(target, format="turtle")
    return len(graph)


def generate(
    out: Path,
    target: int,
    *,
    seed: int = 1,
    fmt: str = "ttl",
    shard_triples: int = SHARD_TRIPLES,
    root: Path = REPO_ROOT,
) -> dict:
    """Write a synthetic ``data/`` of about ``target`` triples (at least) into ``out``."""
    if fmt not in ("ttl", "nt"):
        raise ValueError("format must be ttl or nt")
    terms = Terms(fmt)
    (out / "reference").mkdir(parents=True, exist_ok=True)
    (out / "sources").mkdir(parents=True, exist_ok=True)
    count = copy_project_data(out, root)
    generator = Generator(target, seed, terms, concepts_by_scheme(root))
    writer = ShardWriter(out / "sources", terms, fmt, shard_triples)
    try:
        writer.write(generator.territories())
        writer.write(generator.bodies())
        actors = 0
        while count + writer.count < target:
            writer.write(list(generator.actor(actors)))
            actors += 1
    finally:
        writer.close()
    epcis, communes = generator.territory_sizes()
    summary = {
        "seed": seed,
        "format": fmt,
        "target": target,
        "triples": count + writer.count,
        "actors": actors,
        "departements": len(generator.departements),
        "epci": epcis,
        "communes": communes,
        "files": [p.relative_to(out).as_posix() for p in writer.files],
        "samples": {k: DEFAULT_BASE + v for k, v in sorted(generator.samples.items())},
        "departement_paths": [d.path for d in generator.departements],
        "actor_labels": generator.labels,
    }
    (out / "generated.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n")
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--triples", default="100k", help="size: 2500, 100k, 1M, 10M (default 100k)"
    )
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--format", choices=["ttl", "nt"], default="ttl", help="output syntax")
    parser.add_argument("--shard-triples", type=int, default=SHARD_TRIPLES, help="triples per file")
    parser.add_argument("--out", type=Path, required=True, help="directory to write (a data/)")
    args = parser.parse_args(argv)
    summary = generate(
        args.out,
        parse_size(args.triples),
        seed=args.seed,
        fmt=args.format,
        shard_triples=args.shard_triples,
    )
    print(
        f"{summary['triples']} triples, {summary['actors']} actors, "
        f"{len(summary['files'])} files -> {args.out}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
