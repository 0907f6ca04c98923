"""Competency questions on the reference data, workshop no. 3 and the platforms announcement.

Each test runs a stored query of ``queries/`` over the ontology and all data, and checks the
answer against what the source documents and the official references state.
"""

from __future__ import annotations

import re
from collections import defaultdict

from competency import column, dataset, run

ID = "https://w3id.org/efop/id/"
REGION = ID + "territoire/region/"
AMI = ID + "appel/ami-plateformes-transitions-professionnelles"
EFOP = "https://w3id.org/efop/ontology#"
ATELIER_3 = ID + "source/atelier-3-alliances-territoriales"
OPCO = {
    "afdas",
    "atlas",
    "ocapiat",
    "uniformation",
    "constructys",
    "opcommerce",
    "akto",
    "opco-2i",
    "opco-mobilites",
    "opco-ep",
    "opco-sante",
}


def _regions_by_project() -> dict[str, set[str]]:
    regions: dict[str, set[str]] = defaultdict(set)
    for row in run("q01-projets-multi-regions"):
        regions[row["project"]].add(row["regionCode"])
    return regions


def test_projects_spanning_several_regions_with_their_regions():
    regions = _regions_by_project()
    assert regions[ID + "projet/plateforme-aurillac-figeac-rodez"] == {"84", "76"}
    assert regions[ID + "projet/plateforme-redon"] == {"52", "53"}
    assert regions[ID + "projet/plateforme-lacq-pau-tarbes"] == {"75", "76"}
    assert regions[ID + "projet/plateforme-constructeur-automobile"] == {
        "32",
        "44",
        "27",
        "11",
        "28",
        "53",
    }
    assert all(len(codes) > 1 for codes in regions.values())
    assert ID + "projet/plateforme-opco-ep" not in regions


def test_one_crefop_per_region():
    rows = run("q02-crefop-par-region")
    assert len(rows) == 18
    by_code = {row["regionCode"]: row["crefop"] for row in rows}
    assert set(by_code) == {
        "01", "02", "03", "04", "06", "11", "24", "27", "28",
        "32", "44", "52", "53", "75", "76", "84", "93", "94",
    }  # fmt: skip
    assert by_code["52"] == ID + "instance/crefop-pays-de-la-loire"
    assert by_code["94"] == ID + "instance/crefop-corse"


def test_opco_and_the_projects_they_carry():
    rows = run("q03-opco-et-projets")
    assert {ID + "organisation/" + slug for slug in OPCO} <= {row["opco"] for row in rows}
    carried = {(row["opco"], row["project"]) for row in rows if "project" in row}
    assert (ID + "organisation/constructys", ID + "projet/plateforme-constructys") in carried
    assert (ID + "organisation/opco-ep", ID + "projet/plateforme-opco-ep") in carried
    assert not any(row.get("project") for row in rows if row["opco"].endswith("/akto"))


def test_call_projects_by_carrier_kind():
    rows = run("q04-projets-appel-par-type-porteur")
    assert {row["call"] for row in rows} == {AMI}
    assert len({row["project"] for row in rows}) == 9
    kinds: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        kinds[row["carrierKind"].rsplit("/", 1)[-1]].add(row["project"].rsplit("/", 1)[-1])
    assert kinds["opco"] == {"plateforme-constructys", "plateforme-opco-ep"}
    assert kinds["association"] == {
        "plateforme-aurillac-figeac-rodez",
        "plateforme-filiere-maritime",
    }
    assert kinds["syndicat-mixte"] == {"plateforme-lacq-pau-tarbes"}
    assert kinds["agence-developpement"] == {"plateforme-redon"}
    assert kinds["entreprise"] == {"plateforme-constructeur-automobile"}
    assert kinds["organisme-formation"] == {"plateforme-logistique-aftral"}
    assert kinds["ecole"] == {"plateforme-envi"}


def test_call_parameter_restricts_the_projects():
    assert run("q04-projets-appel-par-type-porteur", call=ID + "appel/inconnu") == []


def test_what_works_in_each_cooperation_body_of_workshop_3():
    rows = {
        row["assessment"].rsplit("/", 1)[-1]: row
        for row in run("q05-evaluations-espaces-cooperation")
    }
    assert set(rows) == {
        "atelier-3-crefop",
        "atelier-3-clefop",
        "atelier-3-cdpe",
        "atelier-3-transitions-pro",
        "atelier-3-clubs-entreprises",
    }
    assert "quadripartisme" in rows["atelier-3-crefop"]["whatWorks"]
    assert "demandeurs d'emploi" in rows["atelier-3-crefop"]["whatDoesNotWork"]
    assert "OPCO ne sont pas conviés" in rows["atelier-3-crefop"]["participants"]
    assert "mature" in rows["atelier-3-clefop"]["whatWorks"]
    assert rows["atelier-3-clefop"]["whatDoesNotWork"] == "Demande du temps."
    assert "Alliance Villes Emploi" in rows["atelier-3-cdpe"]["participants"]
    assert "licencier" in rows["atelier-3-transitions-pro"]["whatDoesNotWork"]
    assert "chefs d'entreprise" in rows["atelier-3-clubs-entreprises"]["objective"]
    for silent in ("atelier-3-clubs-entreprises", "atelier-3-cdpe"):
        assert "whatWorks" not in rows[silent] and "whatDoesNotWork" not in rows[silent]


