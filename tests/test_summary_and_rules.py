"""Pure parts, no database: summaries (property-based with hypothesis) and the index rules on hand-made catalogs."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from maat_nb.catalog import Catalog, Column, ForeignKey, Index, Table
from maat_nb.profiling.lint import lint
from maat_nb.profiling.summary import estimate_distinct, histogram, top_values

values = st.lists(st.one_of(st.none(), st.integers(-5, 5)), max_size=300)


@given(values)
def test_top_values_are_the_most_common(vals: list[int | None]) -> None:
    top = top_values(vals, len(vals))
    counts = Counter(v for v in vals if v is not None)
    shares = [share for _, share in top]
    assert shares == sorted(shares, reverse=True)
    assert sum(shares) <= 1.0 + 1e-9
    for value, share in top:
        assert counts[value] == round(share * len(vals)) and counts[value] > 1
    if top:  # nothing left out is more common than the last one kept
        kept = {v for v, _ in top}
        assert all(n <= counts[top[-1][0]] for v, n in counts.items() if v not in kept)


@given(values, st.integers(0, 10_000))
def test_distinct_estimate_is_bounded(vals: list[int | None], extra_rows: int) -> None:
    total = len(vals) + extra_rows
    seen = len({v for v in vals if v is not None})
    est = estimate_distinct(vals, total)
    assert seen <= est <= max(total, seen)
    if extra_rows == 0:
        assert est == seen


@given(
    st.lists(st.one_of(st.none(), st.floats(-1e6, 1e6, allow_nan=False)), max_size=300), st.integers(1, 30)
)
def test_histogram_counts_every_value_once(vals: list[float | None], bins: int) -> None:
    hist = histogram(vals, bins)
    present = [v for v in vals if v is not None]
    if not present:
        assert hist is None
        return
    assert hist is not None
    assert sum(c for _, _, c in hist) == len(present)
    lows = [lo for lo, _, _ in hist]
    assert lows == sorted(lows)


def test_histogram_of_datetimes_keeps_dates() -> None:
    start = datetime(2023, 1, 1)
    hist = histogram([start + timedelta(days=i) for i in range(100)], bins=4)
    assert hist is not None and [c for _, _, c in hist] == [25, 25, 25, 25]
    assert str(hist[0][0]).startswith("2023-01-01") and str(hist[-1][1]).startswith("2023-04-10")


def _catalog(*indexes: Index, fks: tuple[ForeignKey, ...] = (), dialect: str = "postgresql") -> Catalog:
    cols = tuple(Column(n, "INTEGER", True, "INTEGER", category="numeric") for n in ("id", "a", "b", "c"))
    table = Table("t", "table", cols, ("id",), (Index("pk_t", ("id",), True, primary=True), *indexes), fks)
    return Catalog(dialect, "db", None, "15", (table,))


def kinds(catalog: Catalog) -> list[tuple[str, str | None]]:
    return sorted((f.kind, f.index or f.column) for f in lint(catalog) if f.kind != "stale_statistics")


def test_left_prefix_is_redundant_but_unique_is_kept() -> None:
    cat = _catalog(Index("ix_a", ("a",), False), Index("ix_a_b", ("a", "b"), False))
    assert kinds(cat) == [("redundant_index", "ix_a")]
    cat = _catalog(Index("uq_a", ("a",), True, constraint=True), Index("ix_a_b", ("a", "b"), False))
    assert kinds(cat) == []


def test_same_columns_other_order_is_not_a_duplicate() -> None:
    assert kinds(_catalog(Index("ix_a_b", ("a", "b"), False), Index("ix_b_a", ("b", "a"), False))) == []


def test_duplicate_keeps_the_constraint() -> None:
    cat = _catalog(Index("ix_b", ("b",), False), Index("uq_b", ("b",), True, constraint=True))
    found = [f for f in lint(cat) if f.kind == "duplicate_index"]
    assert [f.index for f in found] == ["ix_b"] and found[0].fix == "DROP INDEX CONCURRENTLY ix_b;"


def test_index_on_primary_key_columns_is_a_duplicate() -> None:
    assert kinds(_catalog(Index("ix_id", ("id",), False))) == [("duplicate_index", "ix_id")]


def test_foreign_key_covered_by_any_order_of_leading_columns() -> None:
    fk = ForeignKey("fk", ("a", "b"), "p", ("x", "y"))
    assert kinds(_catalog(Index("ix_b_a_c", ("b", "a", "c"), False), fks=(fk,))) == []
    assert kinds(_catalog(Index("ix_c_a_b", ("c", "a", "b"), False), fks=(fk,))) == [
        ("fk_without_index", "a")
    ]


def test_unused_index_spares_keys_and_fk_indexes() -> None:
    fk = ForeignKey("fk", ("a",), "p", ("x",))
    cat = _catalog(
        Index("ix_a", ("a",), False, scans=0),
        Index("uq_b", ("b",), True, scans=0),
        Index("ix_c", ("c",), False, scans=0),
        Index("ix_b_c", ("b", "c"), False, scans=3),
        fks=(fk,),
    )
    assert [f.index for f in lint(cat) if f.kind == "unused_index"] == ["ix_c"]
    assert [f.index for f in lint(_catalog(Index("ix_c", ("c",), False, scans=0), dialect="mariadb"))] == []
