"""The staff check-in cadence: the rule in Python (edge cases of months and counts), the same
rule in SQL (checked against Python on a seeded set of matches, on SQLite and PostgreSQL), and
recording a check-in only for a match of one's own scope."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import case, select

from bot.clock import ManualClock
from bot.services import admin, checkins
from bot.services.checkins import Cadence, Entry, due_date, month_later, obligations, overdue_on
from bot.services.errors import Invalid, NotAllowed
from storage.db import Database
from storage.models import (
    AuditEvent,
    CheckIn,
    CheckInHow,
    CheckInParty,
    Match,
    MatchStatus,
    Role,
)
from tests.factories import building

MENTOR = Cadence()  # 2 in the first month, then 1 a calendar month


def test_a_month_later_keeps_the_day_or_takes_the_months_last() -> None:
    assert month_later(date(2026, 1, 15)) == date(2026, 2, 15)
    assert month_later(date(2026, 1, 31)) == date(2026, 2, 28)
    assert month_later(date(2028, 1, 31)) == date(2028, 2, 29)  # leap year
    assert month_later(date(2026, 12, 20)) == date(2027, 1, 20)
    assert month_later(date(2026, 3, 31)) == date(2026, 4, 30)


def test_the_first_month_needs_two_contacts() -> None:
    start = date(2026, 1, 15)  # the first month: 15 January to 14 February
    assert due_date(start, [], date(2026, 1, 20), MENTOR) == date(2026, 2, 14)
    assert not overdue_on(start, [], date(2026, 2, 14), MENTOR)
    assert overdue_on(start, [], date(2026, 2, 15), MENTOR)
    one = [date(2026, 1, 20)]
    assert overdue_on(start, one, date(2026, 2, 15), MENTOR)
    assert due_date(start, one, date(2026, 3, 1), MENTOR) == date(2026, 2, 14)
    two = [date(2026, 1, 20), date(2026, 2, 14)]  # the first month's last day still counts
    assert not overdue_on(start, two, date(2026, 2, 15), MENTOR)
    # Then monthly, from the first calendar month that starts after the first month: March.
    assert due_date(start, two, date(2026, 2, 15), MENTOR) == date(2026, 3, 31)
    assert not overdue_on(start, two, date(2026, 3, 31), MENTOR)
    assert overdue_on(start, two, date(2026, 4, 1), MENTOR)


def test_a_late_contact_ends_the_first_months_debt_and_months_then_count() -> None:
    start = date(2026, 1, 1)  # the first month: January; monthly from February
    late = [date(2026, 1, 10), date(2026, 2, 20)]  # one in January only, then one late
    assert not overdue_on(start, late, date(2026, 2, 21), MENTOR)
    assert due_date(start, late, date(2026, 2, 21), MENTOR) == date(2026, 3, 31)
    # A missed month is overdue until a contact is made; a contact this month clears it.
    steady = [date(2026, 1, 5), date(2026, 1, 25)]
    assert not overdue_on(start, steady, date(2026, 2, 28), MENTOR)
    assert overdue_on(start, steady, date(2026, 3, 1), MENTOR)
    assert due_date(start, steady, date(2026, 3, 10), MENTOR) == date(2026, 2, 28)
    assert not overdue_on(start, [*steady, date(2026, 3, 10)], date(2026, 3, 10), MENTOR)


def test_contacts_before_the_start_or_after_the_day_count_for_nothing() -> None:
    start = date(2026, 1, 31)  # the first month runs to 27 February (28th excluded)
    before = [date(2026, 1, 20), date(2026, 1, 25)]
    assert overdue_on(start, before, date(2026, 2, 28), MENTOR)
    future = [date(2026, 2, 1), date(2026, 3, 5)]
    assert overdue_on(start, future, date(2026, 2, 28), MENTOR)  # the 5 March one not yet
    assert not overdue_on(start, future, date(2026, 3, 5), MENTOR)


def test_another_cadence_is_the_organisations() -> None:
    strict = Cadence(first_month=3, monthly=2)
    start = date(2026, 1, 1)
    two = [date(2026, 1, 5), date(2026, 1, 25)]
    assert overdue_on(start, two, date(2026, 2, 1), strict)
    three = [*two, date(2026, 1, 28), date(2026, 2, 3)]
    assert not overdue_on(start, three, date(2026, 2, 28), strict)
    assert overdue_on(start, three, date(2026, 3, 1), strict)  # 1 since 1 February: under 2
    assert not overdue_on(start, [*three, date(2026, 3, 1)], date(2026, 3, 1), strict)


def test_obligations_count_every_window() -> None:
    start = date(2026, 1, 15)
    made = [date(2026, 1, 16), date(2026, 2, 2), date(2026, 3, 9), date(2026, 5, 1)]
    found = obligations(start, made, date(2026, 5, 31), MENTOR)
    assert [(o.due, o.made, o.met) for o in found] == [
        (date(2026, 2, 14), 2, True),
        (date(2026, 3, 31), 1, True),
        (date(2026, 4, 30), 0, False),
        (date(2026, 5, 31), 1, True),
    ]
    windows, met = checkins.compliance_of_match(
        start, None, {"mentor": made}, date(2026, 3, 1), date(2026, 5, 31), MENTOR
    )
    # March, April and May for each of the three parties; only the mentor's were met.
    assert (windows, met) == (9, 2)
    closed = checkins.compliance_of_match(
        start, date(2026, 4, 15), {"mentor": made}, date(2026, 3, 1), date(2026, 5, 31), MENTOR
    )
    assert closed == (3, 1)  # April and May ended after the match closed


async def test_the_sql_rule_is_the_python_rule(db: Database, clock: ManualClock) -> None:
    rng = random.Random(20)
    today = date(2026, 3, 2)
    now = datetime(2026, 3, 2, 10, 0, tzinfo=clock.now().tzinfo)
    expected: dict[int, set[CheckInParty]] = {}
    async with building(db, now) as b:
        org = await b.org()
        worker = await b.person(org, Role.WORKER)
        mentor = await b.person(org, Role.MENTOR)
        starts = [date(2025, 12, 31), date(2026, 1, 31), date(2026, 2, 1), date(2026, 1, 30)]
        for i in range(60):
            family = await b.family(org)
            if i % 3:  # the mentee is a party only when the family has one
                await b.person(org, Role.MENTEE, family=family)
            start = starts[i] if i < len(starts) else today - timedelta(days=rng.randint(0, 150))
            m = await b.match(family, [mentor], worker, started_on=start)
            late: set[CheckInParty] = set()
            for party in CheckInParty:
                days = [
                    start + timedelta(days=rng.randint(-5, (today - start).days + 3))
                    for _ in range(rng.randint(0, 4))
                ]
                for d in days:
                    b.session.add(
                        CheckIn(
                            organisation_id=org.id,
                            match_id=m.id,
                            staff_id=worker.id,
                            party=party,
                            how=CheckInHow.PHONE,
                            occurred_on=d,
                            created_at=now,
                        )
                    )
                if overdue_on(start, days, today, MENTOR) and (
                    i % 3 or party != CheckInParty.MENTEE
                ):
                    late.add(party)
            expected[m.id] = late
        closed = await b.match(await b.family(org), [mentor], worker, status=MatchStatus.CLOSED)
        expected[closed.id] = set()
    async with db.transaction() as session:
        in_scope = select(Match.id).where(Match.organisation_id == org.id).scalar_subquery()
        sub, conditions = checkins.overdue_columns(in_scope, today, MENTOR)
        rows = (
            await session.execute(
                select(Match.id, *(case((c, 1), else_=0) for c in conditions.values()))
                .outerjoin(sub, sub.c.match_id == Match.id)
                .where(Match.organisation_id == org.id)
            )
        ).all()
        found = {r[0]: {p for p, f in zip(checkins.PARTIES, r[1:], strict=True) if f} for r in rows}
        assert found == expected
        assert any(expected.values()) and not all(expected.values())
        w = await session.get(type(worker), worker.id)
        assert w is not None
        total, listed = await checkins.overdue(session, w, today, limit=5)
        assert total == sum(1 for v in expected.values() if v) and len(listed) == 5


async def test_a_check_in_is_recorded_only_for_ones_own_match(
    db: Database, clock: ManualClock
) -> None:
    now = clock.now()
    async with building(db, now) as b:
        org = await b.org()
        wendy = await b.person(org, Role.WORKER)
        walt = await b.person(org, Role.WORKER)
        cora = await b.person(org, Role.COORDINATOR)
        elsewhere = await b.person(await b.org(), Role.COORDINATOR)
        mentor = await b.person(org, Role.MENTOR, "Ana")
        family = await b.family(org, "Lopez")
        mentee = await b.person(org, Role.MENTEE, "Omar", family=family)
        mine = await b.match(family, [mentor], wendy)
        theirs = await b.match(await b.family(org), [mentor], walt)
    async with db.transaction() as session:
        me = await session.get(type(wendy), wendy.id)
        assert me is not None
        parties = await checkins.party_choices(session, me, mine.id)
        assert [(p.party, p.person_id) for p in parties] == [
            (CheckInParty.MENTOR, mentor.id),
            (CheckInParty.MENTEE, mentee.id),
            (CheckInParty.FAMILY, None),
        ]
        today = checkins.local_today(now, "Europe/Madrid")
        entry = Entry(mine.id, CheckInParty.MENTEE, mentee.id, CheckInHow.VISIT, today, "ok")
        saved = await checkins.record(session, now, "Europe/Madrid", me, entry)
        assert saved.id and saved.note == "ok"
        with pytest.raises(NotAllowed):
            await checkins.record(
                session,
                now,
                "Europe/Madrid",
                me,
                Entry(theirs.id, CheckInParty.FAMILY, None, CheckInHow.PHONE, today, None),
            )
        with pytest.raises(NotAllowed):  # a mentor of another match passed as this one's
            await checkins.party_for(session, me, mine.id, "mentee", mentor.id)
        with pytest.raises(Invalid):
            checkins.check_day(today + timedelta(days=1), today)
        actions = (await session.scalars(select(AuditEvent.action))).all()
        assert "checkin.recorded" in actions
        # A coordinator records for any match of the organisation, not another one's.
        coordinator = await session.get(type(cora), cora.id)
        outsider = await session.get(type(elsewhere), elsewhere.id)
        mentor_row = await session.get(type(mentor), mentor.id)
        assert coordinator is not None and outsider is not None and mentor_row is not None
        assert (await checkins.match_for(session, coordinator, theirs.id)).id == theirs.id
        with pytest.raises(NotAllowed):
            await checkins.match_for(session, outsider, theirs.id)
        with pytest.raises(NotAllowed):  # mentors record no check-ins
            await checkins.match_for(session, mentor_row, mine.id)


def test_the_cadence_is_set_per_organisation() -> None:
    assert admin.check_checkin_cadence("3, 2") == {"first_month": 3, "monthly": 2}
    for bad in ("2", "0,1", "2,1,1", "two,1"):
        with pytest.raises(Invalid):
            admin.check_checkin_cadence(bad)
