"""Who the outbox queues for: people the bot can reach, and who are still in the programme."""

from __future__ import annotations

import pytest

from bot.clock import ManualClock
from bot.services import outbox
from storage.db import Database
from storage.models import Role
from tests.factories import building


@pytest.mark.parametrize(
    ("details", "queued"),
    [
        ({"telegram_id": 501}, True),
        ({}, False),  # never linked to Telegram
        ({"telegram_id": 502, "reachable": False}, False),  # blocked the bot
        ({"telegram_id": 503, "active": False}, False),  # left the programme
    ],
)
async def test_only_reachable_active_people_get_messages(
    db: Database, clock: ManualClock, details: dict[str, object], queued: bool
) -> None:
    async with building(db, clock.now()) as b:
        org = await b.org()
        person = await b.person(org, Role.MENTOR, **details)  # type: ignore[arg-type]
        message = outbox.enqueue(b.session, clock.now(), person, "test", "Hello")
    assert (message is not None) == queued
