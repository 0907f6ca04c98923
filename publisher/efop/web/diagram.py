"""An SVG diagram of the ontology's main classes, drawn from the ontology itself.

Each top-level class of the namespace is a box listing its subclasses; an arrow joins two boxes
for every object property whose domain and range fall in them (through their subclasses). Boxes
sit on a grid; their places are chosen by swapping pairs while that shortens the arrows.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations
from xml.sax.saxutils import escape, quoteattr

from efop.web.ontology_model import Ontology, Term

COLUMNS = 4
CHAR_WIDTH = 7.2
MIN_WIDTH = 170
LINE = 17
HEADER = 30
GAP_X = 110
GAP_Y = 100
MARGIN = 40
RIGHT_MARGIN = 160

Edges = dict[tuple[str, str], list[str]]


@dataclass
class Box:
    term: Term
    title: str
    lines: list[str]
    x: float = 0
    y: float = 0

    @property
    def width(self) -> float:
        longest = max(len(text) for text in [self.title, *self.lines])
        return max(MIN_WIDTH, longest * CHAR_WIDTH + 24)

    @property
    def height(self) -> float:
        return HEADER + LINE * len(self.lines) + 10

    @property
    def centre(self) -> tuple[float, float]:
        return self.x + self.width / 2, self.y + self.height / 2

    def border_point(self, towards: tuple[float, float]) -> tuple[float, float]:
        """Where the segment from the centre to ``towards`` leaves the box."""
        cx, cy = self.centre
        dx, dy = towards[0] - cx, towards[1] - cy
        if dx == 0 and dy == 0:
            return cx, cy
        scale = min(
            (self.width / 2) / abs(dx) if dx else math.inf,
            (self.height / 2) / abs(dy) if dy else math.inf,
        )
        return cx + dx * scale, cy + dy * scale


def _label(term: Term, lang: str) -> str:
    return term.labels.get(lang) or term.labels.get("fr") or term.local_name


def _descendants(ontology: Ontology, term: Term, lang: str, depth: int = 0) -> list[str]:
    lines = []
    for child in sorted(term.children, key=lambda c: _label(ontology.classes[c], lang).casefold()):
        lines.append("\u00a0\u00a0" * depth + "▸ " + _label(ontology.classes[child], lang))
        lines.extend(_descendants(ontology, ontology.classes[child], lang, depth + 1))
    return lines


def _root_of(ontology: Ontology) -> dict[str, str]:
    def climb(iri: str, seen: frozenset[str]) -> str:
        parents = [p for p in ontology.classes[iri].parents if p in ontology.classes]
        if not parents or iri in seen:
            return iri
        return climb(parents[0], seen | {iri})

    return {iri: climb(iri, frozenset()) for iri in ontology.classes}


def _edges(ontology: Ontology, lang: str) -> Edges:
    root_of = _root_of(ontology)
    edges: Edges = defaultdict(list)
    for prop in ontology.properties.values():
        if prop.kind != "object":
            continue
        for domain in prop.domains:
            for range_ in prop.ranges:
                if domain in root_of and range_ in root_of:
                    edges[(root_of[domain], root_of[range_])].append(_label(prop, lang))
    return edges


def _cost(order: list[Box], edges: Edges) -> float:
    slot = {box.term.iri: divmod(index, COLUMNS) for index, box in enumerate(order)}
    return sum(
        math.dist(slot[a], slot[b]) * len(names) for (a, b), names in edges.items() if a != b
    )


def _arrange(boxes: list[Box], edges: Edges) -> list[Box]:
    """The boxes in grid order, improved by pair swaps while the arrows get shorter."""
    order = list(boxes)
    best = _cost(order, edges)
    improved = True
    while improved:
        improved = False
        for i, j in combinations(range(len(order)), 2):
            order[i], order[j] = order[j], order[i]
            cost = _cost(order, edges)
            if cost < best - 1e-9:
                best, improved = cost, True
            else:
                order[i], order[j] = order[j], order[i]
    return order


def _layout(order: list[Box]) -> tuple[float, float]:
    widths = [max(box.width for box in order[column::COLUMNS]) for column in range(COLUMNS)]
    y = MARGIN
    for start in range(0, len(order), COLUMNS):
        row = order[start : start + COLUMNS]
        x = MARGIN
        for column, box in enumerate(row):
            box.x, box.y = x, y
            x += widths[column] + GAP_X
        y += max(b.height for b in row) + GAP_Y
    return MARGIN + sum(widths) + GAP_X * (COLUMNS - 1) + RIGHT_MARGIN, y - GAP_Y + MARGIN


def _text(x: float, y: float, content: str, css: str, anchor: str = "start") -> str:
    return (
        f'<text x="{x:.0f}" y="{y:.0f}" class="{css}" text-anchor="{anchor}">'
        f"{escape(content)}</text>"
    )


def _caption(names: list[str]) -> str:
    caption = ", ".join(sorted(set(names)))
    return caption if len(caption) <= 48 else caption[:45] + "…"


def _edge_svg(source: Box, target: Box, names: list[str], offset: float) -> list[str]:
    if source is target:
        x, y = source.x + source.width, source.y + 12
        return [
            f'<path d="M{x:.0f},{y:.0f} c40,-30 40,40 0,22" class="edge" '
            'marker-end="url(#arrow)"/>',
            _text(x + 30, y - 14, _caption(names), "edge-label"),
        ]
    start = source.border_point(target.centre)
    end = target.border_point(source.centre)
    length = math.dist(start, end) or 1
    nx, ny = -(end[1] - start[1]) / length * offset, (end[0] - start[0]) / length * offset
    x1, y1, x2, y2 = start[0] + nx, start[1] + ny, end[0] + nx, end[1] + ny
    return [
        f'<line x1="{x1:.0f}" y1="{y1:.0f}" x2="{x2:.0f}" y2="{y2:.0f}" class="edge" '
        'marker-end="url(#arrow)"/>',
        _text((x1 + x2) / 2, (y1 + y2) / 2 - 4, _caption(names), "edge-label", "middle"),
    ]


def _box_svg(box: Box, href: str) -> list[str]:
    parts = [
        f'<a href={quoteattr(href)}><g class="class">',
        f'<rect x="{box.x:.0f}" y="{box.y:.0f}" width="{box.width:.0f}" '
        f'height="{box.height:.0f}" rx="6"/>',
        _text(box.x + 10, box.y + 20, box.title, "class-name"),
    ]
    for index, line in enumerate(box.lines):
        parts.append(_text(box.x + 12, box.y + HEADER + 12 + index * LINE, line, "sub"))
    parts.append("</g></a>")
    return parts


STYLE = (
    "<style>"
    ".class rect{fill:#eef3fb;stroke:#1d4f91;stroke-width:1.5}"
    ".class-name{font:bold 14px sans-serif;fill:#0b2a55}"
    ".sub{font:12px sans-serif;fill:#222}"
    ".edge{stroke:#7a7a7a;stroke-width:1.2;fill:none}"
    ".edge-label{font:11px sans-serif;fill:#333;paint-order:stroke;stroke:#fff;"
    "stroke-width:3px;stroke-linejoin:round}"
    "</style>"
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
    'markerHeight="7" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="#7a7a7a"/>'
    "</marker></defs>"
)


def class_diagram(ontology: Ontology, lang: str, href_prefix: str = "") -> str:
    """The SVG document of the main classes and the object properties between them."""
    roots = sorted(ontology.roots(), key=lambda t: _label(t, lang).casefold())
    boxes = [Box(t, _label(t, lang), _descendants(ontology, t, lang)) for t in roots]
    edges = _edges(ontology, lang)
    width, height = _layout(_arrange(boxes, edges))
    by_iri = {box.term.iri: box for box in boxes}
    body: list[str] = []
    for (source, target), names in sorted(edges.items()):
        both_ways = source != target and (target, source) in edges
        offset = 5.0 if both_ways else 0.0
        body.extend(_edge_svg(by_iri[source], by_iri[target], names, offset))
    for box in boxes:
        body.extend(_box_svg(box, f"{href_prefix}#{box.term.local_name}"))
    title = {
        "fr": "Classes principales de l'ontologie EFOP",
        "en": "Main classes of the EFOP ontology",
    }.get(lang, "EFOP")
    header = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'width="{width:.0f}" height="{height:.0f}" role="img" aria-labelledby="diagram-title">'
    )
    return "\n".join(
        [header, f'<title id="diagram-title">{escape(title)}</title>', STYLE, *body, "</svg>"]
    )
