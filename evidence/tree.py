"""The hash tree of RFC 4998 §4.2 over many documents' hashes, and the reduced hash tree
(one path from a leaf to the root) each document's evidence record carries.

A node's hash is the hash of its children's hashes sorted in binary ascending order and
concatenated. Nodes are grouped in pairs; with an odd count the last three form one
group, so no list ever holds a single value: RFC 4998 would hash a lone value again,
RFC 6283 (and EU DSS for both) pass it on unchanged, and a tree without lone values
reads the same under either rule. The first list of a path holds the leaf and its
group; every later list holds only the siblings, the value computed so far joins them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

Path = list[list[bytes]]  # a reduced hash tree: lists of hash values, leaf level first


def node_hash(values: Sequence[bytes], algorithm: str = "sha256") -> bytes:
    """The hash over values sorted in binary ascending order and concatenated."""
    digest = hashlib.new(algorithm)
    for value in sorted(values):
        digest.update(value)
    return digest.digest()


def _groups(count: int) -> list[range]:
    """Pairs; the last group takes three when the count is odd."""
    if count < 2:
        return [range(count)]
    groups = [range(start, start + 2) for start in range(0, count - 1, 2)]
    if count % 2:
        last = groups.pop()
        groups.append(range(last.start, count))
    return groups


@dataclass(frozen=True)
class HashTree:
    """All levels of the tree; ``levels[0]`` the distinct leaves in a fixed order."""

    algorithm: str
    levels: list[list[bytes]]

    @classmethod
    def build(cls, leaves: Sequence[bytes], algorithm: str = "sha256") -> HashTree:
        ordered = sorted(set(leaves))  # a document filed twice is one data object
        if not ordered:
            raise ValueError("Ein Hashbaum braucht mindestens einen Wert")
        levels = [ordered]
        while len(levels[-1]) > 1:
            below = levels[-1]
            levels.append(
                [node_hash([below[i] for i in group], algorithm) for group in _groups(len(below))]
            )
        return cls(algorithm, levels)

    @property
    def root(self) -> bytes:
        return self.levels[-1][0]

    def path(self, leaf: bytes) -> Path:
        """The reduced hash tree for one leaf: empty when the leaf is the root."""
        index = _find(self.levels[0], leaf)
        lists: Path = []
        for depth, level in enumerate(self.levels[:-1]):
            group = next(g for g in _groups(len(level)) if index in g)
            members = [level[i] for i in group]
            lists.append(members if depth == 0 else [level[i] for i in group if i != index])
            index = _groups(len(level)).index(group)
        return lists

    def paths(self) -> dict[bytes, Path]:
        """Every leaf's reduced hash tree (one pass over the levels, for large Akten)."""
        result: dict[bytes, Path] = {leaf: [] for leaf in self.levels[0]}
        owners: list[list[bytes]] = [[leaf] for leaf in self.levels[0]]  # leaves under a node
        for depth, level in enumerate(self.levels[:-1]):
            above: list[list[bytes]] = []
            for group in _groups(len(level)):
                members = [level[i] for i in group]
                for i in group:
                    listed = members if depth == 0 else [level[j] for j in group if j != i]
                    for leaf in owners[i]:
                        result[leaf].append(listed)
                above.append([leaf for i in group for leaf in owners[i]])
            owners = above
        return result


def root_of(leaf: bytes, path: Path, algorithm: str = "sha256") -> bytes | None:
    """The root a reduced hash tree leads to from ``leaf`` (RFC 4998 §4.3), or None when
    the leaf is not in its first list. A lone value is passed on unhashed (RFC 6283)."""
    if not path:
        return leaf
    if leaf not in path[0]:
        return None
    value: bytes | None = None
    for values in path:
        members = list(values) if value is None else [*values, value]
        value = members[0] if len(members) == 1 else node_hash(members, algorithm)
    return value


def _find(ordered: list[bytes], leaf: bytes) -> int:
    import bisect

    index = bisect.bisect_left(ordered, leaf)
    if index == len(ordered) or ordered[index] != leaf:
        raise KeyError(leaf.hex())
    return index
