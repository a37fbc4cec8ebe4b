"""Pure summaries of fetched values: most common values, histograms, distinct-count estimates.

Nothing here touches a database; the fetchers hand in plain Python values.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter
from collections.abc import Sequence
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

TOP_K = 5
BINS = 20


def top_values(values: Sequence[Any], total_rows: int, k: int = TOP_K) -> tuple[tuple[Any, float], ...]:
    """The ``k`` most common non-NULL values with their share of ``total_rows``.

    Ties are broken by the value's text so the result is deterministic. Values seen once are not "common" and are
    left out.

    >>> top_values(["a", "b", "a", None, "a", "b", "c", "d"], 8)
    (('a', 0.375), ('b', 0.25))
    """
    if total_rows <= 0:
        return ()
    counts = Counter(v for v in values if v is not None)
    if not counts:
        return ()
    # rank only the candidates that can make the top k (a near-unique column has thousands of values)
    threshold = max(2, min(heapq.nlargest(k, counts.values())))
    ranked = sorted(
        ((v, n) for v, n in counts.items() if n >= threshold), key=lambda kv: (-kv[1], str(kv[0]))
    )
    return tuple((_plain(v), n / total_rows) for v, n in ranked[:k])


def estimate_distinct(values: Sequence[Any], total_rows: int) -> int:
    """Estimate the number of distinct values of a column from a sample of it (Haas & Stokes' Duj1).

    It is the estimator PostgreSQL's ANALYZE uses: ``n*d / (n - f1 + f1*n/N)`` where ``n`` is the sample size,
    ``d`` the distinct values in the sample, ``f1`` those seen once, and ``N`` the table's rows.

    >>> estimate_distinct([1, 2, 3, 4], 4)
    4
    >>> estimate_distinct([1, 1, 2, 2], 1000)
    2
    """
    sample = [v for v in values if v is not None]
    n = len(values)
    if not sample or n == 0:
        return 0
    counts = Counter(sample)
    d = len(counts)
    if total_rows <= n:
        return d
    f1 = sum(1 for c in counts.values() if c == 1)
    if f1 == len(sample):  # every value unique in the sample: assume unique in the table
        return round(d * total_rows / n)
    est = n * d / (n - f1 + f1 * n / total_rows)
    return max(d, min(round(est), total_rows))


def histogram(values: Sequence[Any], bins: int = BINS) -> tuple[tuple[Any, Any, int], ...] | None:
    """Equal-width buckets ``(low, high, count)`` over numbers, dates or datetimes; None for other values.

    >>> histogram([1, 2, 3, 4], bins=2)
    ((1.0, 2.5, 2), (2.5, 4.0, 2))
    """
    present = [v for v in values if v is not None]
    if not present:
        return None
    first = present[0]
    if isinstance(first, bool) or not isinstance(first, int | float | Decimal | date | datetime):
        return None
    if isinstance(first, datetime):
        as_num: list[float | None] = [
            v.timestamp() if isinstance(v, datetime) and v.tzinfo is None else _to_number(v) for v in present
        ]
    elif isinstance(first, date):
        as_num = [float(v.toordinal()) if isinstance(v, date) else None for v in present]
    else:
        as_num = [_to_number(v) for v in present]
    nums = [x for x in as_num if x is not None and math.isfinite(x)]
    if not nums:
        return None
    lo, hi = min(nums), max(nums)
    if lo == hi:
        return ((_from_number(lo, first), _from_number(hi, first), len(nums)),)
    width = (hi - lo) / bins
    counts = [0] * bins
    for x in nums:
        counts[min(int((x - lo) / width), bins - 1)] += 1
    return tuple(
        (_from_number(lo + i * width, first), _from_number(lo + (i + 1) * width, first), c)
        for i, c in enumerate(counts)
    )


def _to_number(v: Any) -> float | None:
    if isinstance(v, datetime):
        return v.timestamp() if v.tzinfo else v.replace(tzinfo=None).timestamp()
    if isinstance(v, date):
        return float(v.toordinal())
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def _from_number(x: float, like: Any) -> Any:
    if isinstance(like, datetime):
        return datetime.fromtimestamp(x, tz=like.tzinfo).isoformat(sep=" ", timespec="seconds")
    if isinstance(like, date):
        return date.fromordinal(int(x)).isoformat()
    return round(x, 6)


def _plain(v: Any) -> Any:
    """A JSON-friendly form of a database value (long text cut to 80 characters)."""
    if isinstance(v, Decimal):
        return float(v)
    if isinstance(v, datetime | date | time):
        return v.isoformat()
    if isinstance(v, bytes | bytearray | memoryview):
        return f"<{len(bytes(v))} bytes>"
    if isinstance(v, str) and len(v) > 80:
        return v[:77] + "..."
    return v


plain = _plain