def test_stop_continue_start_recommendations():
    rows = run("q06-recommandations-par-type")
    counts: dict[str, int] = defaultdict(int)
    for row in rows:
        if row["source"] == ATELIER_3:
            counts[row["kind"].rsplit("/", 1)[-1]] += 1
    assert counts == {"arreter": 3, "continuer": 6, "commencer": 8}
    labels = {row["label"] for row in rows}
    assert "Arrêter le fonctionnement en silo" in labels
    assert "Un annuaire des acteurs" in labels
    gpect = next(r for r in rows if r["recommendation"].endswith("commencer-gpect-maisons-emploi"))
    assert gpect["themes"] == ID + "concept/theme/gpect"


def test_territories_running_a_gpect_approach():
    territories = column("q07-territoires-gpect", "territory")
    assert {ID + "territoire/ti/redon", ID + "territoire/ti/lacq-pau-tarbes"} <= territories
    assert ID + "territoire/ti/aurillac-figeac-rodez" not in territories


def test_figures_with_their_unit():
    figures = {
        (row["resource"].rsplit("/", 1)[-1], row["unit"]): (row["value"], row["approximate"])
        for row in run("q08-chiffres-des-sources")
    }
    assert figures[("opco-ep", "entreprises adhérentes")] == ("467000", "false")
    assert figures[("opco-ep", "entreprises adhérentes de moins de 50 salariés")] == (
        "464000",
        "false",
    )
    assert figures[("plateforme-opco-ep", "territoires pilotes")] == ("41", "false")
    assert figures[("ami-plateformes-transitions-professionnelles", "candidatures reçues")] == (
        "100",
        "true",
    )
    assert figures[("plateforme-constructeur-automobile", "régions")] == ("6", "false")
    assert figures[("atelier-3-alliances-territoriales", "participants")] == ("5", "false")


def test_hierarchy_of_the_lacq_pau_tarbes_territory():
    rows = run("q09-hierarchie-territoire")
    assert {(row["relation"], row["level"], row["code"]) for row in rows} == {
        ("chevauche", "département", "64"),
        ("chevauche", "département", "65"),
        ("chevauche", "région", "75"),
        ("chevauche", "région", "76"),
    }


def test_hierarchy_of_another_territory():
    rows = run("q09-hierarchie-territoire", territory=ID + "territoire/ti/redon")
    assert {(row["ancestor"], row["relation"]) for row in rows} == {
        (ID + "territoire/departement/35", "chevauche"),
        (ID + "territoire/departement/44", "chevauche"),
        (ID + "territoire/departement/56", "chevauche"),
        (REGION + "53", "chevauche"),
        (REGION + "52", "chevauche"),
    }


def test_a_territory_spanning_two_regions_lies_within_neither():
    """Redon's Territoire d'industrie overlaps Bretagne and Pays de la Loire; it is in neither."""
    rows = run("q09-hierarchie-territoire", territory=ID + "territoire/ti/redon")
    assert not [row for row in rows if row["relation"] == "inclus dans"]


def test_hierarchy_of_a_commune_is_inclusion_only():
    rows = run("q09-hierarchie-territoire", territory=ID + "territoire/commune/65440")
    assert {(row["ancestor"], row["relation"]) for row in rows} == {
        (ID + "territoire/epci/tarbes-lourdes-pyrenees", "inclus dans"),
        (ID + "territoire/departement/65", "inclus dans"),
        (REGION + "76", "inclus dans"),
    }


PLATFORMS = {
    "aurillac-figeac-rodez",
    "redon",
    "lacq-pau-tarbes",
    "constructeur-automobile",
    "filiere-maritime",
    "constructys",
    "opco-ep",
    "logistique-aftral",
    "envi",
}


def test_exactly_the_eleven_opco_are_of_the_opco_kind():
    """A collective of OPCO named by a roadmap is not itself an OPCO."""
    assert column("q03-opco-et-projets", "opco") == {ID + "organisation/" + slug for slug in OPCO}


def test_each_platform_is_a_body_with_its_carrier():
    rows = run("q10-instances-regionales-colleges", region=REGION + "76")
    platforms = {
        row["body"]: row
        for row in rows
        if row["bodyKind"].endswith("/plateforme-transitions-professionnelles")
    }
    assert set(platforms) == {
        ID + "instance/plateforme-transitions-aurillac-figeac-rodez",
        ID + "instance/plateforme-transitions-lacq-pau-tarbes",
    }
    lacq = platforms[ID + "instance/plateforme-transitions-lacq-pau-tarbes"]
    assert lacq["member"] == ID + "organisation/pole-metropolitain-pays-de-bearn"
    assert lacq["role"].endswith("/member-role/porteur")


