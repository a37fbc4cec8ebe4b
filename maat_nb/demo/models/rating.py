"""Product ratings and the comments written under them."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, SmallInteger, String, Text
from sqlalchemy.dialects import mysql
from sqlalchemy.orm import Mapped, mapped_column, relationship

from maat_nb.demo.models.base import UTF8MB4, Base, TZDateTime

if TYPE_CHECKING:
    from maat_nb.demo.models.product import Product
    from maat_nb.demo.models.user import User

#: 1..5 stars. Planted portability trap: ``TINYINT UNSIGNED`` on MariaDB (no such type on PostgreSQL).
ScoreType = SmallInteger().with_variant(mysql.TINYINT(unsigned=True), "mysql", "mariadb")


class Rating(Base):
    """A 1–5 star rating of a product by a user; popular products get most of them."""

    __tablename__ = "ratings"
    __table_args__ = (CheckConstraint("score BETWEEN 1 AND 5", name="score_range"), UTF8MB4)

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    score: Mapped[int] = mapped_column(ScoreType)
    title: Mapped[str | None] = mapped_column(String(200))
    body: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(TZDateTime)

    product: Mapped[Product] = relationship(back_populates="ratings")
    user: Mapped[User] = relationship(back_populates="ratings")
    comments: Mapped[list[Comment]] = relationship(back_populates="rating")


class Comment(Base):
    """A reply under a rating."""

    __tablename__ = "comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    rating_id: Mapped[int] = mapped_column(ForeignKey("ratings.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(TZDateTime)

    rating: Mapped[Rating] = relationship(back_populates="comments")
