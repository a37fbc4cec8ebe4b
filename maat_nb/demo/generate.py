"""Deterministic, realistically skewed data for the demo shop, streamed as batches of plain tuples.

``scale=1.0`` is about one million rows over all tables (see :data:`BASE_ROWS`); every table has a floor so
that tiny scales still give a usable shop. Each table draws from its own ``random.Random`` seeded with
``(seed, table)`` (never the global generator), so the same seed always gives the same rows.

The shape is meant to look like a real shop: a few brands and stores own most products (Zipf-like), popular
products get most ratings and offers, ids grow with creation time, optional columns have NULLs, descriptions
are hundreds to a few thousand characters with some non-ASCII text, and the timestamps span four years
(2021-07-01 .. 2025-06-30). Planted data problems: ``products.is_active`` is ~97 % true,
``products.legacy_sku`` is always NULL and ``stores.currency`` is always ``'EUR'``.

Values are the Python values the models declare: aware UTC datetimes (naive for
``price_history.recorded_at``), ``Decimal`` prices, enum *values* as strings, dicts for JSON.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Final

from maat_nb.demo import _vocab
from maat_nb.demo._tables import END, START, Shop, slugify
from maat_nb.errors import ConfigError

__all__ = [
    "BASE_ROWS",
    "COLUMNS",
    "END",
    "MIN_ROWS",
    "START",
    "TABLES",
    "Batch",
    "generate",
    "plan",
    "slugify",
]

#: Rows per table at ``scale=1.0`` (1,001,930 in all), in foreign-key order.
BASE_ROWS: Final[dict[str, int]] = {
    "stores": 200,
    "brands": 1_000,
    "categories": 400,
    "users": 60_000,
    "products": 50_000,
    "product_variants": 150_000,
    "offers": 20_000,
    "media_files": 60_000,
    "product_media": 80_000,
    "banners": 300,
    "ratings": 200_000,
    "comments": 50_000,
    "price_history": 250_000,
    "admin_logs": 80_000,
    "system_settings": len(_vocab.SETTINGS),
}
#: Floors, so that tiny scales still have a few brands (for skew) and enough rows to join.
MIN_ROWS: Final[dict[str, int]] = {
    "stores": 5,
    "brands": 10,
    "categories": 12,
    "users": 20,
    "products": 20,
    "product_variants": 20,
    "offers": 5,
    "media_files": 10,
    "product_media": 10,
    "banners": 3,
    "ratings": 20,
    "comments": 5,
    "price_history": 20,
    "admin_logs": 10,
    "system_settings": len(_vocab.SETTINGS),
}
# fmt: off
#: Column order of the tuples of each table.
COLUMNS: Final[dict[str, tuple[str, ...]]] = {
    "stores": ("id", "name", "country_code", "currency", "website", "created_at"),
    "brands": ("id", "name", "country_code", "website", "created_at"),
    "categories": ("id", "parent_id", "name", "slug", "position", "created_at"),
    "users": ("id", "email", "username", "full_name", "role", "is_active", "last_login_at", "created_at"),
    "products": ("id", "name", "slug", "description", "price", "is_active", "stock", "weight_grams",
                 "category_id", "brand_id", "store_id", "legacy_sku", "created_at", "updated_at"),
    "product_variants": ("id", "product_id", "sku", "size", "color", "price_delta", "stock", "created_at"),
    "offers": ("id", "product_id", "offer_type", "value", "code", "starts_at", "ends_at", "created_at"),
    "media_files": ("id", "media_type", "file_name", "mime_type", "size_bytes", "width", "height", "alt_text",
                    "r2_key", "r2_bucket", "cdn_url", "created_at"),
    "product_media": ("product_id", "media_id"),
    "banners": ("id", "position", "title", "image_id", "link_url", "is_active", "starts_at", "ends_at",
                "created_at"),
    "ratings": ("id", "product_id", "user_id", "score", "title", "body", "created_at"),
    "comments": ("id", "rating_id", "user_id", "body", "created_at"),
    "price_history": ("id", "product_id", "price", "recorded_at"),
    "admin_logs": ("id", "user_id", "action", "entity", "entity_id", "payload", "created_at"),
    "system_settings": ("key", "value", "description", "updated_at"),
}
# fmt: on
#: The tables in foreign-key order (parents first).
TABLES: Final[tuple[str, ...]] = tuple(COLUMNS)


@dataclass(frozen=True)
class Batch:
    """Consecutive rows of one table, as tuples in the order of ``columns``."""

    table: str
    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]]


def plan(scale: float) -> dict[str, int]:
    """Exact row counts per table that :func:`generate` yields for ``scale``.

    Raises:
        ConfigError: ``scale`` is not a positive number.
    """
    if (
        isinstance(scale, bool)
        or not isinstance(scale, int | float)
        or not math.isfinite(scale)
        or scale <= 0
    ):
        raise ConfigError(
            f"Demo scale must be a positive number, not {scale!r}.", fix="Use e.g. 0.05 or 1.0."
        )
    return {t: max(MIN_ROWS[t], round(BASE_ROWS[t] * scale)) for t in TABLES}


def generate(scale: float = 0.05, seed: int = 42, *, batch_size: int = 5_000) -> Iterator[Batch]:
    """Yield the whole demo shop, table by table in foreign-key order, in batches of ``batch_size`` rows.

    Only small per-parent arrays (creation times, prices) are kept between tables, never all the rows.

    Args:
        scale: 1.0 is about 1,000,000 rows; :func:`plan` gives the exact counts.
        seed: Same seed, same rows.
        batch_size: Rows per :class:`Batch` (the last batch of a table may be shorter).
    """
    shop = Shop(plan(scale), seed)
    for table in TABLES:
        rows = shop.rows(table)
        while chunk := list(itertools.islice(rows, batch_size)):
            yield Batch(table, COLUMNS[table], chunk)
