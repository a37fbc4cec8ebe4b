"""Stores (sellers) of the marketplace."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from maat_nb.demo.models.base import Base, TZDateTime

if TYPE_CHECKING:
    from maat_nb.demo.models.product import Product


class Store(Base):
    """A seller. ``currency`` is 'EUR' in every row (planted: a constant column)."""

    __tablename__ = "stores"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    country_code: Mapped[str] = mapped_column(String(2))
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    website: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(TZDateTime)

    products: Mapped[list[Product]] = relationship(back_populates="store")
