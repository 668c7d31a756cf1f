"""Facts about certificates that the report states, read with asn1crypto."""

from __future__ import annotations

import hashlib
from datetime import datetime

from asn1crypto import x509

from signatures.model import CertificateFacts

QC_STATEMENTS_OID = "1.3.6.1.5.5.7.1.3"
# id-etsi-qcs-QcCompliance (0.4.0.1862.1.1), DER-encoded as it appears inside the extension
QC_COMPLIANCE_DER = bytes.fromhex("060604008e460101")


def certificate_facts(cert: x509.Certificate) -> CertificateFacts:
    validity = cert["tbs_certificate"]["validity"]
    return CertificateFacts(
        subject=cert.subject.human_friendly,
        issuer=cert.issuer.human_friendly,
        serial=format(cert.serial_number, "x"),
        not_before=validity["not_before"].native,
        not_after=validity["not_after"].native,
        sha256=hashlib.sha256(cert.dump()).hexdigest(),
    )


def expired_at(cert: x509.Certificate, moment: datetime | None) -> bool | None:
    """Whether the certificate was outside its validity period at ``moment``."""
    if moment is None:
        return None
    validity = cert["tbs_certificate"]["validity"]
    not_before: datetime = validity["not_before"].native
    not_after: datetime = validity["not_after"].native
    return not (not_before <= moment <= not_after)


def key_usage_allows_signing(cert: x509.Certificate) -> bool:
    usage = cert.key_usage_value
    if usage is None:
        return True  # no restriction stated
    names = set(usage.native)
    return bool(names & {"non_repudiation", "digital_signature"})


def claims_qualified(cert: x509.Certificate) -> bool:
    """eIDAS: a QCStatements extension with QcCompliance marks a qualified certificate."""
    for extension in cert["tbs_certificate"]["extensions"]:
        if extension["extn_id"].dotted == QC_STATEMENTS_OID:
            return QC_COMPLIANCE_DER in extension["extn_value"].contents
    return False
