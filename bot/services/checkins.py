"""Staff check-ins: a worker or coordinator records a contact with a party of a match (its
mentor, its mentee, or the family), and each organisation's cadence says when the next one
is due.

The parties are the match's mentor, its mentee (when the family has one registered) and the
family as a whole.

**The cadence** (`Organisation.checkin_cadence`, MENTOR's Elements of Effective Practice by
default): at least `first_month` (2) contacts with each party in the first month from the day
the match became active (`Match.started_on`: the days `started_on` up to the same day of the
next month, excluded; the 31st of January runs to the 28th or 29th of February), then at
least `monthly` (1) in each calendar month that starts after the first month ended.

**Overdue**, for an active match and a party, on a given day (the reader's local day):

- the first month is over, it had fewer than `first_month` contacts and none came since; or
- the previous calendar month was one of the monthly ones (it started on or after the first
  month's end) and fewer than `monthly` contacts were made from its first day up to today.

A month that was missed stops counting as overdue once a contact is made: this is what needs
doing now. The report's compliance figure (`compliance`) counts every month, met or not.
Contacts dated before the match started count for nothing. `overdue_on` is the rule in
Python, `overdue_columns` the same in SQL (grouped per match, joined to a page of matches:
nothing is loaded per match), and tests/test_checkins.py checks both agree.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Date, and_, case, exists, func, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import ColumnElement
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from bot.services import actors, audit, caseload, texts
from bot.services.dates import read_day
from bot.services.errors import Invalid, NotAllowed
from domain.values import Actor
from storage.models import (
    CheckIn,
    CheckInHow,
    CheckInParty,
    Concern,
    Family,
    HelpRequest,
    Match,
    MatchMentor,
    MatchStatus,
    Organisation,
    Person,
    Role,
)

PARTIES = tuple(CheckInParty)
HOWS = tuple(CheckInHow)
NOTE_MAX = 500  # UTF-16 units
OLDEST_DAYS = 366  # a check-in is recorded within a year of the day it happened
CHOICES_PER_PAGE = 8


# --- the cadence, in Python ---------------------------------------------------------------


@dataclass(frozen=True)
class Cadence:
    first_month: int = 2
    monthly: int = 1


def cadence_of(org: Organisation) -> Cadence:
    raw = org.checkin_cadence or {}
    return Cadence(int(raw.get("first_month", 2)), int(raw.get("monthly", 1)))


def month_later(day: date) -> date:
    """The same day a month later, or that month's last day when it has no such day."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return date(year, month, min(day.day, _month_length(year, month)))


def _month_length(year: int, month: int) -> int:
    nxt = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return (nxt - date(year, month, 1)).days


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _previous_month_start(day: date) -> date:
    return (_month_start(day) - timedelta(days=1)).replace(day=1)


def _next_month_start(day: date) -> date:
    return (_month_start(day) + timedelta(days=32)).replace(day=1)


def overdue_on(started_on: date, contacts: Iterable[date], day: date, cadence: Cadence) -> bool:
    """Whether a party's check-in is overdue on `day` (the rule of the module's docstring),
    given the days of its contacts (those after `day` are ignored)."""
    first_end = month_later(started_on)
    seen = [c for c in contacts if started_on <= c <= day]
    in_first = sum(1 for c in seen if c < first_end)
    after_first = sum(1 for c in seen if c >= first_end)
    if in_first < cadence.first_month and after_first == 0:
        return first_end <= day
    previous = _previous_month_start(day)
    recent = sum(1 for c in seen if c >= previous)
    return first_end <= previous and recent < cadence.monthly


def due_date(started_on: date, contacts: Sequence[date], today: date, cadence: Cadence) -> date:
    """The last day a party's next check-in may be made without being overdue, seen from
    `today` and the contacts so far: in the past when it is overdue (the day before it
    became so)."""
    # Being overdue starts only on the first month's end or on the first of a month.
    starts = {month_later(started_on)}
    day = _month_start(started_on)
    horizon = _next_month_start(_next_month_start(_next_month_start(today)))
    while day <= horizon:
        starts.add(day)
        day = _next_month_start(day)
    if overdue_on(started_on, contacts, today, cadence):
        began = min(
            d
            for d in starts
            if d <= today
            and all(overdue_on(started_on, contacts, x, cadence) for x in _days(d, today))
        )
        return began - timedelta(days=1)
    future = sorted(d for d in starts if d > today)
    for d in future:
        if overdue_on(started_on, [c for c in contacts if c <= today], d, cadence):
            return d - timedelta(days=1)
    return future[-1]


