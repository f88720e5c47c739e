"""Need-to-know: each role's real access to a mentee's concern, help request and match, held
against what the consent text told her. Every member of the staff is tried on every read and
action the bot offers; the consent text must name exactly those who get through, in every
language."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.catalogs import load
from bot.clock import ManualClock
from bot.i18n import LOCALES_DIR, SUPPORTED_LOCALES
from bot.services import concerns, matches
from bot.services import help as help_requests
from bot.services.errors import NotAllowed
from handlers.start_texts import CONSENT, SHORT_CONSENT
from storage.db import Database
from storage.models import AuditEvent, ConcernCategory, HelpKind, Person, Role
from tests.conftest import dispatching
from tests.factories import building

# Who the mentee's consent text names, in its own words. A member of the staff gets through
# exactly when one of these clauses describes them at that moment; everyone else is
# "No one else".
REFERRING = "the social worker who referred you"
HANDED = "(or the one your case is handed to)"
COORDINATORS = "the programme's coordinators"
ADMINS_ON_ESCALATION = "administrators see a problem or a request for help only if nobody answers"
NO_ONE_ELSE = "No one else."
AUDITED = "Each time someone on the staff opens what you reported, it is recorded."


@dataclass
class World:
    wendy: Person  # the referring worker
    otto: Person  # a second worker of the same organisation
    carme: Person  # coordinator
    ada: Person  # admin
    xena: Person  # coordinator of another organisation
    amal: Person  # the mentee
    match_id: int
    concern_id: int = 0  # Amal's problem, once raised
    help_id: int = 0  # Amal's help request, once asked


@pytest.fixture
async def w(db: Database, clock: ManualClock) -> World:
    ids = iter(range(8101, 8200))
    async with building(db, clock.now()) as b:
        org = await b.org(emergency_phone="112")
        elsewhere = await b.org()
        wendy = await b.person(org, Role.WORKER, "Wendy", telegram_id=next(ids))
        otto = await b.person(org, Role.WORKER, "Otto", telegram_id=next(ids))
        carme = await b.person(org, Role.COORDINATOR, "Carme", telegram_id=next(ids))
        ada = await b.person(org, Role.ADMIN, "Ada", telegram_id=next(ids))
        xena = await b.person(elsewhere, Role.COORDINATOR, "Xena", telegram_id=next(ids))
        marta = await b.person(org, Role.MENTOR, "Marta", telegram_id=next(ids))
        family = await b.family(org, "Haddad")
        amal = await b.person(org, Role.MENTEE, "Amal", telegram_id=next(ids), family=family)
        match = await b.match(family, [marta], wendy)
    return World(wendy, otto, carme, ada, xena, amal, match.id)


async def _as(db: Database, person: Person, fn: Callable[[Any, Person], Awaitable[Any]]) -> bool:
    """Whether `person` gets through `fn` (NotAllowed: refused). Each try is its own
    transaction, like an update."""
    try:
        async with dispatching(db) as s:
            me = await s.get(Person, person.id)
            assert me is not None
            await fn(s, me)
    except NotAllowed:
        return False
    return True


async def _access(db: Database, clock: ManualClock, w: World, person: Person) -> dict[str, bool]:
    """Everything a member of the staff might read about Amal, tried for real."""
    concern_id, help_id = w.concern_id, w.help_id
    now = clock.now()

    async def pending_concern(s: Any, me: Person) -> None:
        found = await concerns.pending(s, me)
        if concern_id not in [c.id for c in found.concerns]:
            raise NotAllowed("not listed")

    async def pending_help(s: Any, me: Person) -> None:
        found = await concerns.pending(s, me)
        if help_id not in [h.id for h in found.help]:
            raise NotAllowed("not listed")

    return {
        "concern card": await _as(db, person, lambda s, me: concerns.view_card(s, now, me, concern_id)),
        "reply to the concern": await _as(db, person, lambda s, me: concerns.can_reply(s, me, concern_id)),
        "concern in /pending": await _as(db, person, pending_concern),
        "help thread": await _as(db, person, lambda s, me: help_requests.thread(s, me, help_id)),
        "help in /pending": await _as(db, person, pending_help),
        "match card": await _as(db, person, lambda s, me: matches.match_card(s, me, w.match_id, now)),
    }  # fmt: skip


async def _amal_reports(db: Database, clock: ManualClock, w: World) -> None:
    async with dispatching(db) as s:
        amal = await s.get(Person, w.amal.id)
        assert amal is not None
        raised = await concerns.raise_problem(
            s, clock.now(), amal, ConcernCategory.HOUSING, "The landlord wants us out"
        )
        asked = await help_requests.ask(s, clock.now(), amal, HelpKind.MENTEE, "Please call me")
    w.concern_id, w.help_id = raised.concern_id, asked.request_id


def _consent_names(clause: str | None) -> bool:
    text = CONSENT[Role.MENTEE].replace("\n", " ")
    if clause is None:  # not named: the text must close the list
        return NO_ONE_ELSE in text
    return clause in text


def _check(found: dict[str, bool], clause: str | None, who: str) -> None:
    assert _consent_names(clause), f"the consent text does not say {clause!r}"
    allowed = clause is not None
    assert found == dict.fromkeys(found, allowed), (who, clause, found)


async def test_each_role_sees_exactly_what_the_consent_text_promises(
    db: Database, clock: ManualClock, w: World
) -> None:
    await _amal_reports(db, clock, w)
    promised: list[tuple[Person, str | None]] = [
        (w.wendy, REFERRING),
        (w.carme, COORDINATORS),
        (w.otto, None),  # a second worker
        (w.ada, None),  # an admin, before anything was escalated
        (w.xena, None),  # a coordinator of another organisation
    ]
    for person, clause in promised:
        _check(await _access(db, clock, w, person), clause, person.name)

    # Reassigned: the new worker is in, the previous one is out (the help request stays hers).
    concern_id = w.concern_id
    async with dispatching(db) as s:
        carme = await s.get(Person, w.carme.id)
        assert carme is not None
        await concerns.reassign(s, clock.now(), carme, concern_id, w.otto.id)
    otto, wendy = await _access(db, clock, w, w.otto), await _access(db, clock, w, w.wendy)
    assert _consent_names(HANDED)
    assert otto["concern card"] and otto["reply to the concern"] and otto["concern in /pending"]
    assert not (otto["help thread"] or otto["help in /pending"] or otto["match card"])
    assert not (wendy["concern card"] or wendy["reply to the concern"])
    assert not wendy["concern in /pending"]
    assert wendy["help thread"] and wendy["match card"]  # still her case otherwise

    # Nobody answered in time: the chain reaches the admins, and the admin is in.
    for _ in range(2):
        clock.advance(timedelta(days=4))
        async with dispatching(db) as s:
            await concerns.escalate_due(s, clock.now())
    ada = await _access(db, clock, w, w.ada)
    assert _consent_names(ADMINS_ON_ESCALATION)
    assert ada["concern card"] and ada["concern in /pending"] and ada["match card"]
    assert not ada["help thread"]  # the help request was not escalated to her
    _check(await _access(db, clock, w, w.xena), None, "Xena")
    assert not (await _access(db, clock, w, w.wendy))["concern card"]


async def test_every_read_of_a_concern_by_staff_is_audited_in_the_same_transaction(
    db: Database, clock: ManualClock, w: World
) -> None:
    await _amal_reports(db, clock, w)
    concern_id = w.concern_id
    assert _consent_names(AUDITED)
    for person in (w.wendy, w.carme, w.wendy):
        await _as(db, person, lambda s, me: concerns.view_card(s, clock.now(), me, concern_id))
    refused = await _as(
        db, w.otto, lambda s, me: concerns.view_card(s, clock.now(), me, concern_id)
    )
    assert not refused

    async def rolled_back(s: Any, me: Person) -> None:
        await concerns.view_card(s, clock.now(), me, concern_id)
        raise NotAllowed("the update failed after the read")

    await _as(db, w.carme, rolled_back)
    async with dispatching(db) as s:
        viewed = (
            await s.execute(
                select(AuditEvent.actor_id)
                .where(AuditEvent.action == "concern.viewed", AuditEvent.target_id == concern_id)
                .order_by(AuditEvent.id)
            )
        ).scalars()
        assert list(viewed) == [w.wendy.id, w.carme.id, w.wendy.id]


@pytest.mark.parametrize("locale", [loc for loc in SUPPORTED_LOCALES if loc != "en"])
def test_the_consent_texts_are_translated_in_every_language(locale: str) -> None:
    catalog = load(LOCALES_DIR / locale / "LC_MESSAGES" / "messages.po", locale)
    for role in (Role.MENTEE, Role.MENTOR, Role.WORKER):
        message = catalog.get(CONSENT[role])
        assert message is not None and message.string and not message.fuzzy, (locale, role)
        assert message.string.count("\n") == CONSENT[role].count("\n")
        short = catalog.get(SHORT_CONSENT[role])
        assert short is not None and short.string and not short.fuzzy, (locale, role)
        assert short.string.count("\n") == SHORT_CONSENT[role].count("\n") == 2


async def test_an_admin_sees_a_help_request_once_it_is_brought_to_them(
    db: Database, clock: ManualClock, w: World
) -> None:
    async with dispatching(db) as s:
        for pid, field in ((w.carme.id, "active"), (w.wendy.id, "reachable")):
            person = await s.get(Person, pid)
            assert person is not None
            setattr(person, field, False)  # no coordinator; the worker cannot be reached
    await _amal_reports(db, clock, w)  # her request falls back to the admins
    ada = await _access(db, clock, w, w.ada)
    assert ada["help thread"] and ada["help in /pending"]
    otto = await _access(db, clock, w, w.otto)
    assert otto == dict.fromkeys(otto, False)
