"""The mentor's /concern in progress is a typed draft: stored under the keys drafts have always
had, so a conversation saved before an upgrade goes on; data that no longer fits is dropped
cleanly, and the mentor is told to start again."""

from __future__ import annotations

from sqlalchemy import select

from bot.clock import ManualClock
from bot.services import drafts
from domain import ConcernCategory, Severity
from handlers.concerns_draft import ConcernDraft
from storage.db import Database
from storage.models import Concern, Draft
from tests.test_concerns_conversation import World, nxt, w

__all__ = ["w"]  # the conversation tests' world, as a fixture here too

STORED = {
    "match_id": 7, "family": "Haddad", "category": "wellbeing", "severity": "high",
    "text": "She has not left the flat for a week",
}  # fmt: skip


def test_the_draft_reads_and_writes_the_stored_keys() -> None:
    draft = ConcernDraft.from_data(STORED)
    assert draft == ConcernDraft(
        match_id=7, family="Haddad", category=ConcernCategory.WELLBEING,
        severity=Severity.HIGH, text="She has not left the flat for a week",
    )  # fmt: skip
    assert draft is not None and draft.to_data() == STORED
    assert ConcernDraft.from_data({}) == ConcernDraft()
    assert ConcernDraft().to_data() == {}


def test_data_that_no_longer_fits_is_not_a_draft() -> None:
    for data in (
        {**STORED, "category": "gone"},
        {**STORED, "severity": "urgent"},
        {**STORED, "match_id": "seven"},
        {**STORED, "text": ["not", "text"]},
    ):
        assert ConcernDraft.from_data(data) is None, data


async def _seed(
    db: Database, clock: ManualClock, telegram_id: int, state: str, data: dict[str, object]
) -> None:
    async with db.transaction() as s:
        await drafts.save(s, telegram_id, "concern", state, dict(data), clock.now())


async def test_a_draft_saved_before_an_upgrade_goes_on(
    db: Database, clock: ManualClock, w: World
) -> None:
    data = {k: v for k, v in STORED.items() if k != "text"}
    await _seed(db, clock, w.marta.id, "text", {**data, "match_id": w.match.id})
    await w.marta.send("She has not left the flat for a week")
    confirm = await nxt(w.marta)
    assert "Send it to the staff?" in confirm.text and "Haddad" in confirm.text
    await w.marta.press("Send")
    assert "Sent to Wendy" in (await nxt(w.marta)).text
    async with db.transaction() as s:
        concern = (await s.execute(select(Concern))).scalar_one()
        assert (concern.match_id, concern.category, concern.severity) == (
            w.match.id, ConcernCategory.WELLBEING, Severity.HIGH,
        )  # fmt: skip


async def test_a_draft_that_no_longer_fits_is_dropped_cleanly(
    db: Database, clock: ManualClock, w: World
) -> None:
    await _seed(db, clock, w.marta.id, "confirm", {**STORED, "category": "gone"})
    await w.marta.send("hello?")
    assert "Send /concern to start again" in (await nxt(w.marta)).text
    async with db.transaction() as s:
        assert (await s.execute(select(Draft))).scalars().all() == []
        assert (await s.execute(select(Concern))).scalars().all() == []
