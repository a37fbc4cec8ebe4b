"""Customers and staff accounts."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from maat_nb.demo.models.base import UTF8MB4, Base, TZDateTime, value_enum

if TYPE_CHECKING:
    from maat_nb.demo.models.rating import Rating


class UserRole(enum.StrEnum):
    """Account role; stored as its lower-case value (a native ENUM on PostgreSQL and MariaDB)."""

    CUSTOMER = "customer"
    STAFF = "staff"
    ADMIN = "admin"


class User(Base):
    """An account. ``email`` is unique *and* has a second plain index (planted: ``ix_users_email_dup``)."""

    __tablename__ = "users"
    __table_args__ = (
        UniqueConstraint("email", name="uq_users_email"),
        Index("ix_users_email_dup", "email"),
        UTF8MB4,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(255))
    username: Mapped[str] = mapped_column(String(64))
    full_name: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[UserRole] = mapped_column(value_enum(UserRole, "user_role"), default=UserRole.CUSTOMER)
    is_active: Mapped[bool] = mapped_column(default=True)
    last_login_at: Mapped[datetime | None] = mapped_column(TZDateTime)
    created_at: Mapped[datetime] = mapped_column(TZDateTime)

    ratings: Mapped[list[Rating]] = relationship(back_populates="user")
