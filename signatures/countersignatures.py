"""Countersignatures (RFC 5652 §11.4) inside a CMS signer, checked for integrity.

Why: a countersignature signs its parent's signature value; EU DSS validates it as a
signature of its own and a broken one makes the document TOTAL_FAILED. We check what
decides that: the message digest over the parent's signature value and the signature
value over the (DER) signed attributes. A countersignature that is intact adds no
finding (its chain is not built yet, see README); one whose digest or value fails is
TOTAL_FAILED, and one we cannot check is left out rather than guessed.
"""

from __future__ import annotations

import hashlib

from asn1crypto import cms, x509
from cryptography.exceptions import InvalidSignature
from pyhanko_certvalidator.sig_validate import SignatureValidationContext

from signatures.certificates import certificate_facts
from signatures.findings import finding_without_chain
from signatures.model import SignatureFinding, SignatureKind
from signatures.raw_signature import TolerantSignatureValidator, UnverifiableAlgorithm
from signatures.verdicts import Verdict, explain

SINGLE = {"content_type", "message_digest", "signing_time"}  # RFC 5652 §11.1-11.3


def failed_countersignatures(
    signed_data: cms.SignedData, signer: cms.SignerInfo, kind: SignatureKind
) -> list[SignatureFinding]:
    """One TOTAL_FAILED finding per countersignature of ``signer`` that does not verify."""
    certificates = [c.chosen for c in signed_data["certificates"] or [] if c.name == "certificate"]
    findings = []
    for counter in _countersigners(signer):
        sub_indication = _failure(counter, signer["signature"].native, certificates)
        if sub_indication is not None:
            cert = _certificate(counter, certificates)
            text = f"Gegensignatur: {_explain(sub_indication, counter)}"
            findings.append(
                finding_without_chain(
                    kind,
                    Verdict("TOTAL_FAILED", sub_indication, text),
                    signer=certificate_facts(cert) if cert is not None else None,
                    intact=sub_indication != "HASH_FAILURE",
                    valid=sub_indication != "SIG_CRYPTO_FAILURE",
                )
            )
    return findings


def _explain(sub_indication: str, counter: cms.SignerInfo) -> str:
    if sub_indication == "FORMAT_FAILURE":
        return repeated_explanation(repeated_attributes(counter))
    return explain(sub_indication)


def repeated_explanation(names: list[str]) -> str:
    return (
        f"Signierte Attribute mehrfach vorhanden ({', '.join(names)}), die RFC 5652 nur "
        "einmal erlaubt; welcher Wert signiert wurde, ist nicht eindeutig. Die Signatur "
        "ist formal ungültig."
    )


def _countersigners(signer: cms.SignerInfo) -> list[cms.SignerInfo]:
    try:
        attributes = signer["unsigned_attrs"]
        if not attributes:
            return []
        return [
            value
            for attribute in attributes
            if attribute["type"].native == "counter_signature"
            for value in attribute["values"]
        ]
    except (ValueError, TypeError, KeyError):  # unreadable unsigned attributes: nothing to say
        return []


def repeated_attributes(signer: cms.SignerInfo) -> list[str]:
    """Signed attributes RFC 5652 §11 allows once that occur more often: which value
    was signed is then ambiguous, and Bouncy Castle (so EU DSS) rejects the signature."""
    try:
        names = [attribute["type"].native for attribute in signer["signed_attrs"] or []]
    except (ValueError, TypeError, KeyError):
        return []
    return sorted({name for name in names if name in SINGLE and names.count(name) > 1})


def _failure(
    counter: cms.SignerInfo, parent_value: bytes, certificates: list[x509.Certificate]
) -> str | None:
    """HASH_FAILURE, SIG_CRYPTO_FAILURE, FORMAT_FAILURE or None (verifies, or cannot be
    checked)."""
    if repeated_attributes(counter):
        return "FORMAT_FAILURE"
    try:
        cert = _certificate(counter, certificates)
        algorithm = counter["digest_algorithm"]["algorithm"].native
        attributes = counter["signed_attrs"]
        if cert is None or not attributes:
            return None
        digests = [
            a["values"][0].native for a in attributes if a["type"].native == "message_digest"
        ]
        actual = hashlib.new(algorithm, parent_value).digest()
    except (ValueError, TypeError, KeyError):
        return None
    if digests != [actual]:
        return "HASH_FAILURE"
    try:
        TolerantSignatureValidator().validate_signature(
            counter["signature"].native,
            attributes.untag().dump(),
            cert.public_key,
            counter["signature_algorithm"],
            SignatureValidationContext(contextual_md_algorithm=algorithm, prehashed=False),
        )
    except InvalidSignature:
        return "SIG_CRYPTO_FAILURE"
    except (UnverifiableAlgorithm, ValueError, TypeError):
        return None
    return None


def _certificate(
    counter: cms.SignerInfo, certificates: list[x509.Certificate]
) -> x509.Certificate | None:
    sid = counter["sid"]
    for cert in certificates:
        if sid.name == "issuer_and_serial_number":
            chosen = sid.chosen
            if (
                cert.issuer == chosen["issuer"]
                and cert.serial_number == chosen["serial_number"].native
            ):
                return cert
        elif cert.key_identifier == sid.chosen.native:
            return cert
    return None
