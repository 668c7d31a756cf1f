"""Builds the adapters the settings ask for; the only place that knows concrete classes."""

from __future__ import annotations

from eakte.pipeline import Context
from eakte.settings import Settings
from search.tantivy_index import TantivyIndex
from signatures.service import PyHankoValidator
from signatures.trust import load_trust_config
from storage.filesystem import FilesystemStore


def build_context(settings: Settings) -> Context:
    """Embedded mode: filesystem store and tantivy index under ``settings.data_dir``."""
    store = FilesystemStore(settings.store_dir)  # first: it reports an unusable data dir
    index = TantivyIndex(settings.index_dir)
    trust = load_trust_config(
        settings.trust_dir,
        settings.crl_dir,
        settings.signature_mode,
        settings.revocation_timeout_seconds,
    )
    return Context(
        settings=settings,
        store=store,
        index=index,
        signatures=PyHankoValidator(trust, settings.tsa_url),
    )
