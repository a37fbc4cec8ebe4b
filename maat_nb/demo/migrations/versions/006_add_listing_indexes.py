"""Indexes for the brand listing page and the "active products" admin filter.

Planted: ``ix_products_brand_id_created_at`` makes the older ``ix_products_brand_id`` redundant (a left
prefix), and ``ix_products_is_active`` indexes a boolean that is true for ~97 % of the rows.

Revision ID: 006_add_listing_indexes
Revises: 005_backfill_product_slugs
Create Date: 2024-11-18 14:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "006_add_listing_indexes"
down_revision: str | Sequence[str] | None = "005_backfill_product_slugs"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create the two indexes."""
    op.create_index("ix_products_brand_id_created_at", "products", ["brand_id", "created_at"])
    op.create_index("ix_products_is_active", "products", ["is_active"])


def downgrade() -> None:
    """Drop them."""
    op.drop_index("ix_products_is_active", table_name="products")
    op.drop_index("ix_products_brand_id_created_at", table_name="products")
