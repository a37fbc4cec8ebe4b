"""Migration timing benchmark (issue 4): scratch databases, seeding, Alembic stepping, integrity, probes, forecast.

scratch.py (create/drop maat_scratch_* databases, refuse anything else) -> seed.py (fill every table the schema
has at a revision, FK-aware, in bulk) -> runner.py (each revision up/down/up through Alembic, per-statement
timings) with integrity.py (row counts and order-independent checksums before/after each step) and probes.py
(PostgreSQL rewrites and locks, MariaDB ALTER algorithms, SQLite batch recreation) -> predict.py (fit time against
rows, forecast production).
"""
