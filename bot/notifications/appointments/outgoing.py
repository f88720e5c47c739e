"""What the appointment events send (`bot.services.appointments`): a planned, moved or
cancelled meeting's card (or notice) and calendar file to the family's members the service
named, the notice to the other mentors, and a family member's answer to the mentors; each in
the reader's language and timezone, held until their quiet hours end."""

from __future__ import annotations

from datetime import datetime
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from bot.notifications.appointments.callbacks import Move
from bot.notifications.appointments.cards import (
    answer_buttons,
    answer_notice,
    cancelled_notice,
    co_mentor_notice,
    mentee_card,
)
from bot.services import appointments, outbox, people
from bot.services.appointments.reminders import after_quiet_hours
from domain import Answer
from domain.events import (
    AppointmentAnswered,
    AppointmentCancelled,
    AppointmentMoved,
    AppointmentPlanned,
)
from storage.models import Appointment, Match, Organisation, Person

T = TypeVar("T")
Changed = AppointmentPlanned | AppointmentMoved | AppointmentCancelled


async def on_planned(session: AsyncSession, now: datetime, event: AppointmentPlanned) -> None:
    appointment, match, org, view = await _announce(session, now, event, "planned")
    if event.first_meeting:
        from bot.services import match_cycle

        await match_cycle.first_meeting_planned(session, appointment, view, match, org, now)


async def on_moved(session: AsyncSession, now: datetime, event: AppointmentMoved) -> None:
    await _announce(session, now, event, "moved")


async def on_cancelled(session: AsyncSession, now: datetime, event: AppointmentCancelled) -> None:
    await _announce(session, now, event, "cancelled")


async def _announce(
    session: AsyncSession, now: datetime, event: Changed, kind: str
) -> tuple[Appointment, Match, Organisation, appointments.AppointmentView]:
    """The card (and calendar file) to each member named, out of their quiet hours; then the
    notice to each of the other mentors named."""
    appointment = await _get(session, Appointment, event.appointment_id)
    match = await _get(session, Match, appointment.match_id)
    org = await _get(session, Organisation, match.organisation_id)
    actor = await _get(session, Person, event.actor_id)
    view = await appointments.view_of(session, appointment, match)
    for person_id in event.family:
        person = await _get(session, Person, person_id)
        reader = people.Reader(person, org)
        at = after_quiet_hours(
            now, reader.tz, person.quiet_start, person.quiet_end, before=appointment.starts_at
        )
        if at is None:  # the service names only those it can reach before the meeting
            continue
        key = f"appointment:{appointment.id}:{appointment.sequence}:{person.id}"
        if kind == "cancelled":
            text, buttons = cancelled_notice(reader.tr, reader.tz, view), None
        else:
            text = mentee_card(reader.tr, reader.tz, view, kind, None)
            buttons = answer_buttons(reader.tr, view, None, kind)
        outbox.enqueue(
            session,
            now,
            person,
            f"appointment_{kind}",
            text,
            buttons=buttons,
            ref=("appointment", appointment.id),
            dedupe_key=key,
            not_before=at,
        )
        outbox.enqueue(
            session,
            now,
            person,
            "appointment_ics",
            reader.tr.gettext("Add it to your phone's calendar: open this file."),
            document=appointments.calendar_file(reader.tr, appointment, view, now),
            ref=("appointment", appointment.id),
            dedupe_key=f"ics:{key}",
            not_before=at,
        )
    for mentor_id in event.mentors:
        mentor = await _get(session, Person, mentor_id)
        reader = people.Reader(mentor, org)
        at = after_quiet_hours(
            now, reader.tz, mentor.quiet_start, mentor.quiet_end, before=view.starts_at
        )
        if at is None:
            continue
        outbox.enqueue(
            session,
            now,
            mentor,
            f"appointment_{kind}",
            co_mentor_notice(reader.tr, reader.tz, view, actor.name, kind),
            ref=("appointment", view.id),
            not_before=at,
        )
    return appointment, match, org, view


async def on_answered(session: AsyncSession, now: datetime, event: AppointmentAnswered) -> None:
    """Each mentor named reads the answer in their own language; held until the end of their
    quiet hours, unless the meeting itself falls in them (news they need now). An answer
    other than "coming" carries the button to move the meeting."""
    appointment = await _get(session, Appointment, event.appointment_id)
    match = await _get(session, Match, appointment.match_id)
    org = await _get(session, Organisation, match.organisation_id)
    person = await _get(session, Person, event.person_id)
    given = Answer(event.answer)
    view = await appointments.view_of(session, appointment, match)
    for mentor_id in event.mentors:
        mentor = await _get(session, Person, mentor_id)
        reader = people.Reader(mentor, org)
        at = after_quiet_hours(
            now, reader.tz, mentor.quiet_start, mentor.quiet_end, before=appointment.starts_at
        )
        buttons = None
        if given != Answer.COMING:
            # Translators: button: move the appointment to another day or time.
            move = reader.tr.pgettext("appointment button", "Move")
            buttons = [[(move, Move(appointment.id).pack())]]
        outbox.enqueue(
            session,
            now,
            mentor,
            "appointment_answer",
            answer_notice(reader.tr, reader.tz, view, person.name, given),
            buttons=buttons,
            ref=("appointment", appointment.id),
            not_before=at or now,
        )


async def _get(session: AsyncSession, kind: type[T], ident: int) -> T:
    found = await session.get(kind, ident)
    assert found is not None, (kind.__name__, ident)
    return found
