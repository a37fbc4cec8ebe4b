"""Record every price change of a product.

Revision ID: 004_add_price_history
Revises: 003_add_r2_integration
Create Date: 2024-01-22 16:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "004_add_price_history"
down_revision: str | Sequence[str] | None = "003_add_r2_integration"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create ``price_history``. Planted: ``recorded_at`` has no time zone, unlike every other timestamp."""
    op.create_table(
        "price_history",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("price", sa.Numeric(10, 2), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=False), nullable=False),
        sa.ForeignKeyConstraint(["product_id"], ["products.id"], name="fk_price_history_product_id_products"),
        sa.PrimaryKeyConstraint("id", name="pk_price_history"),
        mysql_charset="utf8mb4",
    )
    op.create_index("ix_price_history_product_id_recorded_at", "price_history", ["product_id", "recorded_at"])


def downgrade() -> None:
    """Drop ``price_history``."""
    op.drop_table("price_history")
