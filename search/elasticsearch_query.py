"""How ``ElasticsearchIndex`` asks and reads back: the query built as data (never a
query string the server parses), the exact filters a caller's restrictions become, the
highlighter, and the snippets of hits. Kept apart from the client, which sends
requests and translates its errors, so each stays short enough to read."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from eakte.ports import Period, Visibility
from search import german

TITLE_BOOST = 2
_ID_LIKE = re.compile(r"[\w.:-]{1,256}", re.ASCII)
SPACE = re.compile(r"\s+")


def restrictions(
    filters: Mapping[str, str],
    visible: Visibility | None,
    period: Period | None,
    received: Period | None,
) -> list[dict[str, Any]]:
    """The filter clauses: exact fields, the caller's visibility, the dated span and
    the day of receipt. Filters of the query itself, so hits, totals, facets and
    snippets see the same subset."""
    exact: list[dict[str, Any]] = [{"term": {k: v}} for k, v in filters.items()]
    if visible is not None and not visible.restricted:
        exact.append({"term": {"restricted": False}})
    if visible is not None and visible.departments is not None:
        exact.append({"terms": {"department": list(visible.departments)}})
    exact += period_filters(period, "date_from", "date_to")
    exact += period_filters(received, "received_on", "received_on")
    return exact


def period_filters(period: Period | None, start: str, end: str) -> list[dict[str, Any]]:
    """Overlap (``Period.overlaps``): the span from field ``start`` to field ``end``
    starts before the period ends and ends after it starts; a day of receipt is a span
    whose two ends are the same field."""
    if period is None:
        return []
    filters: list[dict[str, Any]] = [{"exists": {"field": start}}]
    if period.end is not None:
        filters.append({"range": {start: {"lte": period.end.isoformat()}}})
    if period.start is not None:
        filters.append({"range": {end: {"gte": period.start.isoformat()}}})
    return filters


def bool_query(
    query: str, words: Sequence[str], fields: Sequence[str], exact: list[dict[str, Any]]
) -> dict[str, Any]:
    """All ``words`` in title or text (``fields``, title boosted), or the query is a
    record id; everything when there are no words (the filters then decide)."""
    matching: list[dict[str, Any]] = [
        {"multi_match": {"query": " ".join(words), "type": "cross_fields", "operator": "and",
                         "fields": [f"{fields[0]}^{TITLE_BOOST}", fields[1]]}}
    ]  # fmt: skip
    if _ID_LIKE.fullmatch(query.strip()):
        matching.append({"term": {"id": query.strip()}})
    must = {"dis_max": {"queries": matching}} if words else {"match_all": {}}
    return {"bool": {"must": must, "filter": exact}}


def highlight() -> dict[str, Any]:
    """Plain text (no HTML escaping), «» marks, ~200 characters; the start of the text
    when only the title matched; long texts only in their first 200,000 characters."""
    return {
        "pre_tags": [german.MARK_OPEN],
        "post_tags": [german.MARK_CLOSE],
        "fragment_size": german.SNIPPET_CHARS,
        "number_of_fragments": 1,
        "max_analyzed_offset": german.SNIPPET_SCAN_CHARS,
        "fields": {"text": {"no_match_size": german.SNIPPET_CHARS}, "title": {}},
    }


def highlighted(hit: Mapping[str, Any]) -> str:
    found = {name: " ".join(parts) for name, parts in hit.get("highlight", {}).items()}
    text, title = found.get("text", ""), found.get("title", "")
    return SPACE.sub(" ", text if german.MARK_OPEN in text or not title else title).strip()


def snippet(hit: Mapping[str, Any], terms: set[str]) -> str:
    source = hit["_source"]
    return german.make_snippet(source.get("title", ""), source.get("text", ""), terms)
