"""The category tree (adjacency list: ``parent_id`` references ``categories.id``)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from maat_nb.demo.models.base import UTF8MB4, Base, TZDateTime

if TYPE_CHECKING:
    from maat_nb.demo.models.product import Product


class Category(Base):
    """A category; roots have no parent."""

    __tablename__ = "categories"
    __table_args__ = (UniqueConstraint("slug", name="uq_categories_slug"), UTF8MB4)

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    slug: Mapped[str] = mapped_column(String(140))
    position: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(TZDateTime)

    parent: Mapped[Category | None] = relationship(back_populates="children", remote_side=[id])
    children: Mapped[list[Category]] = relationship(back_populates="parent")
    products: Mapped[list[Product]] = relationship(back_populates="category")
