"""An SVG diagram of the ontology's main classes, drawn from the ontology itself.

Each top-level class of the namespace is a box listing its subclasses; an arrow joins two boxes
for every object property whose domain and range are classes of the namespace (or unions of
them), through their subclasses. A property with no declared domain starts from an "any class"
box. Classes no arrow reaches are listed together in one "other classes" box.

Boxes sit on a grid of three columns, so that the figure fits a page column at its natural
size; their places are chosen by swapping pairs while that shortens the arrows and keeps them
off other boxes. Each arrow's label is placed at the first point along it where its box meets
no class box and no other label; a label that finds no such point is numbered on its arrow and
spelt out in a legend. The label boxes are drawn (as the labels' background), so what is
checked is what is seen.
"""

from __future__ import annotations

import math
import random
import textwrap
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import combinations
from xml.sax.saxutils import escape, quoteattr

from efop.web.ontology_model import Ontology, Term

COLUMNS = 3
TITLE_CHAR = 8.6  # bold 14px sans-serif, generous
LINE_CHAR = 7.0  # 12px
LABEL_CHAR = 6.4  # 11px
LABEL_LINE = 13
WRAP = 30  # characters of a subclass line
MIN_WIDTH = 150
LINE = 16
HEADER = 30
GAP_X = 130
GAP_Y = 80
MARGIN = 24
LOOP = 36  # how far a self-loop reaches above its box
RESTARTS = 3
ANY_CLASS = "#any"
OTHER_CLASSES = "#other"
TEXTS = {
    "title": {
        "fr": "Classes principales de l'ontologie EFOP",
        "en": "Main classes of the EFOP ontology",
    },
    "any": {"fr": "Toute classe", "en": "Any class"},
    "any-note": {"fr": "(domaine non déclaré)", "en": "(no declared domain)"},
    "other": {"fr": "Autres classes", "en": "Other classes"},
    "legend": {"fr": "Propriétés numérotées", "en": "Numbered properties"},
}

Rect = tuple[float, float, float, float]  # x, y, width, height
Edges = dict[tuple[str, str], list[Term]]


def _say(key: str, lang: str) -> str:
    return TEXTS[key].get(lang, TEXTS[key]["en"])


@dataclass
class Box:
    key: str  # the class IRI, or ANY_CLASS / OTHER_CLASSES
    title: str
    lines: list[tuple[str, str | None]]  # text, and the local name it links to
    href: str | None  # what the title links to
    dashed: bool = False
    x: float = 0
    y: float = 0

    @property
    def width(self) -> float:
        longest = max([len(self.title) * TITLE_CHAR] + [len(t) * LINE_CHAR for t, _ in self.lines])
        return max(MIN_WIDTH, longest + 24)

    @property
    def height(self) -> float:
        return HEADER + LINE * len(self.lines) + 8

    @property
    def rect(self) -> Rect:
        return self.x, self.y, self.width, self.height

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


@dataclass
class Label:
    """An arrow's caption: its lines, its box once placed, and its number if it went to the
    legend."""

    lines: list[str]
    rect: Rect | None = None
    number: int | None = None


@dataclass
class Placed:
    """What is already on the canvas: areas labels must not cover, and the arrows' segments,
    which a label avoids crossing when it can."""

    obstacles: list[Rect] = field(default_factory=list)
    segments: list[tuple[int, tuple[float, float], tuple[float, float]]] = field(
        default_factory=list
    )

    def free(self, rect: Rect, width: float, edge: int | None = None) -> bool:
        """Whether ``rect`` fits; with ``edge``, also crossing no segment of another arrow."""
        x, y, w, h = rect
        if x < 2 or y < 2 or x + w > width - 2:
            return False
        if any(overlap(rect, other, 2) for other in self.obstacles):
            return False
        return edge is None or not any(
            owner != edge and _crosses(rect, a, b) for owner, a, b in self.segments
        )


