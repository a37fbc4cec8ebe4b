"""Fill the tables of whatever schema a database has right now with realistic, constraint-abiding rows, in bulk.

:func:`seed` reflects the current schema (nothing is declared ahead: it works at any Alembic revision of any
project), orders the tables parents first and fills each chosen table to the asked number of rows:

* **Types**: every reflected type gets values of its own kind and range — integers within the type (unsigned and
  small types respected), ``numeric(p, s)`` within precision and scale, floats, booleans, strings up to the
  declared length (short ones, max-length ones, long text in ``TEXT``, some non-ASCII and 4-byte characters where
  the column's character set takes them), dates and timestamps over ten years (time-zone aware for
  ``timestamptz``), JSON, UUID, enum values (reflected on PostgreSQL and MariaDB), binary, PostgreSQL arrays and
  network types, MariaDB ``SET``/``YEAR``/``BIT``. A few column names shape the values (``email``, ``url``,
  ``slug``, ``phone``, ``*_code``, ``country``, ``currency``, ``year``, ``age``...).
* **NULLs** in about 10 % of the values of nullable columns; NOT NULL columns never get one.
* **Uniqueness**: primary keys, unique constraints and unique indexes (composite ones too) hold; a key alone on
  one column draws from a counter, so it is unique by construction; composite keys are drawn freely and checked
  (a key is compared the way the database compares it: case- and accent-insensitively on MariaDB's ``_ci``
  collations). Other columns repeat values with a skew, like real data.
* **Foreign keys** point at existing parent keys (skewed: some parents get many children). Parents are filled
  first; a parent that is neither chosen nor already filled is left empty and the reference NULL when the foreign
  key is nullable, or gets a few rows when it is not. Self-references point at earlier rows (a tree; the first row
  points at itself when the column is NOT NULL). A cycle between tables is broken at a nullable foreign key, which
  is loaded NULL and set by an ``UPDATE`` once its parent is filled; a cycle of NOT NULL keys is refused.
* **CHECK constraints** are parsed (sqlglot) into Python predicates with SQL's three-valued logic. Simple forms —
  ``col > N``, ``col >= N``, ``BETWEEN``, ``IN`` (PostgreSQL's ``= ANY (ARRAY[...])`` too), ``length(col) <= N``,
  ``octet_length``, ``col <> ''``, ``IS NOT NULL``, MariaDB's ``json_valid`` — steer the generator so values
  satisfy them at once; every other understood expression (``ends_at > starts_at``, ``lower(code) = code``,
  ``LIKE``, regular expressions...) is checked row by row and the row redrawn, up to :data:`ROW_ATTEMPTS` times
  (the last attempts try NULL in nullable columns, which makes most CHECKs unknown, hence passing). A table whose
  rows keep failing stops early — never a loop without end — and says so in :attr:`SeedResult.notes`. A conjunct
  the evaluator does not understand (an unknown function) is noted and not checked; if the database then refuses
  a batch, :class:`SeedError` names the unchecked CHECK and asks for a ``hook``. PostgreSQL domains bring their
  CHECK (``VALUE`` read as the column) and NOT NULL.
* **Hook**: ``hook(table, n, rng)`` may return rows (mappings) for a table; the columns a row gives are used as
  they are, the others are generated (and redrawn if the row breaks a key or CHECK; a row whose own values break
  one raises :class:`SeedError`). Fewer rows than ``n``: the rest is generated; more: ignored (a generator is
  consumed lazily). Return ``None`` to let a table be generated entirely.
* **Deterministic**: each table draws from ``random.Random(f"{seed}:{table}")``; the same seed on the same schema
  gives the same rows on every run and every engine.

Decisions:

* Every column is filled except computed (generated) columns — server defaults are not relied on, so defaults do
  not hide NOT NULL or type problems. Primary keys get explicit values (integer keys count up from 1, or from the
  row count already there), so parent keys are known without reading them back; afterwards PostgreSQL's
  ``serial``/identity sequences (and ``nextval`` defaults) are moved past the loaded values with ``setval``.
  MariaDB's ``AUTO_INCREMENT`` and SQLite's rowid follow explicit values by themselves.
* Bulk loading is the fastest portable path of each engine (as in :mod:`maat_nb.demo.load`, whose bind-value
  converter is reused): ``COPY`` (binary, asyncpg's ``copy_records_to_table``) on PostgreSQL; ``executemany`` on
  SQLite; ``executemany`` rewritten by aiomysql into multi-row ``INSERT`` statements on MariaDB, with
  ``foreign_key_checks`` and ``unique_checks`` off for the session while loading (restored afterwards). Batches of
  :data:`BATCH_ROWS` rows.
* The caller owns the transaction: :func:`seed` never commits (MariaDB commits nothing either: DML only).

Deliberately not done: no Faker-grade realism (a fixed vocabulary); no trigger emulation (triggers do fire on
PostgreSQL and MariaDB, and may reject or rewrite rows); exclusion constraints are ignored and partial unique
indexes treated as plain unique keys; unique indexes on expressions are not enforced (noted); PostgreSQL partitions
are filled only through their partitioned table, so partition bounds must admit dates over 2016–2025 (else give a
hook); MariaDB sequences used as defaults are not moved; parent keys of tables that are already filled are read up
to :data:`PARENT_KEYS_LIMIT` per key; tables outside the connection's default schema are read as parents but never
filled.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import ipaddress
import itertools
import json
import math
import random
import re
import time
import unicodedata
import uuid
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Final

import sqlglot
from sqlalchemy import (
    CheckConstraint,
    Column,
    ForeignKeyConstraint,
    MetaData,
    Table,
    UniqueConstraint,
    func,
    select,
    text,
    update,
)
from sqlalchemy import types as sqltypes
from sqlalchemy.dialects import mysql, postgresql
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError, SAWarning
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlglot import exp

from maat_nb.demo.load import converter
from maat_nb.errors import MaatError

__all__ = ["BATCH_ROWS", "SeedError", "SeedHook", "SeedResult", "seed"]

#: Rows per bulk batch (one COPY, one executemany).
BATCH_ROWS: Final = 10_000
#: Share of NULLs in nullable columns.
NULL_SHARE: Final = 0.10
#: Rows given to a NOT NULL parent nobody asked to fill.
FEW_ROWS: Final = 10
#: Attempts at one row before it is given up (CHECK or composite-key collisions).
ROW_ATTEMPTS: Final = 50
#: Keys of an already-filled parent read for its children to point at.
PARENT_KEYS_LIMIT: Final = 100_000
#: Tables never filled.
SKIP_TABLES: Final = frozenset({"alembic_version"})

SeedHook = Callable[[Table, int, random.Random], Iterable[Mapping[str, Any]] | None]

_START = dt.datetime(2016, 1, 1)
_END = dt.datetime(2025, 12, 31, 23, 59, 59)
_SPAN_S = int((_END - _START).total_seconds())
_B36 = "0123456789abcdefghijklmnopqrstuvwxyz"


class SeedError(MaatError):
    """The schema cannot be filled as asked (unknown table, cycle of NOT NULL keys, ungeneratable column...)."""


@dataclass(frozen=True)
class SeedResult:
    """What :func:`seed` did.

    Attributes:
        rows: Rows inserted per table, in fill order (tables left alone are absent).
        seconds: Seconds per table (generation and loading; the cycle-breaking updates count for the child).
        total_seconds: Wall time of the whole call, reflection and sequence fixes included.
        skipped: Chosen tables that already held rows and were left alone (``existing="skip"``).
        notes: What could not be honoured exactly (capped keys, unchecked CHECKs, filled parents, ...).
    """

    rows: dict[str, int]
    seconds: dict[str, float]
    total_seconds: float
    skipped: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def total_rows(self) -> int:
        """Rows inserted over all tables."""
        return sum(self.rows.values())

    @property
    def rows_per_second(self) -> float:
        """Overall loading rate (0 when nothing was loaded)."""
        return self.total_rows / self.total_seconds if self.total_seconds > 0 and self.total_rows else 0.0


# ----------------------------------------------------------------------------------------------------------------
# vocabulary (fixed, small; non-ASCII and 4-byte characters on purpose)

# fmt: off
_WORDS: Final = (
    "alpha", "amber", "anchor", "apple", "arrow", "atlas", "autumn", "basket", "beacon", "berry", "birch",
    "blue", "bolt", "bridge", "bright", "canvas", "cedar", "cherry", "cloud", "clover", "coast", "copper",
    "coral", "crystal", "delta", "desert", "echo", "ember", "falcon", "fern", "field", "flame", "forest",
    "frost", "garden", "glacier", "golden", "granite", "harbor", "hazel", "horizon", "island", "ivory", "jade",
    "jasmine", "lagoon", "lantern", "lemon", "linen", "lotus", "maple", "marble", "meadow", "mint", "moon",
    "mosaic", "nectar", "noble", "nova", "oak", "ocean", "olive", "onyx", "orbit", "orchid", "pearl", "pepper",
    "pine", "pixel", "planet", "plum", "prism", "quartz", "quill", "rain", "raven", "river", "rose", "ruby",
    "saffron", "sage", "salt", "sand", "silk", "silver", "slate", "snow", "solar", "spark", "spice", "spruce",
    "star", "stone", "storm", "summit", "sun", "thunder", "tide", "timber", "topaz", "tulip", "valley",
    "velvet", "violet", "walnut", "willow", "winter", "zephyr",
)
_ACCENTED: Final = (
    "café", "crème", "naïve", "Straße", "Größe", "Ærø", "Søren", "Łódź", "Ñandú", "façade", "Zoë", "Île",
    "São", "Dvořák", "İstanbul", "Ōta", "déjà", "piñata", "smörgåsbord", "Jürgen",
)
_EXOTIC: Final = (  # outside Latin-1; the last ones are 4-byte UTF-8 (emoji, CJK extension B)
    "東京", "Привет", "Ελλάδα", "שלום", "مرحبا", "हिन्दी", "한국어", "ไทย", "日本語テキスト",
    "🙂", "🚀 launch", "👍🏽", "𠜎𠜱", "🎉🎉",
)
_SENTENCES: Final = (
    "Arrived quickly and works exactly as described.",
    "The colour is slightly different from the photos, but the quality is good.",
    "Would buy again; customer service answered within a day.",
    "Packaging was damaged, the product itself was fine.",
    "Not what I expected — the size runs small, order one up.",
    "Great value for the price. Battery lasts about two days.",
    "Stopped working after three weeks; replacement is on its way.",
    "Excellent build quality, feels solid and well finished.",
    "Instructions were only in German, otherwise perfect.",
    "Délai de livraison respecté, produit conforme à la description.",
    "Sehr gute Verarbeitung, würde ich jederzeit wieder kaufen.",
    "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor.",
)
_COUNTRIES: Final = ("DE", "FR", "NL", "IT", "ES", "AT", "BE", "PL", "SE", "DK", "US", "GB", "JP", "BR", "IN")
_CURRENCIES: Final = ("EUR", "USD", "GBP", "SEK", "DKK", "PLN", "JPY", "CHF")
_DOMAINS: Final = ("mail.example", "post.example", "inbox.example", "corp.example", "web.example")
# fmt: on


# ----------------------------------------------------------------------------------------------------------------
# CHECK constraints: hints for the generators and Python predicates


class _Unsupported(Exception):
    """An expression the evaluator does not understand."""


class _Exhausted(Exception):
    """A generator or a parent pool has no more distinct values."""


@dataclass
class _Hints:
    """What the simple forms of a table's CHECK constraints say about one column."""

    lo: Any = None
    lo_open: bool = False
    hi: Any = None
    hi_open: bool = False
    allowed: list[Any] | None = None
    excluded: list[Any] = field(default_factory=list)
    min_len: int = 0
    max_len: int | None = None
    max_bytes: int | None = None
    not_null: bool = False
    json: bool = False

    def lower(self, value: Any, open_: bool) -> None:
        try:
            if self.lo is None or value > self.lo or (value == self.lo and open_):
                self.lo, self.lo_open = value, open_
        except TypeError:
            pass

    def upper(self, value: Any, open_: bool) -> None:
        try:
            if self.hi is None or value < self.hi or (value == self.hi and open_):
                self.hi, self.hi_open = value, open_
        except TypeError:
            pass

    def allow(self, values: list[Any]) -> None:
        self.allowed = values if self.allowed is None else [v for v in self.allowed if v in values]


