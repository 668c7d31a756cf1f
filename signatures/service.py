"""The ``SignatureValidator`` the pipeline uses: pyHanko for PDFs, reports as JSON."""

from __future__ import annotations

from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

from eakte import media_types
from eakte.ports import SignatureCheck
from signatures.cades import validate_cms
from signatures.ltv import augment_pdf
from signatures.model import SignatureFinding, ValidationReport
from signatures.pades import validate_pdf
from signatures.trust import TrustConfig


class PyHankoValidator:
    def __init__(self, trust: TrustConfig, tsa_url: str | None = None) -> None:
        self.trust = trust
        self.tsa_url = tsa_url
        self.tool = f"pyHanko {version('pyhanko')}"

    def validate(
        self,
        path: Path,
        media_type: str,
        *,
        sha256: str,
        filename: str,
        detached_content: Path | None = None,
    ) -> SignatureCheck:
        findings: list[SignatureFinding] = []
        if media_type == media_types.PDF:
            findings = validate_pdf(path, self.trust)
        elif media_type == media_types.CMS:
            findings = validate_cms(path, self.trust, detached_content)
        report = ValidationReport.combine(
            findings,
            document_sha256=sha256,
            original_filename=filename,
            validated_at=datetime.now(UTC),
            mode=self.trust.mode,
            trust_anchors=self.trust.anchor_facts(),
            tool=self.tool,
        )
        return check_from_report(report)

    def augment(self, path: Path) -> bytes:
        return augment_pdf(path, self.trust, self.tsa_url)

    def render_report(self, report_json: bytes) -> bytes:
        from signatures.report_pdf import render_pruefprotokoll

        return render_pruefprotokoll(ValidationReport.model_validate_json(report_json))


def check_from_report(report: ValidationReport) -> SignatureCheck:
    return SignatureCheck(
        verdict=report.verdict,
        sub_indication=report.sub_indication,
        signatures=[finding.model_dump(mode="json") for finding in report.signatures],
        report_json=report.model_dump_json(indent=2).encode("utf-8"),
    )
