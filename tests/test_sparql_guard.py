"""The query guard refuses what a public endpoint must not run, and lets the rest through."""

from __future__ import annotations

import pytest

from efop.sparql.guard import QueryRejected, QuerySyntaxError, inspect
from efop.store.base import QueryKind

GRAPHS = {"https://w3id.org/efop/id/graph/reference", "https://w3id.org/efop/id/graph/ontology"}
ALLOWED = ("http://127.0.0.1:7878/query",)


def check(text: str):
    return inspect(text, store_graphs=GRAPHS, allowed_services=ALLOWED)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", QueryKind.SELECT),
        ("ASK { ?s ?p ?o }", QueryKind.ASK),
        ("CONSTRUCT WHERE { ?s ?p ?o }", QueryKind.CONSTRUCT),
        ("DESCRIBE <https://w3id.org/efop/id/territoire/region/52>", QueryKind.DESCRIBE),
    ],
)
def test_read_queries_pass_with_their_kind(text, kind):
    assert check(text).kind is kind


@pytest.mark.parametrize(
    "text",
    [
        "INSERT DATA { <http://a> <http://b> <http://c> }",
        "DELETE WHERE { ?s ?p ?o }",
        "LOAD <http://127.0.0.1:9/data.ttl>",
        "CLEAR ALL",
        "DROP GRAPH <https://w3id.org/efop/id/graph/reference>",
        "CREATE GRAPH <http://a>",
        "PREFIX ex: <http://ex/> INSERT { ?s ex:p 1 } WHERE { ?s ?p ?o }",
    ],
)
def test_updates_are_refused_as_updates(text):
    with pytest.raises(QueryRejected) as refused:
        check(text)
    assert refused.value.status == 400
    assert "read-only" in refused.value.message


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", "127.0.0.1:9"),
        ("SELECT * WHERE { SERVICE SILENT <http://evil.example/> { ?s ?p ?o } }", "evil"),
        (
            "PREFIX e: <http://evil.example/> SELECT * { OPTIONAL { SERVICE e:q { ?s ?p ?o } } }",
            "http://evil.example/q",
        ),
        ("ASK { FILTER EXISTS { SERVICE <http://evil.example/> { ?a ?b ?c } } }", "evil"),
        ("SELECT * { { SELECT ?s { SERVICE <http://evil.example/> { ?s ?p ?o } } } }", "evil"),
        ("SELECT * { ?s ?p ?o MINUS { SERVICE <http://evil.example/> { ?s ?p ?o } } }", "evil"),
        (
            "SELECT * WHERE { BIND(<http://127.0.0.1:7878/query> AS ?x) SERVICE ?x { ?s ?p ?o } }",
            "?x",
        ),
        ("SELECT * WHERE { SERVICE $endpoint { ?s ?p ?o } }", "endpoint"),
    ],
)
def test_service_outside_the_allow_list_is_refused(text, named):
    with pytest.raises(QueryRejected) as refused:
        check(text)
    assert refused.value.status == 400
    assert "SERVICE" in refused.value.message and named in refused.value.message


def test_allow_listed_service_passes_and_is_reported():
    checked = check("SELECT * WHERE { SERVICE <http://127.0.0.1:7878/query> { ?s ?p ?o } }")
    assert checked.services == {"http://127.0.0.1:7878/query"}


@pytest.mark.parametrize(
    ("text", "clause"),
    [
        ("SELECT * FROM <http://127.0.0.1:9/data.ttl> WHERE { ?s ?p ?o }", "FROM"),
        ("SELECT * FROM NAMED <http://127.0.0.1:9/data.ttl> WHERE { ?s ?p ?o }", "FROM NAMED"),
        ("SELECT * WHERE { GRAPH <http://127.0.0.1:9/g> { ?s ?p ?o } }", "GRAPH"),
        (
            "PREFIX g: <http://elsewhere.example/> "
            "CONSTRUCT { ?s ?p ?o } FROM g:x WHERE { ?s ?p ?o }",
            "FROM",
        ),
    ],
)
def test_graphs_that_are_not_in_the_store_are_refused(text, clause):
    with pytest.raises(QueryRejected) as refused:
        check(text)
    assert refused.value.message.startswith(clause + " <")


def test_graphs_of_the_store_are_accepted_in_every_clause():
    checked = check(
        "SELECT * FROM <https://w3id.org/efop/id/graph/reference> "
        "FROM NAMED <https://w3id.org/efop/id/graph/ontology> "
        "WHERE { GRAPH <https://w3id.org/efop/id/graph/ontology> { ?s ?p ?o } }"
    )
    assert checked.dataset == (
        {"https://w3id.org/efop/id/graph/reference"},
        {"https://w3id.org/efop/id/graph/ontology"},
    )


def test_syntax_error_gives_line_and_column():
    with pytest.raises(QuerySyntaxError) as error:
        check("SELECT ?s WHERE {\n  ?s ?p \n}")
    assert error.value.status == 400
    assert (error.value.line, error.value.column) == (2, 3)  # the incomplete triple
    assert "line 2, column 3" in error.value.message


def test_service_word_in_a_literal_or_iri_is_not_a_service_clause():
    checked = check(
        'SELECT * WHERE { ?s a <http://purl.org/vocab/cpsv#PublicService> ; ?p "SERVICE <x>" }'
    )
    assert checked.services == frozenset()


def test_a_remembered_verdict_depends_on_the_store_graphs_and_the_allow_list():
    query = "SELECT * FROM <https://w3id.org/efop/id/graph/reference> WHERE { ?s ?p ?o }"
    assert check(query) is check(query)  # the verdict of a repeated query is remembered
    with pytest.raises(QueryRejected):
        inspect(query, store_graphs={"https://w3id.org/efop/id/graph/ontology"})
    service = "SELECT * WHERE { SERVICE <http://127.0.0.1:7878/query> { ?s ?p ?o } }"
    assert check(service).services == frozenset(ALLOWED)
    for _ in range(2):  # a refusal is never remembered as a pass
        with pytest.raises(QueryRejected):
            inspect(service, store_graphs=GRAPHS, allowed_services=())
