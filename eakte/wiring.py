"""Builds the adapters the settings ask for; the only place that knows concrete classes.

The distributed adapters (MinIO, Elasticsearch clients: ~0.6 s to import) are imported
only when the distributed mode is chosen, so the embedded CLI starts quickly.
"""

from __future__ import annotations

import functools
import logging
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from classify.fields import LetterFields
from classify.types import TypeRouter
from eakte.context import Context
from eakte.handlers import HandlerRegistry
from eakte.indexing import all_stored_documents
from eakte.local_runner import LocalRunner
from eakte.outcome import FileOutcome, RunStats
from eakte.ports import Filing, IngestObserver, ObjectStore, PdfSealer, SearchIndex
from eakte.record import Channel
from eakte.settings import MiB, Settings, load_settings
from eakte.wording import documents
from ingest.handler_av import AudioVideoHandler
from ingest.handler_email import EmailHandler
from ingest.handler_image import ImageHandler
from ingest.handler_pdf import PdfHandler
from ingest.handler_photo import PhotoHandler
from ingest.handler_zip import ZipHandler
from ingest.pages import ScanPageReader
from ingest.sniff import sniff_file
from search.tantivy_index import TantivyIndex
from signatures.handler_cms import CmsHandler
from signatures.service import PyHankoValidator
from storage.filesystem import FilesystemStore

if TYPE_CHECKING:
    from classify.service import TransformerClassifier
    from eakte.broker import CeleryBroker
    from eakte.image_description import ImageDescriber
    from ingest.tesseract import TesseractOcr
    from storage.original_cache import OriginalCache


log = logging.getLogger(__name__)


def build_handlers(settings: Settings) -> HandlerRegistry:
    """Every medium eAkte takes; a new medium is one handler added here."""
    pages, pixels = settings.max_pages, settings.max_pixels
    return HandlerRegistry(
        [
            PdfHandler(max_pages=pages, max_pixels=pixels),
            ImageHandler(max_pages=pages, max_pixels=pixels),
            PhotoHandler(max_pixels=pixels, describer=image_describer(settings)),
            AudioVideoHandler(),
            EmailHandler(
                max_attachments=settings.mail_max_attachments, max_depth=settings.mail_max_depth
            ),
            CmsHandler(),
            ZipHandler(
                max_members=settings.zip_max_members,
                max_total_bytes=settings.zip_max_total_bytes,
                max_ratio=settings.zip_max_ratio,
                max_depth=settings.zip_max_depth,
            ),
        ]
    )


def image_describer(settings: Settings) -> ImageDescriber | None:
    """What a photo shows (tags, faces), unless switched off (``EAKTE_IMAGE_CONTENT``);
    the models load in the process that first describes a photo."""
    if not settings.image_content:
        return None
    from media.vision import VisionDescriber

    return VisionDescriber(settings.vision_tags_file)


def check_installation(settings: Settings) -> None:
    """Fail before any file is touched when a tool or language the run needs is missing
    (``DependencyMissing``: exit code 2, with the install command)."""
    from ingest.installation import check_installation as check

    check(settings)


@contextmanager
def open_context() -> Iterator[Context]:
    """The context a CLI command works in: settings are read once, here; adapters are
    closed whatever happens."""
    ctx = build_context(load_settings())
    try:
        yield ctx
    finally:
        ctx.index.close()


def build_context(settings: Settings) -> Context:
    """Embedded: filesystem store and tantivy under ``settings.data_dir``; distributed:
    MinIO and Elasticsearch. The pipeline is the same either way."""
    store = build_store(settings)  # first: it reports an unusable data dir
    index = build_index(settings)
    if isinstance(index, TantivyIndex) and index.replaced_outdated:
        count = index.rebuild(all_stored_documents(store, workers=settings.workers))
        log.warning(
            "Suchindex hatte ein älteres Format oder war beschädigt: "
            "aus dem Speicher neu aufgebaut (%s).",
            documents(count),
        )
    return Context(
        settings=settings,
        store=store,
        index=index,
        signatures=build_validator(settings),
        handlers=build_handlers(settings),
        pages=ScanPageReader.from_settings(settings),
        fields=LetterFields(),
        router=TypeRouter(settings.document_types_file, settings.review_threshold),
        sniff=sniff_file,
        classifier=build_classifier(settings, store),
        archive_pdf=_build_archive_pdf,
        filing=build_filing(settings),
        seal_pdf=build_sealer(settings),
    )


def build_sealer(settings: Settings) -> PdfSealer | None:
    """Document timestamps on scans' PDF/A renditions, from the TSA of ``EAKTE_TSA_URL``."""
    if not settings.tsa_url:
        return None
    from signatures.ltv import seal_pdf

    return functools.partial(seal_pdf, tsa_url=settings.tsa_url)


