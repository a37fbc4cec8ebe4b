"""The demo web shop: the schema of a MariaDB shop moving to PostgreSQL, with planted problems to find.

Build it with :func:`build_demo` (Alembic migrations to head, then about ``scale`` x 1,000,000 generated
rows, bulk-loaded, then ANALYZE) on SQLite, PostgreSQL or MariaDB. The models live in
:mod:`maat_nb.demo.models`, the migrations in ``maat_nb/demo/migrations`` (``001_initial_schema`` ..
``006_add_listing_indexes``; head equals the models), the generator in :mod:`maat_nb.demo.generate`.

Planted problems (the profiler, the index advisor and their tests look for exactly these names):

1. **Unindexed foreign key** ``products.store_id`` -> ``stores.id`` (constraint
   ``fk_products_store_id_stores``): no index on SQLite and PostgreSQL. On MariaDB, InnoDB creates one by
   itself for every foreign key without a usable index, so there it appears as an index named
   ``fk_products_store_id_stores``. Every other foreign key has an index whose first column is the key's
   column.
2. **Redundant index** ``ix_products_brand_id`` (``brand_id``) is a left prefix of
   ``ix_products_brand_id_created_at`` (``brand_id, created_at``).
3. **Duplicate index** ``ix_users_email_dup`` (``email``) duplicates the unique constraint ``uq_users_email``
   (``email``), which is an index already.
4. **Low-selectivity index** ``ix_products_is_active`` on the boolean ``products.is_active``, true for ~97 %
   of the rows.
5. **Time-zone inconsistency** ``price_history.recorded_at`` is ``DateTime(timezone=False)`` (``timestamp
   without time zone`` on PostgreSQL; values are naive UTC) while every other timestamp is
   ``DateTime(timezone=True)``. (MariaDB's ``DATETIME`` has no time zone at all, so there all look alike.)
6. **Table without a primary key** ``product_media`` (``product_id``, ``media_id``, the many-to-many link of
   products and media files). Both columns are foreign keys and both are indexed
   (``ix_product_media_product_id``, ``ix_product_media_media_id``), so the missing key is the only problem
   there; duplicate pairs are possible but the generator makes none.
7. **Useless columns** ``products.legacy_sku`` is NULL in every row; ``stores.currency`` is ``'EUR'`` in
   every row.
8. **MariaDB -> PostgreSQL portability traps**: ``ratings.score`` is ``TINYINT UNSIGNED`` on MariaDB
   (``SMALLINT`` elsewhere, with the check constraint ``ck_ratings_score_range``); ``users.role``,
   ``offers.offer_type``, ``media_files.media_type`` and ``banners.position`` are native ``ENUM`` columns on
   MariaDB (named enum types ``user_role``, ``offer_type``, ``media_type``, ``banner_position`` on PostgreSQL,
   ``VARCHAR`` on SQLite); ``admin_logs`` is created with ``CHARSET=utf8mb3`` while every other table is
   ``utf8mb4``.

Everything else is meant to be clean: every table but ``product_media`` has a primary key, and constraints and
indexes follow the naming convention of :mod:`maat_nb.demo.models.base`.
"""

from __future__ import annotations

from maat_nb.demo.build import DemoSummary, build_demo, default_demo_path, default_demo_url
from maat_nb.demo.generate import generate, plan
from maat_nb.demo.migrate import alembic_ini_path, downgrade, upgrade

__all__ = [
    "DemoSummary",
    "alembic_ini_path",
    "build_demo",
    "default_demo_path",
    "default_demo_url",
    "downgrade",
    "generate",
    "plan",
    "upgrade",
]
