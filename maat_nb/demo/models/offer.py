"""Promotional offers on products."""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from maat_nb.demo.models.base import Base, TZDateTime, value_enum

if TYPE_CHECKING:
    from maat_nb.demo.models.product import Product


class OfferType(enum.StrEnum):
    """How an offer changes the price."""

    PERCENTAGE = "percentage"
    FIXED_AMOUNT = "fixed_amount"
    BUNDLE = "bundle"
    FREE_SHIPPING = "free_shipping"


class Offer(Base):
    """An offer on one product, valid from ``starts_at`` until ``ends_at`` (open-ended when NULL)."""

    __tablename__ = "offers"

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    offer_type: Mapped[OfferType] = mapped_column(value_enum(OfferType, "offer_type"))
    value: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    code: Mapped[str | None] = mapped_column(String(32))
    starts_at: Mapped[datetime] = mapped_column(TZDateTime)
    ends_at: Mapped[datetime | None] = mapped_column(TZDateTime)
    created_at: Mapped[datetime] = mapped_column(TZDateTime)

    product: Mapped[Product] = relationship(back_populates="offers")
