"""The German Prüfprotokoll: a printable PDF of one stored ``ValidationReport``.

The JSON report is the record; this PDF is what a clerk files, prints or sends to a
citizen, so every fact is spelled out in words (no bare ``True``), the original is
named by its full SHA-256, and the output is deterministic: the same report gives the
same bytes (the PDF's creation date is the validation time).
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace
from fpdf.table import Table

from eakte import transfer
from eakte.errors import DependencyMissing
from eakte.record import VERDICT_WORDS, TransferNote
from signatures.model import (
    CertificateFacts,
    SignatureFinding,
    TrustAnchorFacts,
    ValidationReport,
)

TITLE = "Prüfprotokoll zur Signaturprüfung"
FONT_FILES = {
    "sans": "DejaVuSans.ttf",
    "sans_bold": "DejaVuSans-Bold.ttf",
    "mono": "DejaVuSansMono.ttf",
}
# Debian/Ubuntu, Fedora/RHEL (sans and mono live apart), Arch, Alpine, macOS Homebrew
FONT_DIRS = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu-sans-fonts"),
    Path("/usr/share/fonts/dejavu-sans-mono-fonts"),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/share/fonts/TTF"),
    Path("/usr/share/fonts/truetype"),
    Path("/opt/homebrew/share/fonts"),
    Path("/usr/local/share/fonts"),
)
INSTALL_HINT = "Schriftart DejaVu fehlt: apt-get install fonts-dejavu-core"

# light fills keep the verdict box readable in black-and-white print
VERDICT_FILL = {
    "TOTAL_PASSED": (222, 241, 222),
    "TOTAL_FAILED": (248, 222, 222),
    "INDETERMINATE": (252, 240, 210),
    "UNSIGNED": (232, 232, 232),
}
KIND_WORDS = {
    "pades": "PAdES-Signatur (im PDF eingebettet)",
    "document_timestamp": "Dokumentzeitstempel (PAdES)",
    "cades_detached": "CAdES-Signatur (abgesetzt, separate Signaturdatei)",
    "cades_enveloping": "CAdES-Signatur (umschließend, Inhalt in der Signaturdatei)",
    "smime": "S/MIME-Signatur der E-Mail (über den signierten Nachrichtenteil)",
}
MODE_WORDS = {
    "offline": "offline – Vertrauensanker und Sperrlisten aus den konfigurierten "
    "Verzeichnissen und dem Dokument, kein Abruf aus dem Netz",
    "online": "online – Sperrinformationen (CRL/OCSP) wurden, soweit nicht im Dokument "
    "enthalten, bei den Ausstellern abgerufen",
}
COVERAGE_WORDS = {
    "ENTIRE_FILE": "gesamte Datei",
    "ENTIRE_REVISION": "gesamte signierte Revision (danach wurde die Datei ergänzt)",
    "CONTIGUOUS_BLOCK_FROM_START": "zusammenhängender Block ab Dateianfang",
    "UNCLEAR": "unklar",
}
MODIFICATION_WORDS = {
    "NONE": "keine",
    "LTA_UPDATES": "nur Validierungsdaten und Zeitstempel (Langzeitarchivierung)",
    "FORM_FILLING": "Ausfüllen von Formularfeldern",
    "ANNOTATIONS": "Kommentare und Anmerkungen",
    "OTHER": "sonstige Änderungen am Inhalt",
}

MARGIN = 20.0
LABEL_WIDTH = 58.0
LABEL_STYLE = FontFace(family="sans", emphasis="NONE", size_pt=9, color=(70, 70, 70))
VALUE_STYLE = FontFace(family="sans", emphasis="NONE", size_pt=9)
STRONG_STYLE = FontFace(family="sans", emphasis="B", size_pt=9)
MONO_STYLE = FontFace(family="mono", emphasis="NONE", size_pt=7.5)


def render_pruefprotokoll(report: ValidationReport, *, font_dir: Path | None = None) -> bytes:
    """The report as an A4 PDF; ``font_dir`` overrides where DejaVu is looked up."""
    pdf = _ProtocolPdf(report)
    for name, path in find_fonts(font_dir).items():
        family, _, bold = name.partition("_")
        pdf.add_font(family, "B" if bold else "", str(path))
    pdf.add_page()
    _write_title(pdf, report)
    _write_document(pdf, report)
    _write_verdict(pdf, report)
    for number, finding in enumerate(report.signatures, start=1):
        _write_signature(pdf, finding, number, len(report.signatures))
    _write_anchors(pdf, report.trust_anchors)
    if report.transfer_note is not None:
        _write_transfer_note(pdf, report.transfer_note)
    return bytes(pdf.output())


def _write_transfer_note(pdf: FPDF, note: TransferNote) -> None:
    """The Transfervermerk of a scan (BSI TR-03138), in the rows `eakte show` prints too."""
    if pdf.will_page_break(60):
        pdf.add_page()
    _heading(pdf, transfer.TITLE)
    with _facts(pdf) as row:
        for label, value in transfer.note_rows(note):
            mono = label.startswith("SHA-256")
            row(label, value, MONO_STYLE if mono else VALUE_STYLE)


def find_fonts(font_dir: Path | None = None) -> dict[str, Path]:
    """DejaVu is not bundled, so look where distributions put it, then ask fontconfig."""
    dirs = (font_dir,) if font_dir is not None else FONT_DIRS
    found: dict[str, Path] = {}
    for key, filename in FONT_FILES.items():
        path = next((d / filename for d in dirs if (d / filename).is_file()), None)
        if path is None and font_dir is None:
            path = _fontconfig_lookup(filename)
        if path is None:
            where = font_dir if font_dir is not None else "den üblichen Verzeichnissen"
            raise DependencyMissing(f"{INSTALL_HINT} ({filename} nicht in {where} gefunden)")
        found[key] = path
    return found


def _fontconfig_lookup(filename: str) -> Path | None:
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    try:
        listing = subprocess.run(
            [fc_list, "--format", "%{file}\n"], capture_output=True, text=True, timeout=30
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return next((Path(line) for line in listing.splitlines() if line.endswith(filename)), None)


class _ProtocolPdf(FPDF):
    """A4 with a running header from page 2 and a footer naming tool and schema."""

    def __init__(self, report: ValidationReport) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.report = report
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(auto=True, margin=MARGIN)
        self.set_creation_date(_utc(report.validated_at))
        self.set_title(f"{TITLE}: {report.original_filename}")
        self.set_subject(f"SHA-256 {report.document_sha256}")
        self.set_creator(report.tool)
        self.set_producer("eAkte")
        self.set_lang("de-DE")

    def header(self) -> None:
        if self.page_no() == 1:
            return
        self.set_font("sans", size=7.5)
        self.set_text_color(110, 110, 110)
        title = f"{TITLE} – {self.report.original_filename}"
        self.cell(0, 4, title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font("mono", size=7)
        sha = f"SHA-256 {self.report.document_sha256}"
        self.cell(0, 4, sha, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(0, 0, 0)
        self.ln(4)

    def footer(self) -> None:
        self.set_y(-14)
        self.set_draw_color(170, 170, 170)
        self.line(MARGIN, self.get_y(), self.w - MARGIN, self.get_y())
        self.set_font("sans", size=7.5)
        self.set_text_color(110, 110, 110)
        tool = f"Erstellt von eAkte mit {self.report.tool} · Berichtsschema Version "
        self.cell(0, 6, f"{tool}{self.report.schema_version}", align="L")
        self.set_x(MARGIN)
        self.cell(0, 6, f"Seite {self.page_no()} von {{nb}}", align="R")
        self.set_text_color(0, 0, 0)


def _write_title(pdf: FPDF, report: ValidationReport) -> None:
    pdf.set_font("sans", "B", 16)
    pdf.cell(0, 9, TITLE, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("sans", size=8.5)
    pdf.set_text_color(90, 90, 90)
    pdf.multi_cell(
        0,
        4.2,
        "Automatisierte Prüfung elektronischer Signaturen und Zeitstempel nach "
        "ETSI EN 319 102-1. Maßgeblich ist der mit dem Original gespeicherte "
        f"Prüfbericht (JSON, Schema-Version {report.schema_version}).",
        align="L",
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.set_text_color(0, 0, 0)
    pdf.ln(3)


def _write_document(pdf: FPDF, report: ValidationReport) -> None:
    _heading(pdf, "Geprüftes Dokument")
    with _facts(pdf) as row:
        row("Dateiname", report.original_filename, STRONG_STYLE)
        row("SHA-256 des Originals", report.document_sha256, MONO_STYLE)
        row("Prüfzeitpunkt", _when(report.validated_at))
        row("Prüfmodus", MODE_WORDS.get(report.mode, report.mode))
        row("Prüfprogramm", report.tool)
        if report.notes:
            row("Nicht prüfbar", "\n".join(report.notes))


def _write_verdict(pdf: FPDF, report: ValidationReport) -> None:
    pdf.ln(4)
    pdf.set_fill_color(*VERDICT_FILL[report.verdict])
    pdf.set_draw_color(120, 120, 120)
    pdf.set_font("sans", "B", 12)
    text = f"Gesamtergebnis: {_verdict(report.verdict)}"
    lines = [text]
    if report.sub_indication:
        lines.append(f"Unterindikation: {report.sub_indication}")
    lines.append(_verdict_reason(report))
    pdf.set_x(MARGIN)
    _box_part(pdf, 8, lines[0], "LTR", (2, 3, 0, 3))
    pdf.set_font("sans", size=9)
    _box_part(pdf, 4.6, "\n".join(lines[1:]), "LBR", (0, 3, 2, 3))
    pdf.set_fill_color(255, 255, 255)
    pdf.ln(3)


def _box_part(
    pdf: FPDF, height: float, text: str, border: str, padding: tuple[int, int, int, int]
) -> None:
    pdf.multi_cell(
        0,
        height,
        text,
        border=border,
        fill=True,
        align="L",
        padding=padding,
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )


def _verdict_reason(report: ValidationReport) -> str:
    """Which signature decides the verdict: the document is as good as its worst one."""
    count = len(report.signatures)
    if count == 0:
        return "Das Dokument enthält keine elektronische Signatur und keinen Zeitstempel."
    for number, finding in enumerate(report.signatures, start=1):
        same = (finding.indication, finding.sub_indication)
        if same == (report.verdict, report.sub_indication):
            subject = f"Geprüfte Signaturen und Zeitstempel: {count}; maßgeblich ist Nr. {number}"
            return f"{subject}: {finding.explanation}" if finding.explanation else subject
    return f"Geprüfte Signaturen und Zeitstempel: {count}."


def _write_signature(pdf: FPDF, finding: SignatureFinding, number: int, count: int) -> None:
    if pdf.will_page_break(70):
        pdf.add_page()
    title = f"Signatur {number} von {count}: {KIND_WORDS.get(finding.kind, finding.kind)}"
    _heading(pdf, title)
    is_timestamp = finding.kind == "document_timestamp"
    with _facts(pdf) as row:
        if finding.field_name:
            row("Signaturfeld", finding.field_name)
        _signer_rows(row, finding.signer, "Zeitstempeldienst" if is_timestamp else "Unterzeichner")
        if not is_timestamp:
            row("Behauptete Signaturzeit", _claimed(finding.signing_time_claimed))
        row("Zeitstempel", _timestamp(finding))
        row("Integrität (Inhalt unverändert)", _yes_no(finding.intact))
        row("Kryptografisch gültig", _yes_no(finding.cryptographically_valid))
        row("Hashverfahren", finding.digest_algorithm or "nicht angegeben")
        row("Vertrauenskette", _chain(finding))
        row("Vertrauensanker", finding.trust_anchor or "keiner gefunden")
        row("Sperrstatus", _revocation(finding))
        row("Zum Signaturzeitpunkt abgelaufen", _yes_no(finding.expired_at_signing))
        row("Schlüsselverwendung erlaubt Signatur", _yes_no(finding.key_usage_ok))
        row("Qualifiziertes Zertifikat", _qualified(finding.qualified_claimed))
        row("Erfasste Revision / Abdeckung", _coverage(finding))
        row("Änderungen nach dem Signieren", _modifications(finding))
        if finding.changed_pages:
            row("Sichtbar veränderte Seiten", ", ".join(map(str, finding.changed_pages)))
        if finding.warnings:
            row("Hinweise", "\n".join(finding.warnings))
        row("Ergebnis", _verdict(finding.indication), STRONG_STYLE)
        row("Unterindikation", finding.sub_indication or "–")
        row("Erläuterung", finding.explanation or "–")


def _signer_rows(row: _Row, signer: CertificateFacts | None, label: str) -> None:
    if signer is None:
        row(label, "Zertifikat nicht gefunden")
        return
    row(label, signer.subject, STRONG_STYLE)
    row("Aussteller", signer.issuer)
    row("Seriennummer (hex)", signer.serial)
    row("Zertifikat gültig", f"{_when(signer.not_before)} bis {_when(signer.not_after)}")
    row("Zertifikat SHA-256", signer.sha256, MONO_STYLE)


def _write_anchors(pdf: FPDF, anchors: list[TrustAnchorFacts]) -> None:
    if pdf.will_page_break(40):
        pdf.add_page()
    _heading(pdf, f"Konfigurierte Vertrauensanker ({len(anchors)})")
    if not anchors:
        pdf.set_font("sans", size=9)
        pdf.multi_cell(
            0,
            4.6,
            "Keine Vertrauensanker konfiguriert: keine Signatur kann als "
            "vertrauenswürdig bestätigt werden.",
            align="L",
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
        return
    with _facts(pdf) as row:
        for number, anchor in enumerate(anchors, start=1):
            row(f"{number}. {anchor.subject}", anchor.sha256, MONO_STYLE)


class _Row:
    """Adds label/value rows to an fpdf2 table (a callable keeps call sites short)."""

    def __init__(self, table: Table) -> None:
        self.table = table

    def __call__(self, label: str, value: str, style: FontFace = VALUE_STYLE) -> None:
        row = self.table.row()
        row.cell(label, style=LABEL_STYLE)
        row.cell(value, style=style)


@contextmanager
def _facts(pdf: FPDF) -> Iterator[_Row]:
    with pdf.table(
        col_widths=(LABEL_WIDTH, pdf.epw - LABEL_WIDTH),
        width=pdf.epw,
        first_row_as_headings=False,
        borders_layout="HORIZONTAL_LINES",
        text_align="LEFT",
        v_align="TOP",
        line_height=4.4,
        padding=(1.2, 1.5, 1.2, 0),
        align="LEFT",
    ) as table:
        pdf.set_draw_color(200, 200, 200)
        yield _Row(table)
    pdf.ln(2)


def _heading(pdf: FPDF, text: str) -> None:
    pdf.ln(2)
    pdf.set_font("sans", "B", 11)
    pdf.set_x(MARGIN)
    pdf.multi_cell(0, 6, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(1)


def _utc(moment: datetime) -> datetime:
    """Naive times in reports are UTC (pydantic keeps what the validator produced)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _when(moment: datetime) -> str:
    return _utc(moment).strftime("%d.%m.%Y, %H:%M:%S UTC")


