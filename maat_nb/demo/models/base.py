"""The declarative base of the demo shop: one MetaData with a naming convention, shared column types.

Every constraint and index gets a predictable name (``pk_products``, ``fk_products_brand_id_brands``,
``uq_users_email``, ``ix_products_category_id``), so that Alembic migrations, reflection and the profiler
all speak of the same objects on SQLite, PostgreSQL and MariaDB.
"""

from __future__ import annotations

import enum
from typing import Any, Final

from sqlalchemy import BigInteger, DateTime, Enum, Integer, MetaData
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION: Final[dict[str, str]] = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

#: Table options of every table but ``admin_logs`` (which is utf8mb3 on purpose): ignored outside MariaDB.
UTF8MB4: Final[dict[str, Any]] = {"mysql_charset": "utf8mb4"}

#: Timestamps are stored with their time zone (``timestamp with time zone`` on PostgreSQL).
TZDateTime = DateTime(timezone=True)

#: 64-bit ids for the big tables; plain INTEGER on SQLite so that the column stays the rowid alias.
BigId = BigInteger().with_variant(Integer(), "sqlite")


def value_enum(enum_class: type[enum.Enum], name: str) -> Enum:
    """An ``Enum`` column type storing the members' values (not their names) under the type name ``name``.

    It is a native ``ENUM`` on MariaDB, a ``CREATE TYPE name AS ENUM`` on PostgreSQL and a ``VARCHAR`` on
    SQLite.
    """
    return Enum(enum_class, name=name, values_callable=lambda members: [m.value for m in members])


class Base(DeclarativeBase):
    """Declarative base of all demo models."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    __table_args__: Any = UTF8MB4
