"""Invitations from the phone, through the emulator: a coordinator adds a mentee and a mentor
in a short conversation and gets the link and its QR code as a photo; the new person opens it
with /start and is onboarded; a worker issues a new link for a mentor of her caseload who lost
their phone (the old account disconnected); forged presses and other roles are refused."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from bot import qr
from bot.clock import ManualClock
from bot.i18n import translator
from emulator import Emulator, FloodLimits
from storage.db import Database
from storage.models import AuditEvent, Consent, Family, Invite, MatchMentor, Person, Role
from tests.factories import building
from tests.harness import Person as TgPerson
from tests.harness import Telegram

ES, AR = translator("es"), translator("ar")
REFUSED = "Sorry, that is not available to you."
LINK = re.compile(r"https://t\.me/(\w+)\?start=([A-Za-z0-9_-]+)")


@pytest.fixture(autouse=True)
def _no_flood_limits(emulator: Emulator) -> None:
    emulator.set_flood_limits(FloodLimits.off())


@dataclass
class World:
    cora: TgPerson  # coordinator
    wendy: TgPerson  # worker, Spanish
    ana: TgPerson  # mentor of Wendy's match
    ids: dict[str, int]


async def make_world(db: Database, clock: ManualClock, tg: Telegram) -> World:
    c, w, a, o = tg.user("Cora"), tg.user("Wendy", language_code="es"), tg.user("Ana"), tg.user("O")
    async with building(db, clock.now()) as b:
        org = await b.org()
        cora = await b.person(org, Role.COORDINATOR, "Cora", telegram_id=c.id, locale="en")
        wendy = await b.person(org, Role.WORKER, "Wendy", telegram_id=w.id, locale="es")
        walt = await b.person(org, Role.WORKER, "Walt")
        ana = await b.person(org, Role.MENTOR, "Ana Ruiz", telegram_id=a.id, locale="en")
        omar = await b.person(org, Role.MENTOR, "Omar", telegram_id=o.id)
        mine = await b.match(await b.family(org, "Haddad"), [ana], wendy)
        other = await b.match(await b.family(org, "Karimi"), [omar], walt)
        ids = {"cora": cora.id, "ana": ana.id, "omar": omar.id, "mine": mine.id,
               "other": other.id}  # fmt: skip
    for person in (c, w, a):
        await person.send("/start")
        await person.next_message()
    return World(c, w, a, ids)


def _link(text: str) -> tuple[str, str]:
    found = LINK.search(text)
    assert found is not None, text
    return found.group(0), found.group(2)


async def _invitation(who: TgPerson) -> tuple[str, str]:
    """The link of the invitation just shown, checked against the QR code sent after it."""
    shown = await who.next_message(where=lambda m: LINK.search(m.text or "") is not None)
    link, token = _link(shown.text)
    photo = await who.next_message(where=lambda m: m.photo is not None)
    assert photo.photo is not None and photo.photo.data.startswith(b"\x89PNG")
    assert qr.read_png(photo.photo.data) == qr.matrix(link)  # the code holds the link
    return link, token


async def test_a_coordinator_invites_a_mentee_who_opens_the_link(
    db: Database, clock: ManualClock, tg: Telegram
) -> None:
    world = await make_world(db, clock, tg)
    cora = world.cora
    await cora.send("/invite")
    await cora.next_message()
    await cora.send("x" * 201)  # too long: asked again
    assert "1 to 200" in (await cora.next_message()).text
    await cora.send("Layla Haddad")
    await cora.next_message()
    await cora.press("Mentee")
    await cora.next_message()
    await cora.press_data("iv:l:ar")
    question = await cora.next_message(where=lambda m: "family" in m.text)
    assert "العربية" in question.text
    await cora.send("Haddad")
    link, token = await _invitation(cora)
    assert link == f"https://t.me/{tg.emulator.bot().username}?start={token}"
    async with db.transaction() as s:
        layla = (await s.execute(select(Person).where(Person.name == "Layla Haddad"))).scalar_one()
        assert layla.role == Role.MENTEE and layla.locale == "ar" and layla.telegram_id is None
        family = await s.get(Family, layla.family_id)
        assert family is not None and family.name == "Haddad"  # the existing family
        made = (
            await s.execute(select(AuditEvent).where(AuditEvent.action == "invite.made_in_chat"))
        ).scalar_one()
        assert made.actor_id == world.ids["cora"]
        assert token not in str(made.detail)

    # The new mentee scans the code: /start with the token, straight into onboarding.
    newcomer = tg.user("Layla", language_code="ar")
    await newcomer.send(f"/start {token}")
    prompt = await newcomer.next_message()
    assert any(data == "ob:l:ar" for row in prompt.buttons for _, data in row)
    await newcomer.press_data("ob:l:ar")
    await newcomer.next_message()
    await newcomer.press(AR.gettext("I agree"))
    await newcomer.next_message()
    async with db.transaction() as s:
        layla = (await s.execute(select(Person).where(Person.name == "Layla Haddad"))).scalar_one()
        assert layla.telegram_id == newcomer.id and layla.consent == Consent.GIVEN


async def test_a_coordinator_adds_a_mentor_to_an_open_match(
    db: Database, clock: ManualClock, tg: Telegram
) -> None:
    world = await make_world(db, clock, tg)
    cora = world.cora
    await cora.send("/invite")
    await cora.next_message()
    await cora.send("Marta")
    await cora.next_message()
    await cora.press("Mentor")
    await cora.next_message()
    await cora.press_data("iv:l:es")
    await cora.next_message(where=lambda m: "No match yet" in str(m.buttons))
    await cora.send("9999")  # no such match: asked again, nothing made
    again = await cora.next_message(where=lambda m: "9999" in m.text)
    assert "no open match" in again.text
    await cora.send(str(world.ids["mine"]))
    await _invitation(cora)
    async with db.transaction() as s:
        marta = (await s.execute(select(Person).where(Person.name == "Marta"))).scalar_one()
        mentors = (
            await s.execute(
                select(MatchMentor.mentor_id).where(MatchMentor.match_id == world.ids["mine"])
            )
        ).scalars()
        assert marta.role == Role.MENTOR and marta.id in set(mentors)


async def test_a_worker_gives_a_new_link_to_a_mentor_who_lost_their_phone(
    db: Database, clock: ManualClock, tg: Telegram
) -> None:
    world = await make_world(db, clock, tg)
    wendy = world.wendy
    await wendy.send("/invite")  # adding people is the coordinator's
    assert ES.gettext("This command is not available to you.") in (await wendy.next_message()).text

    await wendy.send("/newlink")
    await wendy.next_message()
    await wendy.send("Omar")  # another worker's mentor: not hers to find
    nobody = await wendy.next_message()
    assert "Omar" in nobody.text and not any(
        (d or "").startswith("iv:p:") for row in nobody.buttons for _, d in row
    )
    # A forged press for him is refused, and he stays connected.
    await wendy.press_forged(f"iv:y:{world.ids['omar']}", nobody)
    assert ES.gettext(REFUSED) in (await wendy.next_message()).text
    async with db.transaction() as s:
        omar = await s.get(Person, world.ids["omar"])
        assert omar is not None and omar.telegram_id is not None

    await wendy.send("ana")
    await wendy.next_message()
    await wendy.press_data(f"iv:p:{world.ids['ana']}")
    await wendy.next_message()
    await wendy.press_data(f"iv:y:{world.ids['ana']}")
    _, token = await _invitation(wendy)
    async with db.transaction() as s:
        ana = await s.get(Person, world.ids["ana"])
        assert ana is not None and ana.telegram_id is None and ana.consent == Consent.PENDING
        live = (
            await s.execute(
                select(Invite).where(Invite.person_id == ana.id, Invite.revoked_at.is_(None))
            )
        ).scalars()
        assert len(list(live)) == 1

    # The lost phone's account no longer works; the new phone connects with the new link.
    await world.ana.send("/matches")
    assert "invitation" in (await world.ana.next_message()).text
    phone = tg.user("Ana")
    await phone.send(f"/start {token}")
    await phone.next_message()
    await phone.press_data("ob:l:en")
    await phone.next_message()
    await phone.press("I agree")
    await phone.next_message()
    async with db.transaction() as s:
        ana = await s.get(Person, world.ids["ana"])
        assert ana is not None and ana.telegram_id == phone.id
