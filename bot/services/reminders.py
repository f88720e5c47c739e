"""Reminders before an appointment, and the no-answer alert to its mentors.

They live in the database (`Reminder` rows), written when an appointment is planned or moved and
withdrawn when it moves or is cancelled. The scheduler's due job (`send_due`) turns the rows
that are due into outbox messages, in the same transaction that marks them done, so a crash or a
restart loses none and sends none twice.

Quiet hours are per person, in that person's timezone: a reminder that would fall inside them is
moved to the end of the quiet window (the next morning) if that is still before the
appointment, and dropped otherwise (it would come after the meeting): never sent inside the
window. The same rule applies again when a reminder is sent late (after downtime).

Short notice: a reminder whose time has already passed when the appointment is planned is not
written (the card of the new appointment is the reminder). The card itself keeps to quiet hours:
planned in the night, it comes at the end of the window, and a reminder that would come with it
is not written; when the window lasts until after the meeting the card is not sent and the
mentor is told to tell that member themselves. The no-answer alert to the mentors
is written only when the family has had at least `ANSWER_TIME` (2 hours) outside their quiet
hours between the last reminder (or the card) and the alert; otherwise it is dropped, so
mentors are never told to phone a family that was reminded a moment ago. The organisation's
settings are checked against this rule (`admin.check_alert_timing`).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import load_only

from bot.services import outbox, people
from bot.services.appointment_texts import (
    AppointmentView,
    Attendee,
    answer_buttons,
    mentee_card,
    no_answer_notice,
)
from storage.models import (
    Answer,
    Appointment,
    AppointmentAnswer,
    AppointmentStatus,
    Consent,
    Family,
    JobStatus,
    Match,
    MatchMentor,
    Organisation,
    Person,
    Reminder,
    ReminderKind,
    Role,
)

log = logging.getLogger(__name__)

DEFAULT_QUIET_START = time(21, 0)
DEFAULT_QUIET_END = time(8, 0)
DEFAULT_OFFSETS = (1440, 240)
DEFAULT_CONFIRM_BY = 120
# The time a family has, outside quiet hours, to answer the last reminder before the mentors
# may be told that nobody answered.
ANSWER_TIME = timedelta(hours=2)
BATCH = 200  # due reminders claimed per query
MAX_PER_TICK = 5000  # the rest wait for the next tick

# Reasons recorded on reminders that were not sent.
MOVED = "appointment moved"
CANCELLED = "appointment cancelled"
PASSED = "appointment already passed"
SUPERSEDED = "a later reminder was due at the same time"
QUIET = "quiet hours last until after the appointment"
NO_TIME = "the family had no time to answer the last reminder"
ANSWERED = "someone answered"
UNREACHABLE = "recipient unreachable"


# The quiet-hours rule ---------------------------------------------------------------------------


def parse_hhmm(value: str | None, default: time) -> time:
    """ "21:00" -> time(21, 0); anything unreadable gives the default."""
    try:
        hours, minutes = (value or "").split(":")
        return time(int(hours), int(minutes))
    except ValueError:
        return default


def _at(day: date, moment: time, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, moment, tzinfo=zone).astimezone(UTC)


def quiet_window(
    moment: datetime, tz: str, start: time, end: time
) -> tuple[datetime, datetime] | None:
    """The quiet window (start, end), in UTC, that contains `moment`, or None when `moment`
    is outside quiet hours. Windows may cross midnight (21:00-08:00); start == end means no
    quiet hours. The window's start is inside it, its end is not."""
    if start == end:
        return None
    zone = ZoneInfo(tz)
    local = moment.astimezone(zone)
    clock, today = local.time().replace(tzinfo=None), local.date()
    if start < end:  # within one day, e.g. 13:00-15:00
        if start <= clock < end:
            return _at(today, start, zone), _at(today, end, zone)
        return None
    if clock >= start:  # evening part of a window that ends tomorrow morning
        return _at(today, start, zone), _at(today + timedelta(days=1), end, zone)
    if clock < end:  # morning part of a window that started yesterday evening
        return _at(today - timedelta(days=1), start, zone), _at(today, end, zone)
    return None


