"""The answer models keep the CLI contract's fields, order and omissions."""

from __future__ import annotations

import json
from pathlib import Path

from eakte import outcome
from eakte.contract import ManifestView, ReportDocument, SearchResponse
from eakte.ports import SearchHit, SearchResult
from eakte.record import VERDICTS, Classification, Manifest, SignatureSummary
from signatures.model import ValidationReport

ID = "a" * 64
PART = "b" * 64


def _manifest(**changes: object) -> Manifest:
    manifest = Manifest(id=ID, sha256=ID, size=3, original_filename="brief.pdf", page_count=2)
    return manifest.model_copy(update=changes)


def test_an_ingest_line_has_the_contract_fields_in_order_and_parts_only_when_there_are() -> None:
    signed = _manifest(signature=SignatureSummary(verdict="TOTAL_PASSED"))
    line = outcome.finished(Path("post/brief.pdf"), signed, ocr_pages=2).contract_json()
    assert list(line) == ["path", "id", "status", "pages", "doc_type", "signature", "error"]
    assert line["signature"] == "TOTAL_PASSED" and line["pages"] == 2

    parts = [{"id": PART, "pages": [1, 2]}, {"id": None, "pages": None}]
    batch = outcome.finished(Path("stapel.pdf"), _manifest(fields={"parts": parts}))
    assert batch.contract_json()["parts"] == parts
    assert batch.part_ids == [PART] == outcome.part_ids_of(_manifest(fields={"parts": parts}))
    assert json.loads(batch.model_dump_json()) == batch.contract_json()


def test_the_manifest_view_is_the_stored_manifest_plus_its_document_type() -> None:
    typed = _manifest(
        classification=Classification(type="rechnung", label="Rechnung", confidence=1)
    )
    view = ManifestView.of(typed)
    assert view.model_dump(mode="json") == {**typed.model_dump(mode="json"), "doc_type": "rechnung"}
    assert "doc_type" not in json.loads(typed.to_json())  # never stored


def test_search_response_from_the_index_result() -> None:
    result = SearchResult(total=7, hits=[SearchHit(id=ID, score=1.5, doc_type=None, snippet="…")])
    assert SearchResponse.of(result).model_dump() == {
        "total": 7,
        "hits": [{"id": ID, "score": 1.5, "doc_type": None, "snippet": "…"}],
        "more_than_total": False,
    }
    capped = SearchResult(total=10_000, more_than_total=True)
    assert SearchResponse.of(capped).model_dump()["more_than_total"] is True


def test_report_document_names() -> None:
    pdf = ReportDocument(record_id=ID, format="pdf", content=b"%PDF-")
    assert (pdf.media_type, pdf.filename) == ("application/pdf", f"pruefprotokoll-{ID[:12]}.pdf")
    assert ReportDocument(record_id=ID, format="json", content=b"{}").media_type == (
        "application/json"
    )


def test_one_verdict_vocabulary() -> None:
    assert VERDICTS == ("TOTAL_PASSED", "TOTAL_FAILED", "INDETERMINATE", "UNSIGNED")
    verdict = ValidationReport.model_fields["verdict"].annotation
    assert verdict == SignatureSummary.model_fields["verdict"].annotation
