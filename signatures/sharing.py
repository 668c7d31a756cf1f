"""Work shared between the signatures of one PDF.

pyHanko's difference analysis reviews, for each signature, every later revision
against the signed one, so a file with n signatures costs n²/2 revision pairs. The
pairs differ (the old side is each signature's own revision), so whole results cannot
be reused. What repeats is finer: which revision introduced an object (a scan over all
xref sections, hundreds of thousands of times) and which new objects an object
depends on in a later revision (a walk of its object graph, once per signature for
the same revision). Both depend only on the file's unchanging bytes, so one document's
reader remembers them. The default policy's rules and settings run unchanged; only
these two lookups are answered from memory, with the same sets as pyHanko's (checked in
tests/integration/test_signature_sharing.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import HistoricalResolver, PdfFileReader
from pyhanko.sign.diff_analysis import (
    DEFAULT_DIFF_POLICY,
    DiffResult,
    StandardDiffPolicy,
    SuspiciousModification,
)
from pyhanko.sign.fields import FieldMDPSpec, MDPPerm

_MARK = "_eakte_shared"


class SharedDiffPolicy(StandardDiffPolicy):
    """pyHanko's default difference analysis, with the lookups above remembered."""

    def __init__(self) -> None:
        base = DEFAULT_DIFF_POLICY
        super().__init__(
            global_rules=base.global_rules,
            form_rule=base.form_rule,
            reject_object_freeing=base.reject_object_freeing,
            ignore_orphaned_objects=base.ignore_orphaned_objects,
            ignore_identical_objects=base.ignore_identical_objects,
        )

    def review_file(
        self,
        reader: PdfFileReader,
        base_revision: int | HistoricalResolver,
        field_mdp_spec: FieldMDPSpec | None = None,
        doc_mdp: MDPPerm | None = None,
    ) -> DiffResult | SuspiciousModification:
        share_revision_lookups(reader)
        return super().review_file(reader, base_revision, field_mdp_spec, doc_mdp)

    def apply(
        self,
        old: HistoricalResolver,
        new: HistoricalResolver,
        field_mdp_spec: FieldMDPSpec | None = None,
        doc_mdp: MDPPerm | None = None,
    ) -> DiffResult:
        share_dependencies(old)
        share_dependencies(new)
        return super().apply(old, new, field_mdp_spec, doc_mdp)


def share_revision_lookups(reader: PdfFileReader) -> None:
    """Remember, for this reader only, which revision introduced each object."""
    xrefs = reader.xrefs
    if getattr(xrefs, _MARK, False):
        return
    lookup: Callable[[generic.Reference], int] = xrefs.get_introducing_revision
    known: dict[generic.Reference, int] = {}

    def introducing_revision(ref: generic.Reference) -> int:
        try:
            return known[ref]
        except KeyError:
            revision = lookup(ref)  # an unknown object raises KeyError, as before
            known[ref] = revision
            return revision

    xrefs.get_introducing_revision = introducing_revision  # type: ignore[method-assign]
    setattr(xrefs, _MARK, True)


def share_dependencies(resolver: HistoricalResolver) -> None:
    """Remember, for this revision's view only, which references each object holds.

    pyHanko collects the objects reachable from ``obj`` through objects introduced in
    ``since_revision`` or later, walking each object's whole structure every time.
    The references an object holds depend only on the revision, not on
    ``since_revision``, so they are read once and the same reachable set is found by
    a walk over them, for every signature whose revision is older.
    """
    if getattr(resolver, _MARK, False):
        return
    introduced = resolver.reader.xrefs.get_introducing_revision
    held: dict[generic.Reference, tuple[generic.Reference, ...]] = {}

    def references_in(ref: generic.Reference) -> tuple[generic.Reference, ...]:
        try:
            return held[ref]
        except KeyError:
            found: list[generic.Reference] = []
            _direct_references(resolver(ref), found)
            held[ref] = tuple(found)
            return held[ref]

    def collect_dependencies(
        obj: generic.PdfObject, since_revision: int | None = None
    ) -> set[generic.Reference]:
        pending: list[generic.Reference] = []
        _direct_references(obj, pending)
        result: set[generic.Reference] = set()
        while pending:
            ref = pending.pop()
            if ref in result:
                continue
            # like pyHanko: an older object is neither collected nor looked into
            if since_revision is not None and introduced(ref) < since_revision:
                continue
            result.add(ref)
            pending.extend(references_in(ref))
        return result

    resolver.collect_dependencies = collect_dependencies  # type: ignore[method-assign]
    setattr(resolver, _MARK, True)


def _direct_references(obj: Any, found: list[generic.Reference]) -> None:
    """The indirect references in ``obj``, not following them (a stream's are in its
    dictionary, as pyHanko reads it)."""
    if isinstance(obj, generic.IndirectObject):
        found.append(obj.reference)
    elif isinstance(obj, generic.DictionaryObject):
        for value in obj.values():
            _direct_references(value, found)
    elif isinstance(obj, generic.ArrayObject):
        for value in obj:
            _direct_references(value, found)
