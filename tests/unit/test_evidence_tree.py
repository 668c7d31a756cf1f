"""The hash tree and the record encoding of evidence records (RFC 4998), without a TSA:
every leaf's reduced hash tree leads to the root, a changed leaf or path does not, and
the fast DER writer gives the bytes the asn1crypto classes give."""

from __future__ import annotations

import hashlib

import pytest
from asn1crypto import cms

from evidence import record as ers
from evidence.tree import HashTree, root_of


def _leaves(count: int) -> list[bytes]:
    return [hashlib.sha256(f"Dokument {n}".encode()).digest() for n in range(count)]


@pytest.mark.parametrize("count", [1, 2, 3, 4, 5, 7, 8, 33])
def test_every_path_leads_to_the_root_and_no_list_is_alone(count: int) -> None:
    tree = HashTree.build(_leaves(count))
    paths = tree.paths()
    assert len(paths) == count
    for leaf, path in paths.items():
        assert path == tree.path(leaf)
        assert root_of(leaf, path) == tree.root
        assert not path or len(path[0]) >= 2  # the leaf never stands alone
    if count > 1:
        leaf, path = next(iter(paths.items()))
        changed = bytes([leaf[0] ^ 1]) + leaf[1:]
        assert root_of(changed, path) is None
        sibling = [[*path[0]], *path[1:]]
        sibling[0][1 if sibling[0][0] == leaf else 0] = b"\x00" * 32
        assert root_of(leaf, sibling) != tree.root


def test_der_writer_matches_the_asn1_classes() -> None:
    token = cms.ContentInfo({"content_type": "data", "content": b"t" * 300})

    class Fixed:
        def stamp(self, digest: bytes, algorithm: str) -> cms.ContentInfo:
            return token

    tree, records = ers.create(_leaves(40), Fixed())
    for leaf, path in tree.paths().items():
        expected = ers._record([[ers.archive_timestamp(token, "sha256", path)]]).dump()
        assert records[leaf].dump() == expected
        assert ers.load(expected).dump() == expected
