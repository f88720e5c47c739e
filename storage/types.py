"""Column types shared by the models."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, LargeBinary, Text
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

from storage import crypto


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back timezone-aware (SQLite drops tzinfo)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class _Encrypted:
    """Shared by the encrypted column types: the column's name is the associated data."""

    def __init__(self, purpose: str) -> None:
        super().__init__()
        self.purpose = purpose


class EncryptedText(_Encrypted, TypeDecorator[str]):
    """A free text, encrypted when the engine has a key (storage/crypto.py)."""

    cache_ok = True

    impl = Text

    def process_bind_param(self, value: str | None, dialect: Dialect) -> Any:
        keyring = crypto.keyring_of(dialect)
        if value is None or keyring is None:
            return value
        return keyring.encrypt_text(value, self.purpose)

    def process_result_value(self, value: Any, dialect: Dialect) -> str | None:
        if value is None or not crypto.is_encrypted(value):
            return value  # type: ignore[no-any-return]
        return _keyring(dialect).decrypt_text(value, self.purpose)


class EncryptedJSON(_Encrypted, TypeDecorator[Any]):
    """A JSON value (a raw update, a draft's answers), stored as text, encrypted when the
    engine has a key."""

    cache_ok = True

    impl = Text

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        plain = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        keyring = crypto.keyring_of(dialect)
        return plain if keyring is None else keyring.encrypt_text(plain, self.purpose)

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        if crypto.is_encrypted(value):
            value = _keyring(dialect).decrypt_text(value, self.purpose)
        return json.loads(value)


class EncryptedBytes(_Encrypted, TypeDecorator[bytes]):
    """A file (a calendar entry, an export), encrypted when the engine has a key."""

    cache_ok = True

    impl = LargeBinary

    def process_bind_param(self, value: bytes | None, dialect: Dialect) -> Any:
        keyring = crypto.keyring_of(dialect)
        if value is None or keyring is None:
            return value
        return keyring.encrypt_bytes(bytes(value), self.purpose)

    def process_result_value(self, value: Any, dialect: Dialect) -> bytes | None:
        if value is None:
            return None
        value = bytes(value)
        if not crypto.is_encrypted(value):
            return value  # type: ignore[no-any-return]
        return _keyring(dialect).decrypt_bytes(value, self.purpose)


def _keyring(dialect: Dialect) -> crypto.Keyring:
    keyring = crypto.keyring_of(dialect)
    if keyring is None:
        raise crypto.MissingKey(crypto.NO_KEY)
    return keyring


ENCRYPTED_TYPES = (EncryptedText, EncryptedJSON, EncryptedBytes)
