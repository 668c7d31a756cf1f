"""Full-text index behind ``eakte.ports.SearchIndex``: tantivy, embedded.

The German analysis lives in ``search.german``; ``bench/index`` measured tantivy against
SQLite FTS5 (kept there as the peer) before tantivy was chosen.
"""
