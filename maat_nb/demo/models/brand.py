"""Brands of products."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from maat_nb.demo.models.base import UTF8MB4, Base, TZDateTime

if TYPE_CHECKING:
    from maat_nb.demo.models.product import Product


class Brand(Base):
    """A brand; a few brands own most of the products."""

    __tablename__ = "brands"
    __table_args__ = (UniqueConstraint("name", name="uq_brands_name"), UTF8MB4)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    country_code: Mapped[str | None] = mapped_column(String(2))
    website: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(TZDateTime)

    products: Mapped[list[Product]] = relationship(back_populates="brand")
