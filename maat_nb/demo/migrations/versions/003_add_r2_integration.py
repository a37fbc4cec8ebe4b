"""Store media on Cloudflare R2: object key, bucket and CDN URL (NULL for files uploaded before).

Revision ID: 003_add_r2_integration
Revises: 002_add_media_table
Create Date: 2023-09-01 08:15:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "003_add_r2_integration"
down_revision: str | Sequence[str] | None = "002_add_media_table"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the three nullable R2 columns to ``media_files``."""
    with op.batch_alter_table("media_files") as batch:
        batch.add_column(sa.Column("r2_key", sa.String(512), nullable=True))
        batch.add_column(sa.Column("r2_bucket", sa.String(63), nullable=True))
        batch.add_column(sa.Column("cdn_url", sa.String(512), nullable=True))


def downgrade() -> None:
    """Drop the R2 columns."""
    with op.batch_alter_table("media_files") as batch:
        batch.drop_column("cdn_url")
        batch.drop_column("r2_bucket")
        batch.drop_column("r2_key")
