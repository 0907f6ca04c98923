"""Competency questions on the CLEFOP roadmap of Pays de la Loire and the 16 March 2021 workshop.

Each test runs a stored query of ``queries/`` over the ontology and all data, and checks the
answer against what the two documents state (colleges of the CREFOP, adoption timeline,
priorities and schemes, who needs and who offers what, projects, funders, participants).
"""

from __future__ import annotations

from collections import defaultdict

from competency import column, dataset, run
from pyoxigraph import NamedNode

ID = "https://w3id.org/efop/id/"
ORG = ID + "organisation/"
CONCEPT = ID + "concept/"
CREFOP_PDL = ID + "instance/crefop-pays-de-la-loire"
CLEFOP_PDL = ID + "instance/clefop-pays-de-la-loire-reseau"
ROADMAP = ID + "strategie/feuille-de-route-clefop-pays-de-la-loire-2020"
SREFOP = ID + "strategie/srefop-pays-de-la-loire-2017"
WORKSHOP_SOURCE = ID + "source/atelier-demarches-territoriales-2021-03-16"
ROADMAP_SOURCE = ID + "source/feuille-de-route-clefop-pays-de-la-loire-2020"
TOOLBOX_PARTS = {
    "activite-partielle",
    "apld",
    "prestation-conseil-rh",
    "fne-formation",
    "pse",
    "csp",
    "revitalisation",
    "pret-main-oeuvre",
}


def _dispositifs(*slugs: str) -> set[str]:
    return {ID + "dispositif/" + slug for slug in slugs}


def _members_by_role(body: str) -> dict[str, set[str]]:
    members: dict[str, set[str]] = defaultdict(set)
    for row in run("q10-instances-regionales-colleges"):
        if row["body"] == body and "role" in row:
            members[row["role"]].add(row["member"])
    return members


def test_crefop_pays_de_la_loire_sits_in_four_colleges():
    members = _members_by_role(CREFOP_PDL)
    colleges = {role: who for role, who in members.items() if "/college/" in role}
    assert colleges == {
        CONCEPT + "college/etat": {ORG + "etat"},
        CONCEPT + "college/region": {ORG + "region-pays-de-la-loire"},
        CONCEPT + "college/organisations-employeurs": {
            ORG + "organisations-employeurs-pays-de-la-loire"
        },
        CONCEPT + "college/organisations-salaries": {
            ORG + "organisations-salaries-pays-de-la-loire"
        },
    }
    assert members[CONCEPT + "member-role/co-president"] == {
        ID + "poste/prefet-region-pays-de-la-loire",
        ID + "poste/presidente-region-pays-de-la-loire",
    }


def test_regional_bodies_of_pays_de_la_loire_and_clefop_resource_partners():
    bodies = column("q10-instances-regionales-colleges", "body")
    assert {
        CREFOP_PDL,
        CLEFOP_PDL,
        ID + "instance/codefi-pays-de-la-loire",
        ID + "instance/groupes-travail-filieres-pays-de-la-loire",
        ID + "instance/comite-regional-plans-filieres-pays-de-la-loire",
    } <= bodies
    assert ID + "instance/cite-emploi-tarbes" not in bodies
    clefop = _members_by_role(CLEFOP_PDL)
    assert {
        ORG + "cariforef-pays-de-la-loire",
        ORG + "solutions-and-co",
        ORG + "aract-pays-de-la-loire",
        ORG + "direccte-pays-de-la-loire",
        ORG + "region-pays-de-la-loire",
    } <= clefop[CONCEPT + "member-role/partenaire-ressource"]
    assert ORG + "france-travail" in clefop[CONCEPT + "member-role/membre"]
    assert not any("/college/" in role for role in clefop)


def test_another_region_has_no_pays_de_la_loire_body():
    bodies = column("q10-instances-regionales-colleges", "body", region=ID + "territoire/region/75")
    assert CREFOP_PDL not in bodies
    assert CLEFOP_PDL not in bodies


def _schemes_by_priority() -> dict[str, set[str]]:
    schemes: dict[str, set[str]] = defaultdict(set)
    for row in run("q11-priorites-feuille-de-route-dispositifs"):
        served = schemes[row["priority"].rsplit("/", 1)[1]]
        if "scheme" in row:
            served.add(row["scheme"])
    return schemes


def test_roadmap_priorities_and_the_schemes_serving_them():
    schemes = _schemes_by_priority()
    assert len(schemes) == 14
    assert schemes["clefop-pdl-2020-gestion-crise"] == _dispositifs(
        "boite-outils-mutations-economiques",
        "activite-partielle",
        "apld",
        "pse",
        "csp",
        "revitalisation",
    )
    assert (
        _dispositifs("fne-formation", "apprentissage", "cep", "projet-transition-professionnelle")
        <= schemes["clefop-pdl-2020-impacts-rh"]
    )
    assert schemes["clefop-pdl-2020-orientation"] == _dispositifs("cep")
    assert schemes["clefop-pdl-2020-recrutement"] == set()
    assert schemes["clefop-pdl-2020-jeunes"] == set()


