"""The ``SignatureValidator`` the pipeline uses: pyHanko for PDFs and CMS, reports as JSON.

pyHanko and its certificate validator take ~0.6 s to import; they are imported on the
first validation, so `eakte search` and `eakte show` start without them.
"""

from __future__ import annotations

import functools
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from eakte.errors import ConfigurationError, CorruptInput
from eakte.health import Probe, probe_errors
from eakte.ports import SignatureCheck
from signatures.model import SignatureFinding, ValidationMode, ValidationReport

if TYPE_CHECKING:
    from signatures.trust import TrustConfig


class PyHankoValidator:
    def __init__(
        self,
        *,
        trust_dir: Path | None,
        crl_dir: Path | None,
        mode: ValidationMode = "offline",
        online_timeout_seconds: float = 10.0,
        tsa_url: str | None = None,
    ) -> None:
        self._trust_args = (trust_dir, crl_dir, mode, online_timeout_seconds)
        self.tsa_url = tsa_url
        self.tool = f"pyHanko {version('pyhanko')}"

    @functools.cached_property
    def trust(self) -> TrustConfig:
        from signatures.trust import load_trust_config

        return load_trust_config(*self._trust_args)

    @probe_errors("Vertrauensanker")
    def health(self) -> list[Probe]:
        """Loads the trust anchors and revocation lists afresh, as a validation would.
        Without anchors signatures are checked but never found VALID (a hint only)."""
        from signatures.trust import load_trust_config

        trust_dir, crl_dir, mode, timeout = self._trust_args
        try:
            trust = load_trust_config(*self._trust_args)
        except ConfigurationError as exc:
            return [
                Probe(
                    "Vertrauensanker",
                    False,
                    exc.message,
                    "EAKTE_TRUST_DIR und EAKTE_CRL_DIR prüfen",
                )
            ]
        if not trust.anchors:
            return [
                Probe(
                    "Vertrauensanker",
                    False,
                    "keine konfiguriert: Signaturen werden höchstens INDETERMINATE",
                    "EAKTE_TRUST_DIR auf einen Ordner mit Wurzelzertifikaten (PEM/DER) setzen",
                    required=False,
                )
            ]
        anchors = f"{len(trust.anchors)} Zertifikat{'' if len(trust.anchors) == 1 else 'e'}"
        lists = f"{len(trust.crls)} Sperrliste{'' if len(trust.crls) == 1 else 'n'}"
        lists += f" aus {crl_dir}" if crl_dir else ""
        checking = f"Prüfmodus {mode}" + (f" (Abruf bis {timeout:g} s)" if mode == "online" else "")
        detail = f"{anchors} aus {trust_dir}, {lists}, {checking}"
        return [Probe("Vertrauensanker", True, f"{detail}; {self.tool}")]

    def validate(
        self,
        path: Path,
        signature_format: Literal["pdf", "cms", "smime"] | None,
        *,
        sha256: str,
        filename: str,
        detached_content: Path | None = None,
        detached_signature: Path | None = None,
    ) -> SignatureCheck:
        findings: list[SignatureFinding] = []
        notes: list[str] = []
        if signature_format == "pdf":
            from signatures.findings import NotCheckable
            from signatures.pades import validate_pdf

            try:
                findings = validate_pdf(path, self.trust)
            except NotCheckable as exc:
                notes.append(exc.reason)
        elif signature_format == "cms":
            from signatures.cades import validate_cms

            findings = validate_cms(path, self.trust, detached_content)
        elif signature_format == "smime":
            findings = self._validate_mail(path)
        if detached_signature is not None:
            from signatures.cades import validate_cms

            findings = [*findings, *validate_cms(detached_signature, self.trust, path)]
        report = ValidationReport.combine(
            findings,
            document_sha256=sha256,
            original_filename=filename,
            validated_at=datetime.now(UTC),
            mode=self.trust.mode,
            trust_anchors=self.trust.anchor_facts(),
            tool=self.tool,
            notes=notes,
        )
        return check_from_report(report)

    def _validate_mail(self, path: Path) -> list[SignatureFinding]:
        """The mail's S/MIME signature over its signed part; none: no finding."""
        from signatures.cades import validate_detached_bytes
        from signatures.findings import not_evaluable, short_reason
        from signatures.smime import signed_mail

        try:
            signed = signed_mail(path.read_bytes())
        except CorruptInput as exc:
            return [not_evaluable("smime", exc.message)]
        except Exception as exc:  # a mail odd enough to trip the parser: noted, not refused
            return [not_evaluable("smime", short_reason(exc))]
        if signed is None:
            return []
        return validate_detached_bytes(signed.signature, signed.content, self.trust, "smime")

    def augment(self, path: Path) -> bytes:
        from signatures.ltv import augment_pdf

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
        notes=list(report.notes),
    )
