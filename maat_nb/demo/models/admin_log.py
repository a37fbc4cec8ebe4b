"""The back office's audit trail."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from maat_nb.demo.models.base import Base, BigId, TZDateTime


class AdminLog(Base):
    """One action of a staff member (or of the system when ``user_id`` is NULL).

    Planted portability trap: the table is ``utf8mb3`` on MariaDB (every other table is ``utf8mb4``), so a
    4-byte character (an emoji) in ``action`` or ``entity`` is rejected there. (``payload`` escapes it:
    MariaDB's JSON is a ``LONGTEXT CHARACTER SET utf8mb4`` column whatever the table's charset.)
    """

    __tablename__ = "admin_logs"
    __table_args__ = ({"mysql_charset": "utf8mb3"},)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(String(32))
    entity: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[int | None]
    payload: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(TZDateTime, index=True)
