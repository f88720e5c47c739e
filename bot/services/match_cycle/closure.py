"""Closing a match (`ClosureReason`, planned or not), step by step, each step recorded with
its time in `Match.closure_steps`: planned meetings cancelled with the family told, reminders,
progress-report requests and queued messages stopped, offers withdrawn, contacts no longer
shared, a goodbye stating the post-closure contact policy, exit questions to each party; an
unplanned closure puts the family back in the request queue, its history kept."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import appointments, audit, events, match_requests, outbox
from bot.services.appointments import reminders
from bot.services.errors import Invalid, NotFound
from bot.services.match_cycle.feedback import ask_round
from bot.services.match_cycle.queries import parties, staff_match
from bot.services.match_cycle.rules import MAX_ID, Closed, step
from domain.events import FamilyRequeued, MatchEnded
from domain.values import Actor
from storage.match_life import (
    EXIT_ROUND,
    ClosureReason,
    ClosureStep,
    MatchStage,
    OfferStatus,
    Party,
    RequestStatus,
    Urgency,
)
from storage.models import (
    Appointment,
    AppointmentStatus,
    JobStatus,
    Match,
    MatchOffer,
    MatchRequest,
    MatchStatus,
    OutboxMessage,
    OutboxStatus,
    Person,
    ReportRequest,
)

Steps = dict[str, Any]


async def close_match(
    session: AsyncSession,
    now: datetime,
    actor: Actor | None,
    match_id: int,
    reason: ClosureReason,
    note: str | None = None,
) -> Closed:
    """Close a match with a fixed reason (`actor`: its worker or a coordinator; None from the
    CLI) and carry out every closure step, each recorded with its time."""
    match = await _closable(session, actor, match_id, reason)
    worker = await session.get(Person, match.worker_id)
    acting = actor or worker
    assert acting is not None
    steps: Steps = {}
    await _cancel_meetings(session, now, acting, match, steps)
    await _stop_reminders(session, now, match, steps)
    await _withdraw_offers(session, now, match, steps)
    # The match is closed: from here on no contact is shared through it.
    match.status, match.stage = MatchStatus.CLOSED, MatchStage.CLOSED
    match.closed_at, match.closed_by_id = now, actor.id if actor else None
    match.closure_code, match.closure_kind = reason, reason.kind
    match.closure_reason = " ".join((note or "").split()) or None
    await session.flush()
    step(steps, ClosureStep.CONTACTS_UNSHARED, now)
    # A goodbye to the family and the mentors, then exit questions to each party.
    everyone = await parties(session, match, True)
    _say_goodbye(session, now, match, everyone, steps)
    asked = await ask_round(session, now, match, EXIT_ROUND, everyone)
    step(steps, ClosureStep.EXIT_QUESTIONS_SENT, now, n=asked)
    rematch_id: int | None = None
    if reason.kind.value == "unplanned":
        rematch_id = await _rematch(session, now, match, steps)
    match.closure_steps = steps
    await session.flush()
    audit.record(
        session,
        now,
        "match.closed",
        actor_id=actor.id if actor else None,
        organisation_id=match.organisation_id,
        target=("match", match.id),
        reason=reason.value,
        kind=reason.kind.value,
        steps=sorted(steps),
    )
    return Closed(match.id, reason, steps, rematch_id)


async def _closable(
    session: AsyncSession, actor: Actor | None, match_id: int, reason: ClosureReason
) -> Match:
    if actor is not None:
        match = await staff_match(session, actor, match_id)
    else:
        found = await session.get(Match, match_id) if 0 < match_id <= MAX_ID else None
        if found is None:
            raise NotFound(f"unknown match {match_id}")
        match = found
    if match.status == MatchStatus.CLOSED:
        raise Invalid("already_closed", f"match {match.id} is already closed")
    if reason == ClosureReason.LEGACY:
        raise Invalid("reason", "choose one of the closure reasons")
    return match


async def _cancel_meetings(
    session: AsyncSession, now: datetime, acting: Actor, match: Match, steps: Steps
) -> None:
    """1. Planned meetings cancelled, the family told (and their reminders withdrawn)."""
    planned = list(
        (
            await session.execute(
                select(Appointment).where(
                    Appointment.match_id == match.id,
                    Appointment.status == AppointmentStatus.PLANNED,
                    Appointment.starts_at > now,
                )
            )
        ).scalars()
    )
    told = 0
    for appointment in planned:
        try:
            await appointments.cancel(session, acting, appointment.id, now)
            told += 1
        except NotFound:  # nobody left who may manage it (a worker who left): cancel quietly
            appointment.status = AppointmentStatus.CANCELLED
            appointment.sequence += 1
            appointment.updated_at = now
            await reminders.withdraw(session, appointment.id, reminders.CANCELLED, now)
    step(steps, ClosureStep.MEETINGS_CANCELLED, now, n=len(planned), family_told=told)


def _rowcount(result: Any) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


async def _stop_reminders(session: AsyncSession, now: datetime, match: Match, steps: Steps) -> None:
    """2. Reminders stop: any still pending for its meetings, the progress-report requests,
    and messages queued about its meetings or offers that have not gone out."""
    appointment_ids = list(
        (
            await session.execute(select(Appointment.id).where(Appointment.match_id == match.id))
        ).scalars()
    )
    withdrawn = 0
    for appointment_id in appointment_ids:
        withdrawn += await reminders.withdraw(session, appointment_id, "match closed", now)
    reports = await session.execute(
        update(ReportRequest)
        .where(ReportRequest.match_id == match.id, ReportRequest.status == JobStatus.PENDING)
        .values(status=JobStatus.CANCELLED, remind_at=None)
    )
    offer_ids = list(
        (
            await session.execute(select(MatchOffer.id).where(MatchOffer.match_id == match.id))
        ).scalars()
    )
    queued = 0
    for ref_type, ids in (("appointment", appointment_ids), ("match_offer", offer_ids)):
        if ids:
            result = await session.execute(
                update(OutboxMessage)
                .where(
                    OutboxMessage.ref_type == ref_type,
                    OutboxMessage.ref_id.in_(ids),
                    OutboxMessage.status == OutboxStatus.QUEUED,
                    OutboxMessage.not_before > now,
                )
                .values(status=OutboxStatus.CANCELLED, last_error="match closed")
            )
            queued += _rowcount(result)
    step(
        steps,
        ClosureStep.REMINDERS_STOPPED,
        now,
        reminders=withdrawn,
        report_requests=_rowcount(reports),
        messages=queued,
    )


async def _withdraw_offers(
    session: AsyncSession, now: datetime, match: Match, steps: Steps
) -> None:
    """3. Offers not answered yet are withdrawn."""
    offers = await session.execute(
        update(MatchOffer)
        .where(MatchOffer.match_id == match.id, MatchOffer.status == OfferStatus.ASKED)
        .values(status=OfferStatus.WITHDRAWN, answered_at=now)
    )
    step(steps, ClosureStep.OFFERS_WITHDRAWN, now, n=_rowcount(offers))


def _say_goodbye(
    session: AsyncSession,
    now: datetime,
    match: Match,
    everyone: list[tuple[Person, Party]],
    steps: Steps,
) -> None:
    """4. A goodbye to the family and the mentors stating the post-closure contact policy."""
    told = [
        (p.id, party) for p, party in everyone if party != Party.WORKER and outbox.deliverable(p)
    ]
    mentees = tuple(pid for pid, party in told if party == Party.MENTEE)
    mentors = tuple(pid for pid, party in told if party == Party.MENTOR)
    events.record(session, now, MatchEnded(match.id, mentees, mentors))
    step(steps, ClosureStep.GOODBYES_SENT, now, n=len(told))


async def _rematch(session: AsyncSession, now: datetime, match: Match, steps: Steps) -> int:
    """6. An early (unplanned) end: the family goes back to the queue, its history kept, and
    the coordinators are told. Returns the new request's id."""
    previous = await session.scalar(select(MatchRequest).where(MatchRequest.match_id == match.id))
    await session.execute(
        update(MatchRequest)
        .where(MatchRequest.match_id == match.id, MatchRequest.status != RequestStatus.MATCHED)
        .values(status=RequestStatus.CANCELLED, closed_at=now)
    )
    request = MatchRequest(
        organisation_id=match.organisation_id,
        family_id=match.family_id,
        worker_id=match.worker_id,
        needs=list(previous.needs) if previous else [],
        urgency=previous.urgency if previous else Urgency.NORMAL,
        status=RequestStatus.WAITING,
        previous_match_id=match.id,
        created_at=now,
    )
    session.add(request)
    await session.flush()
    step(steps, ClosureStep.REMATCH_REQUESTED, now, request_id=request.id)
    told = [
        p.id
        for p in await match_requests.coordinators(session, match.organisation_id)
        if outbox.deliverable(p)
    ]
    events.record(session, now, FamilyRequeued(request.id, match.id, tuple(told)))
    return request.id