def _crosses(rect: Rect, a: tuple[float, float], b: tuple[float, float]) -> bool:
    """Whether the segment ``a``-``b`` meets ``rect`` (sampled finely enough for labels)."""
    x, y, w, h = rect
    steps = max(2, int(math.dist(a, b) / 4))
    for k in range(steps + 1):
        px, py = a[0] + (b[0] - a[0]) * k / steps, a[1] + (b[1] - a[1]) * k / steps
        if x <= px <= x + w and y <= py <= y + h:
            return True
    return False


def overlap(a: Rect, b: Rect, margin: float = 0) -> bool:
    """Whether two rectangles overlap (or come closer than ``margin``)."""
    return (
        a[0] < b[0] + b[2] + margin
        and b[0] < a[0] + a[2] + margin
        and a[1] < b[1] + b[3] + margin
        and b[1] < a[1] + a[3] + margin
    )


def _label(term: Term, lang: str) -> str:
    return term.labels.get(lang) or term.labels.get("fr") or term.local_name


def _descendants(ontology: Ontology, term: Term, lang: str, depth: int = 0) -> list[tuple]:
    lines: list[tuple[str, str | None]] = []
    children = sorted(term.children, key=lambda c: _label(ontology.classes[c], lang).casefold())
    for iri in children:
        child = ontology.classes[iri]
        indent = "\u00a0\u00a0" * depth
        wrapped = textwrap.wrap(_label(child, lang), WRAP - 2 * depth) or [child.local_name]
        lines.append((f"{indent}▸ {wrapped[0]}", child.local_name))
        lines.extend(
            (f"{indent}\u00a0\u00a0\u00a0{more}", child.local_name) for more in wrapped[1:]
        )
        lines.extend(_descendants(ontology, child, lang, depth + 1))
    return lines


def _root_of(ontology: Ontology) -> dict[str, str]:
    def climb(iri: str, seen: frozenset[str]) -> str:
        parents = [p for p in ontology.classes[iri].parents if p in ontology.classes]
        if not parents or iri in seen:
            return iri
        return climb(parents[0], seen | {iri})

    return {iri: climb(iri, frozenset()) for iri in ontology.classes}


def _edges(ontology: Ontology) -> Edges:
    """Object properties between classes of the namespace, by (source, target) top class."""
    root_of = _root_of(ontology)
    edges: Edges = defaultdict(list)
    for prop in ontology.properties.values():
        if prop.kind != "object":
            continue
        ranges = [root_of[r] for r in prop.ranges if r in root_of]
        if prop.domains:
            domains = [root_of[d] for d in prop.domains if d in root_of]
        else:
            domains = [ANY_CLASS]
        for domain in dict.fromkeys(domains):
            for range_ in dict.fromkeys(ranges):
                edges[(domain, range_)].append(prop)
    return edges


def _slot_cost(order: list[Box], edges: list[tuple[str, str, int]]) -> float:
    """Length of the arrows on the grid, plus a penalty for each box an arrow runs across."""
    slots = [(box.key, *divmod(index, COLUMNS)) for index, box in enumerate(order)]
    where = {key: (row, column) for key, row, column in slots}
    cost = 0.0
    for a, b, weight in edges:
        (ra, ca), (rb, cb) = where[a], where[b]
        dr, dc = rb - ra, cb - ca
        cost += math.hypot(dr, dc) * weight
        span = dr * dr + dc * dc
        for key, r, c in slots:
            if key == a or key == b:
                continue
            t = max(0.0, min(1.0, ((r - ra) * dr + (c - ca) * dc) / span))
            if math.hypot(r - ra - t * dr, c - ca - t * dc) < 0.45:
                cost += 25
    return cost


