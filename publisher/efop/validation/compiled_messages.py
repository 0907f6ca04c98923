"""Messages of the compiled engine for constraints whose shape states no ``sh:message``.

The project's shapes all carry French and English messages; a shapes graph without them (a
minimal project, a test) still gets a short message per constraint, in both languages, rather
than an empty one. pySHACL writes English-only messages of its own in that case: the two
engines agree on every finding of shapes that state their messages.
"""

from __future__ import annotations

from rdflib import Graph, Literal
from rdflib.namespace import SH
from rdflib.term import Node

from efop.validation.terms import short

GENERIC: dict[Node, tuple[str, str]] = {
    SH.minCount: ("Moins de {} valeur(s).", "Fewer than {} value(s)."),
    SH.maxCount: ("Plus de {} valeur(s).", "More than {} value(s)."),
    SH.hasValue: ("La valeur {} manque.", "The value {} is missing."),
    SH.uniqueLang: ("Plusieurs textes dans la même langue.", "Several texts in one language."),
    SH.qualifiedValueShape: (
        "Pas assez (ou trop) de valeurs conformes à la forme qualifiée.",
        "Too few (or too many) values conform to the qualified shape.",
    ),
    SH.disjoint: ("La valeur est aussi une valeur de {}.", "The value is also a value of {}."),
    SH["class"]: ("La valeur n'est pas de la classe {}.", "The value is not of class {}."),
    SH.datatype: ("La valeur n'est pas du type {}.", "The value is not of datatype {}."),
    SH.nodeKind: ("La valeur n'est pas de la sorte {}.", "The value is not of node kind {}."),
    SH["in"]: ("La valeur n'est pas dans la liste permise.", "The value is not in the list."),
    SH.languageIn: ("La langue du texte n'est pas permise.", "The text's language is not allowed."),
    SH.pattern: ("La valeur ne suit pas le motif {}.", "The value does not match pattern {}."),
    SH.minLength: ("Texte de moins de {} caractères.", "Text shorter than {} characters."),
    SH.maxLength: ("Texte de plus de {} caractères.", "Text longer than {} characters."),
    SH.minInclusive: ("La valeur n'est pas >= {}.", "The value is not >= {}."),
    SH.maxInclusive: ("La valeur n'est pas <= {}.", "The value is not <= {}."),
    SH.minExclusive: ("La valeur n'est pas > {}.", "The value is not > {}."),
    SH.maxExclusive: ("La valeur n'est pas < {}.", "The value is not < {}."),
    SH.node: ("La valeur n'est pas conforme à la forme {}.", "The value does not conform to {}."),
    SH["or"]: ("La valeur n'est conforme à aucune des formes.", "The value conforms to no shape."),
    SH["and"]: (
        "La valeur n'est pas conforme à toutes les formes.",
        "The value does not conform to every shape.",
    ),
    SH["not"]: ("La valeur est conforme à une forme exclue.", "The value conforms to a shape."),
}


def generic_messages(shapes: Graph, shape: Node, component: Node) -> tuple[str, str]:
    """French and English messages for one constraint of a shape without ``sh:message``."""
    fr, en = GENERIC[component]
    parameter = shapes.value(shape, component)
    if parameter is None:
        shown = ""
    elif isinstance(parameter, Literal):
        shown = str(parameter)
    else:
        shown = short(parameter)
    return fr.format(shown), en.format(shown)
