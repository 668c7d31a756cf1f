"""Object store on MinIO (S3) for the distributed mode.

Originals go to a bucket created with object lock (which implies versioning): each version
gets a retention period, within which the server refuses to delete or replace it. A PUT to
the same key can only add a version; every read is checked against the SHA-256, so that is
detected. Derived objects live in a second bucket without lock and are replaced freely.
Keys mirror ``FilesystemStore``: ``ab/<sha256>`` as under ``originals/``, derived keys as
under ``derived/``. SDK and urllib3 exceptions never leave this module.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from datetime import UTC, datetime, timedelta
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, BinaryIO

import urllib3
from minio import Minio
from minio.commonconfig import COMPLIANCE, GOVERNANCE
from minio.error import InvalidResponseError, MinioException, S3Error, ServerError
from minio.objectlockconfig import DAYS, ObjectLockConfig
from minio.retention import Retention

from eakte.errors import ConfigurationError, EakteError, IntegrityError, RecordNotFound, Transient
from eakte.health import Probe, probe_errors
from eakte.ports import StoredOriginal
from storage.original_cache import OriginalCache

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

CHUNK = 1024 * 1024
MiB = 1024 * 1024
AUTH_CODES = {"AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "InvalidToken"}
RETRYABLE_CODES = {"SlowDown", "ServiceUnavailable", "InternalError", "RequestTimeout"}


class MinioStore:
    """The distributed ``ObjectStore``. Buckets are created on first start if missing."""

    def __init__(
        self,
        endpoint: str,
        access_key: str,
        secret_key: str,
        *,
        secure: bool = True,
        originals_bucket: str = "eakte-originals",
        derived_bucket: str = "eakte-derived",
        retention_mode: str = GOVERNANCE,
        retention_days: int = 3650,
        region: str | None = None,
        part_size: int = 8 * MiB,
        timeout_seconds: float = 30.0,
        spool_dir: Path | None = None,
        cache: OriginalCache | None = None,
    ) -> None:
        if retention_mode not in (GOVERNANCE, COMPLIANCE) or retention_days < 1:
            raise ConfigurationError(
                f"Aufbewahrung {retention_mode}/{retention_days} Tage ungültig: "
                "Modus GOVERNANCE oder COMPLIANCE, mindestens 1 Tag"
            )
        if part_size < 5 * MiB:
            raise ConfigurationError("Teilgröße für Multipart-Uploads muss mindestens 5 MiB sein")
        self.endpoint = endpoint
        self.originals_bucket = originals_bucket
        self.derived_bucket = derived_bucket
        self.retention_mode = retention_mode
        self.retention_days = retention_days
        self._part_size = part_size
        self._spool_dir = spool_dir
        self._cache = cache
        self._connect = (endpoint, access_key, secret_key, secure, region, timeout_seconds)
        self._pid = -1
        self._ensure_buckets()

    # originals -----------------------------------------------------------------

    def put_original(self, source: BinaryIO) -> StoredOriginal:
        """Hash while spooling to an unnamed temp file (nothing left behind on a crash;
        memory bounded by two parts), upload only if new, then check what the server has.

        In transit each part is checked by the server (signed SHA-256 payload over
        HTTP, Content-MD5 over HTTPS); afterwards size, SHA-256 metadata and retention of
        the new version are compared with what was sent."""
        digest = hashlib.sha256()
        size = 0
        with tempfile.TemporaryFile(dir=self._spool_dir) as spool:
            while chunk := source.read(CHUNK):
                digest.update(chunk)
                spool.write(chunk)
                size += len(chunk)
            sha256 = digest.hexdigest()
            key = _original_key(sha256)
            existing = self._stat_size(self.originals_bucket, key)
            if existing is not None:
                if existing != size:
                    raise IntegrityError(f"Original {sha256[:12]}… im Objektspeicher weicht ab")
                return StoredOriginal(sha256=sha256, size=size, created=False)
            spool.seek(0)
            until = datetime.now(UTC) + timedelta(days=self.retention_days)
            with self._errors():
                written = self._client.put_object(
                    self.originals_bucket,
                    key,
                    spool,
                    size,
                    metadata={"sha256": sha256},
                    part_size=self._part_size,
                    num_parallel_uploads=1,
                    retention=Retention(self.retention_mode, until),
                )
        created = self._check_upload(key, sha256, size, written.version_id)
        return StoredOriginal(sha256=sha256, size=size, created=created)

    def extend_retention(self, sha256: str, until: datetime) -> datetime:
        """Keep every version of the original locked at least until ``until`` (an Akte's
        retention end). A later date already set stays: retention is only ever extended
        (the server would refuse to shorten it in COMPLIANCE mode anyway). Returns the
        earliest retain-until now in force over the versions."""
        key = _original_key(sha256)
        in_force: list[datetime] = []
        with self._errors(missing=f"Original {sha256[:12]}… fehlt im Objektspeicher"):
            versions = [
                item.version_id
                for item in self._client.list_objects(
                    self.originals_bucket, key, include_version=True
                )
                if item.object_name == key and not item.is_delete_marker
            ]
            if not versions:
                raise RecordNotFound(f"Original {sha256[:12]}… fehlt im Objektspeicher")
            for version in versions:
                current = self._client.get_object_retention(self.originals_bucket, key, version)
                held = current.retain_until_date if current is not None else None
                if held is not None and held >= until:
                    in_force.append(held)
                    continue
                mode = current.mode if current is not None and current.mode else self.retention_mode
                self._client.set_object_retention(
                    self.originals_bucket, key, Retention(mode, until), version_id=version
                )
                in_force.append(until)
        return min(in_force)

    def set_legal_hold(self, sha256: str, on: bool) -> None:
        """Legal hold on every version: no delete while it is on, whatever the date."""
        key = _original_key(sha256)
        with self._errors(missing=f"Original {sha256[:12]}… fehlt im Objektspeicher"):
            for version in self._versions(key):
                if on:
                    self._client.enable_object_legal_hold(self.originals_bucket, key, version)
                else:
                    self._client.disable_object_legal_hold(self.originals_bucket, key, version)

    def _versions(self, key: str) -> list[str | None]:
        return [
            item.version_id
            for item in self._client.list_objects(self.originals_bucket, key, include_version=True)
            if item.object_name == key and not item.is_delete_marker
        ]

    def delete_original(self, sha256: str) -> None:
        """Remove every version of the original; the server refuses while one is still
        locked (its retain-until not reached), and nothing is bypassed."""
        key = _original_key(sha256)
        if self._cache is not None:
            self._cache.discard(sha256)
        with self._errors():
            for item in self._client.list_objects(self.originals_bucket, key, include_version=True):
                if item.object_name == key:
                    self._client.remove_object(
                        self.originals_bucket, key, version_id=item.version_id
                    )

    def has_original(self, sha256: str) -> bool:
        return self._stat_size(self.originals_bucket, _original_key(sha256)) is not None

    @contextlib.contextmanager
    def open_original(self, sha256: str) -> Iterator[BinaryIO]:
        """Stream the object; reading it to the end raises ``IntegrityError`` if the bytes
        do not hash to ``sha256`` (a partial read, e.g. for sniffing, is not checked)."""
        key = _original_key(sha256)
        with self._errors(missing=f"Original {sha256[:12]}… fehlt im Objektspeicher"):
            response = self._client.get_object(self.originals_bucket, key)
        try:
            yield io.BufferedReader(_HashingReader(response, sha256, self._errors), CHUNK)
        finally:
            response.close()
            response.release_conn()

    @contextlib.contextmanager
    def original_path(self, sha256: str) -> Iterator[Path]:
        """A verified local copy (tools need a path) until the block ends: from the
        host's cache if there is one (each page task of a scan needs the whole file),
        else a temporary download."""
        _original_key(sha256)  # a bad id fails before anything is written
        if self._cache is not None:
            with self._cache.path(sha256, lambda path: self._download(sha256, path)) as path:
                yield path
            return
        handle, name = tempfile.mkstemp(prefix="eakte-", suffix=".orig", dir=self._spool_dir)
        os.close(handle)
        path = Path(name)
        try:
            self._download(sha256, path)
            yield path
        finally:
            path.unlink(missing_ok=True)

    def _download(self, sha256: str, path: Path) -> None:
        """Write the original to ``path``; reading it to the end checks the SHA-256."""
        with open(path, "wb") as out, self.open_original(sha256) as source:
            shutil.copyfileobj(source, out, CHUNK)

    def list_originals(self) -> Iterator[str]:
        with self._errors():
            for item in self._client.list_objects(self.originals_bucket, recursive=True):
                name = PurePosixPath(item.object_name or "").name
                if _is_sha256(name):
                    yield name

    # derived objects -----------------------------------------------------------

    def put_derived(self, key: str, data: bytes) -> None:
        """A single PUT is atomic in S3: readers see the old or the new object."""
        with self._errors():
            self._client.put_object(
                self.derived_bucket, _derived_key(key), io.BytesIO(data), len(data)
            )

    def get_derived(self, key: str) -> bytes | None:
        name = _derived_key(key)
        try:
            with self._errors():
                response = self._client.get_object(self.derived_bucket, name)
                try:
                    return response.read()
                finally:
                    response.close()
                    response.release_conn()
        except RecordNotFound:
            return None

    def list_derived(self, prefix: str) -> Iterator[str]:
        """Like the filesystem store, ``prefix`` is a folder: ``a`` lists ``a/…``, not ``ab``."""
        folder = _derived_key(prefix) + "/" if prefix.strip("/") else ""
        with self._errors():
            for item in self._client.list_objects(self.derived_bucket, folder, recursive=True):
                if item.object_name:
                    yield item.object_name

    def delete_derived(self, key: str) -> None:
        with self._errors():
            self._client.remove_object(self.derived_bucket, _derived_key(key))

    # health --------------------------------------------------------------------

    @probe_errors("Speicher")
    def health(self) -> list[Probe]:
        """Asks the server for both buckets and for the object lock of the originals
        bucket (without it originals could be deleted)."""
        where = f"MinIO {self.endpoint}"
        with self._errors():
            buckets = (self.originals_bucket, self.derived_bucket)
            missing = [name for name in buckets if not self._client.bucket_exists(name)]
            if missing:
                return [
                    Probe(
                        "Speicher",
                        False,
                        f"{where}: Bucket {', '.join(missing)} fehlt",
                        "eAkte neu starten (legt Buckets an), Recht s3:CreateBucket prüfen",
                    )
                ]
            try:
                lock = self._client.get_object_lock_config(self.originals_bucket)
            except S3Error as exc:
                if not (exc.code or "").startswith("ObjectLockConfigurationNotFound"):
                    raise
                return [
                    Probe(
                        "Speicher",
                        False,
                        f"{where}: Bucket {self.originals_bucket} hat keine Objektsperre "
                        "(Object Lock), Originale wären löschbar",
                        "Bucket mit Objektsperre anlegen (mc mb --with-lock) und "
                        "EAKTE_S3_ORIGINALS_BUCKET darauf setzen",
                    )
                ]
        default = f", Standardregel {lock.mode} {lock.duration} {lock.duration_unit}"
        detail = (
            f"{where}: Originale in {self.originals_bucket} mit Objektsperre "
            f"({self.retention_mode}, {self.retention_days} Tage je Original"
            f"{default if lock.mode else ''}), abgeleitete Daten in {self.derived_bucket}"
        )
        return [Probe("Speicher", True, detail)]

    # internals -----------------------------------------------------------------

    @property
    def _client(self) -> Minio:
        """One client per process: the SDK's connection pool must not cross a fork."""
        if self._pid != os.getpid():
            endpoint, access_key, secret_key, secure, region, timeout = self._connect
            http = urllib3.PoolManager(
                timeout=urllib3.Timeout(connect=timeout, read=timeout),
                maxsize=10,
                retries=urllib3.Retry(
                    total=3, backoff_factor=0.2, status_forcelist=[500, 502, 503, 504]
                ),
            )
            try:
                self._minio = Minio(
                    endpoint, access_key, secret_key, secure=secure, region=region, http_client=http
                )
            except ValueError as exc:
                raise ConfigurationError(f"S3-Endpunkt {endpoint!r} ungültig: {exc}") from exc
            self._pid = os.getpid()
        return self._minio

    def _ensure_buckets(self) -> None:
        """Create missing buckets; refuse an originals bucket without object lock, since
        there originals could be deleted."""
        with self._errors():
            if not self._client.bucket_exists(self.originals_bucket):
                self._make_bucket(self.originals_bucket, object_lock=True)
                self._client.set_object_lock_config(
                    self.originals_bucket,
                    ObjectLockConfig(self.retention_mode, self.retention_days, DAYS),
                )
            if not self._client.bucket_exists(self.derived_bucket):
                self._make_bucket(self.derived_bucket, object_lock=False)
            try:
                self._client.get_object_lock_config(self.originals_bucket)
            except S3Error as exc:
                if not (exc.code or "").startswith("ObjectLockConfigurationNotFound"):
                    raise
                raise ConfigurationError(
                    f"Bucket {self.originals_bucket} auf {self.endpoint} hat keine Objektsperre "
                    "(Object Lock): Originale wären löschbar"
                ) from exc

    def _make_bucket(self, bucket: str, *, object_lock: bool) -> None:
        try:
            self._client.make_bucket(bucket, object_lock=object_lock)
        except S3Error as exc:
            if exc.code != "BucketAlreadyOwnedByYou":  # another process was faster
                raise

    def _stat_size(self, bucket: str, key: str) -> int | None:
        try:
            with self._errors():
                return self._client.stat_object(bucket, key).size or 0
        except RecordNotFound:
            return None

    def _check_upload(self, key: str, sha256: str, size: int, version: str | None) -> bool:
        """Compare the new version with what was sent; return whether it is the oldest
        version (two workers storing the same new bytes at once both upload, but only one
        may report ``created``, so the record is created once)."""
        with self._errors():
            found = self._client.stat_object(self.originals_bucket, key, version_id=version)
            listed = self._client.list_objects(self.originals_bucket, key, include_version=True)
            versions = [
                v.version_id for v in listed if v.object_name == key and not v.is_delete_marker
            ]
        meta = found.metadata or {}
        if found.size != size or meta.get("x-amz-meta-sha256") != sha256:
            raise IntegrityError(f"Original {sha256[:12]}… nach dem Hochladen fehlerhaft")
        if meta.get("x-amz-object-lock-mode") != self.retention_mode:
            raise ConfigurationError(
                f"Objektspeicher {self.endpoint} hat die Aufbewahrung nicht gesetzt: "
                "Rechte s3:PutObjectRetention und s3:GetObjectRetention prüfen"
            )
        oldest: str | None = versions[-1] if versions else None  # S3 lists newest first
        return oldest == version

    @contextlib.contextmanager
    def _errors(self, missing: str | None = None) -> Iterator[None]:
        """Translate SDK and transport errors into ours, with the endpoint named."""
        where = f"Objektspeicher {self.endpoint}"
        try:
            yield
        except urllib3.exceptions.HTTPError as exc:
            cause = getattr(exc, "reason", None) or exc
            if isinstance(cause, urllib3.exceptions.SSLError):
                raise ConfigurationError(f"{where}: TLS fehlgeschlagen, Zertifikat prüfen") from exc
            timeout = isinstance(cause, urllib3.exceptions.TimeoutError)
            why = "Zeitüberschreitung" if timeout else "Verbindung fehlgeschlagen"
            raise Transient(f"{where} nicht erreichbar ({why})") from exc
        except S3Error as exc:
            code = exc.code or ""
            if code in AUTH_CODES:
                raise ConfigurationError(
                    f"{where} verweigert den Zugriff ({code}): Zugangsdaten und Rechte prüfen"
                ) from exc
            if code == "NoSuchBucket":
                raise ConfigurationError(f"{where}: Bucket {exc.bucket_name} fehlt") from exc
            if code in ("NoSuchKey", "NoSuchVersion"):
                raise RecordNotFound(missing or f"{where}: {exc.object_name} fehlt") from exc
            if code in RETRYABLE_CODES or exc.response.status >= 500:
                raise Transient(f"{where} vorübergehend gestört ({code})") from exc
            raise EakteError(f"{where} lehnt die Anfrage ab: {code} {exc.message}") from exc
        except (ServerError, InvalidResponseError) as exc:
            raise Transient(f"{where} antwortet fehlerhaft ({type(exc).__name__})") from exc
        except MinioException as exc:
            raise EakteError(f"{where}: {exc}") from exc


