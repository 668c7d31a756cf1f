"""What an Elasticsearch index under the alias looks like: the schema version kept in its
``_meta``, the keyword fields filters and facets use, and the analysis chain that mirrors
``search.german`` (historical print folded by character filters, then lowercase,
asciifolding and Snowball German). Kept apart from the client so the one place that
says how text is analysed on the server is short enough to read."""

from __future__ import annotations

from typing import Any, Literal

from eakte.ports import FACETS, MEDIA_FACETS
from search import german

Analysis = Literal["german", "standard", "client"]
# 2: department, restricted; 3: holding, place, dated span; 4: media;
# 5: day and year of receipt (received_on, received_year), sender
SCHEMA_VERSION = 5
FILTER_FIELDS = frozenset({"status", "media_type", *FACETS, *MEDIA_FACETS})
FOLDING = ["lowercase", "asciifolding"]
SNOWBALL = {"type": "snowball", "language": "German"}


def index_template(
    analysis: Analysis, shards: int = 1, replicas: int | None = None
) -> dict[str, Any]:
    """Settings and the explicit mapping of every index under the alias."""
    settings: dict[str, Any] = {"number_of_shards": shards}
    if replicas is None:
        settings["auto_expand_replicas"] = "0-1"
    else:
        settings["number_of_replicas"] = replicas
    keywords = {name: {"type": "keyword"} for name in ("id", *FILTER_FIELDS)}
    mapping: dict[str, Any] = {
        "dynamic": "strict",
        "_meta": {"eakte": {"schema": SCHEMA_VERSION, "analysis": analysis}},
        "properties": {
            **keywords,
            "restricted": {"type": "boolean"},
            "received_at": {"type": "date"},
            "received_on": {"type": "date", "format": "yyyy-MM-dd"},  # the office's day
            "date_from": {"type": "date", "format": "yyyy-MM-dd"},
            "date_to": {"type": "date", "format": "yyyy-MM-dd"},
        },
    }
    if analysis == "client":
        terms, stored = {"type": "text", "analyzer": "whitespace"}, {"type": "text", "index": False}
        mapping["_source"] = {"excludes": ["title_terms", "text_terms"]}  # derived, large
        mapping["properties"] |= {"title": stored, "text": stored}
        mapping["properties"] |= {"title_terms": terms, "text_terms": terms}
        return {"settings": settings, "mappings": mapping}
    if analysis == "german":
        char_filters = historical_char_filters()
        chain = {
            "char_filter": list(char_filters),
            "tokenizer": "standard",
            "filter": [*FOLDING, "german_snowball"],
        }
        settings["analysis"] = {
            "char_filter": char_filters,
            "filter": {"german_snowball": SNOWBALL},
            "analyzer": {"german_folded": {"type": "custom", **chain}},
        }
    analyzer = "german_folded" if analysis == "german" else "standard"
    analysed = {"type": "text", "analyzer": analyzer, "index_options": "offsets"}
    mapping["properties"] |= {"title": analysed, "text": analysed}
    return {"settings": settings, "mappings": mapping}


def historical_char_filters() -> dict[str, dict[str, Any]]:
    """The server's side of ``search.german``'s historical print: the glyphs and old
    umlauts as a mapping, each spelling rule as a pattern replacement (Java's regex
    reads the patterns as Python's does, with Unicode classes for ``\\b``)."""
    glyphs = {**german.HISTORICAL_GLYPHS, **german.OLD_UMLAUTS}
    filters: dict[str, dict[str, Any]] = {
        "historical_glyphs": {
            "type": "mapping",
            "mappings": [f"{old} => {new}" for old, new in glyphs.items()],
        }
    }
    for number, (pattern, suffix) in enumerate(german.HISTORICAL_SPELLINGS, start=1):
        filters[f"historical_spelling_{number}"] = {
            "type": "pattern_replace",
            "pattern": pattern,
            "replacement": f"$1{suffix}",
            "flags": "CASE_INSENSITIVE|UNICODE_CASE|UNICODE_CHARACTER_CLASS",
        }
    return filters