def test_the_nine_platforms_across_regions():
    bodies = set()
    for code in ("11", "27", "28", "32", "44", "52", "53", "75", "76", "84"):
        bodies |= column("q10-instances-regionales-colleges", "body", region=REGION + code)
    found = {b.rsplit("/", 1)[-1] for b in bodies if "/plateforme-transitions-" in b}
    assert found == {
        "plateforme-transitions-" + slug
        for slug in ("aurillac-figeac-rodez", "redon", "lacq-pau-tarbes", "constructeur-automobile")
    }


def test_each_project_of_the_call_sets_up_its_platform():
    rows = run("q04-projets-appel-par-type-porteur")
    bodies = {row["project"]: row.get("body") for row in rows}
    assert bodies == {
        ID + "projet/plateforme-" + slug: ID + "instance/plateforme-transitions-" + slug
        for slug in PLATFORMS
    }
    assert {row["bodyClass"] for row in rows} == {EFOP + "TransitionPlatform"}


REFERENCE_GRAPH = "<https://w3id.org/efop/id/graph/reference>"
PREFIXES = """
    PREFIX efop: <https://w3id.org/efop/ontology#>
    PREFIX prov: <http://www.w3.org/ns/prov#>
    PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""


def _select(query: str) -> list[dict[str, str]]:
    return [{k: v.value for k, v in row.items()} for row in dataset().select(PREFIXES + query)]


def _documents() -> set[str]:
    rows = _select(
        "SELECT ?document WHERE { GRAPH ?g { ?document a efop:SourceDocument }"
        f" FILTER (?g NOT IN ({REFERENCE_GRAPH}, <https://w3id.org/efop/id/graph/ontology>)) }}"
    )
    return {row["document"] for row in rows}


def test_no_triple_is_stated_in_two_data_graphs():
    rows = _select(
        "SELECT ?s ?p ?o (COUNT(DISTINCT ?g) AS ?graphs) WHERE { GRAPH ?g { ?s ?p ?o }"
        " FILTER (?g != <https://w3id.org/efop/id/graph/ontology>) }"
        " GROUP BY ?s ?p ?o HAVING (COUNT(DISTINCT ?g) > 1)"
    )
    assert rows == []


def test_the_reference_graph_cites_no_source_document():
    documents = _documents()
    assert len(documents) == 4
    rows = _select(
        f"SELECT ?s ?source WHERE {{ GRAPH {REFERENCE_GRAPH} {{"
        " ?s prov:wasDerivedFrom ?source } }"
    )
    assert len(rows) > 100
    assert {row["s"] for row in rows if row["source"] in documents} == set()


def test_every_reference_resource_keeps_a_reference_source():
    """Replacing a document's graph leaves no reference resource without provenance."""
    rows = _select(
        f"SELECT ?s WHERE {{ GRAPH {REFERENCE_GRAPH} {{ ?s rdfs:label ?label"
        " FILTER NOT EXISTS { ?s prov:wasDerivedFrom ?any } } }"
    )
    unsourced = {row["s"] for row in rows}
    reference_sources = {
        row["s"]
        for row in _select(
            f"SELECT ?s WHERE {{ GRAPH {REFERENCE_GRAPH} {{ ?s a efop:SourceDocument }} }}"
        )
    }
    assert unsourced and unsourced <= reference_sources


def test_regional_networks_are_derived_from_their_directories():
    rows = _select("SELECT ?actor ?source WHERE { ?actor prov:wasDerivedFrom ?source }")
    derived: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        derived[row["actor"].rsplit("/", 1)[-1]].add(row["source"].rsplit("/", 1)[-1])
    for actor in ("cap-metiers-nouvelle-aquitaine", "gref-bretagne", "cariforef-pays-de-la-loire"):
        assert "annuaire-carif-oref" in derived[actor]
        assert "decret-2021-792" not in derived[actor]
    for region in ("pays-de-la-loire", "nouvelle-aquitaine", "occitanie", "bretagne"):
        assert "annuaire-transitions-pro" in derived["transitions-pro-" + region]
        assert "loi-2018-771" not in derived["transitions-pro-" + region]


def test_the_directory_lists_the_eleven_opco(client, settings):
    """What a visitor sees: the OPCO filter of the directory lists the eleven OPCO only."""
    kind = settings.base_iri + "id/concept/actor-kind/opco"
    response = client.get(f"/annuaire?kind={kind}", headers={"Accept": "text/html"})
    assert response.status_code == 200
    listed = set(re.findall(r'href="/id/organisation/([^"?#]+)"', response.get_data(as_text=True)))
    assert listed == OPCO


def test_gpect_territories_with_the_departements_they_overlap():
    rows = run("q14-territoires-dispositif", scheme=ID + "dispositif/gpect")
    codes: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        if "departementCode" in row:
            codes[row["territory"].rsplit("/", 1)[-1]].add(row["departementCode"])
    assert codes["redon"] == {"35", "44", "56"}
    assert codes["lacq-pau-tarbes"] == {"64", "65"}
