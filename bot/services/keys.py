"""The encrypted columns: is there data the configured keys cannot read (the start-up
preflight), and re-encrypting it under the current key, a batch at a time (`mentorbot keys
rotate`, which also encrypts the plain values of a database that had no key before)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, LargeBinary, Text, func, literal, or_, select, type_coerce
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import attributes

from storage import crypto
from storage.models import Base
from storage.types import ENCRYPTED_TYPES, EncryptedBytes


@dataclass(frozen=True)
class EncryptedTable:
    model: type[Base]
    columns: tuple[str, ...]  # attribute names (the same as the column names here)


def encrypted_tables() -> list[EncryptedTable]:
    """Every model with an encrypted column, in table order."""
    found: list[EncryptedTable] = []
    for mapper in sorted(Base.registry.mappers, key=lambda m: m.class_.__tablename__):
        names = tuple(
            column.key for column in mapper.columns if isinstance(column.type, ENCRYPTED_TYPES)
        )
        if names:
            found.append(EncryptedTable(mapper.class_, names))
    return found


def _raw(model: type[Base], name: str) -> tuple[ColumnElement[Any], bool]:
    column = model.__table__.c[name]  # type: ignore[attr-defined]
    binary = isinstance(column.type, EncryptedBytes)
    return type_coerce(column, LargeBinary if binary else Text), binary


def _sealed(raw: ColumnElement[Any], binary: bool) -> ColumnElement[bool]:
    if binary:
        mark = crypto.BYTES_MARK
        return func.substr(raw, 1, len(mark)) == literal(mark, LargeBinary)
    return func.substr(raw, 1, 1) == crypto.MARK


def _kid(raw: ColumnElement[Any], binary: bool) -> ColumnElement[Any]:
    if binary:
        return func.substr(raw, len(crypto.BYTES_MARK) + 1, crypto.KEY_ID_LENGTH)
    return func.substr(raw, 2, crypto.KEY_ID_LENGTH)


def _kids(ids: tuple[str, ...], binary: bool) -> list[Any]:
    return [literal(k.encode(), LargeBinary) if binary else k for k in ids]


async def unreadable(session: AsyncSession, keyring: crypto.Keyring | None) -> str | None:
    """The first column (`table.column`) holding a value the keyring cannot read: any
    encrypted value without keys, or one under a key it does not have. None: all readable."""
    for table in encrypted_tables():
        conditions = {}
        for name in table.columns:
            raw, binary = _raw(table.model, name)
            condition = _sealed(raw, binary)
            if keyring is not None:
                condition = condition & _kid(raw, binary).not_in(_kids(keyring.ids, binary))
            conditions[name] = condition
        # One scan of the table for all its columns (the usual answer is "none"); only when
        # something is found, one query per column says which.
        if not await _any(session, table, or_(*conditions.values())):
            continue
        for name, condition in conditions.items():
            if await _any(session, table, condition):
                return f"{table.model.__tablename__}.{name}"
    return None


async def _any(session: AsyncSession, table: EncryptedTable, condition: Any) -> bool:
    query = select(literal(1)).select_from(table.model).where(condition).limit(1)
    return (await session.execute(query)).first() is not None


def _stale(table: EncryptedTable, current: str) -> ColumnElement[bool]:
    """Rows with a value that is plain, or encrypted with a key other than `current`."""
    parts = []
    for name in table.columns:
        raw, binary = _raw(table.model, name)
        kid = literal(current.encode(), LargeBinary) if binary else current
        parts.append(raw.is_not(None) & (~_sealed(raw, binary) | (_kid(raw, binary) != kid)))
    return or_(*parts)


async def rotate_batch(
    session: AsyncSession,
    table: EncryptedTable,
    keyring: crypto.Keyring,
    after: Any | None,
    limit: int,
) -> tuple[int, Any | None]:
    """Re-encrypt, under the current key, the values of up to `limit` rows after primary key
    `after` (None: from the first) that are plain or under an older key; returns (rows
    rewritten, the last key looked at, None when the table is done)."""
    (pk,) = table.model.__table__.primary_key.columns  # type: ignore[attr-defined]
    query = select(pk).where(_stale(table, keyring.current)).order_by(pk).limit(limit)
    if after is not None:
        query = query.where(pk > after)
    keys = (await session.execute(query)).scalars().all()
    if not keys:
        return 0, None
    rows = (await session.execute(select(table.model).where(pk.in_(keys)))).scalars().all()
    for row in rows:
        for name in table.columns:
            attributes.flag_modified(row, name)
    await session.flush()
    return len(rows), keys[-1]
