"""SQLAlchemy 2 models of the demo web shop. ``Base.metadata`` is the schema Alembic's head must match."""

from __future__ import annotations

from maat_nb.demo.models.admin_log import AdminLog
from maat_nb.demo.models.banner import Banner, BannerPosition
from maat_nb.demo.models.base import NAMING_CONVENTION, Base
from maat_nb.demo.models.brand import Brand
from maat_nb.demo.models.category import Category
from maat_nb.demo.models.media import MediaFile, MediaType, product_media
from maat_nb.demo.models.offer import Offer, OfferType
from maat_nb.demo.models.price_history import PriceHistory
from maat_nb.demo.models.product import Product, ProductVariant
from maat_nb.demo.models.rating import Comment, Rating
from maat_nb.demo.models.setting import SystemSetting
from maat_nb.demo.models.store import Store
from maat_nb.demo.models.user import User, UserRole

metadata = Base.metadata

__all__ = [
    "NAMING_CONVENTION",
    "AdminLog",
    "Banner",
    "BannerPosition",
    "Base",
    "Brand",
    "Category",
    "Comment",
    "MediaFile",
    "MediaType",
    "Offer",
    "OfferType",
    "PriceHistory",
    "Product",
    "ProductVariant",
    "Rating",
    "Store",
    "SystemSetting",
    "User",
    "UserRole",
    "metadata",
    "product_media",
]
