"""Evidence records made and renewed (RFC 4998 §4 and §5.2), independent of storage.

Creation: one hash tree over all data objects, one timestamp over its root, and per data
object a record holding its reduced hash tree and that timestamp.
Timestamp renewal (§5.2): before the TSA's key or algorithm weakens, a new archive
timestamp over the hash of the last timestamp token joins the same chain.
Hash-tree renewal (§5.2): before the hash algorithm weakens, each object's hash under the
new algorithm is chained with the hash of its archive timestamp sequence so far,
``H(h(d) || H(ATSSeq))`` (the concatenation unsorted, as RFC 4998 §5.2 item 4 and EU DSS
read it), and a new tree over those values starts a new chain.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence

from asn1crypto import algos, cms

from evidence.asn1 import (
    VERSION,
    ArchiveTimeStamp,
    ArchiveTimeStampChain,
    ArchiveTimeStampSequence,
    EvidenceRecord,
)
from evidence.tree import HashTree, Path
from evidence.tsa import TimeStamper

DEFAULT_ALGORITHM = "sha256"


def digest(data: bytes, algorithm: str) -> bytes:
    return hashlib.new(algorithm, data).digest()


def archive_timestamp(
    token: cms.ContentInfo, algorithm: str, path: Path | None = None
) -> ArchiveTimeStamp:
    fields: dict[str, object] = {
        "digest_algorithm": algos.DigestAlgorithm({"algorithm": algorithm}),
        "time_stamp": token,
    }
    if path:
        fields["reduced_hashtree"] = path
    return ArchiveTimeStamp(fields)


def _record(chains: list[list[ArchiveTimeStamp]]) -> EvidenceRecord:
    used: list[str] = []
    for chain in chains:
        name = chain[0]["digest_algorithm"]["algorithm"].native
        if name not in used:
            used.append(name)
    return EvidenceRecord(
        {
            "version": VERSION,
            "digest_algorithms": [algos.DigestAlgorithm({"algorithm": a}) for a in used],
            "archive_time_stamp_sequence": ArchiveTimeStampSequence(
                [ArchiveTimeStampChain(chain) for chain in chains]
            ),
        }
    )


def chains_of(record: EvidenceRecord) -> list[list[ArchiveTimeStamp]]:
    return [list(chain) for chain in record["archive_time_stamp_sequence"]]


def chain_algorithm(chain: Sequence[ArchiveTimeStamp]) -> str:
    name: str = chain[0]["digest_algorithm"]["algorithm"].native
    return name


def create(
    leaves: Sequence[bytes], stamper: TimeStamper, algorithm: str = DEFAULT_ALGORITHM
) -> tuple[HashTree, dict[bytes, EvidenceRecord]]:
    """One record per distinct leaf (a data object's hash under ``algorithm``).

    The records are written as DER here rather than through asn1crypto objects: they
    share one timestamp token, and asn1crypto re-encoding it per record costs
    milliseconds each, minutes for a large Akte. ``encode_first`` gives the same bytes
    as the asn1crypto classes (checked in the tests)."""
    tree = HashTree.build(leaves, algorithm)
    token = stamper.stamp(tree.root, algorithm)
    token_der = token.dump()
    algorithm_der = algos.DigestAlgorithm({"algorithm": algorithm}).dump()
    records = {
        leaf: EvidenceRecord.load(encode_first(token_der, algorithm_der, path))
        for leaf, path in tree.paths().items()
    }
    return tree, records


def _tlv(tag: int, content: bytes) -> bytes:
    size = len(content)
    if size < 0x80:
        return bytes([tag, size]) + content
    length = size.to_bytes((size.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(length)]) + length + content


def encode_first(token_der: bytes, algorithm_der: bytes, path: Path) -> bytes:
    """DER of an evidence record with one chain of one archive timestamp."""
    implicit_algorithm = bytes([0xA0]) + algorithm_der[1:]  # [0] IMPLICIT, constructed
    parts = [implicit_algorithm]
    if path:
        lists = b"".join(
            _tlv(0x30, b"".join(_tlv(0x04, value) for value in values)) for values in path
        )
        parts.append(_tlv(0xA2, lists))
    parts.append(token_der)
    stamp = _tlv(0x30, b"".join(parts))
    sequence = _tlv(0x30, _tlv(0x30, stamp))
    return _tlv(0x30, bytes([0x02, 0x01, VERSION]) + _tlv(0x30, algorithm_der) + sequence)


def renewal_digest(record: EvidenceRecord) -> tuple[bytes, str]:
    """What a timestamp renewal stamps: the hash of the last timestamp token (DER),
    under the last chain's algorithm."""
    chain = chains_of(record)[-1]
    algorithm = chain_algorithm(chain)
    return digest(chain[-1]["time_stamp"].dump(), algorithm), algorithm


def renew_timestamps(
    records: Mapping[bytes, EvidenceRecord], stamper: TimeStamper
) -> dict[bytes, EvidenceRecord]:
    """A new timestamp at the end of each record's last chain; records whose last token
    is the same (one Akte stamped together) share one new timestamp."""
    tokens: dict[tuple[bytes, str], cms.ContentInfo] = {}
    renewed: dict[bytes, EvidenceRecord] = {}
    for key, record in records.items():
        value, algorithm = renewal_digest(record)
        if (value, algorithm) not in tokens:
            tokens[(value, algorithm)] = stamper.stamp(value, algorithm)
        chains = chains_of(record)
        chains[-1].append(archive_timestamp(tokens[(value, algorithm)], algorithm))
        renewed[key] = _record(chains)
    return renewed


def sequence_digest(record: EvidenceRecord, algorithm: str) -> bytes:
    """H(ATSSeq): the hash of the DER of every chain so far."""
    return digest(record["archive_time_stamp_sequence"].dump(), algorithm)


def renewed_leaf(document_digest: bytes, record: EvidenceRecord, algorithm: str) -> bytes:
    """h(d)' = H(h(d) || H(ATSSeq)) for a hash-tree renewal."""
    return digest(document_digest + sequence_digest(record, algorithm), algorithm)


def renew_hash_tree(
    records: Mapping[bytes, EvidenceRecord],
    document_digest: Callable[[bytes, str], bytes],
    stamper: TimeStamper,
    algorithm: str = DEFAULT_ALGORITHM,
) -> dict[bytes, EvidenceRecord]:
    """A new chain for every record under ``algorithm``; ``document_digest(key,
    algorithm)`` gives the data object's hash under it (read from the original)."""
    leaves = {
        key: renewed_leaf(document_digest(key, algorithm), record, algorithm)
        for key, record in records.items()
    }
    tree = HashTree.build(list(leaves.values()), algorithm)
    token = stamper.stamp(tree.root, algorithm)
    paths = tree.paths()
    renewed: dict[bytes, EvidenceRecord] = {}
    for key, record in records.items():
        chains = chains_of(record)
        chains.append([archive_timestamp(token, algorithm, paths[leaves[key]])])
        renewed[key] = _record(chains)
    return renewed


def load(data: bytes) -> EvidenceRecord:
    record: EvidenceRecord = EvidenceRecord.load(data, strict=True)
    _ = record.native  # parse everything now: a damaged record fails here, not later
    return record
