"""The row factories of :mod:`maat_nb.demo.generate`: one method per table, parents before children.

Hot loops use :class:`_Rng`'s one-draw helpers (``pick``, ``between``, ``weighted``): a million rows means
several million draws, and ``random.choice``/``randint``/``choices`` cost several times more per call.
"""

from __future__ import annotations

import functools
import itertools
import math
import random
import re
import unicodedata
from bisect import bisect
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Final, TypeVar

from maat_nb.demo import _vocab as V
from maat_nb.errors import ConfigError

T = TypeVar("T")
Row = tuple[Any, ...]

START: Final = datetime(2021, 7, 1, tzinfo=UTC)
END: Final = datetime(2025, 6, 30, 23, 59, 59, tzinfo=UTC)
SPAN: Final = int((END - START).total_seconds())
CATALOGUE_END: Final = SPAN // 20  # stores, brands and categories exist before most products
MEDIA_START: Final = int((datetime(2022, 2, 14, tzinfo=UTC) - START).total_seconds())  # revision 002
R2_START: Final = int((datetime(2023, 9, 1, tzinfo=UTC) - START).total_seconds())  # revision 003
DAY: Final = 86_400


def slug_base(name: str) -> str:
    """Case-folded (ß -> ss), ASCII-folded (é -> e), dash-separated ``name``, at most 200 characters."""
    ascii_name = unicodedata.normalize("NFKD", name.casefold()).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:200].rstrip("-") or "product"


def slugify(name: str, row_id: int) -> str:
    """The slug rule of migration ``005_backfill_product_slugs``: ``"Crème Set", 7 -> "creme-set-7"``."""
    return f"{slug_base(name)}-{row_id}"


_EPOCH: Final = START.timestamp()


def _at(offset: int) -> datetime:
    """The aware UTC datetime ``offset`` seconds after :data:`START` (``fromtimestamp``: fastest)."""
    return datetime.fromtimestamp(_EPOCH + offset, UTC)


_slug_word = functools.cache(slug_base)


def _money(value: float) -> Decimal:
    return Decimal(f"{value:.2f}")


@functools.cache
def _ascii(word: str) -> str:
    folded = unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z]", "", folded.lower())


def _cum(weights: Iterable[float]) -> list[float]:
    return list(itertools.accumulate(weights))


class _Rng(random.Random):
    """``random.Random`` with cheap single draws (same seed, same sequence)."""

    def pick(self, seq: Sequence[T]) -> T:
        return seq[int(self.random() * len(seq))]

    def between(self, lo: int, hi: int) -> int:
        """An int in ``[lo, hi]``."""
        return lo + int(self.random() * (hi - lo + 1))

    def weighted(self, seq: Sequence[T], cum: Sequence[float]) -> T:
        return seq[bisect(cum, self.random() * cum[-1])]

    def after(self, lo: int) -> int:
        """An offset between ``lo`` and the end of the data."""
        return lo + int((SPAN - lo) * self.random())

    def times(self, n: int, lo: int, hi: int, growth: float = 1.6) -> list[int]:
        """``n`` sorted offsets in ``[lo, hi]``, denser towards ``hi`` (the shop grows)."""
        width, power = hi - lo, 1 / growth
        return sorted(lo + int(width * self.random() ** power) for _ in range(n))


class _Zipf:
    """Picks ids ``1..n`` with probability ~ 1/rank**s; which id has which rank is shuffled."""

    def __init__(self, rng: random.Random, n: int, s: float) -> None:
        self.ids = list(range(1, n + 1))
        rng.shuffle(self.ids)
        self.cum = _cum(1.0 / rank**s for rank in range(1, n + 1))

    def pick(self, rng: random.Random, k: int) -> list[int]:
        return rng.choices(self.ids, cum_weights=self.cum, k=k)


