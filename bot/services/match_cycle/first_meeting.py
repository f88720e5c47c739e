"""The three-party first meeting: staff plan it (and, later, the joint evaluation meeting)
with the appointments service; the mentors and the worker are told and reminded; the worker
records the outcome: the match starts, or closes as `not_started`."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import isolate
from bot.notifications.match_cycle import (
    FIRST_PLANNED,
    FIRST_REMINDER,
    HOW_DID_IT_GO,
    OUTCOMES,
    STARTED,
    STARTED_MENTEE,
    first_outcome,
)
from bot.services import appointments, audit, outbox, people
from bot.services.appointments import AppointmentView
from bot.services.errors import Invalid
from bot.services.match_cycle.closure import close_match
from bot.services.match_cycle.queries import (
    family_name,
    mentees,
    mentors,
    org_of,
    staff_match,
)
from bot.services.match_cycle.rules import REMIND_BEFORE, today
from domain.values import Actor
from storage.match_life import (
    ClosureReason,
    FirstMeetingOutcome,
    MatchStage,
    OfferStatus,
    RequestStatus,
)
from storage.models import (
    Appointment,
    Match,
    MatchOffer,
    MatchRequest,
    MatchStatus,
    Organisation,
    Person,
)


async def prepare_first_meeting(
    session: AsyncSession, now: datetime, staff: Actor, match_id: int
) -> tuple[int, str]:
    """Staff start planning the three-party meeting of a forming team (at least one mentor
    said yes). Returns the match id and the family's name, for the planning steps."""
    match = await staff_match(session, staff, match_id)
    if match.status != MatchStatus.PROPOSED:
        raise Invalid("match_not_forming", f"match {match.id} is not forming")
    if not await mentors(session, match.id):
        raise Invalid("no_mentor", "no mentor has accepted yet")
    match.stage = MatchStage.FIRST_MEETING
    await session.flush()
    return match.id, await family_name(session, match)


async def evaluation_meeting(session: AsyncSession, staff: Actor, match_id: int) -> tuple[int, str]:
    """Staff plan the joint evaluation meeting of an active match (like any meeting)."""
    match = await staff_match(session, staff, match_id)
    if match.status != MatchStatus.ACTIVE:
        raise Invalid("match_not_active", f"match {match.id} is not active")
    return match.id, await family_name(session, match)


async def first_meeting_planned(
    session: AsyncSession,
    appointment: Appointment,
    view: AppointmentView,
    match: Match,
    org: Organisation,
    now: datetime,
) -> None:
    """Called by `appointments.create` for a match at its first meeting: the mentors and the
    worker get the time, the place and a calendar file, and a reminder the day before; the
    worker is asked for the outcome once the meeting is over."""
    family = await family_name(session, match)
    worker = await session.get(Person, match.worker_id)
    party = [*await mentors(session, match.id), *([worker] if worker else [])]
    for person in party:
        rd = people.Reader(person, org)
        values = {
            "family": isolate(family),
            "when": rd.tr.when(appointment.starts_at, rd.tz),
            "place": isolate(appointment.place),
        }
        ref = ("appointment", appointment.id)
        outbox.enqueue(
            session,
            now,
            person,
            "first_meeting",
            rd.tr.gettext(FIRST_PLANNED) % values,
            document=appointments.calendar_file(rd.tr, appointment, view, now),
            ref=ref,
        )
        remind_at = appointment.starts_at - REMIND_BEFORE
        if remind_at > now:
            outbox.enqueue(
                session,
                now,
                person,
                "first_meeting_reminder",
                rd.tr.gettext(FIRST_REMINDER) % values,
                ref=ref,
                not_before=remind_at,
                dedupe_key=f"first:{appointment.id}:{appointment.sequence}:{person.id}",
            )
    if worker is not None:
        rd = people.Reader(worker, org)
        outbox.enqueue(
            session,
            now,
            worker,
            "first_meeting_outcome",
            rd.tr.gettext(HOW_DID_IT_GO) % {"family": isolate(family)},
            buttons=[
                [(rd.tr.gettext(text), first_outcome(match.id, code))]
                for code, text in OUTCOMES.items()
            ],
            ref=("appointment", appointment.id),
            not_before=appointment.starts_at + timedelta(minutes=appointment.duration_minutes),
        )


async def record_first_meeting(
    session: AsyncSession,
    now: datetime,
    staff: Actor,
    match_id: int,
    outcome: FirstMeetingOutcome,
) -> Match:
    """The first meeting's outcome: everyone agreed (the match is active) or not (it closes
    as `not_started`, the family goes back to the queue)."""
    match = await staff_match(session, staff, match_id)
    if match.status != MatchStatus.PROPOSED:
        raise Invalid("match_not_forming", f"match {match.id} is not forming")
    match.first_meeting_outcome = outcome
    audit.record(
        session,
        now,
        "match.first_meeting_outcome",
        actor_id=staff.id,
        organisation_id=match.organisation_id,
        target=("match", match.id),
        outcome=outcome.value,
    )
    if outcome != FirstMeetingOutcome.AGREED:
        await close_match(session, now, staff, match.id, ClosureReason.NOT_STARTED)
        return match
    org = await org_of(session, match.organisation_id)
    match.status, match.stage = MatchStatus.ACTIVE, MatchStage.ACTIVE
    match.started_on = match.initiated_on = today(org, now)
    await session.execute(
        update(MatchRequest)
        .where(MatchRequest.match_id == match.id)
        .values(status=RequestStatus.MATCHED, closed_at=now)
    )
    await session.execute(
        update(MatchOffer)
        .where(MatchOffer.match_id == match.id, MatchOffer.status == OfferStatus.ASKED)
        .values(status=OfferStatus.WITHDRAWN, answered_at=now)
    )
    await session.flush()
    await _tell_started(session, now, match, org)
    return match


async def _tell_started(
    session: AsyncSession, now: datetime, match: Match, org: Organisation
) -> None:
    family = await family_name(session, match)
    team = await mentors(session, match.id)
    for mentor in team:
        rd = people.Reader(mentor, org)
        outbox.enqueue(
            session,
            now,
            mentor,
            "match_started",
            rd.tr.gettext(STARTED) % {"family": isolate(family)},
            ref=("match", match.id),
        )
    for mentee in await mentees(session, match):
        rd = people.Reader(mentee, org)
        outbox.enqueue(
            session,
            now,
            mentee,
            "match_started",
            rd.tr.gettext(STARTED_MENTEE) % {"names": rd.tr.join([isolate(m.name) for m in team])},
            ref=("match", match.id),
        )
