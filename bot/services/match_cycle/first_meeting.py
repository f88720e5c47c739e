"""The three-party first meeting: staff plan it (and, later, the joint evaluation meeting)
with the appointments service; the mentors and the worker are told and reminded
(`FirstMeetingPlanned`); the worker records the outcome: the match starts (`MatchStarted`),
or closes as `not_started`."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import audit, events, outbox
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
from bot.services.match_cycle.rules import today
from domain.events import FirstMeetingPlanned, MatchStarted
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
    worker is asked for the outcome once the meeting is over (`FirstMeetingPlanned`; its
    handler renders the calendar file from the appointment, so `view` and `org`, what the
    caller has at hand, are not needed here)."""
    worker = await session.get(Person, match.worker_id)
    party = [*await mentors(session, match.id), *([worker] if worker else [])]
    told = tuple(p.id for p in party if outbox.deliverable(p))
    worker_id = worker.id if worker is not None and outbox.deliverable(worker) else None
    events.record(session, now, FirstMeetingPlanned(match.id, appointment.id, told, worker_id))


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
    _tell_started(
        session, now, match, await mentors(session, match.id), await mentees(session, match)
    )
    return match


def _tell_started(
    session: AsyncSession, now: datetime, match: Match, team: list[Person], family: list[Person]
) -> None:
    events.record(
        session,
        now,
        MatchStarted(
            match.id,
            tuple(p.id for p in team if outbox.deliverable(p)),
            tuple(p.id for p in family if outbox.deliverable(p)),
        ),
    )
