"""What deciding and rendering a batch of due reminders needs, loaded with a handful of
queries whatever the batch size (`load_batch`: the due job decides with it, and
`bot.notifications.appointments.reminders` renders with it), and the claim of the reminders
due."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import load_only

from bot.services.appointments.views import AppointmentView, Attendee
from storage.models import (
    Answer,
    Appointment,
    AppointmentAnswer,
    Consent,
    Family,
    JobStatus,
    Match,
    MatchMentor,
    Organisation,
    Person,
    Reminder,
    Role,
)

# The due job ------------------------------------------------------------------------------------


@dataclass
class Batch:
    """What a batch of due reminders needs, loaded with a handful of queries."""

    appointments: dict[int, Appointment]
    matches: dict[int, Match]
    orgs: dict[int, Organisation]
    families: dict[int, Family]
    people: dict[int, Person]
    mentors: dict[int, list[Person]]  # match id -> its mentors, by id
    members: dict[int, list[Person]]  # family id -> members who use the bot
    answers: dict[int, dict[int, Answer]]  # appointment id -> person id -> answer

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


# The batch the due job loaded last in a transaction, kept on its session for the rendering of
# the reminders it sends (`batch_of`): loaded once per batch, not once to decide and again to
# render. Nothing in between changes what it holds: the same transaction only marks reminders.
_LOADED = "appointments.reminders.batch"


async def batch_of(session: AsyncSession, ids: Sequence[int]) -> tuple[list[Any], Batch]:
    """The reminders `ids` (id, appointment, person and kind; in that order) and what rendering
    them needs: what the due job loaded in this transaction when it holds them all, else
    loaded anew."""
    kept = session.info.pop(_LOADED, None)
    if kept is not None and all(i in kept[0] for i in ids):
        return [kept[0][i] for i in ids], kept[1]
    found = {
        row.id: row
        for row in (
            await session.execute(
                select(
                    Reminder.id, Reminder.appointment_id, Reminder.person_id, Reminder.kind
                ).where(Reminder.id.in_(_in(ids)))
            )
        ).all()
    }
    rows = [found[i] for i in ids]
    return rows, await load_batch(session, rows, keep=False)


async def load_batch(session: AsyncSession, rows: Sequence[Any], keep: bool = True) -> Batch:
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
    batch = Batch(appointments, matches, orgs, families, known, mentors, members, answers)
    if keep:
        session.info[_LOADED] = ({r.id: r for r in rows}, batch)
    return batch


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
