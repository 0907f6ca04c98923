"""An SVG diagram of the ontology's main classes, drawn from the ontology itself.

Each top-level class of the namespace is a box listing its subclasses; an arrow joins two boxes
for every object property whose domain and range fall in them (through their subclasses).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from efop.web.ontology_model import Ontology, Term

COLUMNS = 4
BOX_WIDTH = 250
LINE = 17
HEADER = 30
GAP_X = 90
GAP_Y = 110
MARGIN = 40


@dataclass
class Box:
    term: Term
    lines: list[str]
    x: float = 0
    y: float = 0

    @property
    def height(self) -> float:
        return HEADER + LINE * len(self.lines) + 10

    @property
    def centre(self) -> tuple[float, float]:
        return self.x + BOX_WIDTH / 2, self.y + self.height / 2

    def border_point(self, towards: tuple[float, float]) -> tuple[float, float]:
        """Where the segment from the centre to ``towards`` leaves the box."""
        cx, cy = self.centre
        dx, dy = towards[0] - cx, towards[1] - cy
        if dx == 0 and dy == 0:
            return cx, cy
        scale = min(
            (BOX_WIDTH / 2) / abs(dx) if dx else math.inf,
            (self.height / 2) / abs(dy) if dy else math.inf,
        )
        return cx + dx * scale, cy + dy * scale


def _label(term: Term, lang: str) -> str:
    return term.labels.get(lang) or term.labels.get("fr") or term.local_name


def _descendants(ontology: Ontology, term: Term, lang: str, depth: int = 0) -> list[str]:
    lines = []
    for child in sorted(term.children, key=lambda c: _label(ontology.classes[c], lang).casefold()):
        lines.append("  " * depth + "▸ " + _label(ontology.classes[child], lang))
        lines.extend(_descendants(ontology, ontology.classes[child], lang, depth + 1))
    return lines


def _root_of(ontology: Ontology) -> dict[str, str]:
    roots: dict[str, str] = {}

    def climb(iri: str, seen: frozenset[str]) -> str:
        parents = [p for p in ontology.classes[iri].parents if p in ontology.classes]
        if not parents or iri in seen:
            return iri
        return climb(parents[0], seen | {iri})

    for iri in ontology.classes:
        roots[iri] = climb(iri, frozenset())
    return roots


def _layout(boxes: list[Box]) -> tuple[float, float]:
    y = MARGIN
    for start in range(0, len(boxes), COLUMNS):
        row = boxes[start : start + COLUMNS]
        for column, box in enumerate(row):
            box.x = MARGIN + column * (BOX_WIDTH + GAP_X)
            box.y = y
        y += max(b.height for b in row) + GAP_Y
    width = MARGIN * 2 + COLUMNS * BOX_WIDTH + (COLUMNS - 1) * GAP_X
    return width, y - GAP_Y + MARGIN


def _edges(ontology: Ontology, lang: str) -> dict[tuple[str, str], list[str]]:
    root_of = _root_of(ontology)
    edges: dict[tuple[str, str], list[str]] = defaultdict(list)
    for prop in ontology.properties.values():
        if prop.kind != "object":
            continue
        for domain in prop.domains:
            for range_ in prop.ranges:
                if domain in root_of and range_ in root_of:
                    pair = (root_of[domain], root_of[range_])
                    edges[pair].append(_label(prop, lang))
    return edges


def _text(x: float, y: float, content: str, **attributes: str) -> str:
    attrs = "".join(f" {k.replace('_', '-')}={quoteattr(v)}" for k, v in attributes.items())
    return f'<text x="{x:.0f}" y="{y:.0f}"{attrs}>{escape(content)}</text>'


def _edge_svg(source: Box, target: Box, names: list[str]) -> list[str]:
    caption = ", ".join(sorted(set(names)))
    if len(caption) > 48:
        caption = caption[:45] + "…"
    if source is target:
        x, y = source.x + BOX_WIDTH, source.y + 12
        path = f"M{x:.0f},{y:.0f} c40,-30 40,40 0,22"
        return [
            f'<path d="{path}" class="edge" marker-end="url(#arrow)"/>',
            _text(x + 8, y - 18, caption, class_="edge-label"),
        ]
    start = source.border_point(target.centre)
    end = target.border_point(source.centre)
    mid = ((start[0] + end[0]) / 2, (start[1] + end[1]) / 2)
    return [
        f'<line x1="{start[0]:.0f}" y1="{start[1]:.0f}" x2="{end[0]:.0f}" y2="{end[1]:.0f}" '
        'class="edge" marker-end="url(#arrow)"/>',
        _text(mid[0], mid[1] - 4, caption, class_="edge-label", text_anchor="middle"),
    ]


def _box_svg(box: Box, lang: str, href: str) -> list[str]:
    parts = [
        f'<a href={quoteattr(href)}><g class="class">',
        f'<rect x="{box.x:.0f}" y="{box.y:.0f}" width="{BOX_WIDTH}" height="{box.height:.0f}" '
        'rx="6"/>',
        _text(box.x + 10, box.y + 20, _label(box.term, lang), class_="class-name"),
    ]
    for index, line in enumerate(box.lines):
        parts.append(_text(box.x + 12, box.y + HEADER + 12 + index * LINE, line, class_="sub"))
    parts.append("</g></a>")
    return parts


def class_diagram(ontology: Ontology, lang: str, href_prefix: str = "") -> str:
    """The SVG document of the main classes and the object properties between them."""
    roots = sorted(ontology.roots(), key=lambda t: _label(t, lang).casefold())
    boxes = [Box(term, _descendants(ontology, term, lang)) for term in roots]
    width, height = _layout(boxes)
    by_iri = {box.term.iri: box for box in boxes}
    body: list[str] = []
    for (source, target), names in sorted(_edges(ontology, lang).items()):
        body.extend(_edge_svg(by_iri[source], by_iri[target], names))
    for box in boxes:
        body.extend(_box_svg(box, lang, f"{href_prefix}#{box.term.local_name}"))
    title = (
        "Classes principales de l'ontologie EFOP"
        if lang == "fr"
        else "Main classes of the EFOP ontology"
    )
    return "\n".join(
        [
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" '
            f'width="{width:.0f}" height="{height:.0f}" role="img" '
            'aria-labelledby="diagram-title">',
            f'<title id="diagram-title">{escape(title)}</title>',
            "<style>"
            ".class rect{fill:#eef3fb;stroke:#1d4f91;stroke-width:1.5}"
            ".class-name{font:bold 14px sans-serif;fill:#0b2a55}"
            ".sub{font:12px sans-serif;fill:#222}"
            ".edge{stroke:#666;stroke-width:1.2;fill:none}"
            ".edge-label{font:11px sans-serif;fill:#444}"
            "</style>",
            '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
            'markerHeight="7" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="#666"/>'
            "</marker></defs>",
            *body,
            "</svg>",
        ]
    )
