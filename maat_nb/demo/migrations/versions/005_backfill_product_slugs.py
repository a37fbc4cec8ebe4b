"""Give every product a unique URL slug, computed from its name and id (a data migration).

Upgrade adds ``products.slug`` as nullable, fills it in batches of existing rows, then makes it NOT NULL and
unique. Downgrade drops the constraint and the column: the slugs are derived data, so nothing is lost.

The slug function is frozen here on purpose (a migration must not change when application code does); the
demo's data generator uses the same rule: ``<case-folded, ASCII-folded, dash-separated name[:200]>-<id>``.

Revision ID: 005_backfill_product_slugs
Revises: 004_add_price_history
Create Date: 2024-06-03 11:05:00
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import context, op

revision: str = "005_backfill_product_slugs"
down_revision: str | Sequence[str] | None = "004_add_price_history"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 5_000
products = sa.table(
    "products", sa.column("id", sa.Integer()), sa.column("name", sa.String()), sa.column("slug")
)


def slugify(name: str, product_id: int) -> str:
    """``"Crème Brûlée Set №5"``, 7 -> ``"creme-brulee-set-no5-7"``."""
    ascii_name = unicodedata.normalize("NFKD", name.casefold()).encode("ascii", "ignore").decode("ascii")
    base = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:200].rstrip("-") or "product"
    return f"{base}-{product_id}"


def upgrade() -> None:
    """Add, backfill, then constrain ``products.slug``."""
    op.add_column("products", sa.Column("slug", sa.String(240), nullable=True))
    if context.is_offline_mode():
        # No rows to read when only emitting SQL: fall back to a portable, still unique, placeholder slug.
        op.execute(
            products.update().values(slug=sa.literal("product-") + sa.cast(products.c.id, sa.String()))
        )
    else:
        bind = op.get_bind()
        update = (
            products.update()
            .where(products.c.id == sa.bindparam("b_id"))
            .values(slug=sa.bindparam("b_slug", type_=sa.String()))
        )
        last_id = 0
        while True:
            rows = bind.execute(
                sa.select(products.c.id, products.c.name)
                .where(products.c.id > last_id)
                .order_by(products.c.id)
                .limit(BATCH)
            ).all()
            if not rows:
                break
            bind.execute(update, [{"b_id": pid, "b_slug": slugify(name, pid)} for pid, name in rows])
            last_id = rows[-1][0]
    with op.batch_alter_table("products") as batch:
        batch.alter_column("slug", existing_type=sa.String(240), nullable=False)
        batch.create_unique_constraint("uq_products_slug", ["slug"])


def downgrade() -> None:
    """Drop the unique constraint and the column."""
    with op.batch_alter_table("products") as batch:
        batch.drop_constraint("uq_products_slug", type_="unique")
        batch.drop_column("slug")
