"""Access to the published data: one protocol, an embedded and a remote implementation."""

from efop.store.base import QueryKind, Store, StoreError, query_kind

__all__ = ["QueryKind", "Store", "StoreError", "query_kind"]
