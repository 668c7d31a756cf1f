"""Accounts and the audit trail, in a SQL database (SQLAlchemy, Alembic migrations).

SQLite under the data dir in the embedded default, any SQLAlchemy URL (PostgreSQL in
distributed mode) through ``EAKTE_DATABASE_URL``, so several API processes share users,
tokens and one audit chain.
"""