def after_quiet_hours(
    now: datetime,
    tz: str,
    quiet_start: str | None = None,
    quiet_end: str | None = None,
    before: datetime | None = None,
) -> datetime | None:
    """When to send a non-urgent message (a relay, a notice about a meeting) written at
    `now`: at once outside the person's quiet hours, else at the end of the quiet window (the
    next morning); None (drop it) when that would not be before `before` (the meeting it is
    about). Never inside the window."""
    window = quiet_window(
        now,
        tz,
        parse_hhmm(quiet_start, DEFAULT_QUIET_START),
        parse_hhmm(quiet_end, DEFAULT_QUIET_END),
    )
    if window is None:
        return now
    end = window[1]
    if before is not None and end >= before:
        return None
    return end


def out_of_quiet_hours(
    due: datetime,
    appointment_at: datetime,
    tz: str,
    quiet_start: str | None = None,
    quiet_end: str | None = None,
) -> datetime | None:
    """When to send a reminder nominally due at `due`: unchanged outside the person's quiet
    hours; inside them, at the end of the window (the next morning) if that is still before
    the appointment; None (drop it) otherwise: never inside the window."""
    window = quiet_window(
        due,
        tz,
        parse_hhmm(quiet_start, DEFAULT_QUIET_START),
        parse_hhmm(quiet_end, DEFAULT_QUIET_END),
    )
    if window is None:
        return due
    _start, end = window
    return end if end < appointment_at else None


def awake_between(
    start: datetime,
    end: datetime,
    tz: str,
    quiet_start: str | None = None,
    quiet_end: str | None = None,
) -> timedelta:
    """How much of [start, end) lies outside the person's quiet hours."""
    qs = parse_hhmm(quiet_start, DEFAULT_QUIET_START)
    qe = parse_hhmm(quiet_end, DEFAULT_QUIET_END)
    awake = timedelta(0)
    moment = start
    zone = ZoneInfo(tz)
    while moment < end:
        window = quiet_window(moment, tz, qs, qe)
        if window is not None:
            moment = window[1]
            continue
        if qs == qe:
            return awake + (end - moment)
        local = moment.astimezone(zone)
        next_quiet = _at(local.date(), qs, zone)
        if next_quiet <= moment:
            next_quiet = _at(local.date() + timedelta(days=1), qs, zone)
        step_end = min(next_quiet, end)
        awake += step_end - moment
        moment = step_end
    return awake


# Writing and withdrawing ------------------------------------------------------------------------


def recipients_of_family(family_id: int) -> tuple[ColumnElement[bool], ...]:
    """The conditions on `Person` for the members of a family who use the bot (linked and
    agreed): shared by the queries that load them whole or only their names."""
    return (
        Person.family_id == family_id,
        Person.role == Role.MENTEE,
        Person.telegram_id.is_not(None),
        Person.consent == Consent.GIVEN,
        Person.active.is_(True),
    )


async def recipients(session: AsyncSession, match: Match) -> list[Person]:
    """The members of the match's family who use the bot (linked and agreed)."""
    result = await session.execute(
        select(Person).where(*recipients_of_family(match.family_id)).order_by(Person.id)
    )
    return list(result.scalars())


def _timezone(person: Person, org: Organisation) -> str:
    return people.timezone_of(person, org)


def _offsets(org: Organisation) -> list[int]:
    raw = org.reminder_offsets_minutes or list(DEFAULT_OFFSETS)
    return sorted({int(m) for m in raw if int(m) > 0}, reverse=True)