def _arrange(boxes: list[Box], edges: Edges) -> list[Box]:
    """The boxes in grid order: from a few fixed starting orders, pair swaps while the cost goes
    down; the cheapest result."""
    pairs = [(a, b, len(props)) for (a, b), props in edges.items() if a != b]
    starts = [list(boxes), list(reversed(boxes))]
    starts += [random.Random(seed).sample(boxes, len(boxes)) for seed in range(RESTARTS)]
    results = []
    for order in starts:
        best = _slot_cost(order, pairs)
        improved = True
        while improved:
            improved = False
            for i, j in combinations(range(len(order)), 2):
                order[i], order[j] = order[j], order[i]
                cost = _slot_cost(order, pairs)
                if cost < best - 1e-9:
                    best, improved = cost, True
                else:
                    order[i], order[j] = order[j], order[i]
        results.append((best, order))
    return min(results, key=lambda result: result[0])[1]


def _layout(order: list[Box]) -> tuple[float, float]:
    """Place the boxes on the grid; the width and height they take."""
    widths = [max(box.width for box in order[column::COLUMNS]) for column in range(COLUMNS)]
    y = MARGIN + LOOP  # room above the first row for self-loops and their labels
    for start in range(0, len(order), COLUMNS):
        row = order[start : start + COLUMNS]
        x = MARGIN
        for column, box in enumerate(row):
            box.x, box.y = x + (widths[column] - box.width) / 2, y
            x += widths[column] + GAP_X
        y += max(b.height for b in row) + GAP_Y
    # On the right, room for the self-loops of the last column.
    right = MARGIN + LOOP
    return MARGIN + sum(widths) + GAP_X * (COLUMNS - 1) + right, y - GAP_Y + MARGIN


def _text(x: float, y: float, content: str, css: str, anchor: str = "start") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" class="{css}" text-anchor="{anchor}">'
        f"{escape(content)}</text>"
    )


def _label_size(lines: list[str]) -> tuple[float, float]:
    return max(len(t) for t in lines) * LABEL_CHAR + 8, LABEL_LINE * len(lines) + 4


Candidates = Callable[[float, float], list[Rect]]


def _place(
    label: Label, candidates: Candidates, placed: Placed, width: float, edge: int
) -> Rect | None:
    """The first candidate box for ``label`` that covers nothing and crosses no other arrow;
    else the first that covers nothing."""
    w, h = _label_size(label.lines)
    options = candidates(w, h)
    for strict in (edge, None):
        found = next((r for r in options if placed.free(r, width, strict)), None)
        if found is not None:
            return found
    return None


def _along(start, end) -> list[tuple[float, float]]:
    steps = (0.5, 0.4, 0.6, 0.3, 0.7, 0.22, 0.78, 0.15, 0.85)
    return [(start[0] + (end[0] - start[0]) * t, start[1] + (end[1] - start[1]) * t) for t in steps]


def _on_line(points: list[tuple[float, float]]) -> Candidates:
    """Boxes centred on points of the arrow, then beside them."""

    def candidates(w: float, h: float) -> list[Rect]:
        shifts = [(0, 0), (0, -h / 2 - 3), (0, h / 2 + 3), (-w / 2 - 3, 0), (w / 2 + 3, 0)]
        shifts += [(0, -h - 6), (0, h + 6)]
        return [(x + dx - w / 2, y + dy - h / 2, w, h) for dx, dy in shifts for x, y in points]

    return candidates


def _beside_loop(x: float, y: float) -> Candidates:
    """Boxes by a self-loop over the top right corner (x, y) of a box: right of the loop, above
    it, then right of the box."""

    def candidates(w: float, h: float) -> list[Rect]:
        top = y - LOOP + 2
        return [
            (x + 16, top - h / 2, w, h),
            (x + 16, top - h, w, h),
            (x - 12 - w / 2, top - h - 4, w, h),
            (x - 24 - w, top - h / 2, w, h),
            (x + 16, top, w, h),
            (x + 6, y + 20, w, h),
        ]

    return candidates


@dataclass
class Arrow:
    """One drawn arrow: its ends, properties, path, where its label may go and its segment."""

    source: str
    target: str
    props: list[Term]
    path: str
    candidates: Candidates
    segment: tuple[tuple[float, float], tuple[float, float]] | None
    label: Label | None = None