def _verdict(code: str) -> str:
    return f"{VERDICT_WORDS.get(code, code)} ({code})"


def _yes_no(value: bool | None) -> str:
    return "nicht geprüft" if value is None else ("ja" if value else "nein")


def _claimed(moment: datetime | None) -> str:
    if moment is None:
        return "nicht angegeben"
    return f"{_when(moment)} (Angabe des Unterzeichners, nicht nachgewiesen)"


def _timestamp(finding: SignatureFinding) -> str:
    if finding.timestamp_time is None:
        return "kein Zeitstempel"
    when = _when(finding.timestamp_time)
    if finding.kind == "document_timestamp":
        return f"{when} (diese Signatur ist der Zeitstempel)"
    if finding.timestamp_valid is None:
        return f"{when} (nicht geprüft)"
    state = "gültig und vertrauenswürdig" if finding.timestamp_valid else "nicht gültig"
    return f"{when} – {state}"


def _chain(finding: SignatureFinding) -> str:
    if finding.trusted:
        return "ja, bis zu einem konfigurierten Vertrauensanker"
    return "nein, keine vertrauenswürdige Kette"


def _revocation(finding: SignatureFinding) -> str:
    if finding.revoked:
        since = f" seit {_when(finding.revocation_date)}" if finding.revocation_date else ""
        return f"gesperrt{since}"
    if not finding.revocation_checked:
        return "nicht geprüft (keine Sperrinformationen verfügbar)"
    if not finding.trusted:
        # no valid chain (untrusted, expired): pyHanko did not establish "not revoked"
        return "nicht festgestellt (keine gültige Zertifikatskette)"
    return "nicht gesperrt"


def _qualified(claimed: bool) -> str:
    if claimed:
        return "ja laut Zertifikat (QcCompliance); nicht gegen die EU-Vertrauensliste geprüft"
    return "nein laut Zertifikat (keine QcCompliance-Angabe)"


def _coverage(finding: SignatureFinding) -> str:
    revision = (
        f"Revision {finding.signed_revision} (0 = ursprüngliche Fassung)"
        if finding.signed_revision is not None
        else "Revision nicht bestimmt"
    )
    if finding.coverage is None:
        return f"{revision}; Abdeckung nicht bestimmt"
    return f"{revision}; {COVERAGE_WORDS.get(finding.coverage, finding.coverage)}"


def _modifications(finding: SignatureFinding) -> str:
    level = finding.modification_level
    words = MODIFICATION_WORDS.get(level, level) if level is not None else "nicht bestimmt"
    allowed = {
        True: "zulässig",
        False: "nicht als zulässig eingeordnet (siehe Seitenvergleich und Hinweise)",
        None: "Zulässigkeit nicht geprüft",
    }
    return f"{words} – {allowed[finding.modifications_allowed]}"
