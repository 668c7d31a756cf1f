"""What later revisions changed on the pages a signature covers.

pyHanko's difference analysis is strict: anything it cannot classify as form filling or
long-term-validation data is "suspicious", including a page's ``/Resources`` re-issued
unchanged. EU DSS does not fail a signature for that; it fails only when the number of
pages changed, and warns about visual differences. So we compare the pages themselves:
the page count, and per page what decides how it looks (content streams, resources,
boxes, rotation), with re-issued identical objects counting as unchanged. Annotations
are left out: adding one (a later signer's widget, a note) is not a change of content.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import PdfFileReader

_PAGE_KEYS = ("/Contents", "/Resources", "/MediaBox", "/CropBox", "/Rotate")
_INHERITED = ("/Resources", "/MediaBox", "/CropBox", "/Rotate")
_STREAM_FORMAT_KEYS = {"/Length", "/Filter", "/DecodeParms"}
_BUDGET = 50_000  # objects compared per page at most; beyond it we cannot tell
_MAX_DEPTH = 40


class _Undecided(Exception):
    """The comparison ran out of budget or met something it cannot read."""


@dataclass(frozen=True)
class PageChanges:
    pages_signed: int
    pages_now: int
    changed: tuple[int, ...]  # 1-based numbers of pages that look different now

    @property
    def page_count_changed(self) -> bool:
        return self.pages_signed != self.pages_now


def page_changes(reader: PdfFileReader, signed_revision: int) -> PageChanges | None:
    """Pages of the signed revision against the latest one; None if that cannot be told
    (damaged page tree, or too large to compare)."""
    try:
        before = _pages(reader.get_historical_root(signed_revision))
        after = _pages(reader.root)
        if len(before) != len(after):
            return PageChanges(len(before), len(after), ())
        changed = tuple(
            number
            for number, (old, new) in enumerate(zip(before, after, strict=True), start=1)
            if not _same_page(old, new)
        )
    except Exception:  # a damaged revision or exhausted budget: we cannot tell
        return None
    return PageChanges(len(before), len(after), changed)


def signature_dictionary_changed(
    reader: PdfFileReader, reference: generic.IndirectObject, signed_end: int
) -> bool:
    """Whether the signature dictionary was written again after the revision its
    /ByteRange covers (ending at ``signed_end``) with other content (EU DSS: "not
    consistent between signed and final revisions"). pyHanko takes the dictionary's
    last change as the signed revision, so it cannot see this. /Reference (DocMDP data)
    is left out as DSS does; what cannot be compared counts as unchanged."""
    try:
        xrefs = reader.xrefs
        covered = [
            revision
            for revision in range(xrefs.total_revisions)
            if xrefs.get_xref_container_info(revision).end_location <= signed_end
        ]
        if not covered or xrefs.get_last_change(reference.reference) <= max(covered):
            return False
        before = reader.get_historical_resolver(max(covered))(reference.reference)
        after = reference.get_object()  # type: ignore[no-untyped-call]
        return not _same_dict(before, after, [_BUDGET], 0, skip={"/Reference"})
    except Exception:  # a damaged revision or exhausted budget: we cannot tell
        return False


def _pages(root: generic.DictionaryObject) -> list[dict[str, Any]]:
    """The pages in order, each with its inherited attributes filled in."""
    pages: list[dict[str, Any]] = []
    seen: set[int] = set()

    def walk(node: generic.DictionaryObject, inherited: dict[str, Any], depth: int) -> None:
        if depth > _MAX_DEPTH or id(node) in seen:
            raise _Undecided
        seen.add(id(node))
        here = {**inherited, **{key: node.raw_get(key) for key in _INHERITED if key in node}}
        if node.get("/Type") == "/Pages" or "/Kids" in node:
            for kid in node["/Kids"]:
                walk(_resolve(kid), here, depth + 1)
            return
        pages.append({**here, **{key: node.raw_get(key) for key in _PAGE_KEYS if key in node}})

    walk(root["/Pages"], {}, 0)
    return pages


def _same_page(old: dict[str, Any], new: dict[str, Any]) -> bool:
    if set(old) != set(new):
        return False
    budget = [_BUDGET]
    return all(_same(old[key], new[key], budget, 0) for key in old)


def _same(a: Any, b: Any, budget: list[int], depth: int) -> bool:
    """Structural equality with references resolved: an object re-issued under a new
    number with the same content is the same."""
    budget[0] -= 1
    if budget[0] < 0 or depth > _MAX_DEPTH:
        raise _Undecided
    a, b = _resolve(a), _resolve(b)
    if a is b:
        return True
    if isinstance(a, generic.StreamObject) or isinstance(b, generic.StreamObject):
        if not (isinstance(a, generic.StreamObject) and isinstance(b, generic.StreamObject)):
            return False
        if _stream_data(a) != _stream_data(b):
            return False
        return _same_dict(a, b, budget, depth, skip=_STREAM_FORMAT_KEYS)
    if isinstance(a, generic.DictionaryObject) and isinstance(b, generic.DictionaryObject):
        return _same_dict(a, b, budget, depth, skip=set())
    if isinstance(a, generic.ArrayObject) and isinstance(b, generic.ArrayObject):
        return len(a) == len(b) and all(
            _same(x, y, budget, depth + 1) for x, y in zip(a, b, strict=True)
        )
    if isinstance(a, list | dict) or isinstance(b, list | dict):
        return False
    return bool(type(a) is type(b) and a == b)


def _same_dict(
    a: generic.DictionaryObject,
    b: generic.DictionaryObject,
    budget: list[int],
    depth: int,
    skip: set[str],
) -> bool:
    keys = set(a) - skip
    if keys != set(b) - skip:
        return False
    # /Parent leads back up the page tree, which is compared page by page anyway
    return all(
        _same(a.raw_get(key), b.raw_get(key), budget, depth + 1)
        for key in sorted(keys)
        if key != "/Parent"
    )


def _stream_data(stream: generic.StreamObject) -> bytes:
    try:
        return bytes(stream.data)
    except Exception:  # pyHanko's decoders raise anything on bad data (even asserts)
        return bytes(stream.encoded_data)


def _resolve(obj: Any) -> Any:
    if isinstance(obj, generic.IndirectObject):
        return obj.get_object()  # type: ignore[no-untyped-call]
    return obj