_SQLGLOT_DIALECT = {"postgresql": "postgres", "mysql": "mysql", "mariadb": "mysql", "sqlite": "sqlite"}
_CMP: dict[type[exp.Expression], str] = {
    exp.GT: ">",
    exp.GTE: ">=",
    exp.LT: "<",
    exp.LTE: "<=",
    exp.EQ: "=",
    exp.NEQ: "<>",
}
_ARITH: dict[type[exp.Expression], str] = {
    exp.Add: "+",
    exp.Sub: "-",
    exp.Mul: "*",
    exp.Div: "/",
    exp.Mod: "%",
}
_FLIP = {">": "<", ">=": "<=", "<": ">", "<=": ">=", "=": "=", "<>": "<>"}
_NO = object()


def _strip(node: exp.Expression) -> exp.Expression:
    while isinstance(node, (exp.Paren, exp.Cast)):
        node = node.this
    return node


def _column_name(node: exp.Expression) -> str | None:
    node = _strip(node)
    return node.name if isinstance(node, exp.Column) else None


def _literal(node: exp.Expression) -> Any:
    node = _strip(node)
    negative = False
    if isinstance(node, exp.Neg):
        negative, node = True, _strip(node.this)
    if isinstance(node, exp.Literal):
        value = _literal_value(node)
        return -value if negative and not isinstance(value, str) else value
    if isinstance(node, exp.Boolean) and not negative:
        return bool(node.this)
    return _NO


def _literal_value(node: exp.Literal) -> Any:
    if node.is_string:
        return str(node.this)
    raw = str(node.this)
    try:
        return int(raw)
    except ValueError:
        return Decimal(raw)


def _array_items(node: exp.Expression) -> list[exp.Expression] | None:
    node = _strip(node)
    if isinstance(node, exp.Any):
        node = _strip(node.this)
    return list(node.expressions) if isinstance(node, exp.Array) else None


def _conjuncts(node: exp.Expression) -> Iterator[exp.Expression]:
    node = node.this if isinstance(node, exp.Paren) else node
    if isinstance(node, exp.And):
        yield from _conjuncts(node.this)
        yield from _conjuncts(node.expression)
    else:
        yield node


def _disjuncts(node: exp.Expression) -> Iterator[exp.Expression]:
    node = node.this if isinstance(node, exp.Paren) else node
    if isinstance(node, exp.Or):
        yield from _disjuncts(node.this)
        yield from _disjuncts(node.expression)
    else:
        yield node


def _length_column(node: exp.Expression) -> tuple[str, bool] | None:
    """``length(col)`` -> (col, counts bytes)."""
    node = _strip(node)
    if isinstance(node, exp.Length):
        name = _column_name(node.this)
        return (name, bool(node.args.get("binary"))) if name else None
    if isinstance(node, exp.Anonymous) and str(node.this).lower() in {"octet_length", "lengthb"}:
        args = node.expressions
        name = _column_name(args[0]) if len(args) == 1 else None
        return (name, True) if name else None
    return None


def _add_hint(hints: dict[str, _Hints], node: exp.Expression) -> None:
    """Record what one conjunct says about one column (silently nothing for other shapes)."""
    node = node.this if isinstance(node, exp.Paren) else node
    if isinstance(node, exp.Not):
        inner = _strip(node.this)
        if isinstance(inner, exp.Is) and isinstance(inner.expression, exp.Null):
            name = _column_name(inner.this)
            if name:
                hints.setdefault(name, _Hints()).not_null = True
        return
    if isinstance(node, exp.Is):
        name = _column_name(node.this)
        if name and node.args.get("negate") and isinstance(node.expression, exp.Null):
            hints.setdefault(name, _Hints()).not_null = True
        return
    if (
        isinstance(node, exp.Anonymous)
        and str(node.this).lower() == "json_valid"
        and len(node.expressions) == 1
    ):
        name = _column_name(node.expressions[0])
        if name:
            hints.setdefault(name, _Hints()).json = True
        return
    if isinstance(node, exp.Between):
        name = _column_name(node.this)
        low, high = _literal(node.args["low"]), _literal(node.args["high"])
        if name and low is not _NO and high is not _NO:
            h = hints.setdefault(name, _Hints())
            h.lower(low, False)
            h.upper(high, False)
        else:
            length = _length_column(node.this)
            if length and isinstance(low, int) and isinstance(high, int):
                _length_hint(hints.setdefault(length[0], _Hints()), ">=", low, length[1])
                _length_hint(hints.setdefault(length[0], _Hints()), "<=", high, length[1])
        return
    if isinstance(node, exp.In):
        name = _column_name(node.this)
        values = [_literal(e) for e in node.expressions]
        if name and values and all(v is not _NO for v in values):
            hints.setdefault(name, _Hints()).allow(values)
        return
    if isinstance(node, exp.Or):
        parts = list(_disjuncts(node))
        names = {_column_name(p.this) if isinstance(p, exp.EQ) else None for p in parts}
        values = [_literal(p.expression) for p in parts if isinstance(p, exp.EQ)]
        if len(names) == 1 and None not in names and len(values) == len(parts) and _NO not in values:
            hints.setdefault(str(names.pop()), _Hints()).allow(values)
        return
    op = _CMP.get(type(node))
    if op is None:
        return
    left, right = node.this, node.expression
    if op == "=" and isinstance(_strip(right), exp.Any):
        name, items = _column_name(left), _array_items(right)
        values = [_literal(e) for e in items or []]
        if name and values and _NO not in values:
            hints.setdefault(name, _Hints()).allow(values)
        return
    value = _literal(right)
    if value is _NO:
        left, right, op = right, left, _FLIP[op]
        value = _literal(right)
    if value is _NO:
        return
    length = _length_column(left)
    if length is not None and isinstance(value, int):
        _length_hint(hints.setdefault(length[0], _Hints()), op, value, length[1])
        return
    name = _column_name(left)
    if name is None:
        return
    h = hints.setdefault(name, _Hints())
    if op in {">", ">="}:
        h.lower(value, op == ">")
    elif op in {"<", "<="}:
        h.upper(value, op == "<")
    elif op == "=":
        h.allow([value])
    elif value == "":
        h.min_len = max(h.min_len, 1)
    else:
        h.excluded.append(value)


def _length_hint(h: _Hints, op: str, value: int, in_bytes: bool) -> None:
    if op in {"<", "<="}:
        limit = value - (op == "<")
        if in_bytes:
            h.max_bytes = limit if h.max_bytes is None else min(h.max_bytes, limit)
        h.max_len = limit if h.max_len is None else min(h.max_len, limit)
    elif op in {">", ">="}:
        h.min_len = max(h.min_len, value + (op == ">"))
    elif op == "=":
        h.min_len = max(h.min_len, value)
        h.max_len = value if h.max_len is None else min(h.max_len, value)
    elif op == "<>" and value == 0:
        h.min_len = max(h.min_len, 1)


Row = list[Any]
Pred = Callable[[Row], Any]


def _parse_datetime(value: str) -> dt.datetime | dt.date:
    raw = value.strip().replace("T", " ")
    raw = re.sub(r"([+-]\d\d)$", r"\1:00", raw)
    if re.fullmatch(r"\d{4}-\d\d-\d\d", raw):
        return dt.date.fromisoformat(raw)
    return dt.datetime.fromisoformat(raw)


def _coerce(a: Any, b: Any) -> tuple[Any, Any]:
    """Make two SQL values comparable in Python the way the database would (strings to dates, tz to UTC)."""
    if isinstance(a, str) and isinstance(b, (dt.date, dt.time)):
        b, a = _coerce(b, a)
        return a, b
    if isinstance(a, (dt.date, dt.time)) and isinstance(b, str):
        b = _parse_datetime(b) if not isinstance(a, dt.time) else dt.time.fromisoformat(b)
    if isinstance(a, dt.datetime) and isinstance(b, dt.datetime):
        if (a.tzinfo is None) != (b.tzinfo is None):
            a = a.replace(tzinfo=dt.UTC) if a.tzinfo is None else a
            b = b.replace(tzinfo=dt.UTC) if b.tzinfo is None else b
    elif isinstance(a, dt.datetime) and type(b) is dt.date:
        b = dt.datetime(b.year, b.month, b.day, tzinfo=a.tzinfo)
    elif type(a) is dt.date and isinstance(b, dt.datetime):
        a = dt.datetime(a.year, a.month, a.day, tzinfo=b.tzinfo)
    if isinstance(a, float) and isinstance(b, Decimal):
        b = float(b)
    elif isinstance(a, Decimal) and isinstance(b, float):
        a = float(a)
    return a, b


_OPS: dict[str, Callable[[Any, Any], bool]] = {
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    "=": lambda a, b: a == b,
    "<>": lambda a, b: a != b,
}


def _compare(op: str, a: Any, b: Any) -> bool | None:
    if a is None or b is None:
        return None
    a, b = _coerce(a, b)
    return _OPS[op](a, b)


def _truth(value: Any) -> bool | None:
    if value is None:
        return None
    if isinstance(value, str):
        try:
            return float(value) != 0
        except ValueError:
            return False
    return bool(value)


def _in(value: Any, items: Sequence[Any]) -> bool | None:
    if value is None:
        return None
    unknown = False
    for item in items:
        if item is None:
            unknown = True
        elif _compare("=", value, item):
            return True
    return None if unknown else False


def _like_regex(pattern: str, escape: str = "\\") -> re.Pattern[str]:
    out, i = [], 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == escape and i + 1 < len(pattern):
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        out.append(".*" if ch == "%" else "." if ch == "_" else re.escape(ch))
        i += 1
    return re.compile("".join(out), re.DOTALL)