def _days(first: date, last: date) -> Iterable[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


@dataclass(frozen=True)
class Obligation:
    start: date  # the first day of its window
    due: date  # the last day of its window
    needed: int
    made: int

    @property
    def met(self) -> bool:
        return self.made >= self.needed


def obligations(
    started_on: date, contacts: Iterable[date], until: date, cadence: Cadence
) -> list[Obligation]:
    """Every window of the cadence that ended by `until`: the first month, then each
    calendar month that starts on or after the first month's end."""
    first_end = month_later(started_on)
    days = sorted(c for c in contacts if c >= started_on)
    out: list[Obligation] = []
    if first_end - timedelta(days=1) <= until:
        made = sum(1 for c in days if c < first_end)
        out.append(Obligation(started_on, first_end - timedelta(days=1), cadence.first_month, made))
    month = first_end if first_end.day == 1 else _next_month_start(first_end)
    while True:
        end = _next_month_start(month) - timedelta(days=1)
        if end > until:
            break
        made = sum(1 for c in days if month <= c <= end)
        out.append(Obligation(month, end, cadence.monthly, made))
        month = end + timedelta(days=1)
    return out


def compliance_of_match(
    started_on: date,
    closed_on: date | None,
    contacts: dict[str, list[date]],
    first: date,
    last: date,
    cadence: Cadence,
    parties: Sequence[CheckInParty] = PARTIES,
) -> tuple[int, int]:
    """(windows, windows met) of one match for every party: the cadence's windows that lie
    within `first`..`last` (both included) and ended before the day the match closed."""
    until = last if closed_on is None else min(last, closed_on - timedelta(days=1))
    windows = met = 0
    for party in parties:
        for o in obligations(started_on, contacts.get(party.value, []), until, cadence):
            if o.start >= first:
                windows += 1
                met += int(o.met)
    return windows, met


# --- the cadence, in SQL ------------------------------------------------------------------


class first_month_end(FunctionElement[date]):
    """`month_later(day)` in SQL: PostgreSQL's interval arithmetic clamps to the month's end;
    SQLite's does not, so the end of the next month caps it."""

    type = Date()
    inherit_cache = True
    name = "first_month_end"


@compiles(first_month_end, "postgresql")
def _first_month_end_pg(element: first_month_end, compiler: SQLCompiler, **kw: Any) -> str:
    (day,) = list(element.clauses)
    return f"CAST(({compiler.process(day, **kw)}) + INTERVAL '1 month' AS DATE)"


@compiles(first_month_end)
def _first_month_end_sqlite(element: first_month_end, compiler: SQLCompiler, **kw: Any) -> str:
    (day,) = list(element.clauses)
    d = compiler.process(day, **kw)
    return f"min(date({d}, '+1 month'), date({d}, 'start of month', '+2 months', '-1 day'))"


def overdue_columns(
    in_scope: Any, today: date, cadence: Cadence
) -> tuple[Any, dict[CheckInParty, ColumnElement[bool]]]:
    """A subquery of the check-ins of the matches `in_scope` (a scalar subquery of match ids)
    grouped per match, to outer-join on `Match.id == sub.c.match_id`, and per party the
    condition (over `Match` and the subquery) that its check-in is overdue on `today`."""
    first_end = first_month_end(Match.started_on)
    previous = _previous_month_start(today)
    columns: list[Any] = [CheckIn.match_id.label("match_id")]
    for party in PARTIES:
        mine = and_(
            CheckIn.party == party,
            CheckIn.occurred_on >= Match.started_on,
            CheckIn.occurred_on <= today,
        )
        columns += [
            func.sum(case((and_(mine, CheckIn.occurred_on < first_end), 1), else_=0)).label(
                f"{party.value}_first"
            ),
            func.sum(case((and_(mine, CheckIn.occurred_on >= first_end), 1), else_=0)).label(
                f"{party.value}_after"
            ),
            func.sum(case((and_(mine, CheckIn.occurred_on >= previous), 1), else_=0)).label(
                f"{party.value}_recent"
            ),
        ]
    sub = (
        select(*columns)
        .join(Match, Match.id == CheckIn.match_id)
        .where(CheckIn.match_id.in_(in_scope))
        .group_by(CheckIn.match_id)
        .subquery()
    )
    outer_first_end = first_month_end(Match.started_on)
    conditions: dict[CheckInParty, ColumnElement[bool]] = {}
    has_mentee = has_mentee_clause()
    for party in PARTIES:
        n_first = func.coalesce(sub.c[f"{party.value}_first"], 0)
        n_after = func.coalesce(sub.c[f"{party.value}_after"], 0)
        n_recent = func.coalesce(sub.c[f"{party.value}_recent"], 0)
        short_first = and_(n_first < cadence.first_month, n_after == 0)
        conditions[party] = and_(
            Match.status == MatchStatus.ACTIVE,
            has_mentee if party == CheckInParty.MENTEE else true(),
            Match.started_on <= today,
            or_(
                and_(short_first, outer_first_end <= today),
                and_(~short_first, outer_first_end <= previous, n_recent < cadence.monthly),
            ),
        )
    return sub, conditions


def has_mentee_clause(before: datetime | None = None) -> ColumnElement[bool]:
    """The match's family has a mentee (added before `before`): only then is the mentee a
    party of the cadence."""
    conditions = [
        Person.family_id == Match.family_id,
        Person.role == Role.MENTEE,
        Person.erased_at.is_(None),
    ]
    if before is not None:
        conditions.append(Person.created_at < before)
    return exists(select(Person.id).where(*conditions))


def any_overdue(conditions: dict[CheckInParty, ColumnElement[bool]]) -> ColumnElement[bool]:
    return or_(*conditions.values())


def local_today(now: datetime, tz: str) -> date:
    return now.astimezone(ZoneInfo(tz)).date()


@dataclass(frozen=True)
class Overdue:
    match_id: int
    family_name: str
    parties: tuple[CheckInParty, ...]


async def overdue(
    session: AsyncSession, staff: Actor, today: date, *, limit: int = 20
) -> tuple[int, list[Overdue]]:
    """How many of `staff`'s matches have a check-in overdue, and the first `limit` of them
    (oldest match first)."""
    staff = await actors.row(session, staff)
    where = caseload.scope(staff)
    await caseload.custom_plans(session)  # dates as parameters: plan for their values
    org = await session.get(Organisation, staff.organisation_id)
    assert org is not None
    in_scope = select(Match.id).where(where).scalar_subquery()
    sub, conditions = overdue_columns(in_scope, today, cadence_of(org))
    flags = [case((c, 1), else_=0) for c in conditions.values()]
    base = (
        select(Match.id, Family.name, *flags)
        .join(Family, Family.id == Match.family_id)
        .outerjoin(sub, sub.c.match_id == Match.id)
        .where(where, any_overdue(conditions))
    )
    total = int(await session.scalar(select(func.count()).select_from(base.subquery())) or 0)
    rows = (await session.execute(base.order_by(Match.id).limit(limit))).all()
    found = [
        Overdue(
            r[0],
            r[1],
            tuple(p for p, flag in zip(PARTIES, r[2:], strict=True) if flag),
        )
        for r in rows
    ]
    return total, found


async def overdue_count(session: AsyncSession, staff: Person, today: date) -> int:
    total, _found = await overdue(session, staff, today, limit=0)
    return total


# --- recording ----------------------------------------------------------------------------


@dataclass(frozen=True)
class MatchChoice:
    id: int
    family_name: str
    started_on: date


@dataclass(frozen=True)
class PartyChoice:
    party: CheckInParty
    person_id: int | None  # None: the family as a whole
    name: str


async def match_for(session: AsyncSession, staff: Actor, match_id: int) -> MatchChoice:
    """One of the matches `staff` may record a check-in for (their caseload, their
    organisation's), re-checked on every press: NotAllowed otherwise."""
    staff = await actors.row(session, staff)
    row = (
        await session.execute(
            select(Match.id, Family.name, Match.started_on)
            .join(Family, Family.id == Match.family_id)
            .where(caseload.scope(staff), Match.id == match_id)
        )
    ).first()
    if row is None:
        raise NotAllowed("not a match of this member of staff")
    return MatchChoice(row[0], row[1], row[2])


async def match_choices(
    session: AsyncSession, staff: Actor, page: int
) -> tuple[list[MatchChoice], int, int]:
    """A page of the matches `staff` may record a check-in for, by match number:
    (choices, the page, pages)."""
    staff = await actors.row(session, staff)
    where = caseload.scope(staff)
    total = int(await session.scalar(select(func.count(Match.id)).where(where)) or 0)
    pages = max(1, -(-total // CHOICES_PER_PAGE))
    page = min(max(page, 0), pages - 1)
    rows = (
        await session.execute(
            select(Match.id, Family.name, Match.started_on)
            .join(Family, Family.id == Match.family_id)
            .where(where)
            .order_by(Match.id)
            .offset(page * CHOICES_PER_PAGE)
            .limit(CHOICES_PER_PAGE)
        )
    ).all()
    return [MatchChoice(r[0], r[1], r[2]) for r in rows], page, pages


async def party_choices(session: AsyncSession, staff: Actor, match_id: int) -> list[PartyChoice]:
    """The match's mentors and mentees by name, then the family as a whole."""
    choice = await match_for(session, staff, match_id)
    match = await session.get(Match, choice.id)
    assert match is not None
    mentors = (
        await session.execute(
            select(Person.id, Person.name)
            .join(MatchMentor, MatchMentor.mentor_id == Person.id)
            .where(MatchMentor.match_id == match.id, Person.erased_at.is_(None))
            .order_by(Person.id)
        )
    ).all()
    mentees = (
        await session.execute(
            select(Person.id, Person.name)
            .where(
                Person.family_id == match.family_id,
                Person.role == Role.MENTEE,
                Person.erased_at.is_(None),
            )
            .order_by(Person.id)
        )
    ).all()
    return [
        *(PartyChoice(CheckInParty.MENTOR, pid, name) for pid, name in mentors),
        *(PartyChoice(CheckInParty.MENTEE, pid, name) for pid, name in mentees),
        PartyChoice(CheckInParty.FAMILY, None, choice.family_name),
    ]


async def party_for(
    session: AsyncSession, staff: Actor, match_id: int, party: str, person_id: int | None
) -> PartyChoice:
    """The party chosen by a press, re-checked against the match's people."""
    for choice in await party_choices(session, staff, match_id):
        if choice.party.value == party and choice.person_id == person_id:
            return choice
    raise NotAllowed("not a party of this match")


def parse_day(text: str, locale: str, now: datetime, tz: str) -> date:
    """A typed day (bot.services.dates), read in the reader's language: Invalid
    ("date_unreadable") when it is not one."""
    local_now = now.astimezone(ZoneInfo(tz)).replace(tzinfo=None)
    day = read_day(text, locale, local_now, "past")
    if day is None:
        raise Invalid("date_unreadable")
    return day


def check_day(day: date, today: date) -> None:
    """A check-in happened today or before, within the last year."""
    if day > today:
        raise Invalid("date_future")
    if day < today - timedelta(days=OLDEST_DAYS):
        raise Invalid("date_too_old")


def check_note(text: str) -> str | None:
    return texts.check(text, NOTE_MAX, "note_too_long") or None


@dataclass(frozen=True)
class Entry:
    match_id: int
    party: CheckInParty
    person_id: int | None
    how: CheckInHow
    occurred_on: date
    note: str | None


async def record(
    session: AsyncSession, now: datetime, tz: str, staff: Actor, entry: Entry
) -> CheckIn:
    """Save a check-in, every choice re-checked; audited (without the note)."""
    await party_for(session, staff, entry.match_id, entry.party.value, entry.person_id)
    check_day(entry.occurred_on, local_today(now, tz))
    note = check_note(entry.note) if entry.note else None
    check_in = CheckIn(
        organisation_id=staff.organisation_id,
        match_id=entry.match_id,
        staff_id=staff.id,
        party=entry.party,
        person_id=entry.person_id,
        how=entry.how,
        occurred_on=entry.occurred_on,
        note=note,
        created_at=now,
    )
    session.add(check_in)
    await session.flush()
    audit.record(
        session,
        now,
        "checkin.recorded",
        actor_id=staff.id,
        organisation_id=staff.organisation_id,
        target=("match", entry.match_id),
        check_in=check_in.id,
        party=entry.party.value,
        how=entry.how.value,
    )
    return check_in


async def proposed_after_closing(
    session: AsyncSession,
    staff: Actor,
    *,
    concern_id: int | None = None,
    help_id: int | None = None,
) -> int | None:
    """The match to propose a check-in for once `staff` closed a concern or a help thread:
    its match, when it is one `staff` may record a check-in for; else None."""
    if staff.role not in (Role.WORKER, Role.COORDINATOR):
        return None
    if concern_id is not None:
        match_id = await session.scalar(select(Concern.match_id).where(Concern.id == concern_id))
    else:
        match_id = await session.scalar(
            select(HelpRequest.match_id).where(HelpRequest.id == help_id)
        )
    if match_id is None:
        return None
    try:
        return (await match_for(session, staff, match_id)).id
    except NotAllowed:
        return None
