"""FakeIndex: an in-memory ``SearchIndex`` for stage tests (fake, named as such).

Matches whole lower-cased words, every query word must occur; enough to tell whether a
record reached the index, not a model of ranking."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from eakte.ports import IndexDocument, SearchHit, SearchResult


class FakeIndex:
    def __init__(self) -> None:
        self.documents: dict[str, IndexDocument] = {}
        self.upserts = 0

    def upsert(self, documents: Sequence[IndexDocument]) -> None:
        self.upserts += 1
        for document in documents:
            self.documents[document.id] = document

    def delete(self, ids: Sequence[str]) -> None:
        for record_id in ids:
            self.documents.pop(record_id, None)

    def search(
        self, query: str, limit: int = 10, *, filters: Mapping[str, str] | None = None
    ) -> SearchResult:
        words = query.lower().split()
        hits = [
            SearchHit(id=d.id, score=1.0, doc_type=d.doc_type, snippet=d.text[:80])
            for d in self.documents.values()
            if all(w in f"{d.text} {d.title_and_keywords}".lower().split() for w in words)
            and all(getattr(d, k) == v for k, v in (filters or {}).items())
        ]
        return SearchResult(total=len(hits), hits=hits[:limit])

    def count(self) -> int:
        return len(self.documents)

    def clear(self) -> None:
        self.documents.clear()

    def rebuild(self, documents: Iterable[IndexDocument]) -> int:
        self.clear()
        self.upsert(list(documents))
        return len(self.documents)

    def close(self) -> None:
        pass