_SCORES: Final = ((1, 2, 3, 4, 5), _cum((6, 6, 12, 30, 46)))
_OFFER_KINDS: Final = (("percentage", "fixed_amount", "bundle", "free_shipping"), _cum((55, 25, 10, 10)))
_MEDIA_KINDS: Final = (("image", "video", "document"), _cum((85, 10, 5)))
_MEDIA_FORMATS: Final = {
    "image": ("jpg", "image/jpeg"),
    "video": ("mp4", "video/mp4"),
    "document": ("pdf", "application/pdf"),
}
_POSITIONS: Final = (("home_hero", "sidebar", "category_top", "footer"), _cum((20, 40, 30, 10)))
_ACTIONS: Final = (V.ADMIN_ACTIONS, _cum(V.ADMIN_ACTION_WEIGHTS))
_SIZES: Final = ("XS", "S", "M", "L", "XL", "XXL", "38", "40", "42", "44")
_COLORS: Final = ("black", "white", "navy", "red", "olive", "sand", "grey", "bordeaux")


class Shop:
    """One generation run over ``counts`` rows per table, seeded with ``seed``."""

    def __init__(self, counts: dict[str, int], seed: int) -> None:
        self.n = counts
        self.seed = seed
        self.brand_names: list[str] = []
        self.user_created: list[int] = []
        self.staff_ids: list[int] = []
        self.product_created: list[int] = []
        self.product_price: list[float] = []
        self.rating_created: list[int] = []
        self.popular_products = _Zipf(self.rng("popularity"), counts["products"], 1.1)

    def rng(self, table: str) -> _Rng:
        """The generator of ``table``; string seeds hash with SHA-512, so they are stable across runs."""
        return _Rng(f"maat-demo:{self.seed}:{table}")

    def rows(self, table: str) -> Iterator[Row]:
        """The rows of ``table``; call in foreign-key order."""
        factory: Iterator[Row] = getattr(self, table)(self.rng(table))
        return factory

    def stores(self, rng: _Rng) -> Iterator[Row]:
        for i, t in enumerate(rng.times(self.n["stores"], 0, CATALOGUE_END), 1):
            name = f"{rng.pick(V.STORE_WORDS)} {rng.pick(V.STORE_NOUNS)} {rng.pick(V.STORE_SUFFIXES)}"
            website = None if rng.random() < 0.3 else f"https://{slug_base(name)}-{i}.example"
            yield (i, name, rng.pick(V.COUNTRIES), "EUR", website, _at(t))

    def brands(self, rng: _Rng) -> Iterator[Row]:
        seen: set[str] = set()
        for i, t in enumerate(rng.times(self.n["brands"], 0, CATALOGUE_END), 1):
            name = rng.pick(V.BRAND_PARTS_A) + rng.pick(V.BRAND_PARTS_B)
            name = name if name not in seen else f"{name} {i}"
            seen.add(name)
            self.brand_names.append(name)
            country = None if rng.random() < 0.2 else rng.pick(V.COUNTRIES)
            website = None if rng.random() < 0.4 else f"https://www.{slug_base(name)}.example"
            yield (i, name, country, website, _at(t))

    def categories(self, rng: _Rng) -> Iterator[Row]:
        n = self.n["categories"]
        roots = min(len(V.ROOT_CATEGORIES), max(3, n // 10))
        depth: list[int] = []
        children: dict[int, int] = {}
        for i, t in enumerate(rng.times(n, 0, CATALOGUE_END), 1):
            if i <= roots:
                parent, name = None, V.ROOT_CATEGORIES[i - 1]
                depth.append(0)
            else:  # at most three levels deep
                parent = rng.pick([j for j in range(1, min(i, 200)) if depth[j - 1] < 2])
                name = rng.pick(V.SUB_CATEGORIES)
                depth.append(depth[parent - 1] + 1)
            position = children.get(parent or 0, 0)
            children[parent or 0] = position + 1
            yield (i, parent, name, f"{slug_base(name)}-{i}", position, _at(t))

    def users(self, rng: _Rng) -> Iterator[Row]:
        for i, t in enumerate(rng.times(self.n["users"], 0, SPAN), 1):
            first, last = rng.pick(V.FIRST_NAMES), rng.pick(V.LAST_NAMES)
            r = rng.random()
            role = "admin" if i == 1 or r < 0.001 else "staff" if i <= 3 or r < 0.01 else "customer"
            if role != "customer":
                self.staff_ids.append(i)
            self.user_created.append(t)
            email = f"{_ascii(first)}.{_ascii(last)}{i}@{rng.pick(V.EMAIL_DOMAINS)}"
            full_name = None if rng.random() < 0.08 else f"{first} {last}"
            last_login = None if rng.random() < 0.2 else _at(rng.after(t))
            yield (i, email, f"{_ascii(first)}{i}", full_name, role, rng.random() < 0.95, last_login, _at(t))

    def products(self, rng: _Rng) -> Iterator[Row]:
        n = self.n["products"]
        brand_ids = _Zipf(rng, self.n["brands"], 1.5).pick(rng, n)
        store_ids = _Zipf(rng, self.n["stores"], 1.3).pick(rng, n)
        category_ids = _Zipf(rng, self.n["categories"], 0.8).pick(rng, n)
        for i, t in enumerate(rng.times(n, CATALOGUE_END, SPAN), 1):
            brand_id = None if rng.random() < 0.05 else brand_ids[i - 1]
            name = f"{rng.pick(V.ADJECTIVES)} {rng.pick(V.NOUNS)} {rng.pick('XSPMKT')}{rng.between(1, 999)}"
            if brand_id is not None:
                name = f"{self.brand_names[brand_id - 1]} {name}"
            price = min(4999.99, max(0.99, rng.lognormvariate(math.log(35), 1.0)))
            self.product_created.append(t)
            self.product_price.append(price)
            updated = t if rng.random() < 0.3 else rng.after(t)
            weight = None if rng.random() < 0.3 else rng.between(50, 20_000)
            is_active = rng.random() < 0.97  # planted: low selectivity of ix_products_is_active
            stock = int(rng.expovariate(1 / 40))
            yield (
                *(i, name, slugify(name, i), self._description(rng), _money(price), is_active, stock, weight),
                *(category_ids[i - 1], brand_id, store_ids[i - 1], None, _at(t), _at(updated)),
            )

    @staticmethod
    def _description(rng: _Rng) -> str | None:
        if rng.random() < 0.02:
            return None
        target = min(4_000, max(200, int(rng.lognormvariate(math.log(700), 0.6))))
        parts: list[str] = []
        length = -1  # the joined length: one space fewer than sentences
        while length < target:
            sentence = rng.pick(V.DESCRIPTION_SENTENCES)
            parts.append(sentence)
            length += len(sentence) + 1
        return " ".join(parts)

    def product_variants(self, rng: _Rng) -> Iterator[Row]:
        product_ids = sorted(rng.choices(range(1, self.n["products"] + 1), k=self.n["product_variants"]))
        for i, (pid, k) in enumerate(_numbered(product_ids), 1):
            delta = None if rng.random() < 0.7 else _money(rng.pick((-5, -2, 2, 5, 10, 20)))
            size = None if rng.random() < 0.4 else rng.pick(_SIZES)
            color = None if rng.random() < 0.3 else rng.pick(_COLORS)
            created = self.product_created[pid - 1]
            created = rng.after(created) if rng.random() < 0.2 else created
            yield (
                i,
                pid,
                f"SKU-{pid:06d}-{k:02d}",
                size,
                color,
                delta,
                int(rng.expovariate(1 / 25)),
                _at(created),
            )

    def offers(self, rng: _Rng) -> Iterator[Row]:
        drafts = sorted(
            (rng.after(self.product_created[pid - 1]), pid)
            for pid in self.popular_products.pick(rng, self.n["offers"])
        )
        for i, (created, pid) in enumerate(drafts, 1):
            kind = rng.weighted(*_OFFER_KINDS)
            value = {
                "percentage": rng.between(5, 50),
                "fixed_amount": rng.between(1, 100),
                "bundle": rng.between(2, 5),
            }
            code = None if rng.random() < 0.6 else f"{rng.pick(V.STORE_WORDS).upper()}{rng.between(10, 99)}"
            starts = created + rng.between(0, 7 * DAY)
            ends = None if rng.random() < 0.25 else _at(starts + rng.between(1, 60) * DAY)
            yield (i, pid, kind, _money(value.get(kind, 0)), code, _at(starts), ends, _at(created))

    def media_files(self, rng: _Rng) -> Iterator[Row]:
        for i, t in enumerate(rng.times(self.n["media_files"], MEDIA_START, SPAN), 1):
            kind = rng.weighted(*_MEDIA_KINDS)
            ext, mime = _MEDIA_FORMATS[kind]
            name = f"{_slug_word(rng.pick(V.NOUNS))}-{i}.{ext}"
            width = height = alt = None
            if kind != "document":
                width = rng.pick((640, 800, 1200, 1920, 2400))
                height = width * rng.pick((3, 9, 4)) // rng.pick((4, 16, 3))
            if kind == "image" and rng.random() < 0.65:
                alt = f"{rng.pick(V.ADJECTIVES)} {rng.pick(V.NOUNS).lower()}"
            key = bucket = cdn = None
            if t >= R2_START and rng.random() < 0.98:  # uploaded after the R2 migration
                key = f"media/{_at(t):%Y/%m}/{name}"
                bucket, cdn = "shop-media-eu", f"https://cdn.shop.example/{key}"
            size = int(rng.lognormvariate(math.log(250_000 if kind == "image" else 8_000_000), 0.8))
            yield (i, kind, name, mime, size, width, height, alt, key, bucket, cdn, _at(t))

    def product_media(self, rng: _Rng) -> Iterator[Row]:
        n, n_media, n_products = self.n["product_media"], self.n["media_files"], self.n["products"]
        if n > n_media * n_products:
            raise ConfigError(f"Cannot make {n} distinct product/media pairs.", fix="Use a larger scale.")
        pairs: set[tuple[int, int]] = set()
        first = min(n, n_media)  # every media file belongs to a product, popular ones have more
        for media_id, pid in zip(range(1, first + 1), self.popular_products.pick(rng, first), strict=True):
            pairs.add((pid, media_id))
            yield (pid, media_id)
        while len(pairs) < n:
            pair = (self.popular_products.pick(rng, 1)[0], rng.between(1, n_media))
            if pair not in pairs:
                pairs.add(pair)
                yield pair

    def banners(self, rng: _Rng) -> Iterator[Row]:
        for i, t in enumerate(rng.times(self.n["banners"], MEDIA_START, SPAN), 1):
            image = None if rng.random() < 0.2 else rng.between(1, self.n["media_files"])
            link = (
                None
                if rng.random() < 0.3
                else f"https://shop.example/c/{rng.between(1, self.n['categories'])}"
            )
            starts = t + rng.between(0, 14 * DAY)
            ends = None if rng.random() < 0.3 else _at(starts + rng.between(3, 45) * DAY)
            position, title, active = rng.weighted(*_POSITIONS), rng.pick(V.BANNER_TITLES), rng.random() < 0.6
            yield (i, position, title, image, link, active, _at(starts), ends, _at(t))

    def ratings(self, rng: _Rng) -> Iterator[Row]:
        n = self.n["ratings"]
        users = _Zipf(rng, self.n["users"], 0.6)
        product_created, user_created = self.product_created, self.user_created
        drafts = sorted(
            (rng.after(max(product_created[pid - 1], user_created[uid - 1])), pid, uid)
            for pid, uid in zip(self.popular_products.pick(rng, n), users.pick(rng, n), strict=True)
        )
        sentences = V.REVIEW_SENTENCES
        for i, (t, pid, uid) in enumerate(drafts, 1):
            self.rating_created.append(t)
            title = None if rng.random() < 0.4 else rng.pick(V.REVIEW_TITLES)
            body = (
                None
                if rng.random() < 0.3
                else " ".join(rng.pick(sentences) for _ in range(rng.between(1, 4)))
            )
            yield (i, pid, uid, rng.weighted(*_SCORES), title, body, _at(t))

    def comments(self, rng: _Rng) -> Iterator[Row]:
        n_ratings, n_users = self.n["ratings"], self.n["users"]
        drafts = []
        for _ in range(self.n["comments"]):
            rid, uid = rng.between(1, n_ratings), rng.between(1, n_users)
            drafts.append(
                (rng.after(max(self.rating_created[rid - 1], self.user_created[uid - 1])), rid, uid)
            )
        drafts.sort()
        for i, (t, rid, uid) in enumerate(drafts, 1):
            body = " ".join(rng.pick(V.REVIEW_SENTENCES) for _ in range(rng.between(1, 3)))
            yield (i, rid, uid, body, _at(t))

    def price_history(self, rng: _Rng) -> Iterator[Row]:
        product_ids = rng.choices(range(1, self.n["products"] + 1), k=self.n["price_history"])
        drafts = sorted((rng.after(self.product_created[pid - 1]), pid) for pid in product_ids)
        current: dict[int, float] = {}
        for i, (t, pid) in enumerate(drafts, 1):
            price = current.get(pid, self.product_price[pid - 1]) * (0.85 + 0.27 * rng.random())
            current[pid] = price = min(9_999.99, max(0.49, price))
            yield (i, pid, _money(price), _at(t).replace(tzinfo=None))  # planted: naive timestamp

    def admin_logs(self, rng: _Rng) -> Iterator[Row]:
        staff = _Zipf(rng, len(self.staff_ids), 1.0)
        limits = {"product": "products", "offer": "offers", "banner": "banners", "user": "users"}
        for i, t in enumerate(rng.times(self.n["admin_logs"], 0, SPAN), 1):
            user_id = None if rng.random() < 0.08 else self.staff_ids[staff.pick(rng, 1)[0] - 1]
            action = rng.weighted(*_ACTIONS)
            entity = "session" if action == "login" else rng.pick(V.ADMIN_ENTITIES)
            entity_id = None
            if action not in {"login", "export"}:
                entity_id = rng.between(1, self.n[limits.get(entity, "categories")])
            yield (i, user_id, action, entity, entity_id, self._payload(rng, action), _at(t))

    @staticmethod
    def _payload(rng: _Rng, action: str) -> dict[str, Any] | None:
        if rng.random() < 0.25:
            return None
        if action == "update":
            field = rng.pick(V.CHANGED_FIELDS)
            return {"field": field, "old": f"{rng.uniform(1, 500):.2f}", "new": f"{rng.uniform(1, 500):.2f}"}
        if action == "login":
            ip = f"10.{rng.between(0, 255)}.{rng.between(0, 255)}.{rng.between(1, 254)}"
            return {"ip": ip, "mfa": rng.random() < 0.7}
        if action == "export":
            return {"format": rng.pick(("csv", "xlsx")), "rows": rng.between(10, 50_000)}
        return {"reason": rng.pick(("manual", "import", "api", "scheduled"))}

    def system_settings(self, rng: _Rng) -> Iterator[Row]:
        for key, value, description in V.SETTINGS:
            yield (key, value, description, _at(rng.between(0, SPAN)))


def _numbered(ids: Sequence[int]) -> Iterator[tuple[int, int]]:
    """``[4, 4, 7]`` -> ``(4, 1), (4, 2), (7, 1)``: each id with its running number within its group."""
    for pid, group in itertools.groupby(ids):
        for k, _ in enumerate(group, 1):
            yield pid, k
