"""Retention: each organisation's periods (with the defaults), applied by the scheduler's
tick in bounded batches as a settable clock moves on."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot import jobs
from bot.app import App
from bot.clock import ManualClock
from bot.services import admin, retention
from bot.services.errors import Invalid
from storage.db import Database
from storage.models import (
    Draft,
    InboxStatus,
    InboxUpdate,
    Match,
    MatchStatus,
    Meeting,
    OutboxMessage,
)
from tests.conftest import tick
from tests.planting import decrypted_scan, plant

pytestmark = pytest.mark.asyncio


async def test_periods_default_and_are_set_per_organisation(
    db: Database, clock: ManualClock
) -> None:
    planted = await plant(db, clock.now())
    async with db.transaction() as session:
        (org,) = [o for o in await admin.list_orgs(session) if o.id == planted.org_id]
        assert org.retention == {
            "outbox_days": 30,
            "inbox_days": 30,
            "drafts_days": 7,
            "closed_months": 24,
        }
        changed = await admin.set_org(
            session, clock.now(), planted.org_id, retention="outbox_days=10, closed_months=12"
        )
        assert changed.retention == {
            "outbox_days": 10,
            "inbox_days": 30,
            "drafts_days": 7,
            "closed_months": 12,
        }
        for bad, reason in [
            ("outbox_days=0", "1-365"),
            ("forever=1", "unknown retention period"),
            ("inbox_days=soon", "whole number"),
            ("inbox_days", "NAME=NUMBER"),
        ]:
            with pytest.raises(Invalid, match=reason):
                await admin.set_org(session, clock.now(), planted.org_id, retention=bad)


async def test_the_scheduler_removes_what_is_past_its_period(
    app: App, db: Database, clock: ManualClock
) -> None:
    planted = await plant(db, clock.now())
    sara = planted.values["sara"]
    async with db.transaction() as session:
        await admin.set_org(session, clock.now(), planted.org_id, retention="outbox_days=10")
        session.add(
            InboxUpdate(
                update_id=990001,
                chat_id=planted.people["omar"].telegram_id,
                status=InboxStatus.DONE,
                received_at=clock.now(),
                handled_at=clock.now(),
            )
        )

    async def draft_count() -> int:
        async with db.transaction() as session:
            return int(await session.scalar(select(func.count()).select_from(Draft)) or 0)

    async def inbox_ids() -> set[int]:
        async with db.transaction() as session:
            return set((await session.execute(select(InboxUpdate.update_id))).scalars())

    clock.advance(timedelta(days=6))
    await tick(app)
    assert await draft_count() == 1
    clock.advance(timedelta(days=2))  # 8 days: the draft (7) goes
    done = await tick(app)
    assert done["retention_drafts"] == 1 and await draft_count() == 0
    assert sara["t:outbox"] in set().union(*(await decrypted_scan(db, {sara["t:outbox"]})).values())
    clock.advance(timedelta(days=3))  # 11 days: the sent message's text (10) goes
    done = await tick(app)
    assert done["retention_outbox"] >= 1
    assert await decrypted_scan(db, {sara["t:outbox"]}) == {}
    async with db.transaction() as session:
        purged = (
            (
                await session.execute(
                    select(OutboxMessage).where(OutboxMessage.purged_at.is_not(None))
                )
            )
            .scalars()
            .all()
        )
        assert {m.text for m in purged} == {""}
        assert planted.people["sara"].id in {m.person_id for m in purged}
        waiting = (
            (await session.execute(select(OutboxMessage).where(OutboxMessage.purged_at.is_(None))))
            .scalars()
            .all()
        )
        assert all(
            m.sent_at is None or m.sent_at > clock.now() - timedelta(days=10) for m in waiting
        )
    assert 990001 in await inbox_ids()
    clock.advance(timedelta(days=20))  # 31 days: the handled update (30) goes
    await tick(app)
    assert 990001 not in await inbox_ids()

    # A closed match keeps its texts for 24 months after closing, then loses them.
    async with db.transaction() as session:
        match = await session.get(Match, planted.matches["single"].id)
        assert match is not None
        match.status, match.closed_at = MatchStatus.CLOSED, clock.now()
    clock.advance(timedelta(days=700))
    await tick(app)
    texts = {sara["t:meeting"], sara["t:concern"], planted.values["family"]["t:meeting"]}
    assert set().union(*(await decrypted_scan(db, texts)).values()) == texts
    clock.advance(timedelta(days=32))  # past 24 months
    done = await tick(app)
    # The staff's weekly digests (a chart each: overdue check-ins make them worth sending)
    # may use up a tick's time budget; the next tick goes on with what is left.
    for _ in range(3):
        if done["retention_closed_matches"]:
            break
        done = await tick(app)
    assert done["retention_closed_matches"] == 1
    found = set().union(*(await decrypted_scan(db, planted.of("sara") | texts)).values())
    # The active family match keeps its notes; Sara's match keeps its rows, without texts.
    assert planted.values["family"]["t:meeting"] in found
    for label in ("t:meeting", "t:concern", "t:help", "t:place", "t:report", "t:domain"):
        assert sara[label] not in found
    async with db.transaction() as session:
        assert await session.scalar(select(func.count()).select_from(Meeting)) == 2


async def test_a_batch_is_bounded(db: Database, clock: ManualClock) -> None:
    async with db.transaction() as session:
        for i in range(130):
            session.add(
                Draft(
                    telegram_id=5_000_000 + i,
                    flow="log",
                    state="notes",
                    data={},
                    updated_at=clock.now(),
                )
            )
    later = clock.now() + timedelta(days=8)
    job = dict(jobs.due_jobs())["retention_drafts"]
    cursor = jobs.Cursor()
    async with db.transaction() as session:
        assert await job(session, later, 100, cursor) == 100
    assert cursor.more
    async with db.transaction() as session:
        assert await job(session, later, 100, cursor) == 30
    assert not cursor.more
    assert retention.DEFAULTS["drafts_days"] == 7
