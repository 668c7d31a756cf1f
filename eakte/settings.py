"""Settings: one object, built once at start and passed in.

Nothing reads the environment at import time; tests build their own ``Settings``.

The fields are flat, one per environment variable (``ocr_dpi`` is ``EAKTE_OCR_DPI``),
so environment names, ``EAKTE_SETTINGS_FILE`` and error messages stay as operators know
them. For code, the groups are read-only views built from those fields:
``settings.ocr``, ``.capture``, ``.signatures``, ``.classifier``, ``.distributed`` and
``.web``. A group is a small frozen model that pickles, so a page job can carry
``settings.ocr`` instead of copies of its fields.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from eakte.errors import ConfigurationError

MiB = 1024 * 1024


def _cache_home() -> Path:
    """``EAKTE_CACHE_DIR`` as the set-up scripts use it, else ``~/.cache/eakte``."""
    return Path(os.environ.get("EAKTE_CACHE_DIR") or Path.home() / ".cache" / "eakte")


def _default_workers() -> int:
    return max(1, os.cpu_count() or 1)


class Settings(BaseSettings):
    """All tunables of the service; environment variables use the prefix ``EAKTE_``."""

    model_config = SettingsConfigDict(env_prefix="EAKTE_", extra="ignore")

    # embedded: filesystem store + tantivy; distributed: MinIO (S3) + Elasticsearch
    mode: Literal["embedded", "distributed"] = "embedded"
    data_dir: Path = Path("eakte-data")

    # Signatures (``settings.signatures``): offline uses the trust dir, the CRL dir and
    # data embedded in the document only
    trust_dir: Path | None = None
    crl_dir: Path | None = None
    signature_mode: Literal["offline", "online"] = "offline"
    revocation_timeout_seconds: float = Field(default=10.0, gt=0)
    tsa_url: str | None = None  # RFC 3161 service for document timestamps (`eakte augment`)

    # Distributed mode (``settings.distributed``)
    s3_endpoint: str = "127.0.0.1:9000"
    s3_access_key: str = ""
    s3_secret_key: SecretStr = SecretStr("")
    s3_secure: bool = False
    s3_originals_bucket: str = "eakte-originals"
    s3_derived_bucket: str = "eakte-derived"
    retention_mode: Literal["GOVERNANCE", "COMPLIANCE"] = "GOVERNANCE"
    retention_days: int = Field(default=3650, ge=1)
    elasticsearch_url: str = "http://127.0.0.1:9200"
    elasticsearch_alias: str = "eakte"
    # Celery workers: with a broker, `eakte ingest` in distributed mode hands the stages
    # to `eakte worker` processes instead of running them itself
    broker_url: str | None = None  # e.g. redis://127.0.0.1:6379/0
    result_backend: str | None = None  # default: the broker
    # Redis hands an unacknowledged task to another worker after this long; a killed
    # worker's tasks come back then. Longer than any task should run.
    queue_visibility_timeout_seconds: int = Field(default=3600, ge=5)
    task_max_retries: int = Field(default=5, ge=0)
    task_retry_backoff_seconds: float = Field(default=2.0, gt=0)  # doubles per retry
    task_soft_time_limit_seconds: int = Field(default=600, ge=1)
    reconcile_interval_seconds: float = Field(default=30.0, gt=0)  # `eakte beat`
    stalled_after_seconds: float = Field(default=1800.0, gt=0)  # no progress → resubmit
    # Local copies of originals that the worker processes of one host share: every page
    # task of a scan needs the whole file (least recently used copies go first; 0: off)
    originals_cache_mb: int = Field(default=1024, ge=0)
    originals_cache_dir: Path | None = None  # default: <temp dir>/eakte-originals-<uid>
    # `eakte ingest` with workers queues nothing new while more OCR pages than this wait
    # (backpressure instead of filling Redis); 0: no bound
    max_queued_ocr_pages: int = Field(default=500, ge=0)

    elasticsearch_shards: int = Field(default=1, ge=1)  # primaries of a new index (reindex)
    # replicas of a new index; empty: "0-1" auto-expanded (none on one node, one on more)
    elasticsearch_replicas: int | None = Field(default=None, ge=0)

    workers: int = Field(default_factory=_default_workers, ge=1)

    # Search totals: both engines count hits exactly up to this bound
    # and say "mehr als 10.000 Treffer" past it (an exact count costs time per match)
    search_total_bound: int = Field(default=10_000, ge=1)

    # Index batching: the local runner commits the index once per
    # this many finished records or once this many seconds after the first unwritten one,
    # whichever comes first (a commit costs ~15 ms; a search sees a batch once committed).
    # A crash before the commit loses nothing: the next start fills the gap from the store
    index_batch_records: int = Field(default=500, ge=1)
    index_batch_seconds: float = Field(default=1.0, gt=0)
    # For the crash test only: before each index commit, say so on stderr and wait to be
    # killed, so a test can kill the process between store and index for real
    index_commit_hold: bool = False
    min_text_layer_chars: int = Field(default=20, ge=1)

    # OCR of scanned pages (``settings.ocr``)
    # deu alone: adding eng cost 20 % more time per page with no gain on German post
    # (bench/ocr/tune.py); set "deu+eng" for an office that gets much English mail
    ocr_languages: str = "deu"
    ocr_dpi: int = Field(default=300, ge=72, le=600)
    ocr_page_segmentation_mode: int = Field(default=3, ge=0, le=13)
    tessdata_dir: str = ""  # Tesseract language data; empty: TESSDATA_PREFIX or Debian's
    # Page geometry before OCR: Tesseract OSD turns pages the right way up, deskew
    # straightens small rotations (both measured in bench/ocr)
    ocr_orientation: bool = True
    ocr_deskew: bool = True
    # Historical print: a page that reads poorly and that OSD finds set in Fraktur is read
    # again with these languages; the better reading is kept and the page records which
    # model read it. Empty: off. Needs Debian's tesseract-ocr-frk (bench/ocr/realworld.py)
    ocr_fraktur_languages: str = "deu+frk"
    # Searchable PDF/A (page image + invisible text) stored next to each scanned original
    archive_rendition: bool = True

    # Quality control for replacement scanning (BSI TR-RESISCAN, ``settings.ocr.rescan``):
    # a page under any of these is flagged `rescan` with the reason and listed by
    # `eakte review --rescan`
    rescan_min_dpi: int = Field(default=200, ge=1)
    rescan_min_confidence: float = Field(default=60.0, ge=0, le=100)
    rescan_min_brightness: float = Field(default=0.35, ge=0, le=1)  # mean, 0 black .. 1 white
    rescan_max_brightness: float = Field(default=0.995, ge=0, le=1)  # nearly nothing on it
    rescan_min_contrast: float = Field(default=0.25, ge=0, le=1)  # faint, washed-out text
    # Transfervermerk (BSI TR-03138): who scans (`eakte ingest --scanner-person`; a web
    # upload names its user), and the document types whose paper must be kept although
    # the scan passed the checks (comma-separated, e.g. "urkunde,vollmacht")
    scan_operator: str | None = None
    paper_keep_types: str = ""

    # Capture (``settings.capture``): scan batches, e-mail, hot folder
    # Scan batches: a page whose barcode (Code 128 or QR) holds one of these values is a
    # separator sheet; it splits the batch into letters and is dropped from them
    separator_codes: str = "PATCH-T"
    # Kodak patch codes that mark a separator sheet (patches 1, 2, 3, 4, 6, T); empty: none
    separator_patches: str = "T,2,3"
    # a page with nothing but this word (upright or upside down) is a separator sheet;
    # empty: no text separator sheets (found by OCR of nearly empty pages only)
    separator_keyword: str = "TRENNBLATT"
    separator_dpi: int = Field(default=150, ge=50, le=600)  # render resolution for barcodes
    drop_blank_pages: bool = False  # blank back sides of simplex letters
    # share of dark pixels; one typed line is ~0.0009, thirty specks of dust ~0.0002
    blank_page_max_ink: float = Field(default=0.0004, ge=0, le=1)

    # E-mail: `eakte watch-mail` polls this IMAP mailbox; processed messages are moved
    imap_host: str | None = None
    imap_port: int = Field(default=993, ge=1, le=65535)
    imap_ssl: bool = True
    imap_user: str = ""
    imap_password: SecretStr = SecretStr("")
    imap_folder: str = "INBOX"
    imap_processed_folder: str = "Verarbeitet"
    imap_poll_seconds: float = Field(default=60.0, gt=0)
    mail_max_depth: int = Field(default=3, ge=1)  # messages forwarded inside messages
    mail_max_attachments: int = Field(default=100, ge=1)
    # ZIP archives (uploads and attachments): members become records; an archive over a
    # limit is quarantined whole (ZIP bombs: ratio, total size, archives in archives)
    zip_max_members: int = Field(default=500, ge=1)
    zip_max_total_bytes: int = Field(default=1024 * MiB, ge=1)
    zip_max_ratio: float = Field(default=200.0, gt=1)  # per member over 1 MiB unpacked
    zip_max_depth: int = Field(default=3, ge=1)

    # Hot folder (`eakte watch DIR`): a file is taken once its size and modification
    # time have not changed for this long (scanners write in pieces)
    hotfolder_stable_seconds: float = Field(default=5.0, ge=0)
    hotfolder_poll_seconds: float = Field(default=2.0, gt=0)
    # What a photo shows: German tags and a face count from the models inside PyPI packages
    # (media/README.md); they load once per process that meets a photo (~12 s, ~0.3 s per
    # photo after). Off: photos are found by their metadata only
    image_content: bool = True
    vision_tags_file: Path | None = None  # the tag vocabulary; default media/vision_tags.yaml

    # Classification (``settings.classifier``, `eakte train`): types and routing from a
    # YAML file (default: the shipped set for municipal post); below the threshold a
    # person reviews the type. The threshold is the model's own, chosen at training so
    # that at most ``review_max_error`` of the unflagged documents are wrong (on held-out
    # examples); ``review_threshold``, when set, overrides it
    document_types_file: Path | None = None
    review_threshold: float | None = Field(default=None, ge=0, le=1)
    review_max_error: float = Field(default=0.05, gt=0, lt=1)
    # The converted encoder, the default model and cached training vectors
    model_cache_dir: Path = Field(default_factory=lambda: _cache_home() / "models")
    classifier_layers: int = Field(default=6, ge=1, le=12)  # encoder depth for new models
    # `eakte train` fits its head on the encoder the set-up fine-tuned on the generated
    # corpus (measured macro-F1 0.97 against 0.80 frozen); false: the frozen encoder
    classifier_tuned: bool = True
    classifier_bf16: bool = True  # bfloat16 inference: measured 2.3x faster, same F1
    classifier_threads: int = Field(default=2, ge=1)
    training_per_type: int = Field(default=100, ge=4)  # generated letters per type (default)
    # Incoming post citing an existing Aktenzeichen is filed into its Akte (Akten live in
    # the accounts database); false: nothing is filed automatically, nothing waits for it
    auto_filing: bool = True

    # Limits for hostile or absurd input (pages and pixels also in ``settings.ocr``)
    max_file_bytes: int = Field(default=200 * MiB, ge=1)
    max_pages: int = Field(default=2000, ge=1)
    max_pixels: int = Field(default=60_000_000, ge=1)

    @property
    def store_dir(self) -> Path:
        return self.data_dir / "store"

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    # Accounts and audit trail (``settings.web``): any SQLAlchemy URL, e.g.
    # postgresql+psycopg://eakte@db/eakte in distributed mode; empty: SQLite in the data dir
    database_url: str = ""
    # Failed authentications per client address and minute before the API answers 429
    auth_failures_per_minute: int = Field(default=10, ge=1)
    # Browser sessions (the web UI): the key that signs session cookies (empty: a random
    # key kept in <data dir>/session.key, shared by the processes on this machine; set it
    # when several machines serve the UI), minutes without a request until a session
    # ends, and whether the cookie is sent over HTTPS only (off only for plain-HTTP tests)
    session_secret: str = ""
    session_idle_minutes: int = Field(default=30, ge=1)
    session_cookie_secure: bool = True

    @property
    def ocr(self) -> OcrSettings:
        return OcrSettings.from_settings(self)

    @property
    def capture(self) -> CaptureSettings:
        return CaptureSettings.from_settings(self)

    @property
    def signatures(self) -> SignatureSettings:
        return SignatureSettings.from_settings(self)

    @property
    def classifier(self) -> ClassifierSettings:
        return ClassifierSettings.from_settings(self)

    @property
    def distributed(self) -> DistributedSettings:
        return DistributedSettings.from_settings(self)

    @property
    def web(self) -> WebSettings:
        return WebSettings.from_settings(self)

    @property
    def index(self) -> IndexSettings:
        return IndexSettings.from_settings(self)


def setting(name: str) -> Any:
    """A group field read from the flat setting ``name`` (environment ``EAKTE_NAME``)."""
    return Field(validation_alias=name)


class SettingsGroup(BaseModel):
    """A read-only view of some settings. A field is read from the flat setting of its
    own name, or of the name ``setting(...)`` gives; a field that is a group is built
    from the same settings."""

    model_config = ConfigDict(frozen=True, extra="forbid", validate_by_name=True)

    @classmethod
    def from_settings(cls, settings: Settings) -> Self:
        values: dict[str, object] = {}
        for name, field in cls.model_fields.items():
            kind = field.annotation
            if isinstance(kind, type) and issubclass(kind, SettingsGroup):
                values[name] = kind.from_settings(settings)
            else:
                alias = field.validation_alias
                values[name] = getattr(settings, alias if isinstance(alias, str) else name)
        return cls.model_validate(values)


class RescanThresholds(SettingsGroup):
    """Quality control for replacement scanning (BSI TR-RESISCAN); ``blank_max_ink``
    also decides which pages count as blank."""

    min_dpi: int = setting("rescan_min_dpi")
    min_confidence: float = setting("rescan_min_confidence")  # 0..100, as Tesseract says
    min_brightness: float = setting("rescan_min_brightness")
    max_brightness: float = setting("rescan_max_brightness")
    min_contrast: float = setting("rescan_min_contrast")
    blank_max_ink: float = setting("blank_page_max_ink")


class OcrSettings(SettingsGroup):
    """Everything reading one scanned page needs: what a page job carries."""

    languages: str = setting("ocr_languages")
    dpi: int = setting("ocr_dpi")
    page_segmentation_mode: int = setting("ocr_page_segmentation_mode")
    tessdata_dir: str
    orientation: bool = setting("ocr_orientation")
    deskew: bool = setting("ocr_deskew")
    fraktur_languages: str = setting("ocr_fraktur_languages")
    archive_rendition: bool
    max_pages: int
    max_pixels: int
    rescan: RescanThresholds


class MailboxSettings(SettingsGroup):
    """The IMAP mailbox `eakte watch-mail` polls."""

    host: str | None = setting("imap_host")
    port: int = setting("imap_port")
    ssl: bool = setting("imap_ssl")
    user: str = setting("imap_user")
    password: SecretStr = setting("imap_password")
    folder: str = setting("imap_folder")
    processed_folder: str = setting("imap_processed_folder")
    poll_seconds: float = setting("imap_poll_seconds")


class ZipLimits(SettingsGroup):
    """What a ZIP archive may unpack to before it counts as a bomb."""

    max_members: int = setting("zip_max_members")
    max_total_bytes: int = setting("zip_max_total_bytes")
    max_ratio: float = setting("zip_max_ratio")
    max_depth: int = setting("zip_max_depth")


class CaptureSettings(SettingsGroup):
    """How post arrives: scan batches split at separator sheets, e-mail, ZIP, hot folder;
    what a photo shows."""

    separator_codes: str
    separator_patches: str
    separator_keyword: str
    separator_dpi: int
    drop_blank_pages: bool
    blank_page_max_ink: float
    mail_max_depth: int
    mail_max_attachments: int
    zip: ZipLimits
    mailbox: MailboxSettings
    hotfolder_stable_seconds: float
    hotfolder_poll_seconds: float
    image_content: bool
    vision_tags_file: Path | None
    scan_operator: str | None
    paper_keep_types: str


class SignatureSettings(SettingsGroup):
    mode: Literal["offline", "online"] = setting("signature_mode")
    trust_dir: Path | None
    crl_dir: Path | None
    revocation_timeout_seconds: float
    tsa_url: str | None


class ClassifierSettings(SettingsGroup):
    """Types, routing and the Aktenplan; whether incoming post is filed into Akten."""

    document_types_file: Path | None
    auto_filing: bool
    review_threshold: float | None
    review_max_error: float
    model_cache_dir: Path
    layers: int = setting("classifier_layers")
    tuned: bool = setting("classifier_tuned")
    bf16: bool = setting("classifier_bf16")
    threads: int = setting("classifier_threads")
    training_per_type: int


class DistributedSettings(SettingsGroup):
    """MinIO, Elasticsearch and the Celery queue of distributed mode."""

    s3_endpoint: str
    s3_access_key: str
    s3_secret_key: SecretStr
    s3_secure: bool
    s3_originals_bucket: str
    s3_derived_bucket: str
    retention_mode: Literal["GOVERNANCE", "COMPLIANCE"]
    retention_days: int
    elasticsearch_url: str
    elasticsearch_alias: str
    broker_url: str | None
    result_backend: str | None
    queue_visibility_timeout_seconds: int
    task_max_retries: int
    task_retry_backoff_seconds: float
    task_soft_time_limit_seconds: int
    reconcile_interval_seconds: float
    stalled_after_seconds: float
    originals_cache_mb: int
    originals_cache_dir: Path | None
    max_queued_ocr_pages: int
    elasticsearch_shards: int
    elasticsearch_replicas: int | None


class IndexSettings(SettingsGroup):
    """How the search index is written and counted, in both modes."""

    search_total_bound: int
    index_batch_records: int
    index_batch_seconds: float
    index_commit_hold: bool


class WebSettings(SettingsGroup):
    """The API, its accounts database and the audit trail."""

    data_dir: Path
    database_url: str
    auth_failures_per_minute: int
    session_secret: str
    session_idle_minutes: int
    session_cookie_secure: bool

    @property
    def database(self) -> str:
        """The accounts database URL: the setting, else ``<data dir>/eakte.db``."""
        return self.database_url or f"sqlite:///{self.data_dir.absolute() / 'eakte.db'}"


SETTINGS_FILE_VARIABLE = "EAKTE_SETTINGS_FILE"


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Read the environment once, at start; a bad value is a one-line configuration error.

    ``EAKTE_SETTINGS_FILE`` may name a file of ``EAKTE_…=value`` lines (dotenv syntax,
    as Docker's env files); variables set in the environment win over the file."""
    environ = os.environ if environ is None else environ
    settings_file = environ.get(SETTINGS_FILE_VARIABLE)
    if settings_file and not Path(settings_file).is_file():
        raise ConfigurationError(f"{SETTINGS_FILE_VARIABLE}: Datei {settings_file} fehlt")
    try:
        return Settings(_env_file=settings_file or None)  # type: ignore[call-arg]
    except ValidationError as exc:
        first = exc.errors()[0]
        name = "EAKTE_" + str(first["loc"][0]).upper() if first["loc"] else "EAKTE_*"
        raise ConfigurationError(
            f"Ungültige Einstellung {name}={first.get('input')!r}: {first['msg']}"
        ) from exc