async def schedule(
    session: AsyncSession,
    appointment: Appointment,
    match: Match,
    org: Organisation,
    now: datetime,
) -> list[Reminder]:
    """Write the reminders of an appointment: for every family member who uses the bot, one per
    offset of the organisation (a reminder already in the past is not written: the notice of
    the new or moved appointment stands for it), each moved out of the member's quiet hours;
    and one no-answer alert to the mentors."""
    written: list[Reminder] = []
    members = await recipients(session, match)
    last_contact: dict[int, datetime] = {}  # member -> their last reminder (or the card: now)
    for person in members:
        tz = _timezone(person, org)
        # The card goes out of the member's quiet hours too (appointments._tell_family).
        card_at = after_quiet_hours(
            now, tz, person.quiet_start, person.quiet_end, before=appointment.starts_at
        )
        last_contact[person.id] = card_at or now
        for offset in _offsets(org):
            nominal = appointment.starts_at - timedelta(minutes=offset)
            if nominal <= now:
                continue  # short notice: the card of the appointment is the reminder
            due = out_of_quiet_hours(
                nominal, appointment.starts_at, tz, person.quiet_start, person.quiet_end
            )
            if due is not None and card_at is not None and due <= card_at:
                continue  # the card, held until the morning, comes then: it is the reminder
            row = _row(appointment, person.id, ReminderKind.REMINDER, offset, due or nominal, now)
            if due is None:
                _skipped(row, QUIET, now)
            else:
                last_contact[person.id] = max(last_contact[person.id], row.due_at)
            written.append(row)
    confirm_by = (
        org.confirm_by_minutes if org.confirm_by_minutes is not None else DEFAULT_CONFIRM_BY
    )
    nominal = appointment.starts_at - timedelta(minutes=confirm_by)
    if members and confirm_by > 0 and nominal > now:
        # One alert for all of the match's mentors, addressed to whoever planned it; quiet
        # hours are theirs.
        planner = await session.get(Person, appointment.created_by_id)
        tz = _timezone(planner, org) if planner else org.timezone
        due = out_of_quiet_hours(
            nominal,
            appointment.starts_at,
            tz,
            planner.quiet_start if planner else None,
            planner.quiet_end if planner else None,
        )
        row = _row(
            appointment,
            appointment.created_by_id,
            ReminderKind.NO_ANSWER,
            confirm_by,
            due or nominal,
            now,
        )
        if due is None:
            _skipped(row, QUIET, now)
        elif not any(
            awake_between(
                last_contact[p.id], row.due_at, _timezone(p, org), p.quiet_start, p.quiet_end
            )
            >= ANSWER_TIME
            for p in members
        ):
            _skipped(row, NO_TIME, now)
        written.append(row)
    session.add_all(written)
    return written


def _skipped(row: Reminder, reason: str, now: datetime) -> None:
    row.status, row.reason, row.done_at = JobStatus.SKIPPED, reason, now


def _row(
    appointment: Appointment,
    person_id: int,
    kind: ReminderKind,
    offset: int,
    due: datetime,
    now: datetime,
) -> Reminder:
    return Reminder(
        appointment_id=appointment.id,
        person_id=person_id,
        kind=kind,
        offset_minutes=offset,
        due_at=max(due, now),
        status=JobStatus.PENDING,
    )


