"""Media files (images, videos, documents) stored on Cloudflare R2, and their link table to products."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import BigInteger, Column, ForeignKey, Index, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from maat_nb.demo.models.base import Base, TZDateTime, value_enum

if TYPE_CHECKING:
    from maat_nb.demo.models.product import Product


class MediaType(enum.StrEnum):
    """Kind of media file."""

    IMAGE = "image"
    VIDEO = "video"
    DOCUMENT = "document"


#: Planted: no primary key (so duplicate pairs are possible). Both columns are indexed, so the only planted
#: problem here is the missing key.
product_media = Table(
    "product_media",
    Base.metadata,
    Column("product_id", ForeignKey("products.id"), nullable=False),
    Column("media_id", ForeignKey("media_files.id"), nullable=False),
    Index("ix_product_media_product_id", "product_id"),
    Index("ix_product_media_media_id", "media_id"),
    mysql_charset="utf8mb4",
)


class MediaFile(Base):
    """An uploaded file. ``r2_*``/``cdn_url`` are NULL for files uploaded before the R2 migration."""

    __tablename__ = "media_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    media_type: Mapped[MediaType] = mapped_column(value_enum(MediaType, "media_type"))
    file_name: Mapped[str] = mapped_column(String(255))
    mime_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    width: Mapped[int | None]
    height: Mapped[int | None]
    alt_text: Mapped[str | None] = mapped_column(String(255))
    r2_key: Mapped[str | None] = mapped_column(String(512))
    r2_bucket: Mapped[str | None] = mapped_column(String(63))
    cdn_url: Mapped[str | None] = mapped_column(String(512))
    created_at: Mapped[datetime] = mapped_column(TZDateTime)

    products: Mapped[list[Product]] = relationship(secondary=product_media, back_populates="media")