def build_filing(settings: Settings) -> Filing | None:
    """Automatic filing into the Akten of the accounts database (``EAKTE_AUTO_FILING``)."""
    if not settings.auto_filing:
        return None
    from akten.filing import AutoFiling

    return AutoFiling(settings.web.database, settings.document_types_file)


def build_store(settings: Settings) -> ObjectStore:
    if settings.mode == "distributed":
        from storage.minio_store import MinioStore

        return MinioStore(
            settings.s3_endpoint,
            settings.s3_access_key,
            settings.s3_secret_key.get_secret_value(),
            secure=settings.s3_secure,
            originals_bucket=settings.s3_originals_bucket,
            derived_bucket=settings.s3_derived_bucket,
            retention_mode=settings.retention_mode,
            retention_days=settings.retention_days,
            cache=_originals_cache(settings),
        )
    return FilesystemStore(settings.store_dir)


def _originals_cache(settings: Settings) -> OriginalCache | None:
    """The host's copies of originals from the object store (``EAKTE_ORIGINALS_CACHE_MB``)."""
    if settings.originals_cache_mb <= 0:
        return None
    from storage.original_cache import OriginalCache

    folder = settings.originals_cache_dir or (
        Path(tempfile.gettempdir()) / f"eakte-originals-{os.getuid()}"
    )
    # a reading link is kept no longer than a task may run: older, its process is gone
    stale = 2 * (settings.task_soft_time_limit_seconds + 60)
    return OriginalCache(folder, settings.originals_cache_mb * MiB, stale_after_seconds=stale)


def build_index(settings: Settings) -> SearchIndex:
    if settings.mode == "distributed":
        from search.elasticsearch_index import ElasticsearchIndex

        return ElasticsearchIndex(
            settings.elasticsearch_url,
            alias=settings.elasticsearch_alias,
            shards=settings.elasticsearch_shards,
            replicas=settings.elasticsearch_replicas,
            total_bound=settings.search_total_bound,
        )
    return TantivyIndex(settings.index_dir, total_bound=settings.search_total_bound)


def build_validator(settings: Settings) -> PyHankoValidator:
    return PyHankoValidator(
        trust_dir=settings.trust_dir,
        crl_dir=settings.crl_dir,
        mode=settings.signature_mode,
        online_timeout_seconds=settings.revocation_timeout_seconds,
        tsa_url=settings.tsa_url,
    )


def build_classifier(settings: Settings, store: ObjectStore) -> TransformerClassifier:
    from classify.service import TransformerClassifier  # numpy, scikit-learn: ~0.4 s to import

    return TransformerClassifier(settings, store)  # loads torch on first use only


def build_ocr(settings: Settings) -> TesseractOcr:
    """The OCR engine as the settings configure it, for ``eakte doctor``; the page reader
    (``ingest.pages.ScanPageReader``) builds the same one in each worker process."""
    from ingest.tesseract import TesseractOcr

    return TesseractOcr(
        languages=settings.ocr_languages,
        page_segmentation_mode=settings.ocr_page_segmentation_mode,
        tessdata=settings.tessdata_dir,
        optional_languages=settings.ocr_fraktur_languages,
    )


def build_broker(settings: Settings) -> CeleryBroker | None:
    """The queue `eakte ingest` hands stages to: only in distributed mode with a broker
    (as ``build_runner`` decides)."""
    if settings.mode == "distributed" and settings.broker_url:
        from eakte.broker import CeleryBroker

        return CeleryBroker(settings.broker_url)
    return None


def _build_archive_pdf(
    ocr_pdfs: Mapping[int, bytes], page_count: int, original: Path | None, title: str
) -> bytes:
    from ingest.archive_pdf import build_archive_pdf  # pikepdf: import late

    return build_archive_pdf(ocr_pdfs, page_count, original_pdf=original, title=title)


class Runner(Protocol):
    """Runs the stages for ``eakte ingest``: here (``LocalRunner``) or on the workers."""

    stats: RunStats

    def ingest(self, paths: Iterable[Path], channel: Channel = "cli") -> Iterator[FileOutcome]: ...


def build_runner(
    ctx: Context, on_page: Callable[[int], None], *, observer: IngestObserver | None = None
) -> Runner:
    """Distributed mode with a broker hands the stages to `eakte worker` processes;
    ``observer`` hears each outcome and OCR page (the web service's metrics)."""
    if ctx.settings.mode == "distributed" and ctx.settings.broker_url:
        from workers.app import create_app
        from workers.dispatch import QueueRunner

        return QueueRunner(ctx, create_app(ctx.settings), on_page=on_page, observer=observer)
    return LocalRunner(ctx, on_page=on_page, observer=observer)