async def withdraw(session: AsyncSession, appointment_id: int, reason: str, now: datetime) -> int:
    """Cancel an appointment's pending reminders, recording why. Returns how many."""
    result = await session.execute(
        update(Reminder)
        .where(Reminder.appointment_id == appointment_id, Reminder.status == JobStatus.PENDING)
        .values(status=JobStatus.CANCELLED, reason=reason, done_at=now)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


# The due job ------------------------------------------------------------------------------------


@dataclass
class _Batch:
    """What rendering a batch of due reminders needs, loaded with a handful of queries."""

    appointments: dict[int, Appointment]
    matches: dict[int, Match]
    orgs: dict[int, Organisation]
    families: dict[int, Family]
    people: dict[int, Person]
    mentors: dict[int, list[Person]]  # match id -> its mentors, by id
    members: dict[int, list[Person]]  # family id -> members who use the bot
    answers: dict[int, dict[int, Answer]]  # appointment id -> person id -> answer
    cards: dict[tuple[Any, ...], tuple[str, Any]] = field(default_factory=dict)

    def view(self, appointment: Appointment) -> AppointmentView:
        match = self.matches[appointment.match_id]
        answers = self.answers.get(appointment.id, {})
        return AppointmentView(
            id=appointment.id,
            match_id=match.id,
            family_name=self.families[match.family_id].name,
            starts_at=appointment.starts_at,
            duration_minutes=appointment.duration_minutes,
            place=appointment.place,
            note=appointment.note,
            status=appointment.status,
            sequence=appointment.sequence,
            mentor_names=[m.name for m in self.mentors.get(match.id, [])],
            attendees=[
                Attendee(p.id, p.name, answers.get(p.id))
                for p in self.members.get(match.family_id, [])
            ],
        )


def _in(ids: Iterable[int]) -> list[int]:
    return sorted(set(ids))


# Only the columns rendering and queuing read (the rest stay unloaded: nothing else to
# decode per row); the objects are plain ORM rows, so a later full query fills them in.
_PERSON_COLUMNS = load_only(
    Person.organisation_id,
    Person.role,
    Person.name,
    Person.locale,
    Person.telegram_language,
    Person.address,
    Person.timezone,
    Person.family_id,
    Person.telegram_id,
    Person.reachable,
    Person.active,
    Person.quiet_start,
    Person.quiet_end,
)
_MATCH_COLUMNS = load_only(Match.organisation_id, Match.family_id, Match.status)
_FAMILY_COLUMNS = load_only(Family.name)


async def _load(session: AsyncSession, rows: Sequence[Reminder]) -> _Batch:
    """Four queries whatever the batch size: appointments with their match, family and
    organisation; the mentors; the family members who use the bot; the answers."""
    appointments: dict[int, Appointment] = {}
    matches: dict[int, Match] = {}
    families: dict[int, Family] = {}
    orgs: dict[int, Organisation] = {}
    joined = await session.execute(
        select(Appointment, Match, Family)
        .join(Match, Match.id == Appointment.match_id)
        .join(Family, Family.id == Match.family_id)
        .where(Appointment.id.in_(_in(r.appointment_id for r in rows)))
        .options(_MATCH_COLUMNS, _FAMILY_COLUMNS)
    )
    for appointment, match, family in joined.all():
        appointments[appointment.id], matches[match.id] = appointment, match
        families[family.id] = family
    # The organisations on their own: a handful of rows, not one per appointment to decode.
    org_ids = _in(m.organisation_id for m in matches.values())
    for org in (
        await session.execute(select(Organisation).where(Organisation.id.in_(org_ids)))
    ).scalars():
        orgs[org.id] = org
    family_ids = list(families)
    mentors: dict[int, list[Person]] = defaultdict(list)
    mentor_rows = await session.execute(
        select(MatchMentor.match_id, Person)
        .join(Person, Person.id == MatchMentor.mentor_id)
        .where(MatchMentor.match_id.in_(list(matches)), Person.active.is_(True))
        .order_by(Person.id)
        .options(_PERSON_COLUMNS)
    )
    for match_id, mentor in mentor_rows.all():
        mentors[match_id].append(mentor)
    members: dict[int, list[Person]] = defaultdict(list)
    member_rows = await session.execute(
        select(Person)
        .where(
            Person.family_id.in_(family_ids),
            Person.role == Role.MENTEE,
            Person.telegram_id.is_not(None),
            Person.consent == Consent.GIVEN,
            Person.active.is_(True),
        )
        .order_by(Person.id)
        .options(_PERSON_COLUMNS)
    )
    for member in member_rows.scalars():
        assert member.family_id is not None
        members[member.family_id].append(member)
    known = {p.id: p for group in (*mentors.values(), *members.values()) for p in group}
    missing = _in(r.person_id for r in rows if r.person_id not in known)
    if missing:  # a recipient who left the family or stopped using the bot
        for person in (
            await session.execute(
                select(Person).where(Person.id.in_(missing)).options(_PERSON_COLUMNS)
            )
        ).scalars():
            known[person.id] = person
    answers: dict[int, dict[int, Answer]] = defaultdict(dict)
    answer_rows = await session.execute(
        select(AppointmentAnswer).where(AppointmentAnswer.appointment_id.in_(list(appointments)))
    )
    for answer in answer_rows.scalars():
        answers[answer.appointment_id][answer.person_id] = answer.answer
    return _Batch(appointments, matches, orgs, families, known, mentors, members, answers)


async def _claim(session: AsyncSession, now: datetime, limit: int) -> list[Any]:
    """The pending reminders due at `now`, oldest first, by the (status, due_at) index. On
    PostgreSQL the rows are locked and rows locked by another process are skipped, so two
    processes never take the same reminder; SQLite runs one writer at a time."""
    query = (
        select(
            Reminder.id,
            Reminder.appointment_id,
            Reminder.person_id,
            Reminder.kind,
            Reminder.offset_minutes,
            Reminder.due_at,
        )
        .where(Reminder.status == JobStatus.PENDING, Reminder.due_at <= now)
        .order_by(Reminder.due_at, Reminder.id)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    # Plain rows, not objects: nothing to track, the outcomes are written by id.
    return list((await session.execute(query)).all())


# (status, reason) -> ids; ("deferred", the new due time) for those put off.
Outcomes = dict[tuple[Any, Any], list[int]]


def _finish(outcomes: Outcomes, reminder: Reminder, status: JobStatus, reason: str | None) -> None:
    outcomes.setdefault((status, reason), []).append(reminder.id)


async def _record(session: AsyncSession, outcomes: Outcomes, now: datetime) -> None:
    """One UPDATE per outcome (done, skipped and why), not one per reminder. By primary key
    only: the rows are this transaction's (locked on PostgreSQL, one writer on SQLite), and a
    condition on status would let SQLite pick the (status, due_at) index and read every
    pending reminder."""
    for (status, reason), ids in outcomes.items():
        if status == "deferred":  # out of the reader's quiet hours: pending, later
            values: dict[str, Any] = {"due_at": reason}
        else:
            values = {"status": status, "reason": reason, "done_at": now}
        await session.execute(
            update(Reminder)
            .where(Reminder.id.in_(ids))
            .values(**values)
            .execution_options(synchronize_session=False)
        )


async def send_due(session: AsyncSession, now: datetime) -> int:
    """Every reminder due at `now` (up to `MAX_PER_TICK`), in the caller's transaction: tests
    and benchmarks. The scheduler calls `send_batch`, one bounded batch per transaction."""
    handled = 0
    while handled < MAX_PER_TICK:
        done, more = await send_batch(session, now, min(BATCH, MAX_PER_TICK - handled))
        handled += done
        if not more:
            break
    return handled


async def send_batch(session: AsyncSession, now: datetime, limit: int) -> tuple[int, bool]:
    """Render and queue up to `limit` reminders due at `now`, each in its recipient's language
    and timezone, and mark them done in the same transaction. A reminder whose time passed
    while the bot was down (or the clock jumped) is still sent if its appointment is ahead,
    and skipped (with the reason) otherwise. Returns (reminders handled, whether more may be
    due)."""
    rows = await _claim(session, now, limit + 1)  # one more: is another batch due?
    more = len(rows) > limit
    rows = rows[:limit]
    if not rows:
        return 0, False
    batch = await _load(session, rows)
    latest = _latest_per_recipient(rows)
    outcomes: Outcomes = {}
    queue = outbox.Bulk(now)
    for reminder in rows:
        _handle(queue, batch, reminder, now, latest, outcomes)
    await queue.flush(session)
    await _record(session, outcomes, now)
    return len(rows), more


def _latest_per_recipient(rows: Sequence[Reminder]) -> dict[tuple[int, int], int]:
    """Of several reminders due at once for the same person and appointment (after downtime),
    only the one closest to the appointment is sent."""
    latest: dict[tuple[int, int], Reminder] = {}
    for reminder in rows:
        if reminder.kind != ReminderKind.REMINDER:
            continue
        key = (reminder.appointment_id, reminder.person_id)
        if key not in latest or reminder.offset_minutes < latest[key].offset_minutes:
            latest[key] = reminder
    return {key: reminder.id for key, reminder in latest.items()}


def _handle(
    queue: outbox.Bulk,
    batch: _Batch,
    reminder: Reminder,
    now: datetime,
    latest: dict[tuple[int, int], int],
    outcomes: Outcomes,
) -> None:
    appointment = batch.appointments[reminder.appointment_id]
    if appointment.status != AppointmentStatus.PLANNED:
        _finish(outcomes, reminder, JobStatus.SKIPPED, CANCELLED)
        return
    if appointment.starts_at <= now:
        _finish(outcomes, reminder, JobStatus.SKIPPED, PASSED)
        log.info("reminder %s skipped: its appointment already passed", reminder.id)
        return
    view = batch.view(appointment)
    match = batch.matches[appointment.match_id]
    org = batch.orgs[match.organisation_id]
    if reminder.kind == ReminderKind.NO_ANSWER:
        _no_answer(queue, batch, reminder, view, match, org, outcomes)
        return
    if latest.get((reminder.appointment_id, reminder.person_id)) != reminder.id:
        _finish(outcomes, reminder, JobStatus.SKIPPED, SUPERSEDED)
        return
    person = batch.people.get(reminder.person_id)
    if person is None or person.family_id != match.family_id:
        _finish(outcomes, reminder, JobStatus.SKIPPED, UNREACHABLE)
        return
    reader = people.Reader(person, org)
    # Late after downtime, or the person's quiet hours or timezone changed since it was
    # written: never into the night if it can wait for the morning.
    deferred = out_of_quiet_hours(
        now, appointment.starts_at, reader.tz, person.quiet_start, person.quiet_end
    )
    if deferred is None:
        _finish(outcomes, reminder, JobStatus.SKIPPED, QUIET)
        return
    if deferred > now:
        outcomes.setdefault(("deferred", deferred), []).append(reminder.id)
        return
    answer = view.answer_of(person.id)
    # Rendered once per language, zone and answer (a family's members share a card).
    key = (reader.tr, reader.tz, appointment.id, answer)
    rendered = batch.cards.get(key)
    if rendered is None:
        rendered = batch.cards[key] = (
            mentee_card(reader.tr, reader.tz, view, "reminder", answer),
            answer_buttons(reader.tr, view, answer),
        )
    queued = queue.add(
        person,
        "reminder",
        rendered[0],
        buttons=rendered[1],
        ref=("appointment", appointment.id),
        dedupe_key=f"reminder:{reminder.id}",
    )
    if not queued:
        _finish(outcomes, reminder, JobStatus.SKIPPED, UNREACHABLE)
        return
    late = now - reminder.due_at > timedelta(minutes=15)
    _finish(outcomes, reminder, JobStatus.DONE, "sent late" if late else None)


def _no_answer(
    queue: outbox.Bulk,
    batch: _Batch,
    reminder: Reminder,
    view: AppointmentView,
    match: Match,
    org: Organisation,
    outcomes: Outcomes,
) -> None:
    if any(a.answer is not None for a in view.attendees) or batch.answers.get(view.id):
        _finish(outcomes, reminder, JobStatus.SKIPPED, ANSWERED)
        return
    queued = 0
    for mentor in batch.mentors.get(match.id, []):
        reader = people.Reader(mentor, org)
        if queue.add(
            mentor,
            "no_answer",
            no_answer_notice(reader.tr, reader.tz, view),
            ref=("appointment", view.id),
            dedupe_key=f"noanswer:{reminder.id}:{mentor.id}",
        ):
            queued += 1
    if queued:
        _finish(outcomes, reminder, JobStatus.DONE, None)
    else:
        _finish(outcomes, reminder, JobStatus.SKIPPED, UNREACHABLE)
