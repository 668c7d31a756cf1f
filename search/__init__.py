"""Full-text index: the embedded engines behind ``eakte.ports.SearchIndex``.

Two embedded adapters (tantivy and SQLite FTS5) share the German analysis in
``search.german``; ``bench/index`` measures them against each other.
"""
