"""Resource pages name the IRIs they show from per-IRI label lookups: a page never waits for
the labels of the whole store (at millions of triples that outlasted a worker's timeout)."""

from __future__ import annotations

from efop.store.embedded import EmbeddedStore
from efop.web.app import create_app
from efop.web.labels import LABELS_QUERY

CREFOP = "id/instance/crefop-pays-de-la-loire"


class RecordingStore(EmbeddedStore):
    """The build's store, recording every SELECT it is asked."""

    def __init__(self, path):
        super().__init__(EmbeddedStore.open(path).oxigraph)
        self.selects: list[str] = []

    def select(self, query, bindings=None):
        self.selects.append(query)
        return super().select(query, bindings)


def test_a_resource_page_reads_only_the_labels_it_shows(settings, built):
    store = RecordingStore(built.store_path)
    client = create_app(settings, store=store).test_client()
    page = client.get(f"/{CREFOP}.html?lang=fr")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "CREFOP Pays de la Loire" in text
    assert LABELS_QUERY not in store.selects
    english = client.get(f"/{CREFOP}.html?lang=en").get_data(as_text=True)
    assert "Pays de la Loire CREFOP" in english
    assert "Bureau of the Pays de la Loire CREFOP" in english  # a neighbour's label


def test_the_home_page_does_not_read_every_label(settings, built):
    store = RecordingStore(built.store_path)
    client = create_app(settings, store=store).test_client()
    assert client.get("/?lang=fr").status_code == 200
    assert client.get("/classes/CREFOP?lang=fr").status_code == 200
    assert LABELS_QUERY not in store.selects


def test_search_still_finds_labels_across_the_store(settings, built):
    store = RecordingStore(built.store_path)
    client = create_app(settings, store=store).test_client()
    page = client.get("/recherche?q=crefop pays de la loire")
    assert page.status_code == 200
    assert "/" + CREFOP in page.get_data(as_text=True)
    assert LABELS_QUERY in store.selects
