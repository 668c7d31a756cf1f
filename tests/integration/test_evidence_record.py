"""Evidence records (RFC 4998) made by eAkte, checked by eAkte and by EU DSS 6.4.

A real RFC 3161 TSA (the test PKI's, served over HTTP in the test process) stamps the
root of a hash tree over generated documents; DSS runs offline with the PKI's root as
its only trust anchor and its CRLs as the only revocation source."""

from __future__ import annotations

import hashlib
from datetime import datetime
from pathlib import Path

import pytest

from evidence import record as ers
from evidence.asn1 import EvidenceRecord
from evidence.tsa import HttpTimeStamper, facts
from evidence.verify import Finding, check, token_checker
from samples.pki import TestPki
from samples.pki_server import as_asn1_cert
from scripts.dss import validate
from tests.integration.signature_fixtures import pki, pki_server  # noqa: F401  (fixtures)

pytestmark = pytest.mark.integration

DOCUMENTS = [f"Schreiben {n}: Bauantrag Flurstück {n * 7}\n".encode() * (n + 1) for n in range(7)]


def _ours(pki: TestPki, record: EvidenceRecord, document: bytes) -> Finding:  # noqa: F811
    crls = [c for c in pki.crls.values()]
    from asn1crypto import crl as asn1_crl
    from cryptography.hazmat.primitives import serialization

    loaded = [
        asn1_crl.CertificateList.load(c.public_bytes(serialization.Encoding.DER)) for c in crls
    ]
    tokens = token_checker([as_asn1_cert(pki.root.cert)], loaded)
    return check(ers.load(record.dump()), lambda name: hashlib.new(name, document).digest(), tokens)


def _dss(pki: TestPki, folder: Path, cases: dict[str, tuple[bytes, bytes]]) -> dict[str, dict]:  # noqa: F811
    """DSS's evidence-record verdict per case (record DER, detached document)."""
    detached: dict[Path, Path] = {}
    for name, (record, document) in cases.items():
        (folder / f"{name}.ers").write_bytes(record)
        (folder / f"{name}.bin").write_bytes(document)
        detached[folder / f"{name}.ers"] = folder / f"{name}.bin"
    crls = sorted(pki.crl_dir.iterdir())
    results = validate(list(detached), [pki.root.cert_path], crls, detached=detached)
    answers = {}
    for name, result in zip(cases, results, strict=True):
        assert len(result.evidence_records) == 1, (name, result)
        answers[name] = result.evidence_records[0]
    return answers


def _flip_sibling(record: EvidenceRecord) -> bytes:
    """One byte changed in the sibling hash of the record's first hash list."""
    data = bytearray(record.dump())
    sibling = record["archive_time_stamp_sequence"][0][0]["reduced_hashtree"][0][1].native
    at = bytes(data).index(sibling)
    data[at] ^= 0x01
    return bytes(data)


def test_eakte_and_dss_accept_the_record_and_refuse_any_change(
    pki: TestPki,  # noqa: F811
    pki_server: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    stamper = HttpTimeStamper(f"{pki_server}/tsa")
    leaves = [hashlib.sha256(d).digest() for d in DOCUMENTS]
    tree, records = ers.create(leaves, stamper)
    assert len(records) == len(DOCUMENTS) and len(tree.levels) > 2
    renewed = ers.renew_timestamps(records, stamper)
    chosen = DOCUMENTS[3]
    record, later = records[leaves[3]], renewed[leaves[3]]
    first_time: datetime = facts(record["archive_time_stamp_sequence"][0][0]["time_stamp"]).time
    changed_document = bytearray(chosen)
    changed_document[10] ^= 0x20

    mine = {
        "valid": _ours(pki, record, chosen),
        "document_changed": _ours(pki, record, bytes(changed_document)),
        "record_changed": _ours(pki, ers.load(_flip_sibling(record)), chosen),
        "renewed": _ours(pki, later, chosen),
    }
    assert mine["valid"].ok, mine["valid"].lines
    assert mine["valid"].proven_time == first_time
    assert not mine["document_changed"].ok
    assert "nicht im Hashbaum" in (mine["document_changed"].reason or "")
    assert not mine["record_changed"].ok
    assert mine["renewed"].ok, mine["renewed"].lines
    assert mine["renewed"].proven_time == first_time  # renewal keeps the original time
    assert len(later["archive_time_stamp_sequence"][0]) == 2

    theirs = _dss(
        pki,
        tmp_path,
        {
            "valid": (record.dump(), chosen),
            "document_changed": (record.dump(), bytes(changed_document)),
            "record_changed": (_flip_sibling(record), chosen),
            "renewed": (later.dump(), chosen),
        },
    )
    assert theirs["valid"]["indication"] == "PASSED", theirs["valid"]
    assert theirs["renewed"]["indication"] == "PASSED", theirs["renewed"]
    for broken in ("document_changed", "record_changed"):
        assert theirs[broken]["indication"] != "PASSED", theirs[broken]
    # DSS reads the same original time from the renewed record's first timestamp
    stamped = [datetime.fromisoformat(t) for t in theirs["renewed"]["timestamps"]]
    assert abs((stamped[0] - first_time).total_seconds()) < 0.001
    assert len(stamped) == 2 and stamped[1] >= stamped[0]
