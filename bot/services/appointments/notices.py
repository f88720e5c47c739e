"""Telling people of a plan, a move or a cancellation: the family's members who use the bot
get the card (and a calendar file) out of their quiet hours, the other mentors a notice; and
an audit event."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import Translator
from bot.notifications.appointments import (
    AppointmentView,
    answer_buttons,
    cancelled_notice,
    co_mentor_notice,
    mentee_card,
)
from bot.services import audit, ics, outbox, people
from bot.services.appointments.queries import _match, _mentors, view_of
from bot.services.appointments.reminders.quiet_hours import after_quiet_hours
from bot.services.appointments.reminders.writing import recipients
from bot.services.appointments.rules import AUDIT_ACTIONS
from storage.models import Appointment, Match, Organisation, Person


async def _announce(
    session: AsyncSession,
    person: Person,
    appointment: Appointment,
    match: Match,
    org: Organisation,
    kind: str,
    now: datetime,
) -> AppointmentView:
    """After a plan, a move or a cancellation: tell the family and the other mentors, and
    audit it."""
    view = await view_of(session, appointment, match)
    asleep = await _tell_family(session, appointment, view, org, kind, now)
    if asleep:
        view = replace(view, asleep=asleep)
    await _tell_co_mentors(session, person, view, org, kind, now)
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


async def _tell_family(
    session: AsyncSession,
    appointment: Appointment,
    view: AppointmentView,
    org: Organisation,
    kind: str,
    now: datetime,
) -> list[str]:
    """The card (and calendar file) to each member who uses the bot, out of their quiet
    hours; a member whose quiet hours last until after the meeting is not told through the
    bot. Returns their names."""
    asleep: list[str] = []
    for person in await recipients(session, await _match(session, view.match_id)):
        reader = people.Reader(person, org)
        at = after_quiet_hours(
            now, reader.tz, person.quiet_start, person.quiet_end, before=appointment.starts_at
        )
        if at is None:
            if person.reachable and person.telegram_id is not None:
                asleep.append(person.name)
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
            document=calendar_file(reader.tr, appointment, view, now),
            ref=("appointment", appointment.id),
            dedupe_key=f"ics:{key}",
            not_before=at,
        )
    return asleep


async def _tell_co_mentors(
    session: AsyncSession,
    actor: Person,
    view: AppointmentView,
    org: Organisation,
    kind: str,
    now: datetime,
) -> None:
    for mentor in await _mentors(session, view.match_id):
        if mentor.id == actor.id:
            continue
        reader = people.Reader(mentor, org)
        at = after_quiet_hours(
            now, reader.tz, mentor.quiet_start, mentor.quiet_end, before=view.starts_at
        )
        if at is None:  # it would come after the meeting
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