class _Compiler:
    """Turns a sqlglot expression into a Python predicate over a row (a list, by column position)."""

    def __init__(self, positions: Mapping[str, int], dialect: str) -> None:
        self.positions = {k.lower(): v for k, v in positions.items()}
        self.exact = dict(positions)
        self.dialect = dialect
        self.used: set[int] = set()

    def compile(self, node: exp.Expression) -> Pred:
        c = self.compile
        if isinstance(node, exp.Paren):
            return c(node.this)
        if isinstance(node, exp.Column):
            name = node.name
            pos = self.exact.get(name, self.positions.get(name.lower()))
            if pos is None or node.table:
                raise _Unsupported(f"column {node.sql()}")
            self.used.add(pos)
            return lambda r: r[pos]
        if isinstance(node, (exp.Literal, exp.Boolean)):
            const = _literal(node)
            return lambda r: const
        if isinstance(node, exp.Null):
            return lambda r: None
        if isinstance(node, exp.Cast):
            return self._cast(c(node.this), node.to)
        if isinstance(node, exp.Neg):
            inner = c(node.this)
            return lambda r: None if (v := inner(r)) is None else -v
        arith = _ARITH.get(type(node))
        if arith is not None:
            return self._arith(arith, c(node.this), c(node.expression))
        op = _CMP.get(type(node))
        if op is not None:
            left = c(node.this)
            right_node = _strip(node.expression)
            if isinstance(right_node, exp.Any | exp.All):
                items = [c(e) for e in _array_items(right_node) or self._raise(node)]
                every = isinstance(right_node, exp.All)

                def quantified(r: Row) -> bool | None:
                    results = [_compare(op, left(r), item(r)) for item in items]
                    if every:
                        return False if False in results else None if None in results else True
                    return True if True in results else None if None in results else False

                return quantified
            right = c(node.expression)
            return lambda r: _compare(op, left(r), right(r))
        if isinstance(node, exp.NullSafeEQ):
            left, right = c(node.this), c(node.expression)
            return lambda r: (left(r) is None and right(r) is None) or bool(_compare("=", left(r), right(r)))
        if isinstance(node, exp.And):
            a, b = c(node.this), c(node.expression)

            def and_(r: Row) -> bool | None:
                x, y = _truth(a(r)), _truth(b(r))
                return False if x is False or y is False else None if x is None or y is None else True

            return and_
        if isinstance(node, exp.Or):
            a, b = c(node.this), c(node.expression)

            def or_(r: Row) -> bool | None:
                x, y = _truth(a(r)), _truth(b(r))
                return True if x or y else None if x is None or y is None else False

            return or_
        if isinstance(node, exp.Not):
            inner = c(node.this)
            return lambda r: None if (v := _truth(inner(r))) is None else not v
        if isinstance(node, exp.Is):
            inner, target, negate = c(node.this), node.expression, bool(node.args.get("negate"))
            if isinstance(target, exp.Null):
                return lambda r: (inner(r) is None) != negate
            if isinstance(target, exp.Boolean):
                want = bool(target.this)
                return lambda r: (_truth(inner(r)) is want) != negate
            raise _Unsupported(node.sql())
        if isinstance(node, exp.In):
            if node.args.get("query") or node.args.get("unnest") or node.args.get("field"):
                raise _Unsupported(node.sql())
            inner = c(node.this)
            items = [c(e) for e in node.expressions]
            return lambda r: _in(inner(r), [item(r) for item in items])
        if isinstance(node, exp.Between):
            inner, low, high = c(node.this), c(node.args["low"]), c(node.args["high"])

            def between(r: Row) -> bool | None:
                v = inner(r)
                x, y = _compare(">=", v, low(r)), _compare("<=", v, high(r))
                return False if x is False or y is False else None if x is None or y is None else True

            return between
        return self._function(node)

    @staticmethod
    def _raise(node: exp.Expression) -> list[exp.Expression]:
        raise _Unsupported(node.sql())

    def _cast(self, inner: Pred, to: exp.DataType) -> Pred:
        kind = to.this
        dates = {exp.DataType.Type.DATE}
        stamps = {
            exp.DataType.Type.TIMESTAMP,
            exp.DataType.Type.TIMESTAMPTZ,
            exp.DataType.Type.DATETIME,
            exp.DataType.Type.TIMESTAMPLTZ,
        }
        if kind in dates | stamps:

            def as_time(r: Row) -> Any:
                v = inner(r)
                if isinstance(v, str):
                    v = _parse_datetime(v)
                    if kind in stamps and type(v) is dt.date:
                        v = dt.datetime(v.year, v.month, v.day)
                    if (
                        kind == exp.DataType.Type.TIMESTAMPTZ
                        and isinstance(v, dt.datetime)
                        and v.tzinfo is None
                    ):
                        v = v.replace(tzinfo=dt.UTC)
                return v

            return as_time
        if kind in exp.DataType.NUMERIC_TYPES:
            return lambda r: Decimal(v) if isinstance(v := inner(r), str) else v
        if kind in exp.DataType.TEXT_TYPES:
            return lambda r: v if (v := inner(r)) is None or isinstance(v, str) else str(v)
        return inner

    def _arith(self, op: str, a: Pred, b: Pred) -> Pred:
        integer_division = self.dialect in {"postgresql", "sqlite"}

        def run(r: Row) -> Any:
            x, y = a(r), b(r)
            if x is None or y is None:
                return None
            x, y = _coerce(x, y)
            if op == "+":
                return x + y
            if op == "-":
                return x - y
            if op == "*":
                return x * y
            if y == 0:
                return None
            if op == "%":
                return math.fmod(x, y) if isinstance(x, float) or isinstance(y, float) else x - y * int(x / y)
            if integer_division and isinstance(x, int) and isinstance(y, int):
                return int(x / y)
            return Decimal(x) / Decimal(y) if not isinstance(x, float) and not isinstance(y, float) else x / y

        return run

    def _function(self, node: exp.Expression) -> Pred:
        c = self.compile
        length = None
        if isinstance(node, exp.Length):
            length = (c(node.this), bool(node.args.get("binary")))
        elif isinstance(node, exp.Anonymous) and str(node.this).lower() in {"octet_length", "lengthb"}:
            length = (c(node.expressions[0]), True)
        if length is not None:
            inner, in_bytes = length

            def measure(r: Row) -> int | None:
                v = inner(r)
                if v is None:
                    return None
                if isinstance(v, bytes):
                    return len(v)
                s = v if isinstance(v, str) else str(v)
                return len(s.encode()) if in_bytes else len(s)

            return measure
        if isinstance(node, (exp.Lower, exp.Upper)):
            inner = c(node.this)
            fn = str.lower if isinstance(node, exp.Lower) else str.upper
            return lambda r: None if (v := inner(r)) is None else fn(str(v))
        if isinstance(node, exp.Trim):
            inner = c(node.this)
            return lambda r: None if (v := inner(r)) is None else str(v).strip(" ")
        if isinstance(node, exp.Abs):
            inner = c(node.this)
            return lambda r: None if (v := inner(r)) is None else abs(v)
        if isinstance(node, exp.Coalesce):
            items = [c(node.this), *(c(e) for e in node.expressions)]
            return lambda r: next((v for item in items if (v := item(r)) is not None), None)
        if isinstance(node, (exp.Like, exp.ILike)):
            inner = c(node.this)
            pattern = _literal(node.expression)
            if not isinstance(pattern, str):
                raise _Unsupported(node.sql())
            flags = re.IGNORECASE if isinstance(node, exp.ILike) or self.dialect in {"mysql", "sqlite"} else 0
            rx = re.compile(_like_regex(pattern).pattern, re.DOTALL | flags)
            return lambda r: None if (v := inner(r)) is None else rx.fullmatch(str(v)) is not None
        if isinstance(node, exp.RegexpLike):
            inner = c(node.this)
            pattern = _literal(node.expression)
            if not isinstance(pattern, str):
                raise _Unsupported(node.sql())
            try:
                rx = re.compile(pattern, re.IGNORECASE if self.dialect == "mysql" else 0)
            except re.error as exc:
                raise _Unsupported(node.sql()) from exc
            return lambda r: None if (v := inner(r)) is None else rx.search(str(v)) is not None
        if isinstance(node, exp.Anonymous) and str(node.this).lower() == "json_valid":
            inner = c(node.expressions[0])
            return lambda r: None if (v := inner(r)) is None else _json_valid(v)
        if isinstance(node, (exp.CurrentTimestamp, exp.CurrentDate)):
            today = isinstance(node, exp.CurrentDate)
            return lambda r: dt.date.today() if today else dt.datetime.now(dt.UTC)
        raise _Unsupported(node.sql())


def _json_valid(value: Any) -> bool:
    if not isinstance(value, str):
        return True
    try:
        json.loads(value)
    except ValueError:
        return False
    return True


@dataclass
class _Check:
    name: str
    sql: str
    pred: Pred | None  # None: nothing of it understood, not checked
    columns: tuple[int, ...]
    partial: bool = False  # some conjuncts not understood: only the others are checked


def _parse_checks(
    table: str,
    checks: Sequence[tuple[str, str]],
    positions: Mapping[str, int],
    dialect: str,
    notes: list[str],
) -> tuple[list[_Check], dict[str, _Hints]]:
    """Each CHECK as a predicate over a row (conjunct by conjunct: what is understood is checked), and the hints
    its simple conjuncts give the generators. What cannot be parsed or understood is noted, never raised."""
    hints: dict[str, _Hints] = {}
    out: list[_Check] = []
    for name, sql in checks:
        try:
            tree: Any = sqlglot.parse_one(sql, read=_SQLGLOT_DIALECT.get(dialect, dialect))
            conjuncts = list(_conjuncts(tree))
        except (sqlglot.errors.SqlglotError, ValueError, RecursionError):
            notes.append(
                f"{table}: CHECK {name} ({sql}) not parsed: not checked; give a hook if loading fails"
            )
            out.append(_Check(name, sql, None, ()))
            continue
        preds: list[Pred] = []
        used: set[int] = set()
        missed: list[str] = []
        for conjunct in conjuncts:
            with contextlib.suppress(KeyError, IndexError, TypeError, ValueError, ArithmeticError):
                _add_hint(hints, conjunct)
            compiler = _Compiler(positions, dialect)
            try:
                preds.append(compiler.compile(conjunct))
            except (
                _Unsupported,
                KeyError,
                IndexError,
                TypeError,
                ValueError,
                ArithmeticError,
                RecursionError,
            ) as exc:
                missed.append(str(exc) or conjunct.sql())
                continue
            used |= compiler.used
        if missed:
            what = "not checked" if not preds else "only partly checked"
            notes.append(
                f"{table}: CHECK {name} ({sql}) not understood ({'; '.join(missed)[:200]}): {what}; "
                "give a hook if loading fails"
            )
        if not preds:
            out.append(_Check(name, sql, None, (), partial=bool(missed)))
            continue
        out.append(_Check(name, sql, _all_of(preds), tuple(sorted(used)), partial=bool(missed)))
    return out, hints


def _all_of(preds: list[Pred]) -> Pred:
    if len(preds) == 1:
        return preds[0]

    def every(r: Row) -> bool | None:
        unknown = False
        for pred in preds:
            v = _truth(pred(r))
            if v is False:
                return False
            unknown = unknown or v is None
        return None if unknown else True

    return every


# ----------------------------------------------------------------------------------------------------------------
# value generators


def _b36(k: int, width: int) -> str:
    digits = []
    while True:
        k, d = divmod(k, 36)
        digits.append(_B36[d])
        if not k:
            break
    return "".join(reversed(digits)).rjust(width, "0")


def _skew(rng: random.Random, n: int, power: float = 2.0) -> int:
    """An index in range(n), small ones more often (power 2: the top 10 % take about 30 %)."""
    return min(n - 1, int(n * rng.random() ** power))


class _Gen:
    """Values of one column: ``value`` repeats with a skew, ``unique(k)`` is the k-th distinct value."""

    capacity: int | None = None  # distinct values available to unique(); None: plenty

    def value(self, rng: random.Random) -> Any:
        raise NotImplementedError

    def unique(self, k: int, rng: random.Random) -> Any:
        raise _Exhausted("no distinct values for this type")


class _Choice(_Gen):
    def __init__(self, values: Sequence[Any]) -> None:
        self.values = list(values)
        self.capacity = len(self.values)

    def value(self, rng: random.Random) -> Any:
        if not self.values:
            raise _Exhausted("no allowed value")
        return self.values[_skew(rng, len(self.values), 1.6)]

    def unique(self, k: int, rng: random.Random) -> Any:
        if k >= len(self.values):
            raise _Exhausted(f"only {len(self.values)} allowed values")
        return self.values[k]


class _Excluding(_Gen):
    def __init__(self, inner: _Gen, excluded: list[Any]) -> None:
        self.inner, self.excluded = inner, excluded
        self.capacity = inner.capacity

    def value(self, rng: random.Random) -> Any:
        for _ in range(20):
            v = self.inner.value(rng)
            if v not in self.excluded:
                return v
        return v

    def unique(self, k: int, rng: random.Random) -> Any:
        return self.inner.unique(k, rng)


class _Bool(_Gen):
    capacity = 2

    def __init__(self, as_int: bool = False) -> None:
        self.as_int = as_int

    def value(self, rng: random.Random) -> Any:
        v = rng.random() < 0.75
        return int(v) if self.as_int else v

    def unique(self, k: int, rng: random.Random) -> Any:
        if k > 1:
            raise _Exhausted("a boolean has two values")
        return int(bool(k)) if self.as_int else bool(k)


class _Number(_Gen):
    """Integers (step 1), decimals (step 10^-scale) or floats (step None) within [lo, hi].

    Values are log-uniform between 1 (or lo) and a modest top (10^6, or what the column name suggests), with a few
    zeros, negatives (where allowed) and values anywhere in the range (capped at +-10^9): realistic, not extreme.
    ``unique(k)`` counts up: 1, 2, 3... for a sequential key (an integer primary key), else from the low end in
    strides of two with jitter.
    """

    def __init__(
        self,
        lo: Any,
        hi: Any,
        *,
        step: Decimal | int | None,
        total: int,
        sequential: bool = False,
        natural: tuple[Any, Any] | None = None,
    ) -> None:
        self.step = step
        self.lo, self.hi = lo, hi
        one: Any = step if step is not None else 0.01
        zero: Any = type(lo)(0)
        a, b = natural if natural else (zero, zero + 10**6)
        a, b = max(a, lo), min(b, hi)
        if a > b:  # the range lies outside the natural one: use the range itself
            a, b = lo, min(hi, lo + 10**6) if lo > zero else max(lo, hi - 10**6)
        self.a, self.b = a, b
        self.log_lo = max(a, one)
        self.wide = (max(lo, zero - 10**9), min(hi, zero + 10**9))
        if sequential and step == 1:
            self.base, self.stride = max(lo, 1) if lo <= 1 <= hi else lo, 1
        else:
            self.base = max(lo, min(a, hi))
            room = (hi - self.base) / one if step is not None else None
            self.stride = 2 if room is not None and room >= 4 * max(total, 1) else 1
        self.up: int | None = None  # distinct values from the base upwards, then below it
        if step is None:
            self.capacity = None
        else:
            up, down = (hi - self.base) / step, (self.base - lo) / step
            if up + down < 10**15:
                self.up = int(up) // self.stride + 1
                self.capacity = self.up + int(down)
            else:
                self.capacity = None

    def _fit(self, x: Any) -> Any:
        step = self.step
        if step is None:
            v: Any = round(float(x), 4)
        elif isinstance(step, Decimal):
            v = Decimal(repr(float(x)) if isinstance(x, float) else str(x)).quantize(step)
        else:
            v = math.floor(x)
        return min(max(v, self.lo), self.hi)

    def value(self, rng: random.Random) -> Any:
        r = rng.random()
        if r < 0.04 and self.lo <= 0 <= self.hi:
            return self._fit(0)
        if r < 0.06 and self.lo < 0 <= self.a:
            return self._fit(-math.exp(rng.uniform(0, math.log(min(1000.0, -float(self.lo)) + 1))) + 1)
        if r < 0.07:
            w_lo, w_hi = float(self.wide[0]), float(self.wide[1])
            return self._fit(w_lo + (w_hi - w_lo) * rng.random())
        fa, fb = float(self.log_lo), float(self.b)
        if fa <= fb and fa > 0 and fb / fa > 20:
            x = math.exp(rng.uniform(math.log(fa), math.log(fb + (1 if self.step == 1 else 0))))
        else:
            x = float(self.a) + (float(self.b) - float(self.a)) * rng.random()
        return self._fit(x)

    def unique(self, k: int, rng: random.Random) -> Any:
        if self.capacity is not None and k >= self.capacity:
            raise _Exhausted(f"only {self.capacity} distinct values between {self.lo} and {self.hi}")
        if self.step is None:
            return round(float(self.base) + k + rng.random() * 0.999, 3)
        if self.up is not None and k >= self.up:
            return self.base - (k - self.up + 1) * self.step
        offset = k * self.stride + (rng.randrange(self.stride) if self.stride > 1 else 0)
        return self.base + offset * self.step


