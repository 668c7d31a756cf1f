"""The ASN.1 of RFC 4998 (Evidence Record Syntax), in asn1crypto like the rest of pyHanko.

asn1crypto has no ERS types; these follow the RFC's module, which is written with
``IMPLICIT TAGS``: the ``[0] AlgorithmIdentifier`` of an ArchiveTimeStamp is the
algorithm's SEQUENCE content under context tag 0, and so on.
"""

from __future__ import annotations

from asn1crypto import algos, cms, core


class PartialHashtree(core.SequenceOf):  # type: ignore[misc]
    """One level of a reduced hash tree: hash values, sorted when hashed together."""

    _child_spec = core.OctetString


class ReducedHashtree(core.SequenceOf):  # type: ignore[misc]
    _child_spec = PartialHashtree


class ArchiveTimeStamp(core.Sequence):  # type: ignore[misc]
    _fields = [  # noqa: RUF012  (asn1crypto's class-attribute spec)
        ("digest_algorithm", algos.DigestAlgorithm, {"implicit": 0, "optional": True}),
        ("attributes", cms.CMSAttributes, {"implicit": 1, "optional": True}),
        ("reduced_hashtree", ReducedHashtree, {"implicit": 2, "optional": True}),
        ("time_stamp", cms.ContentInfo),
    ]


class ArchiveTimeStampChain(core.SequenceOf):  # type: ignore[misc]
    """Archive timestamps of one hash algorithm, each renewing the one before."""

    _child_spec = ArchiveTimeStamp


class ArchiveTimeStampSequence(core.SequenceOf):  # type: ignore[misc]
    """Chains in order; a new chain starts with each hash-tree renewal."""

    _child_spec = ArchiveTimeStampChain


class DigestAlgorithms(core.SequenceOf):  # type: ignore[misc]
    _child_spec = algos.DigestAlgorithm


class CryptoInfos(core.SequenceOf):  # type: ignore[misc]
    _child_spec = cms.CMSAttribute


class EncryptionInfo(core.Sequence):  # type: ignore[misc]
    _fields = [  # noqa: RUF012  (asn1crypto's class-attribute spec)
        ("encryption_info_type", core.ObjectIdentifier),
        ("encryption_info_value", core.Any),
    ]


class EvidenceRecord(core.Sequence):  # type: ignore[misc]
    _fields = [  # noqa: RUF012  (asn1crypto's class-attribute spec)
        ("version", core.Integer),
        ("digest_algorithms", DigestAlgorithms),
        ("crypto_infos", CryptoInfos, {"implicit": 0, "optional": True}),
        ("encryption_info", EncryptionInfo, {"implicit": 1, "optional": True}),
        ("archive_time_stamp_sequence", ArchiveTimeStampSequence),
    ]


VERSION = 1
