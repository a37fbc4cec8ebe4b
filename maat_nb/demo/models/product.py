"""Products and their variants."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from maat_nb.demo.models.base import UTF8MB4, Base, TZDateTime
from maat_nb.demo.models.media import product_media

if TYPE_CHECKING:
    from maat_nb.demo.models.brand import Brand
    from maat_nb.demo.models.category import Category
    from maat_nb.demo.models.media import MediaFile
    from maat_nb.demo.models.offer import Offer
    from maat_nb.demo.models.price_history import PriceHistory
    from maat_nb.demo.models.rating import Rating
    from maat_nb.demo.models.store import Store


class Product(Base):
    """A product. Carries four planted problems, see :mod:`maat_nb.demo`.

    ``store_id`` has no index; ``ix_products_brand_id`` is a left prefix of
    ``ix_products_brand_id_created_at``; ``ix_products_is_active`` indexes a boolean that is ~97 % true;
    ``legacy_sku`` is always NULL.
    """

    __tablename__ = "products"
    __table_args__ = (
        UniqueConstraint("slug", name="uq_products_slug"),
        Index("ix_products_brand_id", "brand_id"),
        Index("ix_products_brand_id_created_at", "brand_id", "created_at"),
        Index("ix_products_is_active", "is_active"),
        UTF8MB4,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(240))
    description: Mapped[str | None] = mapped_column(Text)
    price: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    is_active: Mapped[bool] = mapped_column(default=True)
    stock: Mapped[int] = mapped_column(default=0)
    weight_grams: Mapped[int | None]
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"), index=True)
    brand_id: Mapped[int | None] = mapped_column(ForeignKey("brands.id"))
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"))  # planted: no index
    legacy_sku: Mapped[str | None] = mapped_column(String(64))  # planted: always NULL
    created_at: Mapped[datetime] = mapped_column(TZDateTime)
    updated_at: Mapped[datetime] = mapped_column(TZDateTime)

    category: Mapped[Category] = relationship(back_populates="products")
    brand: Mapped[Brand | None] = relationship(back_populates="products")
    store: Mapped[Store] = relationship(back_populates="products")
    variants: Mapped[list[ProductVariant]] = relationship(back_populates="product")
    offers: Mapped[list[Offer]] = relationship(back_populates="product")
    ratings: Mapped[list[Rating]] = relationship(back_populates="product")
    price_history: Mapped[list[PriceHistory]] = relationship(back_populates="product")
    media: Mapped[list[MediaFile]] = relationship(secondary=product_media, back_populates="products")


class ProductVariant(Base):
    """A sellable variant (size/colour) of a product, with its own SKU."""

    __tablename__ = "product_variants"
    __table_args__ = (UniqueConstraint("sku", name="uq_product_variants_sku"), UTF8MB4)

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    sku: Mapped[str] = mapped_column(String(64))
    size: Mapped[str | None] = mapped_column(String(16))
    color: Mapped[str | None] = mapped_column(String(32))
    price_delta: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    stock: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(TZDateTime)

    product: Mapped[Product] = relationship(back_populates="variants")
