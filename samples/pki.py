"""A throw-away test PKI for signature validation, generated in code on every run.

Nothing here is checked in: keys, certificates and CRLs are minted for one test session
around ``now``, so validity windows and the revocation date are always consistent with
the clock the signatures are made with. The revocation and time-stamp servers that go
with it live in ``samples.pki_server``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import AuthorityInformationAccessOID, ExtendedKeyUsageOID, NameOID
from pyhanko.sign.ades.qualified_asn1 import QcCertificateType, QcStatements

ROOT = "root"
INTERMEDIATE = "intermediate"
OTHER_ROOT = "other_root"
TSA = "tsa"
OCSP = "ocsp"
SIGNERS = ("valid", "valid2", "expired", "revoked", "untrusted", "qualified", "brainpool")

# ETSI EN 319 412-5: the QCStatements an eIDAS qualified signature certificate carries.
QC_STATEMENTS_OID = x509.ObjectIdentifier("1.3.6.1.5.5.7.1.3")
QC_COMPLIANCE = "0.4.0.1862.1.1"
QC_SSCD = "0.4.0.1862.1.4"
QCP_N_QSCD = "0.4.0.194112.1.2"  # ETSI EN 319 411-2 policy: qualified, natural person, QSCD

_KEY_BITS = 2048

PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
PublicKey = rsa.RSAPublicKey | ec.EllipticCurvePublicKey
_CRL_LAG = timedelta(minutes=5)  # CRLs and OCSP answers are issued a little before `now`
_FRESHNESS = timedelta(days=7)


@dataclass(frozen=True)
class Entity:
    """One key pair with its certificate, and where both were written."""

    name: str
    cert: x509.Certificate
    key: PrivateKey
    cert_path: Path
    key_path: Path
    issuer: str  # name of the issuing entity; itself for roots


@dataclass(frozen=True)
class TestPki:
    """Everything the corpus, the servers and the validator tests need to know."""

    __test__ = False  # not a pytest test class despite the name

    folder: Path
    port: int
    now: datetime
    trust_dir: Path  # the only trust anchor: EAKTE_TRUST_DIR
    crl_dir: Path  # current CRLs of root and intermediate: EAKTE_CRL_DIR
    entities: dict[str, Entity]
    crls: dict[str, x509.CertificateRevocationList]  # by issuing entity name
    revoked_at: datetime

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def root(self) -> Entity:
        return self.entities[ROOT]

    @property
    def intermediate(self) -> Entity:
        return self.entities[INTERMEDIATE]

    @property
    def tsa(self) -> Entity:
        return self.entities[TSA]

    @property
    def ocsp(self) -> Entity:
        return self.entities[OCSP]

    def signer(self, name: str) -> Entity:
        """A signer by role: one of SIGNERS."""
        if name not in SIGNERS or name not in self.entities:
            raise KeyError(f"no signer {name!r} in the test PKI")
        return self.entities[name]

    def chain(self, name: str) -> list[x509.Certificate]:
        """Issuer certificates of `name` up to and including its root (not `name` itself)."""
        certs: list[x509.Certificate] = []
        current = self.entities[name]
        while current.issuer != current.name:
            current = self.entities[current.issuer]
            certs.append(current.cert)
        return certs


def _name(common_name: str, organisation: str, unit: str | None = None) -> x509.Name:
    attributes = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "DE"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
    ]
    if unit:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, unit))
    attributes.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name))
    return x509.Name(attributes)


def _person(given: str, surname: str, serial: str) -> x509.Name:
    """Signature certificates name a natural person, as German qualified certificates do."""
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "DE"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Stadt Lindenau"),
            x509.NameAttribute(NameOID.GIVEN_NAME, given),
            x509.NameAttribute(NameOID.SURNAME, surname),
            x509.NameAttribute(NameOID.SERIAL_NUMBER, f"DE-{serial}"),
            x509.NameAttribute(NameOID.COMMON_NAME, f"{given} {surname}"),
        ]
    )


def _qc_statements() -> x509.UnrecognizedExtension:
    """QcCompliance + QcSSCD + QcType esign in DER; `cryptography` has no builder for it."""
    statements = QcStatements(
        [
            {"statement_id": "qc_compliance"},
            {"statement_id": "qc_sscd"},
            {"statement_id": "qc_type", "statement_info": QcCertificateType(["qct_esign"])},
        ]
    )
    return x509.UnrecognizedExtension(QC_STATEMENTS_OID, statements.dump())


@dataclass(frozen=True)
class _Spec:
    """What distinguishes one certificate from another in this PKI."""

    name: str
    subject: x509.Name
    issuer: str
    not_before: datetime
    not_after: datetime
    kind: str  # "ca", "signer", "tsa", "ocsp"
    qualified: bool = False
    curve: ec.EllipticCurve | None = None  # an ECDSA key on this curve instead of RSA


def _specs(now: datetime) -> list[_Spec]:
    """Issuers first, so every issuer exists before what it signs."""
    day, year = timedelta(days=1), timedelta(days=365)
    old, far = now - 2 * year, now + 10 * year  # CA lifetimes
    recent, ahead = now - timedelta(days=30), now + 2 * year  # end-entity lifetimes
    org = "eAkte Test-PKI"
    mid = INTERMEDIATE
    return [
        _Spec(ROOT, _name("eAkte Test-Wurzel", org), ROOT, old, far, "ca"),
        _Spec(OTHER_ROOT, _name("Fremde Test-Wurzel", "Fremde Stelle"), OTHER_ROOT, old, far, "ca"),
        _Spec(mid, _name("eAkte Test-Zwischen-CA", org), ROOT, old, now + 5 * year, "ca"),
        _Spec(TSA, _name("eAkte Test-Zeitstempeldienst", org), mid, recent, ahead, "tsa"),
        _Spec(OCSP, _name("eAkte Test-OCSP-Responder", org), mid, recent, ahead, "ocsp"),
        _Spec("valid", _person("Erika", "Mustermann", "1001"), mid, recent, ahead, "signer"),
        _Spec("valid2", _person("Max", "Mustermann", "1002"), mid, recent, ahead, "signer"),
        _Spec("expired", _person("Hans", "Abgelaufen", "1003"), mid, old, now - day, "signer"),
        _Spec("revoked", _person("Gisela", "Widerruf", "1004"), mid, recent, ahead, "signer"),
        _Spec("untrusted", _person("Fritz", "Fremd", "1005"), OTHER_ROOT, recent, ahead, "signer"),
        _Spec("qualified", _person("Katrin", "Qualifiziert", "1006"), mid, recent, ahead, "signer",
              qualified=True),
        # German qualified signature cards sign with ECDSA on brainpool curves
        _Spec("brainpool", _person("Bernd", "Brainpool", "1007"), mid, recent, ahead, "signer",
              curve=ec.BrainpoolP256R1()),
    ]  # fmt: skip


def _key_usage(kind: str) -> x509.KeyUsage:
    """CAs sign certificates and CRLs; people sign with non-repudiation; services just sign."""
    return x509.KeyUsage(
        digital_signature=kind != "ca",
        content_commitment=kind == "signer",
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=kind == "ca",
        crl_sign=kind == "ca",
        encipher_only=False,
        decipher_only=False,
    )


def _revocation_pointers(issuer: str, port: int) -> list[x509.ExtensionType]:
    """Where a relying party finds the issuer's CRL, its OCSP responder and its certificate."""
    url = f"http://127.0.0.1:{port}"
    crl = x509.UniformResourceIdentifier(f"{url}/crl/{issuer}.crl")
    aia = AuthorityInformationAccessOID
    return [
        x509.CRLDistributionPoints([x509.DistributionPoint([crl], None, None, None)]),
        x509.AuthorityInformationAccess(
            [
                x509.AccessDescription(aia.OCSP, x509.UniformResourceIdentifier(f"{url}/ocsp")),
                x509.AccessDescription(
                    aia.CA_ISSUERS, x509.UniformResourceIdentifier(f"{url}/certs/{issuer}.cer")
                ),
            ]
        ),
    ]


