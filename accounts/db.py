"""The database: tables, the engine for a URL, and migrating it to the current schema.

Every process migrates on opening (Alembic ``upgrade head``: a no-op once current), so
an upgraded release needs no separate step. The ORM classes mirror the migrations; the
migrations are the truth for the schema.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import (
    JSON,
    Boolean,
    Engine,
    Float,
    Integer,
    String,
    Text,
    create_engine,
    event,
    text,
)
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, sessionmaker

from eakte.errors import ConfigurationError

MIGRATIONS = Path(__file__).parent / "migrations"
SQLITE_BUSY_SECONDS = 30
MIGRATION_LOCK = 0x65416B7465  # pg_advisory_xact_lock key: one migrating process at a time


class Base(DeclarativeBase):
    pass


class UserRow(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    departments: Mapped[list[str]] = mapped_column(JSON)
    token_sha256: Mapped[str | None] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(200))
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[str] = mapped_column(String(40))
    # sessions issued before this time (epoch seconds) are void: disable, reset, password
    sessions_since: Mapped[float] = mapped_column(Float, default=0.0)


class RevokedSession(Base):
    """A logged-out browser session; kept until its cookie would have idled out anyway."""

    __tablename__ = "revoked_sessions"

    sid: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_at: Mapped[float] = mapped_column(Float, index=True)


class AuditRow(Base):
    """One audit entry; ``hash`` covers ``prev_hash`` and the canonical content."""

    __tablename__ = "audit_log"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[str] = mapped_column(String(40), index=True)
    actor: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(40))
    target: Mapped[str] = mapped_column(String(300))
    client: Mapped[str] = mapped_column(String(100))
    details: Mapped[str] = mapped_column(Text)  # canonical JSON, hashed as stored
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditHead(Base):
    """The one row naming the last entry: appending updates it first, which serialises
    writers in SQLite and PostgreSQL alike, and a deleted last entry shows."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))


class Database:
    """An engine and its sessions; ``open_database`` makes one."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.session = sessionmaker(engine, expire_on_commit=False)

    def ping(self) -> None:
        """Raise unless the database answers (the readiness check)."""
        with self.engine.connect() as connection:
            connection.execute(text("SELECT 1"))

    def close(self) -> None:
        self.engine.dispose()


def default_url(data_dir: Path) -> str:
    return f"sqlite:///{data_dir / 'eakte.db'}"


def open_database(url: str) -> Database:
    """Connect and migrate; an unusable URL or server is a configuration error."""
    options: dict[str, Any] = {"pool_pre_ping": True}
    if url.startswith("sqlite"):
        options["connect_args"] = {"timeout": SQLITE_BUSY_SECONDS}
        path = url.split("///", 1)[1] if "///" in url else ""
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
    try:
        engine = create_engine(url, **options)
    except ImportError as exc:
        raise ConfigurationError(
            f"EAKTE_DATABASE_URL: Datenbanktreiber fehlt ({exc.name})"
        ) from exc
    except (SQLAlchemyError, ValueError) as exc:  # the URL may hold a password: not shown
        raise ConfigurationError(
            "EAKTE_DATABASE_URL ist keine gültige SQLAlchemy-URL "
            "(z. B. postgresql+psycopg://benutzer:passwort@host/datenbank)"
        ) from exc
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    try:
        migrate(engine)
    except SQLAlchemyError as exc:
        engine.dispose()
        where = engine.url.render_as_string(hide_password=True)
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        raise ConfigurationError(f"Datenbank {where} nicht nutzbar: {reason}") from exc
    return Database(engine)


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration (``alembic upgrade head``)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def _sqlite_pragmas(connection: Any, _record: object) -> None:
    """WAL: readers (the API) never wait for the one writer (an audit entry)."""
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
