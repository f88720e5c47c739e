"""Replies wait out Telegram's flood control instead of being lost."""

from __future__ import annotations

import pytest
from telegram.error import RetryAfter

from handlers.common import _patiently


async def test_a_reply_is_retried_after_flood_control() -> None:
    calls: list[int] = []

    async def send() -> None:
        calls.append(1)
        if len(calls) < 3:
            raise RetryAfter(0)

    await _patiently(send)
    assert len(calls) == 3


async def test_flood_control_that_does_not_end_is_reported() -> None:
    async def send() -> None:
        raise RetryAfter(0)

    with pytest.raises(RetryAfter):
        await _patiently(send, attempts=2)
