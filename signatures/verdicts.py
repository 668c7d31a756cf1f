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


def verdict_of(
    *,
    intact: bool,
    valid: bool,
    trust_problem: AdESSubIndic | None,
    has_chain: bool,
    revoked: bool,
    modifications_allowed: bool | None,
    timestamp_ok: bool | None,
) -> Verdict:
    if not intact:
        return _failed(AdESFailure.HASH_FAILURE)
    if modifications_allowed is False:
        return _failed(AdESFailure.FORMAT_FAILURE)
    if not valid:
        return _failed(AdESFailure.SIG_CRYPTO_FAILURE)
    if trust_problem is not None:
        return _from_subindic(trust_problem)
    if revoked:
        return _from_subindic(AdESIndeterminate.REVOKED_NO_POE)
    if not has_chain:
        return _from_subindic(AdESIndeterminate.NO_CERTIFICATE_CHAIN_FOUND)
    if timestamp_ok is False:
        return Verdict("INDETERMINATE", "TIMESTAMP_INVALID", explain("TIMESTAMP_INVALID"))
    return PASSED


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
