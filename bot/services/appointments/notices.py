"""Telling people of a plan, a move or a cancellation: which of the family's members who use
the bot can be told before the meeting (out of their quiet hours) and which other mentors,
recorded as a domain event (`bot.notifications.appointments.outgoing` renders and queues the
card, the calendar file and the notices); and an audit event. The calendar file itself."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import Translator
from bot.services import audit, events, ics, outbox, people
from bot.services.appointments.queries import _match, _mentors, view_of
from bot.services.appointments.reminders.quiet_hours import after_quiet_hours
from bot.services.appointments.reminders.writing import recipients
from bot.services.appointments.rules import AUDIT_ACTIONS
from bot.services.appointments.views import AppointmentView
from domain.events import AppointmentCancelled, AppointmentMoved, AppointmentPlanned
from storage.models import Appointment, Match, Organisation, Person


async def _announce(
    session: AsyncSession,
    person: Person,
    appointment: Appointment,
    match: Match,
    org: Organisation,
    kind: str,
    now: datetime,
    first_meeting: bool = False,
) -> AppointmentView:
    """After a plan, a move or a cancellation: the family and the other mentors are to be
    told (the event), and it is audited."""
    view = await view_of(session, appointment, match)
    family, asleep = await _family_told(session, appointment, view, org, now)
    if asleep:
        view = replace(view, asleep=asleep)
    mentors = await _co_mentors_told(session, person, view, org, now)
    if kind == "planned":
        events.record(
            session,
            now,
            AppointmentPlanned(appointment.id, person.id, family, mentors, first_meeting),
        )
    elif kind == "moved":
        events.record(session, now, AppointmentMoved(appointment.id, person.id, family, mentors))
    else:
        events.record(
            session, now, AppointmentCancelled(appointment.id, person.id, family, mentors)
        )
    audit.record(
        session,
        now,
        AUDIT_ACTIONS[kind],
        actor_id=person.id,
        organisation_id=match.organisation_id,
        target=("appointment", appointment.id),
        sequence=appointment.sequence,
    )
    return view


def calendar_file(
    tr: Translator, appointment: Appointment, view: AppointmentView, now: datetime
) -> outbox.Document:
    summary = tr.gettext("Meeting with %(who)s") % {"who": tr.join(view.mentor_names)}
    content = ics.build(appointment, summary=summary, now=now, description=view.note)
    return outbox.Document(ics.filename(appointment.id), content, ics.MIME)


async def _family_told(
    session: AsyncSession,
    appointment: Appointment,
    view: AppointmentView,
    org: Organisation,
    now: datetime,
) -> tuple[tuple[int, ...], list[str]]:
    """The members who use the bot and can be told (the card and calendar file come out of
    their quiet hours); a member whose quiet hours last until after the meeting is not told
    through the bot. Returns the ids of those told and the names of those asleep."""
    told: list[int] = []
    asleep: list[str] = []
    for person in await recipients(session, await _match(session, view.match_id)):
        at = after_quiet_hours(
            now,
            people.timezone_of(person, org),
            person.quiet_start,
            person.quiet_end,
            before=appointment.starts_at,
        )
        if at is None:
            if person.reachable and person.telegram_id is not None:
                asleep.append(person.name)
            continue
        if outbox.deliverable(person):
            told.append(person.id)
    return tuple(told), asleep


async def _co_mentors_told(
    session: AsyncSession,
    actor: Person,
    view: AppointmentView,
    org: Organisation,
    now: datetime,
) -> tuple[int, ...]:
    """The match's other mentors the bot can reach before the meeting."""
    told: list[int] = []
    for mentor in await _mentors(session, view.match_id):
        if mentor.id == actor.id:
            continue
        at = after_quiet_hours(
            now,
            people.timezone_of(mentor, org),
            mentor.quiet_start,
            mentor.quiet_end,
            before=view.starts_at,
        )
        if at is None:  # it would come after the meeting
            continue
        if outbox.deliverable(mentor):
            told.append(mentor.id)
    return tuple(told)
