"""The ORM classes of the Akten tables; they mirror migration 0002 (the truth)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from accounts.db import Base


class AkteRow(Base):
    """An Akte's current state; how it got there is in ``akte_events``."""

    __tablename__ = "akten"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)  # the xdomea ID
    aktenzeichen: Mapped[str] = mapped_column(String(80), unique=True)  # canonical form
    position: Mapped[str] = mapped_column(String(40))
    year: Mapped[int] = mapped_column(Integer)
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    department: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(10))  # open, closed
    opened_on: Mapped[date] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
    retention_until: Mapped[date | None] = mapped_column(Date)
    appraisal: Mapped[str] = mapped_column(String(1))  # A, B, V from the Aktenplan
    restricted: Mapped[bool] = mapped_column(Boolean, default=False)
    archive_decision: Mapped[str | None] = mapped_column(String(1))  # the archive's, 0502
    process_id: Mapped[str | None] = mapped_column(String(36))  # the xdomea ProzessID
    transferred_on: Mapped[date | None] = mapped_column(Date)


class VorgangRow(Base):
    __tablename__ = "vorgaenge"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    akte_id: Mapped[int] = mapped_column(ForeignKey("akten.id"))
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    opened_on: Mapped[date] = mapped_column(Date)


class FilingRow(Base):
    """One filing of a Dokument (append-only): its latest filing says where it is."""

    __tablename__ = "filings"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[str] = mapped_column(String(64))
    akte_id: Mapped[int] = mapped_column(ForeignKey("akten.id"))
    vorgang_id: Mapped[int | None] = mapped_column(ForeignKey("vorgaenge.id"))
    received_on: Mapped[date] = mapped_column(Date)
    actor: Mapped[str] = mapped_column(String(100))
    how: Mapped[str] = mapped_column(String(20))  # auto, manual
    reason: Mapped[str] = mapped_column(Text)


class AkteEventRow(Base):
    """Opened, closed, offered, appraised, transferred (append-only)."""

    __tablename__ = "akte_events"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[str] = mapped_column(String(40))
    akte_id: Mapped[int] = mapped_column(ForeignKey("akten.id"))
    action: Mapped[str] = mapped_column(String(40))
    actor: Mapped[str] = mapped_column(String(100))
    details: Mapped[str] = mapped_column(Text)  # JSON


class RetentionRow(Base):
    """A Dokument's retention end, set when its Akte is closed."""

    __tablename__ = "retention"

    record_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    akte_id: Mapped[int] = mapped_column(ForeignKey("akten.id"))
    retain_until: Mapped[date] = mapped_column(Date)