class _HashingReader(io.RawIOBase):
    """Hashes the bytes as they stream by; at the end they must match the id."""

    def __init__(
        self,
        response: urllib3.BaseHTTPResponse,
        sha256: str,
        errors: Callable[[], AbstractContextManager[None]],
    ) -> None:
        super().__init__()
        self._response = response
        self._sha256 = sha256
        self._digest = hashlib.sha256()
        self._errors = errors

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer, /) -> int:
        target = memoryview(buffer).cast("B")
        with self._errors():
            data = self._response.read(len(target))
        if not data:
            if self._digest.hexdigest() != self._sha256:
                raise IntegrityError(
                    f"Original {self._sha256[:12]}… ist beschädigt: Prüfsumme stimmt nicht"
                )
            return 0
        self._digest.update(data)
        target[: len(data)] = data
        return len(data)


def _is_sha256(name: str) -> bool:
    return len(name) == 64 and all(c in "0123456789abcdef" for c in name)


def _original_key(sha256: str) -> str:
    if not _is_sha256(sha256):
        raise ValueError(f"not a SHA-256 hex digest: {sha256!r}")
    return f"{sha256[:2]}/{sha256}"


def _derived_key(key: str) -> str:
    """Validated like ``FilesystemStore._derived_file``, normalised the same way."""
    parts = PurePosixPath(key).parts
    if not parts or key.startswith("/") or any(p in ("..", ".", "") for p in parts):
        raise ValueError(f"invalid object key: {key!r}")
    return "/".join(parts)
