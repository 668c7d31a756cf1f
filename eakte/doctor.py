"""`eakte doctor`: what is installed, what is missing, and the command that fixes it.

Every line is an adapter's own answer (``eakte.health``): the wiring builds each adapter
as ``eakte ingest`` would, and the adapter is asked. An adapter that cannot even be built
(a server down at start, an unusable data dir) is a failed probe with the reason.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from eakte.health import Probe, Probed, failed
from eakte.settings import Settings

A = TypeVar("A")


def run_probes(settings: Settings) -> list[Probe]:
    """The answers of every adapter the wiring builds for these settings, in the order
    a record meets them: OCR, store, index, signatures, classifier, queue."""
    from eakte import wiring

    probes: list[Probe] = []

    def ask(component: str, build: Callable[[], A], *, required: bool = True) -> A | None:
        try:
            adapter = build()
        except Exception as exc:  # building is part of the answer: never a traceback
            probes.append(failed(component, exc, required=required))
            return None
        if not isinstance(adapter, Probed):
            name = type(adapter).__name__
            probes.append(Probe(component, False, f"{name} beantwortet keine Prüfung"))
            return adapter
        try:
            probes.extend(adapter.health())
        except Exception as exc:  # health() answers, but an adapter may break the rule
            probes.append(failed(component, exc, required=required))
        return adapter

    ask("Tesseract", lambda: wiring.build_ocr(settings))
    store = ask("Speicher", lambda: wiring.build_store(settings))
    index = ask("Suchindex", lambda: wiring.build_index(settings))
    ask("Vertrauensanker", lambda: wiring.build_validator(settings))
    if store is None:
        probes.append(
            Probe("Klassifikator", False, "nicht geprüft: der Speicher fehlt", required=False)
        )
    else:
        ask("Klassifikator", lambda: wiring.build_classifier(settings, store), required=False)
    broker = wiring.build_broker(settings)
    if broker is not None:
        ask("Warteschlange", lambda: broker)
    if index is not None:
        index.close()
    return probes


def needs_fixing(probes: list[Probe]) -> bool:
    """Something required is missing: `eakte doctor` exits 2."""
    return any(probe.required and not probe.ok for probe in probes)


def mode_line(settings: Settings) -> str:
    if settings.mode == "distributed":
        return "Betriebsart: verteilt (MinIO, Elasticsearch)"
    return f"Betriebsart: eingebettet, Daten in {settings.data_dir}"