class _Text(_Gen):
    """Strings up to ``max_len`` characters (``None``: unbounded text), shaped by the column name."""

    def __init__(
        self,
        name: str,
        max_len: int | None,
        *,
        is_text: bool = False,
        min_len: int = 0,
        max_bytes: int | None = None,
        alphabet: str = "full",
        total: int,
        fixed: bool = False,
    ) -> None:
        self.name = name.lower()
        self.alphabet = "ascii" if max_bytes is not None else alphabet
        if max_bytes is not None:
            max_len = max_bytes if max_len is None else min(max_len, max_bytes)
        self.max_len = max_len
        self.min_len = min(min_len, max_len) if max_len is not None else min_len
        self.is_text = is_text or max_len is None
        self.fixed = fixed
        self.shape = self._shape()
        self.width = len(_b36(max(36, 4 * total), 1))
        if max_len is not None and max_len < self.width:
            self.width = max(max_len, 1)
        self.capacity = 36**max_len if max_len is not None and max_len <= 12 else None
        self.pool: list[str] = []

    def _shape(self) -> str:
        n, m = self.name, self.max_len
        if "email" in n or n.endswith("mail"):
            return "email"
        if any(k in n for k in ("url", "website", "link", "href", "uri")):
            return "url"
        if "slug" in n:
            return "slug"
        if any(k in n for k in ("phone", "mobile", "fax")):
            return "phone"
        if "uuid" in n or "guid" in n:
            return "uuid"
        if "country" in n and m is not None and m <= 3:
            return "country"
        if "currency" in n and m is not None and m <= 3:
            return "currency"
        if n in {"ip", "ip_address"} or n.endswith("_ip"):
            return "ip"
        if "sku" in n or n.endswith("code") or n.endswith("_ref"):
            return "code"
        if any(k in n for k in ("hash", "token", "checksum", "digest")):
            return "hex"
        if any(k in n for k in ("name", "title", "label", "city", "brand")):
            return "name"
        if self.is_text or any(k in n for k in ("description", "body", "comment", "note", "text", "message")):
            return "prose"
        return "words"

    # -- realistic values
    def _word(self, rng: random.Random) -> str:
        r = rng.random()
        if r < 0.08 and self.alphabet in {"full", "bmp", "latin1"}:
            return _ACCENTED[rng.randrange(len(_ACCENTED))]
        if r < 0.10 and self.alphabet in {"full", "bmp"}:
            return _EXOTIC[rng.randrange(len(_EXOTIC) - (4 if self.alphabet == "bmp" else 0))]
        return _WORDS[_skew(rng, len(_WORDS), 1.5)]

    def _fresh(self, rng: random.Random) -> str:
        s = self.shape
        if s == "email":
            return (
                f"{self._ascii_word(rng)}.{self._ascii_word(rng)}{rng.randrange(100)}@{rng.choice(_DOMAINS)}"
            )
        if s == "url":
            return (
                f"https://www.{self._ascii_word(rng)}.example/{self._ascii_word(rng)}/{rng.randrange(10**4)}"
            )
        if s == "slug":
            return "-".join(self._ascii_word(rng) for _ in range(rng.randint(1, 4)))
        if s == "phone":
            return f"+{rng.randint(1, 99)} {rng.randint(10, 999)} {rng.randint(100000, 9999999)}"
        if s == "uuid":
            u = uuid.UUID(int=rng.getrandbits(128), version=4)
            return u.hex if (self.max_len or 36) < 36 else str(u)
        if s == "country":
            return _COUNTRIES[_skew(rng, len(_COUNTRIES))][: self.max_len]
        if s == "currency":
            return _CURRENCIES[_skew(rng, len(_CURRENCIES))][: self.max_len]
        if s == "ip":
            return f"{rng.randint(1, 223)}.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randint(1, 254)}"
        if s == "code":
            return "".join(rng.choice(_B36) for _ in range(rng.randint(4, 12))).upper()
        if s == "hex":
            return f"{rng.getrandbits(256):064x}"
        if s == "name":
            return " ".join(self._word(rng).capitalize() for _ in range(rng.randint(1, 3)))
        if s == "prose":
            return self._prose(rng, rng.randint(1, 4))
        return " ".join(self._word(rng) for _ in range(rng.randint(1, 4)))

    def _ascii_word(self, rng: random.Random) -> str:
        return _WORDS[_skew(rng, len(_WORDS), 1.3)]

    def _prose(self, rng: random.Random, sentences: int) -> str:
        parts = [_SENTENCES[rng.randrange(len(_SENTENCES))] for _ in range(sentences)]
        if rng.random() < 0.1:
            parts.append(" ".join(self._word(rng) for _ in range(rng.randint(2, 6))))
        return " ".join(parts)

    def _long(self, rng: random.Random, length: int) -> str:
        chunks, size = [], 0
        while size < length:
            chunk = self._prose(rng, 3)
            chunks.append(chunk)
            size += len(chunk) + 1
        return " ".join(chunks)[:length]

    def _fit(self, s: str, rng: random.Random) -> str:
        if self.alphabet != "full":
            s = _to_alphabet(s, self.alphabet)
        m = self.max_len
        if m is not None and len(s) > m:
            s = s[:m]
        if self.fixed and m is not None:
            s = s.rstrip(" ")
        if len(s) < self.min_len:
            s = s + "".join(rng.choice("abcdefghij") for _ in range(self.min_len - len(s)))
        s = s.rstrip(" ")
        if len(s) < self.min_len:
            s = s + "x" * (self.min_len - len(s))
        return s

    def value(self, rng: random.Random) -> Any:
        if not self.pool:
            size = 64 if self.shape in {"country", "currency"} else 400
            self.pool = [self._fit(self._fresh(rng), rng) for _ in range(size)]
        r = rng.random()
        if r < 0.55:
            return self.pool[_skew(rng, len(self.pool))]
        if r < 0.93:
            return self._fit(self._fresh(rng), rng)
        if self.is_text:
            if r < 0.995:
                return self._fit(self._long(rng, rng.randint(500, 5000)), rng)
            return self._fit(self._long(rng, rng.randint(10_000, 30_000)), rng)
        if r < 0.97 and self.max_len:
            return self._fit(self._long(rng, self.max_len), rng)
        if self.alphabet in {"full", "bmp"}:
            extra = _EXOTIC[rng.randrange(len(_EXOTIC) - (0 if self.alphabet == "full" else 4))]
            return self._fit(f"{self._fresh(rng)} {extra}", rng)
        return self._fit(self._fresh(rng), rng)

    # -- distinct values: lower-case ASCII ending in a fixed-width base-36 counter
    def unique(self, k: int, rng: random.Random) -> Any:
        if self.capacity is not None and k >= self.capacity:
            raise _Exhausted(f"only {self.capacity} distinct strings fit in {self.max_len} characters")
        token = _b36(k, self.width)
        m = self.max_len
        if m is not None and len(token) > m:
            raise _Exhausted(f"no more distinct strings fit in {m} characters")
        s = self.shape
        word = self._ascii_word(rng)
        at_end = True
        if s == "email":
            v, at_end = f"{word}.{token}@{rng.choice(_DOMAINS)}", False
        elif s == "url":
            v = f"https://{word}.example/{token}"
        elif s == "slug":
            v = f"{word}-{self._ascii_word(rng)}-{token}"
        elif s == "code":
            v = f"{word[:4]}-{token}".upper()
        elif s in {"country", "currency"}:
            v = token.upper()
        else:
            v = f"{word}-{token}"
        if m is not None:
            if len(v) > m:  # keep the counter, shorten the rest
                keep = m - len(token)
                v = (word[: keep - 1] + "-" + token) if keep > 1 else token
                v = v.upper() if s in {"code", "country", "currency"} else v
            elif at_end and len(v) < m and rng.random() < 0.05:  # some keys at full length
                v = v[: -len(token)] + "".join(rng.choice("abcdefghij") for _ in range(m - len(v))) + token
        if len(v) < self.min_len:
            v = "x" * (self.min_len - len(v)) + v
        return v


def _to_alphabet(s: str, alphabet: str) -> str:
    if alphabet == "bmp":
        return "".join(ch for ch in s if ord(ch) <= 0xFFFF)
    if alphabet == "latin1":
        return "".join(ch if ord(ch) <= 0xFF else "?" for ch in s)
    return "".join(ch if ord(ch) < 0x80 else "?" for ch in s)


