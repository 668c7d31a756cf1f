"""Builds the adapters the settings ask for; the only place that knows concrete classes."""

from __future__ import annotations

from eakte.pipeline import Context
from eakte.ports import ObjectStore, SearchIndex
from eakte.settings import Settings
from search.elasticsearch_index import ElasticsearchIndex
from search.tantivy_index import TantivyIndex
from signatures.service import PyHankoValidator
from signatures.trust import load_trust_config
from storage.filesystem import FilesystemStore
from storage.minio_store import MinioStore


def build_context(settings: Settings) -> Context:
    """Embedded: filesystem store and tantivy under ``settings.data_dir``; distributed:
    MinIO and Elasticsearch. The pipeline is the same either way."""
    store: ObjectStore
    index: SearchIndex
    if settings.mode == "distributed":
        store = MinioStore(
            settings.s3_endpoint,
            settings.s3_access_key,
            settings.s3_secret_key.get_secret_value(),
            secure=settings.s3_secure,
            originals_bucket=settings.s3_originals_bucket,
            derived_bucket=settings.s3_derived_bucket,
            retention_mode=settings.retention_mode,
            retention_days=settings.retention_days,
        )
        index = ElasticsearchIndex(settings.elasticsearch_url, alias=settings.elasticsearch_alias)
    else:
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
