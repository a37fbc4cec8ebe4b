"""Marketing banners shown on the shop's pages."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from maat_nb.demo.models.base import Base, TZDateTime, value_enum

if TYPE_CHECKING:
    from maat_nb.demo.models.media import MediaFile


class BannerPosition(enum.StrEnum):
    """Where a banner is shown."""

    HOME_HERO = "home_hero"
    SIDEBAR = "sidebar"
    CATEGORY_TOP = "category_top"
    FOOTER = "footer"


class Banner(Base):
    """A banner, optionally showing a media file."""

    __tablename__ = "banners"

    id: Mapped[int] = mapped_column(primary_key=True)
    position: Mapped[BannerPosition] = mapped_column(value_enum(BannerPosition, "banner_position"))
    title: Mapped[str] = mapped_column(String(200))
    image_id: Mapped[int | None] = mapped_column(ForeignKey("media_files.id"), index=True)
    link_url: Mapped[str | None] = mapped_column(String(512))
    is_active: Mapped[bool] = mapped_column(default=True)
    starts_at: Mapped[datetime] = mapped_column(TZDateTime)
    ends_at: Mapped[datetime | None] = mapped_column(TZDateTime)
    created_at: Mapped[datetime] = mapped_column(TZDateTime)

    image: Mapped[MediaFile | None] = relationship()
