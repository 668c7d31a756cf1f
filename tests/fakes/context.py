"""A ``Context`` over fakes (store, index, OCR) and the real in-process adapters that
are fast enough for stage tests (handlers, pyHanko on unsigned files, field reading)."""

from __future__ import annotations

from classify.fields import LetterFields
from classify.types import TypeRouter
from eakte.context import Context
from eakte.ports import PageReader
from eakte.settings import Settings
from eakte.wiring import build_handlers
from ingest.sniff import sniff_file
from signatures.service import PyHankoValidator
from tests.fakes.index import FakeIndex
from tests.fakes.pages import FakePageReader
from tests.fakes.store import FakeStore


def fake_context(settings: Settings, pages: PageReader | None = None) -> Context:
    return Context(
        settings=settings,
        store=FakeStore(),
        index=FakeIndex(),
        signatures=PyHankoValidator(trust_dir=None, crl_dir=None),
        handlers=build_handlers(settings),
        pages=pages or FakePageReader(),
        fields=LetterFields(),
        router=TypeRouter(settings.document_types_file, settings.review_threshold),
        sniff=sniff_file,
    )
