"""Builds the adapters the settings ask for; the only place that knows concrete classes."""

from __future__ import annotations

from eakte.pipeline import Context
from eakte.ports import SearchIndex
from eakte.settings import Settings
from search.sqlite_index import SqliteFtsIndex
from search.tantivy_index import TantivyIndex
from storage.filesystem import FilesystemStore


def build_context(settings: Settings) -> Context:
    """Embedded mode: filesystem store and an embedded index under ``settings.data_dir``."""
    store = FilesystemStore(settings.store_dir)  # first: it reports an unusable data dir
    index: SearchIndex
    if settings.index_engine == "sqlite":
        index = SqliteFtsIndex(settings.index_dir / "sqlite")
    else:
        index = TantivyIndex(settings.index_dir)
    return Context(settings=settings, store=store, index=index)