def test_the_six_priority_themes_of_the_roadmap():
    rows = run("q11-priorites-feuille-de-route-dispositifs")
    themes = {
        row["priorityLabel"]
        for row in rows
        if row.get("parent") == ID + "priorite/clefop-pdl-2020-thematiques"
    }
    assert len(themes) == 6
    assert {"La gestion de crise", "Le traitement des impacts RH"} <= themes


def test_srefop_axis_3_5_and_its_sub_axes():
    rows = run("q11-priorites-feuille-de-route-dispositifs", roadmap=SREFOP)
    notations = {row["notation"] for row in rows}
    assert notations == {"3.5", "3.5.1", "3.5.2", "3.5.3"}
    served = {row["scheme"] for row in rows if row.get("notation") == "3.5.3" and "scheme" in row}
    assert served == _dispositifs("pse", "csp", "revitalisation")


def test_roadmap_adopted_by_the_crefop_plenary_of_17_july_2020():
    [row] = run("q12-adoption-feuille-de-route")
    assert row["strategy"] == SREFOP
    assert row["adoptedBy"] == CREFOP_PDL
    assert row["adoptionUnit"] == ID + "instance/crefop-pays-de-la-loire-pleniere"
    assert row["adoptionMeetingDate"] == "2020-07-17"
    assert row["adoptionDate"] == "2020-07-17"
    assert row["inForceFrom"] == "2020-09-01"
    assert row["validationUnit"] == ID + "instance/crefop-pays-de-la-loire-bureau"
    assert "validationDate" not in row
    assert row["addressedTo"] == CLEFOP_PDL
    assert row["localCommittees"] == "18"
    assert row["drafterCount"] == "6"
    assert "Cariforef Pays de la Loire" in row["drafters"]


def _pairs(theme: str) -> set[tuple[str, str]]:
    rows = run("q13-besoins-ressources-par-theme", theme=CONCEPT + "theme/" + theme)
    return {
        (row.get("needActor", "").removeprefix(ORG), row["offerActor"].removeprefix(ORG))
        for row in rows
    }


def test_networking_needs_matched_with_offers_of_other_actors():
    pairs = {
        (row["needActor"].removeprefix(ORG), row["offerActor"].removeprefix(ORG))
        for row in run("q13-besoins-ressources-par-theme")
    }
    assert {
        ("grand-dax", "mont-de-marsan-agglomeration"),
        ("grand-dax", "cdc-bazadais"),
        ("grand-dax", "citizchool"),
        ("grand-dax", "region-nouvelle-aquitaine"),
        ("grand-angouleme", "cdc-bazadais"),
        ("mont-de-marsan-agglomeration", "region-nouvelle-aquitaine"),
    } <= pairs
    assert all(need != offer for need, offer in pairs)
    assert {need for need, _ in pairs} == {
        "grand-dax",
        "grand-angouleme",
        "mont-de-marsan-agglomeration",
    }


def test_funding_need_of_the_agricultural_test_space_meets_the_region():
    assert _pairs("financement") == {("ciap-champs-du-partage", "region-nouvelle-aquitaine")}


def test_need_stated_by_an_individual_has_no_actor():
    pairs = _pairs("cooperation")
    assert ("", "region-nouvelle-aquitaine") in pairs
    assert ("mont-de-marsan-agglomeration", "region-nouvelle-aquitaine") in pairs
    assert ("mont-de-marsan-agglomeration", "mont-de-marsan-agglomeration") not in pairs


def test_territories_running_a_zero_long_term_unemployment_project():
    rows = run("q14-territoires-dispositif")
    assert {row["territory"]: row["departementCode"] for row in rows} == {
        ID + "territoire/commune/33063": "33",
        ID + "territoire/epci/grand-poitiers": "86",
        ID + "territoire/commune/64445": "64",
    }
    carriers = {row["project"]: row.get("carrier") for row in rows}
    assert carriers[ID + "projet/tzcld-bordeaux"] == ORG + "ville-bordeaux"


def test_territories_running_a_plie():
    territories = column("q14-territoires-dispositif", "territory", scheme=ID + "dispositif/plie")
    assert {
        ID + "territoire/epci/grand-angouleme",
        ID + "territoire/commune/33063",
        ID + "territoire/epci/grand-poitiers",
        ID + "territoire/epci/pau-bearn-pyrenees",
        ID + "territoire/departement/33",
    } <= territories


def test_funders_of_the_bazadais_projects():
    rows = run("q15-financeurs-projets-territoire")
    assert {(row["funder"], row["funderType"]) for row in rows} == {
        (ID + "fonds/leader", "fonds"),
        (ID + "fonds/revitalisation-ford", "fonds"),
        (ORG + "cdc-bazadais", "acteur"),
    }


