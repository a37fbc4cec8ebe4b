"""Price changes of products over time."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import DateTime, ForeignKey, Index, Numeric
from sqlalchemy.orm import Mapped, mapped_column, relationship

from maat_nb.demo.models.base import UTF8MB4, Base, BigId

if TYPE_CHECKING:
    from maat_nb.demo.models.product import Product


class PriceHistory(Base):
    """One recorded price of a product.

    Planted: ``recorded_at`` is ``DateTime(timezone=False)`` (``timestamp without time zone`` on PostgreSQL)
    while every other timestamp of the schema has a time zone. Values are naive UTC.
    """

    __tablename__ = "price_history"
    __table_args__ = (Index("ix_price_history_product_id_recorded_at", "product_id", "recorded_at"), UTF8MB4)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    price: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=False))

    product: Mapped[Product] = relationship(back_populates="price_history")
