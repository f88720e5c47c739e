"""Reading a draft's stored data into a flow's typed draft: each field under its readable key,
or under the short key earlier versions wrote (so a conversation begun before goes on). A
value that cannot be read raises ValueError: the flow's `from_data` then returns None and the
conversation begins again, never half-understood."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from enum import StrEnum
from typing import Any, TypeVar

E = TypeVar("E", bound=StrEnum)


def pick(data: Mapping[str, Any], key: str, *old: str) -> Any:
    """The value under `key`, else under the first of the `old` keys present; None if none."""
    for name in (key, *old):
        if name in data:
            return data[name]
    return None


def opt_int(value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError("not a number")
    return int(value)


def opt_str(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str | int):
        raise ValueError("not a text")
    return str(value)


def opt_day(value: object) -> date | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError("not a day")
    return date.fromisoformat(value)


def opt_enum(kind: type[E], value: object) -> E | None:
    if value is None:
        return None
    return kind(str(value))


def compact(**fields: Any) -> dict[str, Any]:
    """The stored data: the fields that are set (None is left out), days as ISO text, enums
    as their values."""
    out: dict[str, Any] = {}
    for key, value in fields.items():
        if value is None:
            continue
        if isinstance(value, date):
            value = value.isoformat()
        elif isinstance(value, StrEnum):
            value = value.value
        elif isinstance(value, tuple):
            value = list(value)
        out[key] = value
    return out
