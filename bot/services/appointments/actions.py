"""Planning, moving and cancelling an appointment, and a family member's one-tap answer."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy import delete, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import actors, audit, events, outbox
from bot.services.appointments import reminders
from bot.services.appointments.notices import _announce
from bot.services.appointments.queries import (
    _family_appointment,
    _managed_appointment,
    _managed_match,
    _mentors,
    _org,
    _plannable,
    view_of,
)
from bot.services.appointments.rules import (
    DEFAULT_DURATION,
    Answered,
    check_start,
    clean_note,
    clean_place,
)
from bot.services.appointments.views import AppointmentView
from bot.services.errors import Invalid
from domain.events import AppointmentAnswered
from domain.values import Actor
from storage.match_life import MatchStage
from storage.models import (
    Answer,
    Appointment,
    AppointmentAnswer,
    AppointmentStatus,
)


async def create(
    session: AsyncSession,
    person: Actor,
    match_id: int,
    starts_at: datetime,
    place: str,
    note: str | None,
    now: datetime,
    duration_minutes: int = DEFAULT_DURATION,
) -> AppointmentView:
    """Plan an appointment: stored, reminders written, the family told (with a calendar
    file), the other mentors told."""
    person = await actors.row(session, person)
    match = await _managed_match(session, person, match_id)
    check_start(starts_at, now)
    appointment = Appointment(
        match_id=match.id,
        created_by_id=person.id,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        place=clean_place(place),
        note=clean_note(note),
        status=AppointmentStatus.PLANNED,
        sequence=0,
        created_at=now,
        updated_at=now,
    )
    session.add(appointment)
    await session.flush()
    org = await _org(session, match)
    await reminders.schedule(session, appointment, match, org, now)
    # At a forming match's first meeting, its party is told too (`AppointmentPlanned`).
    first_meeting = match.stage == MatchStage.FIRST_MEETING
    return await _announce(session, person, appointment, match, org, "planned", now, first_meeting)


async def move(
    session: AsyncSession,
    person: Actor,
    appointment_id: int,
    starts_at: datetime,
    now: datetime,
    place: str | None = None,
) -> AppointmentView:
    """A new date and time (and optionally place): pending reminders are withdrawn and written
    again, earlier answers no longer hold, the family gets the new time and calendar file."""
    person = await actors.row(session, person)
    appointment, match = await _managed_appointment(session, person, appointment_id)
    if appointment.status != AppointmentStatus.PLANNED:
        raise Invalid("appointment_cancelled")
    if not _plannable(match):
        raise Invalid("match_not_active")
    check_start(starts_at, now)
    appointment.starts_at = starts_at
    if place is not None:
        appointment.place = clean_place(place)
    appointment.sequence += 1
    appointment.updated_at = now
    await reminders.withdraw(session, appointment.id, reminders.MOVED, now)
    await session.execute(
        delete(AppointmentAnswer).where(AppointmentAnswer.appointment_id == appointment.id)
    )
    await session.flush()
    org = await _org(session, match)
    await reminders.schedule(session, appointment, match, org, now)
    return await _announce(session, person, appointment, match, org, "moved", now)


async def cancel(
    session: AsyncSession, person: Actor, appointment_id: int, now: datetime
) -> AppointmentView:
    """Cancel: pending reminders withdrawn with the reason, the family told (with a
    cancelling calendar file), the other mentors told."""
    person = await actors.row(session, person)
    appointment, match = await _managed_appointment(session, person, appointment_id)
    if appointment.status != AppointmentStatus.PLANNED:
        raise Invalid("appointment_cancelled")
    if appointment.starts_at <= now:
        raise Invalid("appointment_passed")
    appointment.status = AppointmentStatus.CANCELLED
    appointment.sequence += 1
    appointment.updated_at = now
    await reminders.withdraw(session, appointment.id, reminders.CANCELLED, now)
    await session.flush()
    org = await _org(session, match)
    return await _announce(session, person, appointment, match, org, "cancelled", now)


async def answer(
    session: AsyncSession,
    person: Actor,
    appointment_id: int,
    given: Answer,
    now: datetime,
    sequence: int | None = None,
) -> Answered:
    """A family member's one-tap answer. Only a member of the appointment's family may answer;
    the mentors are told at once, each in their own language. `sequence` is the version of
    the appointment the person saw: an answer to an earlier time is refused."""
    person = await actors.row(session, person)
    appointment, match, family_name = await _family_appointment(session, person, appointment_id)
    if appointment.status != AppointmentStatus.PLANNED:
        raise Invalid("appointment_cancelled")
    if sequence is not None and sequence != appointment.sequence:
        raise Invalid("appointment_moved")
    if appointment.starts_at <= now:
        raise Invalid("appointment_passed")
    view = await view_of(session, appointment, match, family_name)
    if any(a.person_id == person.id for a in view.attendees):
        # The card's query read this person's answer already: the row is not read again,
        # and the same answer given again writes nothing.
        previous = view.answer_of(person.id)
        changed = previous != given
        if changed and previous is None:
            session.add(
                AppointmentAnswer(
                    appointment_id=appointment.id,
                    person_id=person.id,
                    answer=given,
                    answered_at=now,
                )
            )
            await session.flush()
        elif changed:
            await session.execute(
                update(AppointmentAnswer)
                .where(
                    AppointmentAnswer.appointment_id == appointment.id,
                    AppointmentAnswer.person_id == person.id,
                )
                .values(answer=given, answered_at=now)
                .execution_options(synchronize_session=False)
            )
        if changed:
            view = replace(
                view,
                attendees=[
                    replace(a, answer=given) if a.person_id == person.id else a
                    for a in view.attendees
                ],
            )
    else:
        # Not among the members the bot writes to (cannot happen through a linked,
        # agreeing mentee): the row itself decides.
        row = await session.get(AppointmentAnswer, (appointment.id, person.id))
        changed = row is None or row.answer != given
        if row is None:
            session.add(
                AppointmentAnswer(
                    appointment_id=appointment.id,
                    person_id=person.id,
                    answer=given,
                    answered_at=now,
                )
            )
        elif changed:
            row.answer, row.answered_at = given, now
        await session.flush()
    if changed:
        # The mentors are told at once, each in their own language (held until the end of
        # their quiet hours unless the meeting itself falls in them).
        mentors = tuple(m.id for m in await _mentors(session, match.id) if outbox.deliverable(m))
        events.record(
            session, now, AppointmentAnswered(appointment.id, person.id, given.value, mentors)
        )
        audit.record(
            session,
            now,
            "appointment.answered",
            actor_id=person.id,
            organisation_id=match.organisation_id,
            target=("appointment", appointment.id),
            answer=given.value,
        )
    return Answered(view, given, changed)