def _extensions(
    spec: _Spec, public_key: PublicKey, issuer_key: PublicKey, port: int
) -> list[tuple[x509.ExtensionType, bool]]:
    """(extension, critical) pairs for one certificate."""
    is_root = spec.issuer == spec.name
    result: list[tuple[x509.ExtensionType, bool]] = [
        (x509.BasicConstraints(ca=spec.kind == "ca", path_length=None), True),
        (x509.SubjectKeyIdentifier.from_public_key(public_key), False),
        (_key_usage(spec.kind), True),
    ]
    if not is_root:
        result.append((x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key), False))
    if spec.kind == "tsa":  # RFC 3161 §2.3: the only EKU, and critical
        result.append((x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), True))
    if spec.kind == "ocsp":  # RFC 6960 §4.2.2.2: delegated responder, never checked itself
        result.append((x509.ExtendedKeyUsage([ExtendedKeyUsageOID.OCSP_SIGNING]), False))
        result.append((x509.OCSPNoCheck(), False))
    if spec.qualified:
        policy = x509.PolicyInformation(x509.ObjectIdentifier(QCP_N_QSCD), None)
        result.append((_qc_statements(), False))
        result.append((x509.CertificatePolicies([policy]), False))
    if not is_root and spec.kind != "ocsp":
        result.extend((extension, False) for extension in _revocation_pointers(spec.issuer, port))
    return result


