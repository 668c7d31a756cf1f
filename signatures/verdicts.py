"""From pyHanko's facts to an ETSI EN 319 102-1 indication, with a German explanation.

The order of the checks is the order of the standard's building blocks: format and
integrity first (a changed document fails whatever its certificate), then the
cryptography, then the certificate chain and revocation, then timestamps.
"""

from __future__ import annotations

from dataclasses import dataclass

from pyhanko.sign.ades.report import AdESFailure, AdESIndeterminate, AdESStatus, AdESSubIndic

from eakte.record import Indication


@dataclass(frozen=True)
class Verdict:
    indication: Indication
    sub_indication: str | None
    explanation: str


PASSED = Verdict("TOTAL_PASSED", None, "Signatur gültig, Zertifikatskette vertrauenswürdig.")

_EXPLANATIONS = {
    "HASH_FAILURE": "Der signierte Inhalt wurde nach dem Signieren verändert.",
    "SIG_CRYPTO_FAILURE": "Die Signatur passt nicht zum Zertifikat (kryptografisch ungültig).",
    "FORMAT_FAILURE": "Das Dokument wurde nach dem Signieren unzulässig geändert.",
    "CRYPTO_CONSTRAINTS_FAILURE": "Das Signaturverfahren ist nicht zugelassen oder wird nicht "
    "unterstützt; die Signatur ist damit weder bestätigt noch widerlegt.",
    "CRYPTO_CONSTRAINTS_FAILURE_NO_POE": "Das Signaturverfahren gilt heute als zu schwach oder "
    "wird nicht unterstützt, und ein Nachweis früherer Signatur fehlt.",
    "NO_SIGNING_CERTIFICATE_FOUND": "Das Signaturzertifikat ließ sich nicht ermitteln.",
    "CHAIN_CONSTRAINTS_FAILURE": "Die Zertifikatskette erfüllt die Prüfregeln nicht.",
    "REVOKED": "Das Zertifikat war zum Signaturzeitpunkt bereits gesperrt.",
    "REVOKED_NO_POE": "Das Zertifikat ist gesperrt; ein Nachweis, dass vorher signiert "
    "wurde, fehlt.",
    "NO_CERTIFICATE_CHAIN_FOUND": "Keine Kette zu einem konfigurierten Vertrauensanker.",
    "OUT_OF_BOUNDS_NO_POE": "Das Zertifikat war zum Prüfzeitpunkt nicht (mehr) gültig; "
    "ein Zeitstempel als Nachweis fehlt.",
    "OUT_OF_BOUNDS_NOT_REVOKED": "Das Zertifikat ist abgelaufen, war aber nicht gesperrt.",
    "NOT_YET_VALID": "Das Zertifikat war zum Signaturzeitpunkt noch nicht gültig.",
    "TRY_LATER": "Sperrinformationen waren nicht verfügbar.",
    "SIG_CONSTRAINTS_FAILURE": "Die Schlüsselverwendung des Zertifikats erlaubt diese "
    "Signatur nicht.",
    "SIGNED_DATA_NOT_FOUND": "Ohne das signierte Dokument ist die Signatur nicht prüfbar.",
    "TIMESTAMP_INVALID": "Der Zeitstempel der Signatur ist ungültig oder nicht vertrauenswürdig.",
}


def explain(sub_indication: str) -> str:
    return _EXPLANATIONS.get(sub_indication, f"Prüfung ergab {sub_indication}.")


@dataclass(frozen=True)
class LaterChanges:
    """What revisions after the signed one did to the pages (PDF only)."""

    page_count: tuple[int, int] | None = None  # (signed, now) when the count differs
    changed_pages: tuple[int, ...] = ()
    undecided: bool = False


def verdict_of(
    *,
    format_problem: str | None = None,
    intact: bool,
    valid: bool,
    trust_problem: AdESSubIndic | None,
    has_chain: bool,
    revoked: bool,
    changes: LaterChanges,
    timestamp_ok: bool | None,
) -> Verdict:
    """As EU DSS with its default policy: a changed page count fails the signature
    (PdfPageDifference), other later changes do not. Unlike DSS, which only warns about a
    visual difference, a page that looks different now makes the signature
    INDETERMINATE: the signature is intact, but it no longer vouches for what is shown.
    Format checking comes first: a /ByteRange that does not describe the file, or a
    signature dictionary changed after signing, fails."""
    if format_problem is not None:
        return format_failed(format_problem)
    if not intact:
        return _failed(AdESFailure.HASH_FAILURE)
    if not valid:
        return _failed(AdESFailure.SIG_CRYPTO_FAILURE)
    if changes.page_count is not None and changes.page_count[0] != changes.page_count[1]:
        signed, now = changes.page_count
        text = f"Die Seitenzahl wurde nach dem Signieren geändert ({signed} → {now} Seiten)."
        return Verdict("TOTAL_FAILED", AdESFailure.FORMAT_FAILURE.standard_name, text)
    if trust_problem is not None:
        return _from_subindic(trust_problem)
    if revoked:
        return _from_subindic(AdESIndeterminate.REVOKED_NO_POE)
    if not has_chain:
        return _from_subindic(AdESIndeterminate.NO_CERTIFICATE_CHAIN_FOUND)
    if changes.changed_pages or changes.undecided:
        return changed(changes)
    if timestamp_ok is False:
        return Verdict("INDETERMINATE", "TIMESTAMP_INVALID", explain("TIMESTAMP_INVALID"))
    return PASSED


def format_failed(explanation: str) -> Verdict:
    """The signature's PDF structure does not hold (EU DSS format checking: /ByteRange
    or signature dictionary not consistent): FORMAT_FAILURE, whether or not the
    signature value verifies."""
    return Verdict("TOTAL_FAILED", AdESFailure.FORMAT_FAILURE.standard_name, explanation)


def changed(changes: LaterChanges) -> Verdict:
    if changes.changed_pages:
        pages = ", ".join(str(page) for page in changes.changed_pages)
        what = (
            f"Seite {pages} sieht" if len(changes.changed_pages) == 1 else f"Seiten {pages} sehen"
        )
        text = (
            f"{what} nach dem Signieren anders aus (Inhalt ersetzt oder ergänzt); "
            "die Signatur selbst ist unversehrt, deckt die heutige Ansicht aber nicht."
        )
    else:
        text = (
            "Das Dokument wurde nach dem Signieren geändert; ob die Seiten gleich "
            "geblieben sind, ließ sich nicht feststellen."
        )
    return Verdict("INDETERMINATE", AdESIndeterminate.SIG_CONSTRAINTS_FAILURE.standard_name, text)


def _failed(sub: AdESFailure) -> Verdict:
    return Verdict("TOTAL_FAILED", sub.standard_name, explain(sub.standard_name))


def _from_subindic(sub: AdESSubIndic) -> Verdict:
    indications: dict[AdESStatus, Indication] = {
        AdESStatus.PASSED: "TOTAL_PASSED",
        AdESStatus.FAILED: "TOTAL_FAILED",
        AdESStatus.INDETERMINATE: "INDETERMINATE",
    }
    indication = indications[sub.status]
    name = str(sub.standard_name)
    return Verdict(indication, name, explain(name))
