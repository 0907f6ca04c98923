"""The words of the user interface, in French (the default) and English.

Data labels come from the data; this table holds only the publisher's own words.
"""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "site_title": ("EFOP — données liées", "EFOP — linked data"),
    "site_tagline": (
        "Gouvernance territoriale de l'emploi, de la formation et de l'orientation "
        "professionnelles",
        "Territorial governance of employment, vocational training and career guidance",
    ),
    "skip": ("Aller au contenu", "Skip to content"),
    "nav_label": ("Navigation principale", "Main navigation"),
    "home": ("Accueil", "Home"),
    "directory": ("Annuaire des acteurs", "Directory of actors"),
    "search": ("Recherche", "Search"),
    "ontology": ("Ontologie", "Ontology"),
    "sparql": ("Requêtes SPARQL", "SPARQL queries"),
    "data": ("Données", "Data"),
    "classes": ("Classes", "Classes"),
    "shapes": ("Formes SHACL", "SHACL shapes"),
    "shapes_intro": (
        "Les contraintes que les données publiées respectent ; les rapports de validation "
        "nomment ces formes.",
        "The constraints the published data meets; validation reports name these shapes.",
    ),
    "target": ("Cible", "Target"),
    "other_language": ("English", "Français"),
    "licence": ("Licence", "Licence"),
    "licence_text": (
        "Les données et l'ontologie sont publiées sous la Licence Ouverte / Open Licence 2.0 "
        "(Etalab).",
        "The data and the ontology are published under the Licence Ouverte / Open Licence 2.0 "
        "(Etalab).",
    ),
    "types": ("Types", "Types"),
    "properties": ("Propriétés", "Properties"),
    "property": ("Propriété", "Property"),
    "value": ("Valeur", "Value"),
    "inverse": ("Liens entrants", "Inverse links"),
    "inverse_intro": (
        "Ressources qui pointent vers celle-ci, par propriété.",
        "Resources that point to this one, by property.",
    ),
    "provenance": ("Provenance", "Provenance"),
    "derived_from": ("Sources de cette ressource", "Sources of this resource"),
    "graphs": ("Graphes nommés des énoncés", "Named graphs of the statements"),
    "graph": ("graphe", "graph"),
    "formats": ("Autres formats", "Other formats"),
    "description_policy": (
        "Chaque format contient les triplets sortants de la ressource, ses liens entrants, "
        "et les libellés et types des ressources liées.",
        "Every format holds the resource's outgoing triples, its inverse links, and the labels "
        "and types of the linked resources.",
    ),
    "figures": ("Chiffres", "Figures"),
    "triples": ("triplets", "triples"),
    "resources": ("ressources", "resources"),
    "named_graphs": ("graphes nommés", "named graphs"),
    "built_on": ("publication du", "build of"),
    "entry_points": ("Points d'entrée", "Entry points"),
    "example_queries": ("Exemples de requêtes", "Example queries"),
    "for_machines": ("Pour les machines", "For machines"),
    "dumps": ("Téléchargements", "Downloads"),
    "void": ("Description VoID", "VoID description"),
    "catalogue": ("Catalogue DCAT", "DCAT catalogue"),
    "dataset": ("Jeu de données", "Dataset"),
    "members": ("membres", "members"),
    "page": ("Page", "Page"),
    "previous": ("Précédente", "Previous"),
    "next": ("Suivante", "Next"),
    "pagination": ("Pagination", "Pagination"),
    "territory": ("Territoire", "Territory"),
    "kind": ("Type d'acteur", "Kind of actor"),
    "theme": ("Thème", "Theme"),
    "any": ("Tous", "Any"),
    "filter": ("Filtrer", "Filter"),
    "results": ("résultats", "results"),
    "no_result": ("Aucun résultat.", "No result."),
    "query": ("Libellé recherché", "Label to look for"),
    "search_button": ("Rechercher", "Search"),
    "error": ("Erreur", "Error"),
    "not_found": ("Ressource inconnue.", "Unknown resource."),
    "class_index": ("Index de la classe", "Index of the class"),
}


# Names of terms that vocabularies leave unlabelled, by IRI (or path under the base).
TERM_LABELS: dict[str, tuple[str, str]] = {
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#type": ("type", "type"),
    "http://www.w3.org/2000/01/rdf-schema#label": ("libellé", "label"),
    "http://www.w3.org/2000/01/rdf-schema#comment": ("commentaire", "comment"),
    "id/graph/reference": ("données de référence", "reference data"),
    "id/graph/ontology": ("ontologie et listes de concepts", "ontology and concept schemes"),
}


def term_label(key: str, lang: str) -> str | None:
    if key not in TERM_LABELS:
        return None
    french, english = TERM_LABELS[key]
    return english if lang == "en" else french


def translate(key: str, lang: str) -> str:
    french, english = MESSAGES[key]
    return english if lang == "en" else french
