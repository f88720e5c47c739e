"""Notifications that notify and closing the loop on concerns, through the Bot API emulator:
the worker who missed a deadline gets a new message (an edit notifies nobody), the reporter
hears when a concern ended with nobody acknowledging it (and whom to call) and when it was
rerouted because its worker could not be reached. In English and in Arabic."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.app import App
from bot.clock import ManualClock
from bot.i18n import translator
from storage.db import Database
from storage.models import ConcernStatus, Organisation, Person
from tests import test_concerns_conversation as stories
from tests.conftest import eventually, tick
from tests.test_concerns_conversation import (
    World,
    _unreachable,
    nxt,
    raised_and_delivered,
    the_concern,
)

w = stories.w  # the same cast as the concern stories (a fixture)


async def _locale(db: Database, person_id: int, locale: str) -> None:
    async with db.transaction() as s:
        person = await s.get(Person, person_id)
        assert person is not None
        person.locale = locale


@pytest.mark.parametrize("locale", ["en", "ar"])
async def test_a_worker_who_missed_the_deadline_gets_a_new_message(
    app: App, clock: ManualClock, db: Database, w: World, locale: str
) -> None:
    await _locale(db, w.ids["Wendy"], locale)
    await raised_and_delivered(app, w, "High")
    first = w.wendy.last_message
    clock.advance(timedelta(hours=4))
    await tick(app)
    await nxt(w.carme)
    edited = await nxt(w.wendy)
    assert edited.edited and edited.message_id == first.message_id
    fresh = await nxt(w.wendy)  # a new message: it rings
    assert not fresh.edited and fresh.message_id > first.message_id
    concern = await the_concern(db)
    ack = f"cn:ack:{concern.id}"
    assert ack in [data for row in fresh.buttons for _, data in row]
    await w.wendy.press_data(ack, fresh)
    await nxt(w.wendy)
    assert (await the_concern(db)).status == ConcernStatus.ACKNOWLEDGED


@pytest.mark.parametrize("locale", ["en", "ar"])
async def test_the_reporter_hears_that_nobody_acknowledged_and_whom_to_call(
    app: App, clock: ManualClock, db: Database, w: World, locale: str
) -> None:
    async with db.transaction() as s:
        org = (await s.execute(select(Organisation).order_by(Organisation.id))).scalars().first()
        assert org is not None
        org.office_phone = "+34931234567"
    await raised_and_delivered(app, w, "High")
    await _locale(db, w.ids["Marta"], locale)  # she reads what comes next in this language
    for _ in range(3):
        clock.advance(timedelta(hours=4))
        await tick(app)
    concern = await the_concern(db)
    assert concern.status == ConcernStatus.UNACKNOWLEDGED
    told = await w.marta.next_message(where=lambda m: "112" in m.text)
    tr = translator(locale, "ES")
    expected = tr.gettext(
        "Nobody on the staff acknowledged your concern #%(id)s in time. Please phone the office "
        "now: %(phone)s. In an emergency, call %(emergency)s."
    ) % {"id": concern.id, "phone": "\u2068931 23 45 67\u2069", "emergency": "\u2068+34 112\u2069"}
    assert told.text == expected


@pytest.mark.parametrize("locale", ["en", "ar"])
async def test_the_reporter_is_told_who_has_a_rerouted_concern(
    app: App, clock: ManualClock, db: Database, w: World, locale: str
) -> None:
    await raised_and_delivered(app, w, "Low")
    await _locale(db, w.ids["Marta"], locale)
    w.wendy.block()
    await eventually(lambda: _unreachable(db, w.ids["Wendy"]))
    await tick(app)
    await nxt(w.carme)  # the coordinators have it now
    told = await w.marta.next_message(where=lambda m: not m.buttons)
    concern = await the_concern(db)
    assert told.text == translator(locale).gettext(
        "Your concern #%(id)s could not reach the person who had it through the bot, so it went "
        "to the programme's coordinators. They will answer you here."
    ) % {"id": concern.id}


@pytest.mark.parametrize("locale", ["ar", "en"])
async def test_a_mentee_who_feels_very_bad_gets_a_number_to_call(
    app: App, db: Database, w: World, locale: str
) -> None:
    await _locale(db, w.ids["Amal"], locale)
    await w.amal.send("/problem")
    await nxt(w.amal)
    await w.amal.press_data("cn:p:wellbeing")
    shown = await nxt(w.amal)
    assert shown.text == "📞 " + translator(locale).gettext(
        "If you feel you cannot keep yourself safe, or you think of hurting yourself, "
        "call %(phone)s now. You are not alone."
    ) % {"phone": "+34 112"}
    assert (await nxt(w.amal)).text  # then the question, as before
