"""`eakte worker`, `eakte beat`, `eakte flower`, `eakte status`: the commands operators
run for the distributed mode. Celery is imported only when one of them runs, so the
rest of the CLI starts quickly."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import click

from eakte.errors import ConfigurationError
from eakte.settings import Settings, load_settings


def _distributed_settings() -> Settings:
    settings = load_settings()
    if settings.mode != "distributed":
        raise ConfigurationError(
            "Worker brauchen EAKTE_MODE=distributed (MinIO und Elasticsearch): "
            "der eingebettete Index erlaubt nur einen schreibenden Prozess"
        )
    return settings


def _schedule_file() -> str:
    return str(Path(tempfile.gettempdir()) / f"eakte-beat-{os.getuid()}")


@click.command()
@click.option(
    "--queues",
    default="ingest,ocr",
    show_default=True,
    help="Warteschlangen, kommagetrennt: ingest (Eingang, Abschluss, Index) und ocr.",
)
@click.option(
    "--concurrency",
    type=click.IntRange(1, 64),
    default=None,
    help="Parallele Prozesse (Standard: EAKTE_WORKERS, sonst Anzahl der Kerne).",
)
@click.option("--beat", is_flag=True, help="Den periodischen Abgleich hier mitlaufen lassen.")
def worker(queues: str, concurrency: int | None, beat: bool) -> None:
    """Einen Worker starten, der Dokumente aus der Warteschlange verarbeitet."""
    from workers.app import QUEUES, create_app, prepare_pool_processes

    chosen = [name.strip() for name in queues.split(",") if name.strip()]
    unknown = sorted(set(chosen) - set(QUEUES))
    if unknown or not chosen:
        raise click.BadParameter(f"unbekannt: {', '.join(unknown)}; erlaubt: {', '.join(QUEUES)}")
    settings = _distributed_settings()
    app = create_app(settings)
    prepare_pool_processes(app, chosen)
    argv = [
        "worker",
        f"--queues={','.join(chosen)}",
        f"--concurrency={concurrency or settings.workers}",
        f"--hostname=eakte-{'-'.join(chosen)}-{os.getpid()}@%h",
        "--loglevel=INFO",
    ]
    if beat:
        argv += ["--beat", f"--schedule={_schedule_file()}"]
    app.worker_main(argv)


@click.command()
def beat() -> None:
    """Den periodischen Abgleich starten (genau einmal je Installation)."""
    from workers.app import create_app

    app = create_app(_distributed_settings())
    app.start(["beat", f"--schedule={_schedule_file()}", "--loglevel=INFO"])


@click.command()
@click.option("--port", default=5555, show_default=True, type=click.IntRange(1, 65535))
@click.option("--address", default="127.0.0.1", show_default=True)
def flower(port: int, address: str) -> None:
    """Flower starten: Worker und Aufgaben im Browser beobachten."""
    from workers.app import create_app

    app = create_app(_distributed_settings())
    app.start(["flower", f"--port={port}", f"--address={address}"])


@click.command()
@click.option("--json", "as_json", is_flag=True)
def status(as_json: bool) -> None:
    """Worker, Warteschlangen und ausstehende Dokumente auf einen Blick."""
    from eakte.wiring import build_context
    from workers.app import create_app
    from workers.status import collect, duration

    settings = _distributed_settings()
    ctx = build_context(settings)
    try:
        found = collect(ctx, create_app(settings))
    finally:
        ctx.index.close()
    if as_json:
        click.echo(json.dumps(found.as_json(), ensure_ascii=False))
        return
    if found.broker_error:
        click.echo(f"Warteschlange nicht erreichbar: {found.broker_error}")
    for name, queues in sorted(found.workers.items()):
        click.echo(f"Worker {name}: {', '.join(queues)}")
    if not found.workers and not found.broker_error:
        click.echo("Kein Worker erreichbar.")
    queued = " · ".join(f"{name} {count}" for name, count in found.queued.items())
    click.echo(f"Warteschlangen: {queued or '–'} · in Arbeit {found.active_tasks}")
    for name, rate in found.drain_per_second.items():
        per_minute = f"{abs(rate) * 60:.1f}".replace(".", ",")
        trend = "abgearbeitet" if rate >= 0 else "hinzugekommen"
        empty = (
            "leer"
            if not found.queued.get(name)
            else f"leer in {duration(found.empty_in_seconds.get(name))}"
        )
        click.echo(f"  {name}: {per_minute} Aufgaben/min {trend} · {empty}")
    click.echo(
        f"Dokumente in Bearbeitung: {found.in_flight} · warten auf den Suchindex: "
        f"{found.waiting_for_index} · Quarantäne: {found.quarantined}"
    )