def test_funders_of_val_de_gatine_and_of_a_whole_departement():
    funders = column(
        "q15-financeurs-projets-territoire",
        "funder",
        territory=ID + "territoire/epci/val-de-gatine",
    )
    assert funders == {
        ID + "fonds/fse",
        ORG + "region-nouvelle-aquitaine",
        ORG + "cc-val-de-gatine",
    }
    gironde = column(
        "q15-financeurs-projets-territoire", "funder", territory=ID + "territoire/departement/33"
    )
    assert {ID + "fonds/leader", ID + "fonds/revitalisation-ford"} <= gironde
    assert ID + "fonds/fse" not in gironde


def test_workshop_actors_outside_any_body():
    silos = column("q16-acteurs-hors-instances", "actor")
    assert {
        ORG + "petr-monts-et-barrages",
        ORG + "grand-dax",
        ORG + "cdc-bazadais",
        ORG + "citizchool",
        ORG + "ciap-champs-du-partage",
    } <= silos
    assert ORG + "prefecture-hautes-pyrenees" not in silos
    assert ORG + "gip-politique-ville-tarbes" not in silos


def test_roadmap_actors_outside_any_body():
    silos = column("q16-acteurs-hors-instances", "actor", source=ROADMAP_SOURCE)
    assert {
        ORG + "region-pays-de-la-loire-cdet",
        ORG + "region-pays-de-la-loire-dtoe",
        ORG + "direccte-pays-de-la-loire-pole-3e",
    } <= silos
    for member in ("etat", "region-pays-de-la-loire", "france-travail", "solutions-and-co"):
        assert ORG + member not in silos
    assert ORG + "prefecture-region-pays-de-la-loire" not in silos


def test_workshop_participants_by_departement():
    rows = run("q17-participants-atelier-par-departement")
    by_code: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        by_code[row.get("departementCode", "")].add(row["actor"].removeprefix(ID))
    assert by_code["33"] == {
        "organisation/maison-emploi-bordeaux",
        "organisation/bordeaux-metropole",
        "organisation/adsi-plie-technowest",
        "organisation/petr-sud-gironde",
        "organisation/cdc-bazadais",
    }
    assert by_code["40"] == {"organisation/grand-dax", "organisation/mont-de-marsan-agglomeration"}
    assert by_code["87"] == {"organisation/petr-monts-et-barrages"}
    assert by_code["65"] == {"instance/cite-emploi-tarbes"}
    assert by_code["47"] == {"organisation/commune-fauillet"}
    assert by_code["86"] == {"organisation/plie-grand-poitiers"}
    assert "organisation/region-nouvelle-aquitaine" in by_code[""]
    assert len({row["participant"] for row in rows}) == 20


def test_economic_change_toolbox_and_the_priorities_it_serves():
    rows = run("q18-boite-outils-mutations-economiques")
    assert {row["scheme"] for row in rows} == _dispositifs(*TOOLBOX_PARTS)
    serves: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        if "priority" in row:
            serves[row["scheme"].rsplit("/", 1)[1]].add(row["priority"].rsplit("/", 1)[1])
    assert serves["pse"] == {"clefop-pdl-2020-gestion-crise", "srefop-pdl-3-5-3"}
    assert serves["fne-formation"] == {"clefop-pdl-2020-impacts-rh"}
    assert serves["pret-main-oeuvre"] == {"clefop-pdl-2020-impacts-rh"}


def test_the_roadmap_assesses_the_governance_of_the_clefop():
    rows = run("q05-evaluations-espaces-cooperation", source=ROADMAP_SOURCE)
    assert len(rows) == 1
    assessment = rows[0]
    assert assessment["body"] == CLEFOP_PDL
    assert "cadre actif" in assessment["whatWorks"]
    assert "lourdeur de leur gouvernance" in assessment["whatDoesNotWork"]


def test_the_eighteen_clefop_are_one_set_of_local_bodies_not_one_clefop():
    kinds = {row["body"]: row["bodyKind"] for row in run("q10-instances-regionales-colleges")}
    assert kinds[CLEFOP_PDL] == CONCEPT + "body-kind/reseau-instances-locales"
    assert CONCEPT + "body-kind/clefop" not in kinds.values()
    opco = _members_by_role(CLEFOP_PDL)[CONCEPT + "member-role/membre"]
    eleven = "afdas akto atlas constructys ocapiat opco-2i opco-ep opco-mobilites opco-sante"
    assert {ORG + slug for slug in (*eleven.split(), "opcommerce", "uniformation")} <= opco


def test_the_codefi_act_on_the_five_departements_of_pays_de_la_loire():
    bodies = column("q10-instances-regionales-colleges", "body")
    assert ID + "instance/codefi-pays-de-la-loire" in bodies
    rows = dataset().select(
        "PREFIX efop: <https://w3id.org/efop/ontology#> SELECT ?codefi ?territory ?scale"
        " WHERE { ?codefi efop:actsOn ?territory ; efop:territorialScale ?scale }",
        {"codefi": NamedNode(ID + "instance/codefi-pays-de-la-loire")},
    )
    assert {row["territory"].value.rsplit("/", 1)[-1] for row in rows} == {
        "44",
        "49",
        "53",
        "72",
        "85",
    }
    assert {row["scale"].value for row in rows} == {CONCEPT + "territorial-scale/departemental"}
