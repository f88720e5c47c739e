"""Each conversation's draft is a typed value: it round-trips through the row's data, a draft
written before under the old short keys still goes on, and one that cannot be read is dropped
cleanly (the conversation begins again)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.clock import ManualClock
from bot.services import drafts
from domain import CheckInHow, CheckInParty, Role
from handlers.checkins import CheckInDraft
from handlers.invite import InviteDraft
from handlers.match_life import RequestDraft
from handlers.onboarding import OnboardingDraft
from handlers.relay import RelayDraft
from storage.db import Database
from storage.match_life import Urgency
from storage.models import CheckIn
from tests.factories import building
from tests.harness import Telegram

# --- values ----------------------------------------------------------------------------------

ROUND_TRIPS: list[Any] = [
    CheckInDraft(),
    CheckInDraft(
        match_id=4,
        family="Lopez",
        party=CheckInParty.MENTEE,
        person_id=9,
        who="Omar",
        how=CheckInHow.VISIT,
        day=date(2026, 3, 2),
        note="Spoke about school.",
    ),
    RelayDraft(relay_id=12),
    RelayDraft(match_id=3),
    InviteDraft(name="Ana", role=Role.MENTOR, locale="uk"),
    RequestDraft(family="Haddad", needs=("school", "language"), urgency=Urgency.HIGH, note="x"),
    RequestDraft(),
    OnboardingDraft(7, locale="ar", more=True),
]


@pytest.mark.parametrize("draft", ROUND_TRIPS, ids=lambda d: type(d).__name__)
def test_drafts_round_trip_through_the_row_data(draft: Any) -> None:
    assert type(draft).from_data(draft.to_data()) == draft


def test_drafts_in_the_old_shape_are_read() -> None:
    old_checkin = {
        "m": 4, "f": "Lopez", "party": "mentee", "pid": 9, "who": "Omar", "how": "visit",
        "day": "2026-03-02", "note": None,
    }  # fmt: skip
    assert CheckInDraft.from_data(old_checkin) == CheckInDraft(
        match_id=4,
        family="Lopez",
        party=CheckInParty.MENTEE,
        person_id=9,
        who="Omar",
        how=CheckInHow.VISIT,
        day=date(2026, 3, 2),
    )
    assert RelayDraft.from_data({"relay": "12"}) == RelayDraft(relay_id=12)
    assert RelayDraft.from_data({"m": 3}) == RelayDraft(match_id=3)
    assert OnboardingDraft.from_data({"invite": 7, "locale": "ar", "more": True}) == (
        OnboardingDraft(7, "ar", True)
    )
    assert InviteDraft.from_data({"name": "Ana", "role": "mentor"}) == InviteDraft(
        "Ana", Role.MENTOR
    )
    assert RequestDraft.from_data({"needs": [], "family": "Haddad", "urgency": "low"}) == (
        RequestDraft("Haddad", (), Urgency.LOW)
    )


@pytest.mark.parametrize(
    ("kind", "data"),
    [
        (CheckInDraft, {"m": "four"}),
        (CheckInDraft, {"m": 4, "party": "neighbour"}),
        (CheckInDraft, {"m": 4, "day": "yesterday"}),
        (RelayDraft, {"relay": [1]}),
        (InviteDraft, {"role": "king"}),
        (RequestDraft, {"needs": "school"}),
        (RequestDraft, {"urgency": "now"}),
        (OnboardingDraft, {"invite": "x"}),
    ],
)
def test_unreadable_drafts_are_none(kind: Any, data: dict[str, Any]) -> None:
    assert kind.from_data(data) is None


async def test_a_drafts_value_leaves_out_what_was_set_aside(
    db: Database, clock: ManualClock
) -> None:
    async with db.transaction() as s:
        await drafts.save(s, 4242, "log", "day", {"m": 1}, clock.now())
        saved = await drafts.save(s, 4242, "checkin", "note", {"m": 2}, clock.now())
    assert saved == drafts.Draft("checkin", "note", {"m": 2})
    async with db.transaction() as s:
        assert await drafts.get(s, 4242) == saved
        assert await drafts.clear(s, 4242, clock.now()) == drafts.Draft("log", "day", {"m": 1})


# --- in a conversation ----------------------------------------------------------------------


async def _plant(db: Database, clock: ManualClock, tid: int, flow: str, state: str, data: Any):
    async with db.transaction() as s:
        saved = await drafts.save(s, tid, flow, state, data, clock.now())
        assert drafts.PARKED not in saved.data


async def test_a_check_in_begun_in_the_old_shape_goes_on_and_is_saved(
    db: Database, clock: ManualClock, tg: Telegram
) -> None:
    w = tg.user("Wendy")
    today = clock.now().date()
    async with building(db, clock.now()) as b:
        org = await b.org(locale="en")
        wendy = await b.person(org, Role.WORKER, "Wendy", telegram_id=w.id)
        ana = await b.person(org, Role.MENTOR, "Ana")
        lopez = await b.family(org, "Lopez")
        omar = await b.person(org, Role.MENTEE, "Omar", family=lopez)
        match = await b.match(lopez, [ana], wendy, started_on=today - timedelta(days=100))
    await w.send("/start")
    await w.next_message()
    old = {
        "m": match.id, "f": "Lopez", "party": "mentee", "pid": omar.id, "who": "Omar",
        "how": "visit", "day": (today - timedelta(days=1)).isoformat(),
    }  # fmt: skip
    await _plant(db, clock, w.id, "checkin", "note", old)
    await w.send("Spoke with Omar about school.")
    summary = await w.next_message()
    assert "Omar" in summary.text and "How: Visit" in summary.text
    await w.press("Save", summary)
    assert "Saved: your check-in for match no." in (await w.next_message()).text
    async with db.transaction() as s:
        saved = (await s.scalars(select(CheckIn))).one()
    assert (saved.match_id, saved.person_id, saved.how) == (match.id, omar.id, CheckInHow.VISIT)
    assert saved.note == "Spoke with Omar about school."

    # One that cannot be read is dropped: the conversation begins again.
    await _plant(db, clock, w.id, "checkin", "note", {"m": "four"})
    await w.send("A note for nothing")
    assert "/checkin to start again" in (await w.next_message()).text
    async with db.transaction() as s:
        assert await drafts.get(s, w.id) is None


async def test_a_message_to_the_family_begun_in_the_old_shape_goes_on(
    db: Database, clock: ManualClock, tg: Telegram
) -> None:
    tom, amal = tg.user("Tom", language_code="en"), tg.user("Amal", language_code="en")
    async with building(db, clock.now()) as b:
        org = await b.org()
        worker = await b.person(org, Role.WORKER, "Laura")
        mentor = await b.person(org, Role.MENTOR, "Tom Walker", telegram_id=tom.id)
        haddad = await b.family(org, "Haddad")
        await b.person(org, Role.MENTEE, "Amal Haddad", telegram_id=amal.id, family=haddad)
        match = await b.match(haddad, [mentor], worker)
    for person in (tom, amal):
        await person.send("/start")
        await person.next_message()
    await _plant(db, clock, tom.id, "relay", "write", {"m": match.id})
    await tom.send("See you at the library at five.")
    assert "Sent to" in (await tom.next_message()).text
    async with db.transaction() as s:
        assert await drafts.get(s, tom.id) is None

    # One that cannot be read is dropped, and nothing is sent.
    await _plant(db, clock, tom.id, "relay", "write", {"m": "Haddad"})
    await tom.send("Is this sent?")
    assert "Sorry, that did not work" in (await tom.next_message()).text
    async with db.transaction() as s:
        assert await drafts.get(s, tom.id) is None
