"""Builds the adapters the settings ask for; the only place that knows concrete classes."""

from __future__ import annotations

from eakte.pipeline import Context
from eakte.settings import Settings
from search.tantivy_index import TantivyIndex
from storage.filesystem import FilesystemStore


def build_context(settings: Settings) -> Context:
    """Embedded mode: filesystem store and tantivy index under ``settings.data_dir``."""
    return Context(
        settings=settings,
        store=FilesystemStore(settings.store_dir),
        index=TantivyIndex(settings.index_dir),
    )
