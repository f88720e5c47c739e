"""The /plan draft is a typed value (`handlers.appointments_draft.PlanDraft`): it round-trips
through the row's data, a plan begun before as a plain dict ("mode", "time") goes on, and one
that cannot be read ends cleanly."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

import pytest
from sqlalchemy import select

from bot.clock import ManualClock
from bot.services import drafts
from domain import Role
from handlers.appointments_draft import PlanDraft
from storage.db import Database
from storage.models import Appointment
from tests.factories import building
from tests.harness import Telegram

TUESDAY = date(2026, 3, 3)
TUESDAY_1730 = datetime(2026, 3, 3, 16, 30, tzinfo=UTC)  # 17:30 in Madrid


@pytest.mark.parametrize(
    "plan",
    [
        PlanDraft(),
        PlanDraft(match_id=4, family="Haddad"),
        PlanDraft(
            match_id=4,
            family="Haddad",
            day=TUESDAY,
            start_time=time(17, 30),
            place="Café Central",
            last_place="Biblioteca",
            note="Bring the forms",
        ),
        PlanDraft(
            match_id=4, family="Haddad", moving=True, appointment_id=9, place="Café", day=TUESDAY
        ),
    ],
)
def test_a_plan_round_trips_through_the_row_data(plan: PlanDraft) -> None:
    assert PlanDraft.from_data(plan.to_data()) == plan


def test_a_plan_in_the_old_shape_is_read() -> None:
    new = {
        "mode": "new", "match_id": 4, "family": "Haddad", "day": "2026-03-03", "time": "17:30",
        "last_place": None, "place": "Café Central", "note": None,
    }  # fmt: skip
    assert PlanDraft.from_data(new) == PlanDraft(
        match_id=4, family="Haddad", day=TUESDAY, start_time=time(17, 30), place="Café Central"
    )
    moving = {
        "mode": "move", "appointment_id": 9, "match_id": 4, "family": "Haddad",
        "place": "Café", "note": "Bring the forms",
    }  # fmt: skip
    assert PlanDraft.from_data(moving) == PlanDraft(
        match_id=4, family="Haddad", moving=True, appointment_id=9, place="Café",
        note="Bring the forms",
    )  # fmt: skip
    assert PlanDraft.from_data({"mode": "new"}) == PlanDraft()
    assert PlanDraft.from_data({}) == PlanDraft()


@pytest.mark.parametrize(
    "data",
    [
        {"match_id": "four"},
        {"mode": "later"},
        {"day": "tuesday"},
        {"time": "half past five"},
        {"moving": "yes"},
        {"note": ["x"]},
    ],
)
def test_a_plan_that_cannot_be_read_is_none(data: dict[str, Any]) -> None:
    assert PlanDraft.from_data(data) is None


async def test_a_plan_begun_in_the_old_shape_goes_on_and_is_stored(
    db: Database, clock: ManualClock, tg: Telegram
) -> None:
    a = tg.user("Ana", language_code="en")
    async with building(db, clock.now()) as b:
        org = await b.org(locale="en")
        worker = await b.person(org, Role.WORKER, "Wendy")
        ana = await b.person(org, Role.MENTOR, "Ana", telegram_id=a.id, locale="en")
        haddad = await b.family(org, "Haddad")
        match = await b.match(haddad, [ana], worker)
    await a.send("/start")
    await a.next_message()
    old = {
        "mode": "new", "match_id": match.id, "family": "Haddad", "day": TUESDAY.isoformat(),
        "time": "17:30", "last_place": None, "place": "Café Central",
    }  # fmt: skip
    async with db.transaction() as s:
        await drafts.save(s, a.id, "plan", "note", old, clock.now())
    await a.send("Bring the forms")
    summary = await a.next_message()
    assert "Haddad" in summary.text and "Café Central" in summary.text
    assert "Bring the forms" in summary.text
    await a.press("Confirm", summary)
    assert "Planned." in (await a.next_message()).text
    async with db.transaction() as s:
        stored = (await s.scalars(select(Appointment))).one()
        assert await drafts.get(s, a.id) is None
    assert (stored.match_id, stored.starts_at, stored.place, stored.note) == (
        match.id, TUESDAY_1730, "Café Central", "Bring the forms",
    )  # fmt: skip

    # One that cannot be read ends the planning: nothing is stored.
    async with db.transaction() as s:
        await drafts.save(s, a.id, "plan", "note", {"match_id": "Haddad"}, clock.now())
    await a.send("A note for nothing")
    assert "Send /plan to plan a meeting" in (await a.next_message()).text
    async with db.transaction() as s:
        assert await drafts.get(s, a.id) is None
        assert len((await s.scalars(select(Appointment))).all()) == 1