def _arrow(source: Box, target: Box, props: list[Term], offset: float) -> tuple[Arrow, list]:
    """The arrow from ``source`` to ``target``, and the area it takes (for a self-loop)."""
    if source is target:
        # A loop over the top right corner: out of the top side, back into the right side.
        x, y = source.x + source.width, source.y
        path = f"M{x - 24:.1f},{y:.1f} c0,-{LOOP} {LOOP + 20},-{LOOP} 24,16"
        arrow = Arrow(source.key, target.key, props, path, _beside_loop(x, y), None)
        return arrow, [(x - 26, y - LOOP + 6, LOOP + 6, LOOP + 8)]
    start = source.border_point(target.centre)
    end = target.border_point(source.centre)
    length = math.dist(start, end) or 1
    nx, ny = -(end[1] - start[1]) / length * offset, (end[0] - start[0]) / length * offset
    a, b = (start[0] + nx, start[1] + ny), (end[0] + nx, end[1] + ny)
    path = f"M{a[0]:.1f},{a[1]:.1f} L{b[0]:.1f},{b[1]:.1f}"
    return Arrow(source.key, target.key, props, path, _on_line(_along(a, b)), (a, b)), []


def _box_svg(box: Box, href_prefix: str) -> list[str]:
    css = "class any" if box.dashed else "class"
    x, y = box.x, box.y
    parts = [
        f'<g class="{css}" data-class={quoteattr(box.key.rsplit("#", 1)[-1])}>',
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{box.width:.1f}" height="{box.height:.1f}" rx="6"/>',
    ]
    title = _text(x + 10, y + 20, box.title, "class-name")
    parts.append(f"<a href={quoteattr(href_prefix + box.href)}>{title}</a>" if box.href else title)
    for index, (line, target) in enumerate(box.lines):
        text = _text(x + 12, y + HEADER + 10 + index * LINE, line, "sub")
        parts.append(
            f"<a href={quoteattr(f'{href_prefix}#{target}')}>{text}</a>" if target else text
        )
    parts.append("</g>")
    return parts


STYLE = (
    "<style>"
    ".class rect{fill:#eef3fb;stroke:#1d4f91;stroke-width:1.5}"
    ".any rect{fill:#fff;stroke-dasharray:5 3}"
    ".class-name{font:bold 14px sans-serif;fill:#0b2a55}"
    ".sub{font:12px sans-serif;fill:#222}"
    ".edge path{stroke:#7a7a7a;stroke-width:1.2;fill:none}"
    ".label-box{fill:#fff;fill-opacity:.92;stroke:none}"
    ".edge-label{font:11px sans-serif;fill:#333}"
    ".label-disc{fill:#fff;fill-opacity:1;stroke:#7a7a7a}"
    ".edge-number{font:bold 10px sans-serif;fill:#333}"
    ".legend-title{font:bold 12px sans-serif;fill:#0b2a55}"
    "</style>"
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
    'markerHeight="7" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="#7a7a7a"/>'
    "</marker></defs>"
)


def _boxes(ontology: Ontology, lang: str, edges: Edges) -> list[Box]:
    connected = {end for pair in edges for end in pair}
    roots = sorted(ontology.roots(), key=lambda t: _label(t, lang).casefold())
    boxes = [
        Box(t.iri, _label(t, lang), _descendants(ontology, t, lang), f"#{t.local_name}")
        for t in roots
        if t.iri in connected
    ]
    if ANY_CLASS in connected:
        boxes.append(
            Box(ANY_CLASS, _say("any", lang), [(_say("any-note", lang), None)], None, True)
        )
    others = [t for t in roots if t.iri not in connected]
    if others:
        lines = [(f"▸ {_label(t, lang)}", t.local_name) for t in others]
        boxes.append(Box(OTHER_CLASSES, _say("other", lang), lines, None, True))
    return boxes


