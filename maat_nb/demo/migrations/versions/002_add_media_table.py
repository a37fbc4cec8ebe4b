"""Add media files, the product <-> media link table, and banner images.

Revision ID: 002_add_media_table
Revises: 001_initial_schema
Create Date: 2022-02-14 10:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "002_add_media_table"
down_revision: str | Sequence[str] | None = "001_initial_schema"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Create ``media_files`` and ``product_media`` (planted: no primary key); add ``banners.image_id``."""
    op.create_table(
        "media_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("media_type", sa.Enum("image", "video", "document", name="media_type"), nullable=False),
        sa.Column("file_name", sa.String(255), nullable=False),
        sa.Column("mime_type", sa.String(100), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=True),
        sa.Column("height", sa.Integer(), nullable=True),
        sa.Column("alt_text", sa.String(255), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_media_files"),
        mysql_charset="utf8mb4",
    )
    op.create_table(
        "product_media",
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("media_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["media_id"], ["media_files.id"], name="fk_product_media_media_id_media_files"
        ),
        sa.ForeignKeyConstraint(["product_id"], ["products.id"], name="fk_product_media_product_id_products"),
        mysql_charset="utf8mb4",
    )
    op.create_index("ix_product_media_product_id", "product_media", ["product_id"])
    op.create_index("ix_product_media_media_id", "product_media", ["media_id"])
    with op.batch_alter_table("banners") as batch:
        batch.add_column(sa.Column("image_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_banners_image_id_media_files", "media_files", ["image_id"], ["id"])
        batch.create_index("ix_banners_image_id", ["image_id"])


def downgrade() -> None:
    """Drop ``banners.image_id``, the two tables and (PostgreSQL) the ``media_type`` enum type.

    The foreign key goes first: MariaDB refuses to drop an index that a foreign key uses.
    """
    with op.batch_alter_table("banners") as batch:
        batch.drop_constraint("fk_banners_image_id_media_files", type_="foreignkey")
        batch.drop_index("ix_banners_image_id")
        batch.drop_column("image_id")
    op.drop_table("product_media")
    op.drop_table("media_files")
    if op.get_context().dialect.name == "postgresql":
        op.execute("DROP TYPE IF EXISTS media_type")
