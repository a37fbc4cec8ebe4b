"""The shop's typical workload, run against the demo database so that the query-log tools read real logs.

Pages, as the application would issue them through SQLAlchemy (async ORM): product page by slug (with variants
and a rating summary), category listing with ORDER BY + LIMIT, search with LIKE, price chart, login by e-mail,
admin audit trail, and one deliberately N+1 page (a listing, then one brand lookup and one ratings query per
product). Deterministic for a seed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from maat_nb.demo.models import AdminLog, Brand, Category, PriceHistory, Product, ProductVariant, Rating, User

PAGE_WEIGHTS = {
    "product_page": 30,
    "category_listing": 20,
    "search": 12,
    "price_chart": 10,
    "login": 10,
    "admin_audit": 3,
    "n_plus_one_page": 5,
}


@dataclass(frozen=True)
class WorkloadSummary:
    """How many pages of each kind ran."""

    pages: dict[str, int]
    seconds: float


@dataclass(frozen=True)
class _Keys:
    slugs: list[str]
    categories: list[int]
    products: list[int]
    emails: list[str]
    words: list[str]


async def _keys(session: AsyncSession, rng: random.Random) -> _Keys:
    slugs = list((await session.scalars(select(Product.slug).order_by(Product.id).limit(500))).all())
    categories = list((await session.scalars(select(Category.id).order_by(Category.id))).all())
    products = list((await session.scalars(select(Product.id).order_by(Product.id).limit(500))).all())
    emails = list((await session.scalars(select(User.email).order_by(User.id).limit(200))).all())
    names = (await session.scalars(select(Product.name).order_by(Product.id).limit(200))).all()
    words = sorted({w.lower() for n in names for w in n.split() if len(w) > 3})
    if not (slugs and categories and products and emails):
        from maat_nb.errors import ConfigError

        raise ConfigError("The demo database is empty.", fix="Build it first: maat-nb demo.")
    return _Keys(slugs, categories, products, emails, words or ["shirt"])


async def product_page(s: AsyncSession, k: _Keys, rng: random.Random) -> None:
    product = (await s.scalars(select(Product).where(Product.slug == rng.choice(k.slugs)))).first()
    if product is None:
        return
    await s.scalars(select(ProductVariant).where(ProductVariant.product_id == product.id))
    await s.execute(select(func.avg(Rating.score), func.count()).where(Rating.product_id == product.id))


async def category_listing(s: AsyncSession, k: _Keys, rng: random.Random) -> None:
    await s.scalars(
        select(Product)
        .where(Product.category_id == rng.choice(k.categories), Product.is_active.is_(True))
        .order_by(Product.created_at.desc())
        .limit(24)
        .offset(24 * rng.randrange(3))
    )


async def search(s: AsyncSession, k: _Keys, rng: random.Random) -> None:
    await s.scalars(select(Product).where(Product.name.like(f"%{rng.choice(k.words)}%")).limit(20))


async def price_chart(s: AsyncSession, k: _Keys, rng: random.Random) -> None:
    since = datetime(2024, 1, 1) + timedelta(days=rng.randrange(300))
    await s.execute(
        select(PriceHistory.recorded_at, PriceHistory.price)
        .where(PriceHistory.product_id == rng.choice(k.products), PriceHistory.recorded_at >= since)
        .order_by(PriceHistory.recorded_at)
    )


async def login(s: AsyncSession, k: _Keys, rng: random.Random) -> None:
    user = (await s.scalars(select(User).where(User.email == rng.choice(k.emails)))).first()
    if user is not None:
        await s.execute(update(User).where(User.id == user.id).values(last_login_at=datetime.now(UTC)))


async def admin_audit(s: AsyncSession, k: _Keys, rng: random.Random) -> None:
    await s.scalars(
        select(AdminLog)
        .where(AdminLog.entity == "product", AdminLog.entity_id == rng.choice(k.products))
        .order_by(AdminLog.created_at.desc())
        .limit(50)
    )


async def n_plus_one_page(s: AsyncSession, k: _Keys, rng: random.Random) -> None:
    """The bug this page carries on purpose: one query per listed product, twice over."""
    products = (
        await s.scalars(
            select(Product)
            .where(Product.category_id == rng.choice(k.categories))
            .order_by(Product.id)
            .limit(20)
        )
    ).all()
    for product in products:
        if product.brand_id is not None:
            await s.scalars(select(Brand).where(Brand.id == product.brand_id))
        await s.scalars(select(Rating).where(Rating.product_id == product.id).limit(5))


PAGES = {
    "product_page": product_page,
    "category_listing": category_listing,
    "search": search,
    "price_chart": price_chart,
    "login": login,
    "admin_audit": admin_audit,
    "n_plus_one_page": n_plus_one_page,
}


async def run_workload(
    engine: AsyncEngine, *, pages: int = 300, seed: int = 1, mix: dict[str, int] | None = None
) -> WorkloadSummary:
    """Run ``pages`` page views of the demo shop against ``engine`` (each page its own transaction).

    Args:
        engine: The demo database.
        pages: How many page views.
        seed: Same seed, same pages and parameters.
        mix: Relative weights per page kind (default :data:`PAGE_WEIGHTS`); 0 leaves a kind out.

    Writes only what the application writes (login times): run it on the demo database, not on production.
    """
    import time

    rng = random.Random(seed)
    factory = async_sessionmaker(engine, expire_on_commit=False)
    started = time.perf_counter()
    done: dict[str, int] = dict.fromkeys(PAGES, 0)
    async with factory() as session:
        keys = await _keys(session, rng)
    weights_by_name = mix if mix is not None else PAGE_WEIGHTS
    names = [n for n in PAGES if weights_by_name.get(n, 0) > 0]
    weights = [weights_by_name[n] for n in names]
    for _ in range(pages):
        name = rng.choices(names, weights)[0]
        async with factory() as session, session.begin():
            await PAGES[name](session, keys, rng)
        done[name] += 1
    return WorkloadSummary(done, time.perf_counter() - started)


async def record_workload(
    db: str, path: str | Path, *, pages: int = 300, seed: int = 1
) -> tuple[WorkloadSummary, int]:
    """Run the workload against the demo at ``db`` with a SQLAlchemy capture, and write the capture log to ``path``.

    Returns the page counts and the number of statements written.
    """
    from maat_nb.engines import create_engine
    from maat_nb.querylog.capture import capture
    from maat_nb.querylog.parsers.capture_jsonl import write_capture

    engine = create_engine(db)
    try:
        async with capture(engine) as log:
            summary = await run_workload(engine, pages=pages, seed=seed)
    finally:
        await engine.dispose()
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    return summary, write_capture(log.events, path, dialect=log.dialect)