def _place_labels(arrows: list[Arrow], placed: Placed, width: float, lang: str) -> list:
    """Give every arrow its label box, self-loops and short arrows first (they have the fewest
    places); the arrows whose label found no place get a number, in drawing order."""

    def length(index: int) -> float:
        segment = arrows[index].segment
        return -1.0 if segment is None else math.dist(*segment)

    for index in sorted(range(len(arrows)), key=length):
        arrow = arrows[index]
        arrow.label = Label(sorted({_label(p, lang) for p in arrow.props}, key=str.casefold))
        arrow.label.rect = _place(arrow.label, arrow.candidates, placed, width, index)
        if arrow.label.rect is not None:
            placed.obstacles.append(arrow.label.rect)
    legend = []
    for arrow in arrows:
        assert arrow.label is not None
        if arrow.label.rect is None:
            arrow.label.number = len(legend) + 1
            options = arrow.candidates(18, 18)
            rect = next((r for r in options if placed.free(r, width)), options[0])
            arrow.label.rect = rect
            placed.obstacles.append(rect)
            legend.append((arrow.label.number, arrow))
    return legend


def _arrow_svg(arrow: Arrow) -> list[str]:
    label = arrow.label
    assert label is not None and label.rect is not None
    names = " ".join(sorted(p.local_name for p in arrow.props))
    source, target = (quoteattr(end.rsplit("#", 1)[-1]) for end in (arrow.source, arrow.target))
    parts = [
        f'<g class="edge" data-source={source} data-target={target} '
        f"data-properties={quoteattr(names)}>",
        f'<path d="{arrow.path}" marker-end="url(#arrow)"/>',
    ]
    x, y, w, h = label.rect
    if label.number is None:
        parts.append(
            f'<rect class="label-box" x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}"/>'
        )
        parts.extend(
            _text(x + w / 2, y + 12 + index * LABEL_LINE, line, "edge-label", "middle")
            for index, line in enumerate(label.lines)
        )
    else:
        parts.append(
            f'<rect class="label-box label-disc" x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" '
            f'height="{h:.1f}" rx="9"/>'
        )
        parts.append(_text(x + 9, y + 13, str(label.number), "edge-number", "middle"))
    parts.append("</g>")
    return parts


def class_diagram(ontology: Ontology, lang: str, href_prefix: str = "") -> str:
    """The SVG document of the main classes and the object properties between them."""
    edges = _edges(ontology)
    boxes = _boxes(ontology, lang, edges)
    width, height = _layout(_arrange(boxes, edges))
    by_key = {box.key: box for box in boxes}
    placed = Placed([box.rect for box in boxes])
    arrows = []
    for (source, target), props in sorted(edges.items(), key=lambda item: item[0]):
        offset = 7.0 if source != target and (target, source) in edges else 0.0
        arrow, area = _arrow(by_key[source], by_key[target], props, offset)
        placed.obstacles.extend(area)
        if arrow.segment is not None:
            placed.segments.append((len(arrows), *arrow.segment))
        arrows.append(arrow)
    legend = _place_labels(arrows, placed, width, lang)
    body: list[str] = []
    for arrow in arrows:
        body.extend(_arrow_svg(arrow))
    for box in boxes:
        body.extend(_box_svg(box, href_prefix))
    if legend:
        body.append(_text(MARGIN, height + 4, _say("legend", lang), "legend-title"))
        for index, (number, arrow) in enumerate(legend):
            assert arrow.label is not None
            ends = f"{by_key[arrow.source].title} → {by_key[arrow.target].title}"
            line = f"{number}. {', '.join(arrow.label.lines)} ({ends})"
            body.append(_text(MARGIN, height + 22 + index * LINE, line, "sub"))
        height += 22 + LINE * len(legend)
    header = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" '
        'width="100%" role="img" aria-labelledby="diagram-title">'
    )
    title = f'<title id="diagram-title">{escape(_say("title", lang))}</title>'
    return "\n".join([header, title, STYLE, *body, "</svg>"])
