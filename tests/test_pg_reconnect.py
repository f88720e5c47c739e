"""Connections the PostgreSQL server dropped (a restart, a failover, an idle-connection timeout)
cost no update. The pool does not ping the server before every transaction (a round trip per
update and per scheduler batch saved): the first transaction on a dead connection fails, the
pool discards every connection it held, the update stays in the inbox and is handled again on
a fresh connection, and the person gets their answer."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from bot.app import App
from bot.clock import ManualClock
from storage.db import Database
from storage.models import Role
from tests.conftest import PG_URL
from tests.factories import building
from tests.harness import Telegram

pytestmark = pytest.mark.skipif(not PG_URL, reason="PostgreSQL only")


async def _drop_every_other_connection(db: Database) -> int:
    """What a server restart does to the bot's pooled connections."""
    async with db.engine.connect() as conn:
        dropped = (
            await conn.execute(
                text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            )
        ).scalar_one()
    return int(dropped)


async def test_updates_after_the_server_dropped_the_connections_are_answered(
    tg: Telegram, db: Database, clock: ManualClock, app: App
) -> None:
    tom = tg.user("Tom")
    async with building(db, clock.now()) as b:
        org = await b.org("Casal")
        family = await b.family(org, "Haddad")
        mentor = await b.person(org, Role.MENTOR, "Tom Walker", telegram_id=tom.id)
        worker = await b.person(org, Role.WORKER, "Laura")
        await b.match(family, [mentor], worker)
    await tom.send("/mymatches")
    before = (await tom.next_message()).text
    assert "Haddad" in before
    assert await _drop_every_other_connection(db) >= 1
    for _ in range(3):
        await tom.send("/mymatches")
        assert (await tom.next_message()).text == before