class _Moment(_Gen):
    """Dates, naive or aware datetimes, times, intervals — over ten years, more of them recent."""

    def __init__(
        self, kind: str, *, tz: bool = False, digits: int = 6, lo: Any = None, hi: Any = None, total: int
    ) -> None:
        self.kind, self.tz, self.digits = kind, tz, digits
        low = _as_naive(lo) if isinstance(lo, dt.date) else dt.datetime(1970, 1, 2)
        high = _as_naive(hi) if isinstance(hi, dt.date) else dt.datetime(2099, 12, 31)
        start, end = max(_START, low), min(_END, high)
        if start > end:  # the bounds exclude the usual ten years: ten years inside the bounds
            ten = dt.timedelta(days=3653)
            start, end = (max(low, high - ten), high) if high < _START else (low, min(high, low + ten))
        self.start, self.end = start, end
        self.lo_limit, self.hi_limit = low, high
        span = max(1, int((end - start).total_seconds()))
        self.span = span
        self.step = max(1, span // max(1, total))
        if kind == "date":
            self.capacity = max(1, (self.hi_limit - self.start).days + 1)
        elif kind == "time":
            self.capacity = 86_400
        else:
            self.capacity = None

    def _out(self, moment: dt.datetime) -> Any:
        if self.kind == "date":
            return moment.date()
        if self.kind == "time":
            return moment.time().replace(microsecond=0)
        if self.digits < 6:
            q = 10 ** (6 - self.digits)
            moment = moment.replace(microsecond=moment.microsecond // q * q)
        return moment.replace(tzinfo=dt.UTC) if self.tz else moment

    def value(self, rng: random.Random) -> Any:
        if self.kind == "interval":
            return dt.timedelta(seconds=int(86_400 * 30 * rng.random() ** 2))
        if rng.random() < 0.005 and self.lo_limit <= dt.datetime(1985, 1, 1) <= self.end:
            moment = dt.datetime(1970, 1, 2) + dt.timedelta(seconds=rng.randrange(30 * 365 * 86_400))
            moment = max(moment, self.lo_limit)
        else:
            moment = self.start + dt.timedelta(seconds=int(self.span * rng.random() ** 0.7))
        return self._out(moment.replace(microsecond=rng.randrange(1_000_000)))

    def unique(self, k: int, rng: random.Random) -> Any:
        if self.kind == "interval":
            return dt.timedelta(seconds=k * 60 + rng.randrange(60))
        if self.kind == "date":
            if k >= (self.capacity or 0):
                raise _Exhausted(f"only {self.capacity} distinct dates")
            return self.start.date() + dt.timedelta(days=k)
        if self.kind == "time":
            if k >= 86_400:
                raise _Exhausted("only 86400 distinct times of day")
            return (dt.datetime(2000, 1, 1) + dt.timedelta(seconds=k)).time()
        moment = self.start + dt.timedelta(seconds=k * self.step + rng.randrange(self.step))
        if moment > self.hi_limit:
            raise _Exhausted("no more distinct timestamps before the upper bound")
        return self._out(moment)


def _as_naive(value: dt.date) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).replace(tzinfo=None) if value.tzinfo else value
    return dt.datetime(value.year, value.month, value.day)


class _Json(_Gen):
    def __init__(self, as_text: bool) -> None:
        self.as_text = as_text

    def _doc(self, rng: random.Random, k: int | None) -> Any:
        r = rng.random()
        if r < 0.08:
            doc: Any = [rng.randrange(1000) for _ in range(rng.randint(0, 8))]
        elif r < 0.1:
            doc = rng.choice(["draft", 42, 3.5, True, "ü"])
        else:
            doc = {"id": rng.randrange(10**6), "name": rng.choice(_WORDS), "active": rng.random() < 0.8}
            if rng.random() < 0.5:
                doc["tags"] = [rng.choice(_WORDS) for _ in range(rng.randint(0, 5))]
            if rng.random() < 0.3:
                doc["meta"] = {
                    "source": rng.choice(("web", "app", "api")),
                    "score": round(rng.random() * 5, 2),
                }
            if rng.random() < 0.05:
                doc["notes"] = " ".join(rng.choice(_SENTENCES) for _ in range(rng.randint(5, 40)))
            if rng.random() < 0.03:
                doc["label"] = rng.choice(_ACCENTED)
        if k is not None:
            doc = {"key": k, "value": doc}
        return json.dumps(doc, ensure_ascii=False) if self.as_text else doc

    def value(self, rng: random.Random) -> Any:
        return self._doc(rng, None)

    def unique(self, k: int, rng: random.Random) -> Any:
        return self._doc(rng, k)


class _Uuid(_Gen):
    def __init__(self, as_uuid: bool) -> None:
        self.as_uuid = as_uuid

    def value(self, rng: random.Random) -> Any:
        u = uuid.UUID(int=rng.getrandbits(128), version=4)
        return u if self.as_uuid else str(u)

    def unique(self, k: int, rng: random.Random) -> Any:
        return self.value(rng)  # 122 random bits: distinct in practice (and checked)


class _Binary(_Gen):
    def __init__(self, length: int | None, fixed: bool) -> None:
        self.length, self.fixed = length, fixed
        self.capacity = 256 ** min(length, 8) if length is not None and length < 8 else None

    def value(self, rng: random.Random) -> Any:
        if self.fixed and self.length:
            return rng.randbytes(self.length)
        r = rng.random()
        size = (
            rng.randint(4, 64)
            if r < 0.8
            else rng.randint(64, 1024)
            if r < 0.98
            else rng.randint(4096, 65_000)
        )
        return rng.randbytes(min(size, self.length) if self.length else size)

    def unique(self, k: int, rng: random.Random) -> Any:
        head_len = min(8, self.length or 8)
        if k >= 256**head_len:
            raise _Exhausted(f"only {256**head_len} distinct values")
        head = k.to_bytes(head_len, "big")
        if self.length is None:
            return head + rng.randbytes(rng.randint(0, 24))
        tail = self.length - head_len
        return head + rng.randbytes(tail if self.fixed else rng.randint(0, min(tail, 24)))


class _Array(_Gen):
    def __init__(self, item: _Gen) -> None:
        self.item = item

    def value(self, rng: random.Random) -> Any:
        return [self.item.value(rng) for _ in range(rng.randint(0, 5))]

    def unique(self, k: int, rng: random.Random) -> Any:
        return [self.item.unique(k, rng), *self.value(rng)]


class _Net(_Gen):
    def __init__(self, kind: str) -> None:
        self.kind = kind

    def value(self, rng: random.Random) -> Any:
        return self.unique(rng.getrandbits(24), rng)

    def unique(self, k: int, rng: random.Random) -> Any:
        if self.kind == "mac":
            return ":".join(f"{b:02x}" for b in (0x02, 0, *k.to_bytes(4, "big")))
        if k >= 2**32:
            raise _Exhausted("IPv4 space")
        addr = ipaddress.IPv4Address(0x0A000000 + k % 2**24 if k < 2**24 else k)
        if self.kind == "cidr":
            return ipaddress.IPv4Network(f"{addr}/32")
        return ipaddress.IPv4Interface(f"{addr}/32")


class _MySet(_Gen):
    def __init__(self, values: Sequence[str]) -> None:
        self.values = list(values)
        self.capacity = 2 ** len(self.values)

    def value(self, rng: random.Random) -> Any:
        return {v for v in self.values if rng.random() < 0.3}

    def unique(self, k: int, rng: random.Random) -> Any:
        if k >= (self.capacity or 0):
            raise _Exhausted("SET combinations")
        return {v for i, v in enumerate(self.values) if k >> i & 1}


class _Unknown(_Gen):
    def __init__(self, type_: Any) -> None:
        self.type = type_

    def value(self, rng: random.Random) -> Any:
        raise _Exhausted(f"no generator for type {self.type!r}")


_INT_BITS: Final = (
    (mysql.TINYINT, 8),
    (mysql.MEDIUMINT, 24),
    (sqltypes.SmallInteger, 16),
    (sqltypes.BigInteger, 64),
)


def _int_range(type_: Any) -> tuple[int, int]:
    bits = next((b for cls, b in _INT_BITS if isinstance(type_, cls)), 32)
    if getattr(type_, "unsigned", False):
        return 0, 2**bits - 1
    return -(2 ** (bits - 1)), 2 ** (bits - 1) - 1


def _natural_int(name: str) -> tuple[int, int] | None:
    n = name.lower()
    if n == "year" or n.endswith("_year"):
        return 1990, 2030
    if n == "age" or n.endswith("_age"):
        return 0, 100
    if any(k in n for k in ("percent", "pct")):
        return 0, 100
    if any(k in n for k in ("qty", "quantity", "stock", "count", "position", "rank", "sort")):
        return 0, 500
    return None


def _convert_literal(value: Any, kind: str) -> Any:
    """A CHECK literal as a value of the column's Python kind (``None``: not convertible)."""
    try:
        if kind == "bool":
            return bool(value) if not isinstance(value, str) else value.lower() in {"1", "t", "true"}
        if kind == "int":
            return int(value) if not isinstance(value, str) else int(Decimal(value))
        if kind == "decimal":
            return Decimal(str(value))
        if kind == "float":
            return float(value)
        if kind == "moment":
            return _parse_datetime(value) if isinstance(value, str) else value
        if kind == "str":
            return str(value)
    except (ValueError, ArithmeticError, TypeError):
        return None
    return value


def _python_kind(type_: Any) -> str:
    if isinstance(type_, (sqltypes.Boolean,)):
        return "bool"
    if isinstance(type_, sqltypes.Integer):
        return "int"
    if isinstance(type_, sqltypes.Float):
        return "float"
    if isinstance(type_, sqltypes.Numeric):
        return "decimal"
    if isinstance(type_, (sqltypes.Date, sqltypes.DateTime, sqltypes.Time)):
        return "moment"
    if isinstance(type_, sqltypes.String):
        return "str"
    return "other"


@dataclass
class _ColumnInfo:
    """What the reflection said about a column besides its type (MariaDB charset/collation, hints)."""

    alphabet: str = "full"
    fold: bool = False
    hints: _Hints = field(default_factory=_Hints)


def _make_gen(column: Column[Any], info: _ColumnInfo, dialect: str, total: int, sequential: bool) -> _Gen:
    """The generator for one column's reflected type, narrowed by the CHECK hints."""
    type_: Any = column.type
    if isinstance(type_, postgresql.DOMAIN):
        type_ = type_.data_type
    h = info.hints
    kind = _python_kind(type_)
    if h.allowed is not None:
        values = [v for v in (_convert_literal(a, kind) for a in h.allowed) if v is not None]
        values = [v for v in values if v not in h.excluded]
        return _Choice(list(dict.fromkeys(values)))
    gen = _type_gen(type_, column.name, info, dialect, total, sequential)
    return _Excluding(gen, h.excluded) if h.excluded else gen


def _type_gen(type_: Any, name: str, info: _ColumnInfo, dialect: str, total: int, sequential: bool) -> _Gen:
    h = info.hints
    if h.json or isinstance(type_, sqltypes.JSON):
        return _Json(as_text=not isinstance(type_, sqltypes.JSON))
    if isinstance(type_, sqltypes.Enum):
        return _Choice(list(type_.enums))
    if isinstance(type_, mysql.SET):
        return _MySet(list(type_.values))
    if isinstance(type_, sqltypes.Boolean):
        return _Bool()
    if isinstance(type_, mysql.TINYINT) and getattr(type_, "display_width", None) == 1:
        return _Bool(as_int=True)
    if isinstance(type_, mysql.YEAR):
        lo, hi = _bounds(h, 1901, 2155, "int", 1)
        return _Number(lo, hi, step=1, total=total, sequential=sequential, natural=(1990, 2030))
    if isinstance(type_, mysql.BIT):
        lo, hi = _bounds(h, 0, 2 ** (type_.length or 1) - 1, "int", 1)
        return _Number(lo, hi, step=1, total=total, sequential=sequential)
    if isinstance(type_, sqltypes.Integer):
        tlo, thi = _int_range(type_)
        lo, hi = _bounds(h, tlo, thi, "int", 1)
        natural = _natural_int(name)
        return _Number(lo, hi, step=1, total=total, sequential=sequential, natural=natural)
    if isinstance(type_, sqltypes.Float):
        lo, hi = _bounds(h, -1e15, 1e15, "float", None)
        if getattr(type_, "unsigned", False):
            lo = max(lo, 0.0)
        return _Number(lo, hi, step=None, total=total)
    if isinstance(type_, sqltypes.Numeric):
        scale = type_.scale if type_.scale is not None else (2 if type_.precision is None else 0)
        precision = type_.precision if type_.precision is not None else 18
        step = Decimal(1).scaleb(-scale)
        top = Decimal(10) ** (precision - scale) - step
        lo, hi = _bounds(h, -top, top, "decimal", step)
        if getattr(type_, "unsigned", False):
            lo = max(lo, Decimal(0))
        return _Number(lo, hi, step=step, total=total, sequential=sequential)
    if isinstance(type_, sqltypes.DateTime):
        digits = 6
        if dialect == "mysql":
            digits = getattr(type_, "fsp", None) or 0
        elif getattr(type_, "precision", None) is not None:  # PostgreSQL TIMESTAMP(p)
            digits = int(getattr(type_, "precision", 6))
        lo, hi = _moment_bounds(h, "datetime")
        return _Moment("datetime", tz=bool(type_.timezone), digits=digits, lo=lo, hi=hi, total=total)
    if isinstance(type_, sqltypes.Date):
        lo, hi = _moment_bounds(h, "date")
        return _Moment("date", lo=lo, hi=hi, total=total)
    if isinstance(type_, sqltypes.Time):
        return _Moment("time", total=total)
    if isinstance(type_, sqltypes.Interval):
        return _Moment("interval", total=total)
    if isinstance(type_, sqltypes.Uuid):
        return _Uuid(as_uuid=bool(type_.as_uuid))
    if isinstance(type_, postgresql.ARRAY):
        item = _type_gen(type_.item_type, name, _ColumnInfo(alphabet=info.alphabet), dialect, total, False)
        return _Array(item)
    if isinstance(type_, (postgresql.INET, postgresql.CIDR)):
        return _Net("cidr" if isinstance(type_, postgresql.CIDR) else "inet")
    if isinstance(type_, (postgresql.MACADDR,)):
        return _Net("mac")
    if isinstance(type_, postgresql.HSTORE):
        return _HStore()
    if isinstance(type_, (sqltypes.LargeBinary, sqltypes.BINARY, sqltypes.VARBINARY)):
        fixed = isinstance(type_, sqltypes.BINARY) and not isinstance(type_, sqltypes.VARBINARY)
        return _Binary(getattr(type_, "length", None), fixed)
    if isinstance(type_, sqltypes.String):
        max_len = type_.length
        byte_caps = {mysql.TINYTEXT: 255, mysql.TEXT: 65_535}
        cap = byte_caps.get(type(type_))
        if cap is not None and max_len is None:  # MariaDB counts these in bytes: 4 per character at worst
            max_len = cap // 4 if info.alphabet != "ascii" else cap
        if h.max_len is not None:
            max_len = h.max_len if max_len is None else min(max_len, h.max_len)
        return _Text(
            name,
            max_len,
            is_text=isinstance(type_, sqltypes.Text),
            min_len=h.min_len,
            max_bytes=h.max_bytes,
            alphabet=info.alphabet,
            total=total,
            fixed=isinstance(type_, sqltypes.CHAR) and not isinstance(type_, sqltypes.VARCHAR),
        )
    return _Unknown(type_)


class _HStore(_Gen):
    def value(self, rng: random.Random) -> Any:
        return {rng.choice(_WORDS): rng.choice(_WORDS) for _ in range(rng.randint(0, 4))}

    def unique(self, k: int, rng: random.Random) -> Any:
        return {"key": str(k), **self.value(rng)}


def _bounds(h: _Hints, lo: Any, hi: Any, kind: str, step: Any) -> tuple[Any, Any]:
    one = step if step is not None else 1e-6
    if h.lo is not None and (v := _convert_literal(h.lo, kind)) is not None:
        if kind == "int" and isinstance(h.lo, Decimal) and v != h.lo:
            lo = max(lo, math.floor(h.lo) + 1)  # x > 0.5 and x >= 0.5 both mean x >= 1
        else:
            lo = max(lo, v + one if h.lo_open else v)
    if h.hi is not None and (v := _convert_literal(h.hi, kind)) is not None:
        if kind == "int" and isinstance(h.hi, Decimal) and v != h.hi:
            hi = min(hi, math.ceil(h.hi) - 1)
        else:
            hi = min(hi, v - one if h.hi_open else v)
    return lo, hi


def _moment_bounds(h: _Hints, kind: str) -> tuple[Any, Any]:
    lo = _convert_literal(h.lo, "moment") if h.lo is not None else None
    hi = _convert_literal(h.hi, "moment") if h.hi is not None else None
    if isinstance(lo, dt.date) and h.lo_open:
        lo = _as_naive(lo) + (dt.timedelta(days=1) if kind == "date" else dt.timedelta(seconds=1))
    if isinstance(hi, dt.date) and h.hi_open:
        hi = _as_naive(hi) - (dt.timedelta(days=1) if kind == "date" else dt.timedelta(seconds=1))
    return lo if isinstance(lo, dt.date) else None, hi if isinstance(hi, dt.date) else None


# ----------------------------------------------------------------------------------------------------------------
# reflection


@dataclass
class _Schema:
    metadata: MetaData
    dialect: str
    checks: dict[str, list[tuple[str, str]]]
    columns: dict[tuple[str, str], _ColumnInfo]
    notes: list[str]
    default_schema: str | None
    partitions: frozenset[str] = frozenset()


_ALPHABETS = {"utf8mb4": "full", "utf8mb3": "bmp", "utf8": "bmp", "ucs2": "bmp", "latin1": "latin1"}


def _reflect(connection: Connection) -> _Schema:
    dialect = connection.dialect.name
    metadata = MetaData()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", SAWarning)
        metadata.reflect(connection)
    notes = sorted({f"reflection: {w.message}" for w in caught if issubclass(w.category, SAWarning)})
    checks: dict[str, list[tuple[str, str]]] = {}
    columns: dict[tuple[str, str], _ColumnInfo] = {}
    default_schema = connection.dialect.default_schema_name
    if dialect == "mysql":
        try:
            rows = connection.execute(
                text(
                    "SELECT TABLE_NAME, CONSTRAINT_NAME, CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS "
                    "WHERE CONSTRAINT_SCHEMA = DATABASE() ORDER BY TABLE_NAME, CONSTRAINT_NAME"
                )
            ).all()
            for table_name, name, clause in rows:
                checks.setdefault(str(table_name), []).append((str(name), str(clause)))
        except Exception:  # MySQL < 8.0.16: what SQLAlchemy reflected
            checks = {}
        for table_name, column_name, charset, collation in connection.execute(
            text(
                "SELECT TABLE_NAME, COLUMN_NAME, CHARACTER_SET_NAME, COLLATION_NAME FROM information_schema.COLUMNS "
                "WHERE TABLE_SCHEMA = DATABASE()"
            )
        ):
            if charset is None:
                continue
            columns[(str(table_name), str(column_name))] = _ColumnInfo(
                alphabet=_ALPHABETS.get(str(charset), "ascii"),
                fold=not str(collation or "").endswith("_bin") and str(charset) != "binary",
            )
    alphabet = "full"
    partitions: frozenset[str] = frozenset()
    if dialect == "postgresql":
        partitions = frozenset(
            str(name)
            for name in connection.execute(
                text(
                    "SELECT relname FROM pg_class WHERE relispartition AND relnamespace = current_schema()::regnamespace"
                )
            ).scalars()
        )
        encoding = str(connection.execute(text("SHOW server_encoding")).scalar_one())
        alphabet = (
            "full" if encoding.upper() in {"UTF8", "UTF-8"} else "latin1" if "LATIN1" in encoding else "ascii"
        )
    for table in metadata.tables.values():
        if dialect != "mysql" or not checks:
            found = [
                (str(c.name or f"check_{i}"), str(getattr(sql, "text", sql)))
                for i, c in enumerate(table.constraints)
                if isinstance(c, CheckConstraint) and (sql := c.sqltext) is not None
            ]
            if found:
                checks.setdefault(table.key, []).extend(sorted(found))
        for column in table.columns:
            key = (table.key, column.name)
            if key not in columns:
                columns[key] = _ColumnInfo(alphabet=alphabet)
            type_ = column.type
            if isinstance(type_, postgresql.DOMAIN) and type_.check is not None:
                quoted = connection.dialect.identifier_preparer.quote(column.name)
                check_sql = re.sub(r"\bVALUE\b", quoted, str(getattr(type_.check, "text", type_.check)))
                checks.setdefault(table.key, []).append((f"domain {type_.name}", check_sql))
    return _Schema(metadata, dialect, checks, columns, notes, default_schema, partitions)


# ----------------------------------------------------------------------------------------------------------------
# per-table plan


def _fold(value: Any) -> Any:
    """A string as MariaDB's ``_ci`` collations compare it (case, accents, trailing spaces, 4-byte characters).

    >>> _fold("Café ") == _fold("CAFE"), _fold("Straße") == _fold("strasse"), _fold("a") == _fold("b")
    (True, True, False)
    """
    if not isinstance(value, str):
        return value
    decomposed = unicodedata.normalize("NFKD", value.casefold())
    out = "".join("\ufffd" if ord(ch) > 0xFFFF else ch for ch in decomposed if not unicodedata.combining(ch))
    return out.rstrip(" ")


@dataclass
class _Key:
    name: str
    positions: tuple[int, ...]
    folds: tuple[bool, ...]
    nulls_distinct: bool = True
    prefix: tuple[int | None, ...] = ()
    seen: set[Any] = field(default_factory=set)

    def token(self, row: Row) -> Any:
        values = []
        for i, pos in enumerate(self.positions):
            v = row[pos]
            if v is None:
                if self.nulls_distinct:
                    return None
            elif self.folds[i] or (self.prefix and self.prefix[i]):
                if isinstance(v, str) and self.prefix and self.prefix[i]:
                    v = v[: self.prefix[i]]
                v = _fold(v) if self.folds[i] else v
            elif isinstance(v, (dict, list, set)):
                v = json.dumps(v, sort_keys=True, default=str)
            values.append(v)
        return values[0] if len(values) == 1 else tuple(values)


class _Pool:
    """Referenced key values of a parent: filled while the parent is generated, or read from the database."""

    def __init__(self) -> None:
        self.values: list[Any] = []


@dataclass
class _FkUnit:
    fkc: ForeignKeyConstraint
    positions: tuple[int, ...]
    pool: _Pool
    nullable: bool
    unique: bool
    self_ref: bool
    deferred: bool
    own_positions: tuple[int, ...] = ()  # self-reference: where the referenced values sit in the same row
    perm: list[int] | None = None
    next: int = 0

    def fill(self, row: Row, rng: random.Random) -> None:
        if self.deferred or (self.nullable and rng.random() < NULL_SHARE):
            for pos in self.positions:
                row[pos] = None
            return
        value = self.sample(rng, row)
        if len(self.positions) == 1:
            row[self.positions[0]] = value
        else:
            for i, pos in enumerate(self.positions):
                row[pos] = None if value is None else value[i]

    def sample(self, rng: random.Random, row: Row | None = None) -> Any:
        values = self.pool.values
        if not values:
            if self.self_ref and row is not None and not self.nullable:
                own = [row[p] for p in self.own_positions]
                return own[0] if len(own) == 1 else tuple(own)
            if self.nullable:
                return None
            raise _Exhausted(f"parent {self.fkc.referred_table.name} has no rows to point at")
        if self.unique and not self.self_ref:
            if self.perm is None:
                self.perm = list(range(len(values)))
                rng.shuffle(self.perm)
            if self.next >= len(self.perm):
                if self.nullable:
                    return None
                raise _Exhausted(f"every row of {self.fkc.referred_table.name} is already referenced once")
            self.next += 1
            return values[self.perm[self.next - 1]]
        if self.self_ref:
            return values[rng.randrange(len(values))]
        return values[_skew(rng, len(values))]


@dataclass
class _ColUnit:
    position: int
    gen: _Gen
    nullable: bool
    counter: bool  # alone a unique key: draw from the counter
    next: int = 0

    def fill(self, row: Row, rng: random.Random) -> None:
        if self.nullable and rng.random() < NULL_SHARE:
            row[self.position] = None
        elif self.counter:
            row[self.position] = self.gen.unique(self.next, rng)
            self.next += 1
        else:
            row[self.position] = self.gen.value(rng)

    def fresh_unique(self, row: Row, rng: random.Random) -> None:
        row[self.position] = self.gen.unique(self.next, rng)
        self.next += 1


Unit = _FkUnit | _ColUnit


@dataclass
class _TablePlan:
    table: Table
    target: int
    columns: list[Column[Any]]
    units: list[Unit]
    unit_of: dict[int, Unit]
    keys: list[_Key]
    checks: list[_Check]
    referenced: dict[tuple[str, ...], _Pool]
    deferred: list[_FkUnit]
    pk_positions: tuple[int, ...]
    not_null: tuple[int, ...] = ()


class _Seeder:
    def __init__(
        self,
        conn: AsyncConnection,
        schema: _Schema,
        *,
        seed: int,
        hook: SeedHook | None,
    ) -> None:
        self.conn = conn
        self.schema = schema
        self.dialect = schema.dialect
        self.seed = seed
        self.hook = hook
        self.notes: list[str] = list(schema.notes)
        self.pools: dict[tuple[str, tuple[str, ...]], _Pool] = {}
        self.deferred_rows: dict[str, list[tuple[Any, ...]]] = {}
        self.plans: dict[str, _TablePlan] = {}
        self.existing: dict[str, int] = {}
        self.tokens: list[Any] = []  # key tokens of the row last checked

    # -- sizes and order
    async def count(self, table: Table, exact: bool) -> int:
        if table.key in self.existing:
            return self.existing[table.key]
        if exact:
            n = int((await self.conn.execute(select(func.count()).select_from(table))).scalar_one())
        else:
            n = int(
                (await self.conn.execute(select(text("1")).select_from(table).limit(1))).first() is not None
            )
        self.existing[table.key] = n
        return n

    def order(self, targets: Mapping[str, int]) -> tuple[list[str], set[ForeignKeyConstraint]]:
        """Parents first (alphabetical among equals); cycles broken at nullable foreign keys (returned)."""
        tables = self.schema.metadata.tables
        edges: dict[str, dict[str, list[ForeignKeyConstraint]]] = {t: {} for t in targets}
        for name in targets:
            for fkc in tables[name].foreign_key_constraints:
                parent = fkc.referred_table.key
                if parent != name and parent in targets:
                    edges[name].setdefault(parent, []).append(fkc)
        broken: set[ForeignKeyConstraint] = set()
        done: list[str] = []
        left = set(targets)
        while left:
            ready = sorted(t for t in left if not any(p in left for p in edges[t]))
            if ready:
                done.append(ready[0])
                left.discard(ready[0])
                continue
            # a cycle: walk parents from the first table until a table repeats
            walk, node = [], min(left)
            while node not in walk:
                walk.append(node)
                node = min(p for p in edges[node] if p in left)
            cycle = [*walk[walk.index(node) :], node]
            candidates = [
                fkc
                for child, parent in itertools.pairwise(cycle)
                for fkc in edges[child][parent]
                if all(c.nullable for c in fkc.columns)
            ]
            if not candidates:
                raise SeedError(
                    f"Tables {' -> '.join(cycle)} reference each other through NOT NULL foreign keys only.",
                    fix="Make one of these foreign keys nullable (or deferrable and load it yourself), "
                    "or leave these tables out of `tables`.",
                )
            fkc = min(candidates, key=lambda f: (f.parent.key, sorted(c.name for c in f.columns)))
            broken.add(fkc)
            child = fkc.parent.key
            edges[child][fkc.referred_table.key].remove(fkc)
            if not edges[child][fkc.referred_table.key]:
                del edges[child][fkc.referred_table.key]
            self.notes.append(
                f"{child}.{','.join(c.name for c in fkc.columns)}: loaded NULL, then set after "
                f"{fkc.referred_table.name} was filled (breaks the cycle {' -> '.join(cycle)})"
            )
        return done, broken

    # -- planning one table
    def plan(self, table: Table, target: int, broken: set[ForeignKeyConstraint], existing: int) -> _TablePlan:
        columns = [c for c in table.columns if c.computed is None]
        for c in list(columns):
            unknown = isinstance(_type_gen(c.type, c.name, _ColumnInfo(), self.dialect, 1, False), _Unknown)
            if unknown and not c.nullable and c.server_default is not None:
                self.notes.append(
                    f"{table.name}.{c.name}: type {c.type!r} unknown to the seeder: left to its default"
                )
                columns.remove(c)
        pos = {c.name: i for i, c in enumerate(columns)}
        check_sql = self.schema.checks.get(table.key, [])
        checks, hints = _parse_checks(table.name, check_sql, pos, self.dialect, self.notes)
        infos = {}
        for c in columns:
            info = self.schema.columns.get((table.key, c.name), _ColumnInfo())
            info.hints = hints.get(c.name, hints.get(c.name.lower(), _Hints()))
            infos[c.name] = info
        keys = self._keys(table, pos, infos)
        single_keys = {k.positions[0] for k in keys if len(k.positions) == 1}
        fk_cols: dict[str, ForeignKeyConstraint] = {}
        for fkc in sorted(table.foreign_key_constraints, key=lambda f: sorted(c.name for c in f.columns)):
            if any(c.computed is not None for c in fkc.columns):
                continue
            for c in fkc.columns:
                if c.name in fk_cols:
                    self.notes.append(
                        f"{table.name}.{c.name}: in several foreign keys; follows {fk_cols[c.name].name or 'the first'}"
                    )
                    break
            else:
                for c in fkc.columns:
                    fk_cols[c.name] = fkc
        units: list[Unit] = []
        unit_of: dict[int, Unit] = {}
        total = target + existing
        for c in columns:
            if c.name in fk_cols:
                continue
            i = pos[c.name]
            info = infos[c.name]
            counter = i in single_keys
            sequential = counter and len(table.primary_key.columns) == 1 and c.primary_key
            gen = _make_gen(c, info, self.dialect, total, sequential)
            nullable = (
                bool(c.nullable) and not info.hints.not_null and not c.primary_key and not _domain_not_null(c)
            )
            if isinstance(gen, _Unknown) and nullable:
                self.notes.append(
                    f"{table.name}.{c.name}: type {c.type!r} unknown to the seeder: always NULL"
                )
                gen, nullable = _Choice([None]), False
            unit = _ColUnit(i, gen, nullable, counter, next=existing if counter else 0)
            units.append(unit)
            unit_of[i] = unit
        deferred: list[_FkUnit] = []
        for fkc in dict.fromkeys(fk_cols.values()):
            positions = tuple(pos[c.name] for c in fkc.columns)
            parent = fkc.referred_table
            ref_cols = tuple(e.column.name for e in fkc.elements)
            pool = self.pools.setdefault((parent.key, ref_cols), _Pool())
            nullable = all(c.nullable for c in fkc.columns)
            fk_positions = set(positions)
            unique = any(set(k.positions) <= fk_positions for k in keys)
            self_ref = parent.key == table.key
            unit_fk = _FkUnit(
                fkc,
                positions,
                pool,
                nullable,
                unique,
                self_ref,
                fkc in broken,
                own_positions=tuple(pos[n] for n in ref_cols if n in pos) if self_ref else (),
            )
            if unit_fk.deferred:
                deferred.append(unit_fk)
            units.append(unit_fk)
            for p in positions:
                unit_of[p] = unit_fk
        referenced = {
            cols: pool for (tkey, cols), pool in self.pools.items() if tkey == table.key and cols not in {()}
        }
        pk_positions = tuple(pos[c.name] for c in table.primary_key.columns if c.name in pos)
        if deferred and not pk_positions:
            unique_nn = [k for k in keys if all(not columns[p].nullable for p in k.positions)]
            pk_positions = unique_nn[0].positions if unique_nn else ()
            if not pk_positions:
                self.notes.append(
                    f"{table.name}: no key to update the cycle-breaking foreign key by: stays NULL"
                )
                deferred = []
        not_null = tuple(
            i
            for i, c in enumerate(columns)
            if not c.nullable or infos[c.name].hints.not_null or _domain_not_null(c)
        )
        return _TablePlan(
            table, target, columns, units, unit_of, keys, checks, referenced, deferred, pk_positions, not_null
        )

    def _keys(self, table: Table, pos: Mapping[str, int], infos: Mapping[str, _ColumnInfo]) -> list[_Key]:
        found: dict[frozenset[str], _Key] = {}

        def add(
            name: str, cols: list[str], nulls_distinct: bool, prefix: tuple[int | None, ...] = ()
        ) -> None:
            if not cols or any(c not in pos for c in cols):
                return
            marker = frozenset(cols)
            if marker in found:
                return
            positions = tuple(pos[c] for c in cols)
            folds = tuple(infos[c].fold for c in cols)
            found[marker] = _Key(name, positions, folds, nulls_distinct, prefix)

        pk = [c.name for c in table.primary_key.columns]
        add("primary key", pk, True)
        for con in sorted(table.constraints, key=lambda c: str(c.name)):
            if isinstance(con, UniqueConstraint):
                nnd = bool(con.dialect_options["postgresql"].get("nulls_not_distinct"))
                add(str(con.name or "unique"), [c.name for c in con.columns], not nnd)
        for ix in sorted(table.indexes, key=lambda i: str(i.name)):
            if not ix.unique:
                continue
            cols = [c.name for c in ix.columns]
            if len(cols) != len(ix.expressions):
                self.notes.append(
                    f"{table.name}: unique index {ix.name} on expressions: not enforced by the seeder"
                )
                continue
            lengths = ix.dialect_options["mysql"].get("length")
            prefix: tuple[int | None, ...] = ()
            if isinstance(lengths, dict):
                prefix = tuple(lengths.get(c) for c in cols)
            elif isinstance(lengths, int):
                prefix = tuple(lengths for _ in cols)
            nnd = bool(ix.dialect_options["postgresql"].get("nulls_not_distinct"))
            add(str(ix.name), cols, not nnd, prefix)
        return list(found.values())

    # -- parents that are not filled here
    async def load_pool(self, parent: Table, cols: tuple[str, ...], pool: _Pool) -> None:
        selected = [parent.c[c] for c in cols]
        stmt = (
            select(*selected)
            .where(*(c.isnot(None) for c in selected))
            .order_by(*selected)
            .limit(PARENT_KEYS_LIMIT)
        )
        result = await self.conn.execute(stmt)
        pool.values = [r[0] if len(cols) == 1 else tuple(r) for r in result]

    # -- filling
    async def fill(self, plan: _TablePlan, loader: _Loader) -> int:
        table = plan.table
        rng = random.Random(f"{self.seed}:{table.key}")
        hook_rows: Iterator[Mapping[str, Any]] | None = None
        if self.hook is not None:
            given = self.hook(table, plan.target, random.Random(f"{self.seed}:{table.key}:hook"))
            if given is not None:
                hook_rows = iter(given)
        names = [c.name for c in plan.columns]
        positions = {n: i for i, n in enumerate(names)}
        convert = converter(table, tuple(names), self.conn.dialect)
        referenced = [
            (tuple(positions[c] for c in cols), pool)
            for cols, pool in plan.referenced.items()
            if all(c in positions for c in cols)
        ]
        record_pk = bool(plan.deferred)
        own_keys: list[tuple[Any, ...]] = self.deferred_rows.setdefault(table.key, []) if record_pk else []
        made = dropped = 0
        stop: str | None = None
        while made < plan.target and stop is None:
            batch: list[Row] = []
            want = min(BATCH_ROWS, plan.target - made)
            while len(batch) < want:
                given_row: Mapping[str, Any] | None = None
                if hook_rows is not None:
                    given_row = next(hook_rows, None)
                    if given_row is None:
                        hook_rows = None
                try:
                    row = self._row(plan, rng, given_row, positions)
                except _Exhausted as exc:
                    stop = str(exc)
                    break
                if row is None:
                    dropped += 1
                    if dropped > max(100, plan.target // 10):
                        stop = "too many rows failed their CHECK constraints or keys"
                        break
                    continue
                for key, token in zip(plan.keys, self.tokens, strict=True):
                    if token is not None:
                        key.seen.add(token)
                for cols_pos, pool in referenced:
                    if len(cols_pos) == 1:
                        v = row[cols_pos[0]]
                        if v is not None:
                            pool.values.append(v)
                    else:
                        t = tuple(row[p] for p in cols_pos)
                        if None not in t:
                            pool.values.append(t)
                if record_pk:
                    own_keys.append(tuple(row[p] for p in plan.pk_positions))
                batch.append(row)
            if batch:
                try:
                    await loader.insert(table, names, convert([tuple(r) for r in batch]))
                except DBAPIError as exc:
                    unchecked = [c.name for c in plan.checks if c.pred is None or c.partial]
                    hint = (
                        f" CHECK {', '.join(unchecked)} could not be checked before loading."
                        if unchecked
                        else ""
                    )
                    raise SeedError(
                        f"Loading {table.name} failed: {str(exc.orig).splitlines()[0][:300]}.{hint}",
                        fix=f"Give a hook returning valid values for {table.name} (see maat_nb.migrations.seed).",
                    ) from exc
                made += len(batch)
        if stop is not None:
            self.notes.append(f"{table.name}: {made} of {plan.target} rows: {stop}")
        elif dropped:
            self.notes.append(
                f"{table.name}: {dropped} candidate rows dropped (CHECK or key could not be met)"
            )
        return made

    def _row(
        self,
        plan: _TablePlan,
        rng: random.Random,
        given: Mapping[str, Any] | None,
        positions: Mapping[str, int],
    ) -> Row | None:
        row: Row = [None] * len(plan.columns)
        fixed: set[int] = set()
        if given:
            for name in given:
                if name not in positions:
                    raise SeedError(
                        f"The hook gave column {name!r}, which {plan.table.name} does not have "
                        "(or which is computed).",
                        fix=f"Return only columns of {plan.table.name}: {', '.join(positions)}.",
                    )
                fixed.add(positions[name])
        for unit in plan.units:
            if isinstance(unit, _ColUnit) and unit.position not in fixed:
                unit.fill(row, rng)
        if given:
            for name, value in given.items():
                row[positions[name]] = value
        for unit in plan.units:
            if isinstance(unit, _FkUnit) and not any(p in fixed for p in unit.positions):
                unit.fill(row, rng)
        for attempt in range(ROW_ATTEMPTS):
            key_bad, other_bad = self._violations(plan, row)
            if not key_bad and not other_bad:
                return row
            redo = [p for p in sorted(key_bad | other_bad) if p not in fixed]
            if not redo:
                if given:
                    names = ", ".join(plan.columns[p].name for p in sorted(key_bad | other_bad))
                    raise SeedError(
                        f"A row the hook gave for {plan.table.name} breaks a key, a CHECK or NOT NULL on "
                        f"{names}: {dict(given)!r}.",
                        fix="Make the hook's rows distinct on every unique key and valid for every constraint.",
                    )
                return None
            done: set[int] = set()
            for p in redo:
                found = plan.unit_of.get(p)
                if found is None or id(found) in done:
                    continue
                unit = found
                done.add(id(unit))
                if isinstance(unit, _ColUnit):
                    if attempt >= ROW_ATTEMPTS - 3 and unit.nullable and p in other_bad:
                        row[p] = None  # a NULL makes most CHECKs unknown, which passes
                        continue
                    if attempt >= 10 and p in key_bad and not unit.counter:
                        try:  # a composite key keeps colliding: a distinct value in one of its columns settles it
                            unit.fresh_unique(row, rng)
                            continue
                        except _Exhausted:
                            pass
                unit.fill(row, rng)
        return None

    def _violations(self, plan: _TablePlan, row: Row) -> tuple[set[int], set[int]]:
        """Positions in a colliding unique key, and positions failing a CHECK or NOT NULL."""
        key_bad: set[int] = set()
        other_bad: set[int] = set()
        self.tokens = tokens = [key.token(row) for key in plan.keys]  # kept for the accepted row
        for key, token in zip(plan.keys, tokens, strict=True):
            if token is not None and token in key.seen:
                key_bad.update(key.positions)
        for check in plan.checks:
            if check.pred is None:
                continue
            try:
                ok = _truth(check.pred(row))
            except (TypeError, ValueError, ArithmeticError, AttributeError) as exc:
                self.notes.append(
                    f"{plan.table.name}: CHECK {check.name} ({check.sql}) not evaluable ({exc}): not checked"
                )
                check.pred = None
                continue
            if ok is False:
                other_bad.update(check.columns)
        for i in plan.not_null:
            if row[i] is None:
                other_bad.add(i)
        return key_bad, other_bad

    async def update_deferred(self, plan: _TablePlan) -> None:
        keys = self.deferred_rows.get(plan.table.key, [])
        if not keys:
            return
        table = plan.table
        rng = random.Random(f"{self.seed}:{table.key}:deferred")
        pk_cols = [plan.columns[p] for p in plan.pk_positions]
        for unit in plan.deferred:
            if not unit.pool.values:
                continue
            unit.deferred = False
            fk_cols = [plan.columns[p] for p in unit.positions]
            stmt = (
                update(table)
                .where(*(col == _bind(f"k_{i}", col) for i, col in enumerate(pk_cols)))
                .values({col.name: _bind(f"v_{i}", col) for i, col in enumerate(fk_cols)})
            )
            params = []
            for key in keys:
                if rng.random() < NULL_SHARE:
                    continue
                try:
                    value = unit.sample(rng)
                except _Exhausted:
                    break
                if value is None:
                    continue
                values = value if len(fk_cols) > 1 else (value,)
                param = {f"k_{i}": k for i, k in enumerate(key)}
                param.update({f"v_{i}": v for i, v in enumerate(values)})
                params.append(param)
            for start in range(0, len(params), BATCH_ROWS):
                await self.conn.execute(stmt, params[start : start + BATCH_ROWS])


def _bind(name: str, column: Column[Any]) -> Any:
    from sqlalchemy import bindparam

    return bindparam(name, type_=column.type)


# ----------------------------------------------------------------------------------------------------------------
# bulk loading


class _Loader:
    """The engine's fastest insert path (see the module docstring)."""

    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn
        self.name = conn.dialect.name
        self.driver: Any = None
        self.restore: str | None = None
        self.statements: dict[str, str] = {}

    async def start(self) -> None:
        if self.name == "mysql":
            result = await self.conn.exec_driver_sql(
                "SELECT @@session.foreign_key_checks, @@session.unique_checks"
            )
            fk_checks, unique_checks = tuple(result.one())
            self.restore = (
                f"SET SESSION foreign_key_checks = {int(fk_checks)}, unique_checks = {int(unique_checks)}"
            )
            await self.conn.exec_driver_sql("SET SESSION foreign_key_checks = 0, unique_checks = 0")
        elif self.name == "postgresql":
            await self.conn.execute(text("SELECT 1"))  # opens the transaction the COPY joins
            self.driver = (await self.conn.get_raw_connection()).driver_connection

    async def finish(self) -> None:
        if self.restore is not None:
            await self.conn.exec_driver_sql(self.restore)
            self.restore = None

    async def insert(self, table: Table, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
        if self.driver is not None:
            await self.driver.copy_records_to_table(
                table.name, records=rows, columns=columns, schema_name=table.schema
            )
            return
        statement = self.statements.get(table.key)
        if statement is None:
            quote = self.conn.dialect.identifier_preparer.quote
            marker = "?" if self.conn.dialect.paramstyle == "qmark" else "%s"
            statement = (
                f"INSERT INTO {self.conn.dialect.identifier_preparer.format_table(table)} "
                f"({', '.join(quote(c) for c in columns)}) VALUES ({', '.join([marker] * len(columns))})"
            )
            self.statements[table.key] = statement
        await self.conn.exec_driver_sql(statement, rows)


async def _fix_sequences(conn: AsyncConnection, tables: Iterable[Table]) -> None:
    """PostgreSQL: move serial/identity sequences (and ``nextval`` defaults) past the largest loaded value."""
    prep = conn.dialect.identifier_preparer
    for table in tables:
        qualified = prep.format_table(table)
        sequences: dict[str, str] = {}
        result = await conn.execute(
            text(
                "SELECT a.attname, pg_get_serial_sequence(:t, a.attname) FROM pg_attribute a "
                "WHERE a.attrelid = CAST(:t AS regclass) AND a.attnum > 0 AND NOT a.attisdropped"
            ),
            {"t": qualified},
        )
        for column, sequence in result:
            if sequence:
                sequences[str(column)] = str(sequence)
        for column in table.columns:
            default = getattr(column.server_default, "arg", None)
            default_sql = "" if default is None else str(getattr(default, "text", default))
            match = re.search(r"nextval\('([^']+)'", default_sql)
            if match and column.name not in sequences:
                sequences[column.name] = match.group(1)
        for column_name, sequence in sequences.items():
            col = prep.quote(column_name)
            await conn.execute(
                text(f"SELECT setval(:s, COALESCE(MAX({col}), 1), MAX({col}) IS NOT NULL) FROM {qualified}"),
                {"s": sequence},
            )


# ----------------------------------------------------------------------------------------------------------------
# entry point


async def seed(
    conn: AsyncConnection,
    rows: int | Mapping[str, int],
    *,
    tables: Iterable[str] | None = None,
    seed: int = 0,
    hook: SeedHook | None = None,
    existing: str = "skip",
) -> SeedResult:
    """Fill tables of the database behind ``conn`` with ``rows`` generated rows each (see the module docstring).

    Args:
        conn: An async connection; the caller commits (nothing here does).
        rows: Rows per table, or a mapping table -> rows (tables missing from it get none, unless a NOT NULL
            foreign key needs them as a parent: then a few).
        tables: The tables to fill (default: every table but ``alembic_version``). Unknown names raise.
        seed: Same seed, same schema -> same rows.
        hook: ``hook(table, n, rng)`` returning rows (mappings of column -> value) for ``table``, or ``None``;
            missing columns are generated, extra rows ignored, missing rows generated.
        existing: What to do with a chosen table that already has rows: ``"skip"`` it, ``"fill"`` it up to
            ``rows`` (its keys are read so that new ones do not collide), or raise (``"error"``).

    Returns:
        Rows and seconds per table, and notes on whatever could not be honoured exactly.

    Raises:
        SeedError: unknown table, bad ``existing``, a NOT NULL foreign-key cycle, a hook row breaking a key, or a
            NOT NULL column of a type the seeder cannot generate and the hook does not give.
    """
    started = time.perf_counter()
    if existing not in {"skip", "fill", "error"}:
        raise SeedError(
            f"existing={existing!r} is not one of 'skip', 'fill', 'error'.", fix="Pick one of those."
        )
    schema = await conn.run_sync(_reflect)
    seeder = _Seeder(conn, schema, seed=seed, hook=hook)
    all_tables = schema.metadata.tables
    local = {
        key: t
        for key, t in all_tables.items()
        if t.name not in SKIP_TABLES
        and t.name not in schema.partitions  # filled through their partitioned table
        and (t.schema is None or t.schema == schema.default_schema)
    }
    by_name = {t.name: key for key, t in local.items()}
    chosen = list(local) if tables is None else [by_name.get(t, t) for t in tables]
    asked = list(rows) if isinstance(rows, Mapping) else []
    unknown = sorted({t for t in [*chosen, *(by_name.get(a, a) for a in asked)] if t not in local})
    if unknown:
        raise SeedError(
            f"No table {', '.join(map(repr, unknown))} in the database (known: {', '.join(sorted(by_name)) or 'none'}).",
            fix="Check the names against the schema at this revision.",
        )

    def wanted(key: str) -> int:
        if isinstance(rows, Mapping):
            return int(rows.get(local[key].name, rows.get(key, 0)))
        return int(rows)

    targets: dict[str, int] = {}
    skipped: list[str] = []
    for key in sorted(dict.fromkeys(chosen)):
        n = wanted(key)
        have = await seeder.count(local[key], exact=existing == "fill")
        if have:
            if existing == "skip":
                skipped.append(local[key].name)
                continue
            if existing == "error":
                raise SeedError(
                    f"Table {local[key].name} already holds rows.",
                    fix="Pass existing='skip' or 'fill', or empty the table first.",
                )
            n = max(0, n - have)
        if n > 0:
            targets[key] = n
    # parents nobody asked for: NULL when the foreign key allows it, else a few rows
    queue = list(targets)
    while queue:
        key = queue.pop(0)
        child = local[key]
        for fkc in sorted(child.foreign_key_constraints, key=lambda f: sorted(c.name for c in f.columns)):
            parent = fkc.referred_table
            if (
                parent.key in (key, *targets)
                or parent.key not in local
                or all(c.nullable for c in fkc.columns)
            ):
                continue
            if await seeder.count(parent, exact=existing == "fill"):
                continue
            few = targets[key] if _one_to_one(child, fkc) else min(FEW_ROWS, targets[key])
            targets[parent.key] = few
            seeder.notes.append(
                f"{parent.name}: {few} rows so that {child.name}'s NOT NULL foreign key has parents"
            )
            queue.append(parent.key)
    order, broken = seeder.order(targets)
    # plan every table first: the pools of referenced keys must exist before parents are generated
    for key in order:
        for fkc in local[key].foreign_key_constraints:
            cols = tuple(e.column.name for e in fkc.elements)
            seeder.pools.setdefault((fkc.referred_table.key, cols), _Pool())
    plans: dict[str, _TablePlan] = {}
    for key in order:
        have = seeder.existing.get(key, 0) if existing == "fill" else 0
        plans[key] = seeder.plan(local[key], targets[key], broken, have)
    for (parent_key, cols), pool in seeder.pools.items():
        if parent_key not in targets:
            await seeder.load_pool(all_tables[parent_key], cols, pool)
    if existing == "fill":
        for key, plan in plans.items():
            if seeder.existing.get(key):
                await _load_existing_keys(conn, plan)
    counts: dict[str, int] = {}
    seconds: dict[str, float] = {}
    loader = _Loader(conn)
    await loader.start()
    try:
        for key in order:
            t0 = time.perf_counter()
            counts[local[key].name] = await seeder.fill(plans[key], loader)
            seconds[local[key].name] = time.perf_counter() - t0
    finally:
        await loader.finish()
    for key in order:
        if plans[key].deferred:
            t0 = time.perf_counter()
            await seeder.update_deferred(plans[key])
            seconds[local[key].name] += time.perf_counter() - t0
    if schema.dialect == "postgresql":
        await _fix_sequences(conn, [local[k] for k in order])
    return SeedResult(
        rows=counts,
        seconds=seconds,
        total_seconds=time.perf_counter() - started,
        skipped=tuple(skipped),
        notes=tuple(dict.fromkeys(seeder.notes)),
    )


def _domain_not_null(column: Column[Any]) -> bool:
    """A PostgreSQL domain declared NOT NULL refuses NULL although the column itself is nullable."""
    return isinstance(column.type, postgresql.DOMAIN) and bool(column.type.not_null)


def _one_to_one(table: Table, fkc: ForeignKeyConstraint) -> bool:
    """Whether a unique key of ``table`` lies within the foreign key's columns (each parent referenced once)."""
    fk = {c.name for c in fkc.columns}
    keys = [[c.name for c in table.primary_key.columns]]
    keys += [[c.name for c in con.columns] for con in table.constraints if isinstance(con, UniqueConstraint)]
    keys += [[c.name for c in ix.columns] for ix in table.indexes if ix.unique]
    return any(cols and set(cols) <= fk for cols in keys)


async def _load_existing_keys(conn: AsyncConnection, plan: _TablePlan) -> None:
    """``existing="fill"``: the table's current keys and referenced values, so new rows neither collide nor orphan."""
    positions = sorted({p for key in plan.keys for p in key.positions})
    ref_names = {c for cols in plan.referenced for c in cols}
    names = sorted({plan.columns[p].name for p in positions} | ref_names)
    if not names:
        return
    index = {c.name: i for i, c in enumerate(plan.columns)}
    result = await conn.execute(select(*(plan.table.c[n] for n in names)))
    for db_row in result:
        row: Row = [None] * len(plan.columns)
        for n, v in zip(names, db_row, strict=True):
            row[index[n]] = v
        for key in plan.keys:
            token = key.token(row)
            if token is not None:
                key.seen.add(token)
        for cols, pool in plan.referenced.items():
            values = tuple(row[index[c]] for c in cols)
            if None not in values:
                pool.values.append(values[0] if len(values) == 1 else values)
