"""The frozen results of a profile: per column, per table, findings, and the whole profile.

Every figure carries where it came from: ``exact`` (computed over every row), ``sampled`` (computed over a sample
of rows, the sample's size is in :attr:`TableProfile.sample_rows`) or ``catalog`` (the database's own optimizer
statistics, as fresh as its last ANALYZE).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from maat_nb.catalog import Catalog, Table

Source = Literal["exact", "sampled", "catalog"]


@dataclass(frozen=True)
class ColumnProfile:
    """Statistics of one column.

    Attributes:
        null_frac: Share of rows where the column is NULL (0..1).
        distinct: Number of distinct non-NULL values (an estimate when ``source`` is not ``exact``).
        top_values: Most common values with their share of all rows, most common first.
        histogram: ``(low, high, count)`` buckets for numbers and dates; dates as ISO strings.
        source: Where ``null_frac``/``distinct``/``min``/``max`` come from.
        top_source: Where ``top_values``/``histogram`` come from.
    """

    name: str
    type: str
    category: str
    nullable: bool
    null_frac: float | None
    distinct: int | None
    min: Any
    max: Any
    avg_width: float | None
    top_values: tuple[tuple[Any, float], ...]
    histogram: tuple[tuple[Any, Any, int], ...] | None
    source: Source
    top_source: Source


@dataclass(frozen=True)
class TableProfile:
    """One table's profile.

    Attributes:
        rows: Row count; exact when ``rows_source == 'exact'``, else the catalog's estimate.
        sample_rows: How many rows the sampled figures were computed from (None when nothing was sampled).
        skipped: Why the table (a view, usually) was not profiled, or None.
    """

    table: Table
    rows: int | None
    rows_source: Literal["exact", "estimate"]
    columns: tuple[ColumnProfile, ...]
    sample_rows: int | None
    seconds: float
    skipped: str | None = None

    @property
    def name(self) -> str:
        """The table's name."""
        return self.table.name

    def column(self, name: str) -> ColumnProfile:
        """The profile of column ``name``."""
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)


@dataclass(frozen=True)
class Finding:
    """A schema problem, with the DDL that fixes it.

    Attributes:
        kind: Stable identifier, e.g. ``fk_without_index``, ``redundant_index``.
        severity: ``high``, ``medium`` or ``low``.
        detail: One sentence naming the objects and the evidence.
        fix: DDL (or the step to take) that removes the problem.
    """

    kind: str
    table: str
    detail: str
    fix: str
    severity: str = "medium"
    column: str | None = None
    index: str | None = None


@dataclass(frozen=True)
class Profile:
    """The profile of a database: its catalog, the profiled tables and the findings."""

    catalog: Catalog
    tables: tuple[TableProfile, ...]
    findings: tuple[Finding, ...]
    seconds: float
    target: str

    def table(self, name: str) -> TableProfile:
        """The profile of table ``name``."""
        for table in self.tables:
            if table.name == name:
                return table
        raise KeyError(name)
