"""Searching with the caller's groups as the visibility filter, where the engine has one.

The ``SearchIndex`` port has no ``groups`` parameter yet; the Elasticsearch adapter does
(``groups=None`` there means "unrestricted", for the CLI), the embedded tantivy adapter
does not. So the web layer asks the engine once, at start, and always passes the groups
when it can: a filter the engine supports must never be dropped on the way.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping, Sequence
from typing import Protocol, cast

from eakte.ports import SearchIndex, SearchResult


class GroupFilteredIndex(Protocol):
    def search(
        self,
        query: str,
        limit: int = 10,
        *,
        filters: Mapping[str, str] | None = None,
        groups: Sequence[str] | None = None,
    ) -> SearchResult: ...


def filters_by_group(index: SearchIndex) -> bool:
    """Whether ``index.search`` takes the ``groups`` visibility filter."""
    parameter = inspect.signature(index.search).parameters.get("groups")
    return parameter is not None and parameter.kind is inspect.Parameter.KEYWORD_ONLY


def search_visible(
    index: SearchIndex,
    query: str,
    *,
    limit: int,
    filters: Mapping[str, str],
    groups: Sequence[str],
    by_group: bool,
) -> SearchResult:
    """``by_group`` is ``filters_by_group(index)``, computed once at start."""
    if by_group:
        grouped = cast(GroupFilteredIndex, index)
        return grouped.search(query, limit=limit, filters=filters, groups=list(groups))
    return index.search(query, limit=limit, filters=filters)
