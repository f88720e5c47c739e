"""A match's card for staff, on the database: what it holds, and who may open it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from bot.clock import ManualClock
from bot.services.errors import NotAllowed, NotFound
from bot.services.matches import match_card
from storage.db import Database
from storage.models import (
    Concern,
    ConcernCategory,
    ConcernStatus,
    HelpKind,
    HelpRequest,
    Match,
    MatchStatus,
    Meeting,
    Organisation,
    Person,
    ProgressReport,
    Role,
    Severity,
    ThreadStatus,
)
from tests.factories import building


@dataclass
class World:
    match: Match
    other: Match  # same organisation, another family
    foreign: Match  # another organisation
    worker: Person
    coordinator: Person
    admin: Person
    ana: Person
    foreign_worker: Person
    foreign_admin: Person


@pytest.fixture
async def world(db: Database, clock: ManualClock) -> World:
    now = clock.now()
    async with building(db, now) as b:
        org, elsewhere = await b.org(), await b.org()
        worker = await b.person(org, Role.WORKER, "Wendy")
        coordinator = await b.person(org, Role.COORDINATOR, "Cora")
        admin = await b.person(org, Role.ADMIN, "Adam")
        ana = await b.person(org, Role.MENTOR, "Ana")
        ben = await b.person(org, Role.MENTOR, "Ben")
        gone = await b.person(org, Role.MENTOR, "Gone", active=False)
        haddad = await b.family(org, "Haddad")
        mona = await b.person(org, Role.MENTEE, "Mona", family=haddad)
        await b.person(org, Role.MENTEE, "Layla", family=haddad)
        await b.person(org, Role.MENTEE, "Left", family=haddad, active=False)
        match = await b.match(haddad, [ben, ana, gone], worker, started_on=date(2026, 1, 15))
        other = await b.match(await b.family(org, "Osei"), [ana], worker)
        foreign_worker = await b.person(elsewhere, Role.WORKER, "Xavi")
        foreign_admin = await b.person(elsewhere, Role.ADMIN, "Yara")
        foreign = await b.match(await b.family(elsewhere, "Kim"), [], foreign_worker)
        s = b.session
        for day, who, minutes in (
            (date(2026, 2, 1), ana, 60),
            (date(2026, 2, 20), ben, 90),
            (date(2026, 2, 10), ana, 45),
            (date(2026, 2, 25), ana, 30),
        ):
            s.add(
                Meeting(match_id=match.id, mentor_id=who.id, occurred_on=day,
                        duration_minutes=minutes, created_at=now, updated_at=now)
            )  # fmt: skip
        s.add(
            Meeting(match_id=other.id, mentor_id=ana.id, occurred_on=date(2026, 3, 1),
                    duration_minutes=20, created_at=now, updated_at=now)
        )  # fmt: skip
        for at, who, rel, support in (
            (now - timedelta(days=40), ana, 4, False),
            (now - timedelta(days=3), ben, 2, True),
        ):
            s.add(
                ProgressReport(match_id=match.id, mentor_id=who.id, domains={}, relationship=rel,
                               needs_support=support, comment=None, created_at=at)
            )  # fmt: skip
        s.add(
            ProgressReport(match_id=other.id, mentor_id=ana.id, domains={}, relationship=1,
                           needs_support=False, comment=None, created_at=now)
        )  # fmt: skip
        for on, status in (
            (match, ConcernStatus.OPEN),
            (match, ConcernStatus.ACKNOWLEDGED),
            (match, ConcernStatus.RESOLVED),
            (other, ConcernStatus.OPEN),
        ):
            s.add(
                Concern(organisation_id=org.id, match_id=on.id, raised_by_id=ana.id,
                        category=ConcernCategory.OTHER, severity=Severity.LOW, description="x",
                        status=status, assigned_worker_id=worker.id, raised_at=now)
            )  # fmt: skip
        for on, requester, thread in (
            (match, mona, ThreadStatus.OPEN),
            (match, ana, ThreadStatus.CLOSED),
            (other, ana, ThreadStatus.OPEN),
        ):
            s.add(
                HelpRequest(organisation_id=org.id, match_id=on.id, requester_id=requester.id,
                            worker_id=worker.id, kind=HelpKind.PRACTICAL, status=thread,
                            created_at=now)
            )  # fmt: skip
    return World(
        match, other, foreign, worker, coordinator, admin, ana, foreign_worker, foreign_admin
    )


async def test_the_card_holds_the_match_at_a_glance(
    db: Database, clock: ManualClock, world: World
) -> None:
    async with db.transaction() as s:
        card = await match_card(s, world.worker, world.match.id, clock.now())
    assert (card.id, card.family_name) == (world.match.id, "Haddad")
    assert card.members == ("Layla", "Mona")  # active mentees of the family, by name
    assert card.mentors == ("Ana", "Ben")  # active mentors only
    assert card.worker_name == "Wendy"
    assert (card.status, card.started_on) == (MatchStatus.ACTIVE, date(2026, 1, 15))
    assert [(m.occurred_on, m.mentor_name, m.duration_minutes) for m in card.meetings] == [
        (date(2026, 2, 25), "Ana", 30),
        (date(2026, 2, 20), "Ben", 90),
        (date(2026, 2, 10), "Ana", 45),
    ]
    assert card.report is not None
    assert (card.report.mentor_name, card.report.relationship, card.report.needs_support) == (
        "Ben",
        2,
        True,
    )
    assert card.report.created_at == clock.now() - timedelta(days=3)
    assert (card.open_concerns, card.open_help_requests) == (2, 1)


async def test_an_empty_match_has_an_empty_card(
    db: Database, clock: ManualClock, world: World
) -> None:
    async with db.transaction() as s:
        card = await match_card(s, world.foreign_worker, world.foreign.id, clock.now())
    assert card.family_name == "Kim" and card.members == () and card.mentors == ()
    assert card.meetings == () and card.report is None
    assert (card.open_concerns, card.open_help_requests) == (0, 0)


@pytest.mark.parametrize("who", ["worker", "coordinator"])
async def test_its_worker_and_the_coordinators_may_open_a_match(
    db: Database, clock: ManualClock, world: World, who: str
) -> None:
    staff = getattr(world, who)
    async with db.transaction() as s:
        card = await match_card(s, staff, world.other.id, clock.now())
    assert card.family_name == "Osei"


@pytest.mark.parametrize("who", ["foreign_worker", "foreign_admin", "ana"])
async def test_others_are_refused(db: Database, clock: ManualClock, world: World, who: str) -> None:
    async with db.transaction() as s:
        with pytest.raises(NotAllowed):
            await match_card(s, getattr(world, who), world.match.id, clock.now())


async def test_an_inactive_staff_member_is_refused(
    db: Database, clock: ManualClock, world: World
) -> None:
    async with db.transaction() as s:
        worker = await s.get(Person, world.worker.id)
        assert worker is not None
        worker.active = False
        with pytest.raises(NotAllowed):
            await match_card(s, worker, world.match.id, clock.now())


@pytest.mark.parametrize("match_id", [999_999, 0, -1, 2**40])
async def test_an_unknown_match_is_not_found(
    db: Database, clock: ManualClock, world: World, match_id: int
) -> None:
    async with db.transaction() as s:
        with pytest.raises(NotFound):
            await match_card(s, world.worker, match_id, clock.now())


async def test_an_admin_opens_a_match_only_once_one_of_its_concerns_was_escalated(
    db: Database, clock: ManualClock, world: World
) -> None:
    async with db.transaction() as s:
        with pytest.raises(NotAllowed):
            await match_card(s, world.admin, world.match.id, clock.now())
    async with db.transaction() as s:
        found = (
            await s.execute(select(Concern).where(Concern.match_id == world.match.id))
        ).scalars()
        next(c for c in found if c.status == ConcernStatus.OPEN).level = 2  # the admins' level
    async with db.transaction() as s:
        card = await match_card(s, world.admin, world.match.id, clock.now())
        assert card.family_name == "Haddad"
        with pytest.raises(NotAllowed):  # not the other match, which nobody escalated
            await match_card(s, world.admin, world.other.id, clock.now())


async def test_a_worker_does_not_open_the_matches_another_worker_refers(
    db: Database, clock: ManualClock, world: World
) -> None:
    async with building(db, clock.now()) as b:
        org = await b.session.get(Organisation, world.match.organisation_id)
        assert org is not None
        otto = await b.person(org, Role.WORKER, "Otto")
    async with db.transaction() as s:
        with pytest.raises(NotAllowed):
            await match_card(s, otto, world.match.id, clock.now())