def _issue(
    spec: _Spec,
    key: PrivateKey,
    issuer: tuple[x509.Certificate, PrivateKey] | None,
    serial: int,
    port: int,
) -> x509.Certificate:
    issuer_name = issuer[0].subject if issuer else spec.subject
    signing_key = issuer[1] if issuer else key
    builder = (
        x509.CertificateBuilder()
        .subject_name(spec.subject)
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(serial)
        .not_valid_before(spec.not_before)
        .not_valid_after(spec.not_after)
    )
    for extension, critical in _extensions(spec, key.public_key(), signing_key.public_key(), port):
        builder = builder.add_extension(extension, critical=critical)
    return builder.sign(signing_key, hashes.SHA256())


def _crl(
    issuer: Entity, revoked: list[tuple[int, datetime]], now: datetime, number: int
) -> x509.CertificateRevocationList:
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(issuer.cert.subject)
        .last_update(now - _CRL_LAG)
        .next_update(now + _FRESHNESS)
        .add_extension(x509.CRLNumber(number), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()),
            critical=False,
        )
    )
    for serial, when in revoked:
        entry = (
            x509.RevokedCertificateBuilder()
            .serial_number(serial)
            .revocation_date(when)
            .add_extension(x509.CRLReason(x509.ReasonFlags.key_compromise), critical=False)
            .build()
        )
        builder = builder.add_revoked_certificate(entry)
    return builder.sign(issuer.key, hashes.SHA256())


def _write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def build_test_pki(folder: Path, *, port: int, now: datetime | None = None) -> TestPki:
    """Mint the whole PKI under `folder`; URLs in the certificates point at `port`.

    `now` should be the real clock (the default): pyHanko stamps signatures with the wall
    clock, and the `expired` and `revoked` cases are only meaningful relative to it.
    """
    now = (now or datetime.now(UTC)).replace(microsecond=0)
    entities: dict[str, Entity] = {}
    for serial_base, spec in enumerate(_specs(now), start=1):
        key: PrivateKey = (
            ec.generate_private_key(spec.curve)
            if spec.curve is not None
            else rsa.generate_private_key(public_exponent=65537, key_size=_KEY_BITS)
        )
        issuer = None if spec.issuer == spec.name else entities[spec.issuer]
        serial = 0x1000 * serial_base + 0xA5  # distinct, positive, easy to spot in dumps
        cert = _issue(spec, key, (issuer.cert, issuer.key) if issuer else None, serial, port)
        cert_path = _write(
            folder / "certs" / f"{spec.name}.pem", cert.public_bytes(serialization.Encoding.PEM)
        )
        key_path = _write(
            folder / "keys" / f"{spec.name}.key.pem",
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            ),
        )
        entities[spec.name] = Entity(spec.name, cert, key, cert_path, key_path, spec.issuer)

    trust_dir = folder / "trust"
    _write(trust_dir / "root.pem", entities[ROOT].cert.public_bytes(serialization.Encoding.PEM))

    revoked_at = now - timedelta(hours=1)
    revoked_serial = entities["revoked"].cert.serial_number
    crls = {
        ROOT: _crl(entities[ROOT], [], now, 1),
        INTERMEDIATE: _crl(entities[INTERMEDIATE], [(revoked_serial, revoked_at)], now, 1),
        OTHER_ROOT: _crl(entities[OTHER_ROOT], [], now, 1),
    }
    crl_dir = folder / "crl"
    for name in (ROOT, INTERMEDIATE):  # the foreign root's CRL is only served, not trusted
        _write(crl_dir / f"{name}.crl", crls[name].public_bytes(serialization.Encoding.DER))

    return TestPki(
        folder=folder,
        port=port,
        now=now,
        trust_dir=trust_dir,
        crl_dir=crl_dir,
        entities=entities,
        crls=crls,
        revoked_at=revoked_at,
    )
