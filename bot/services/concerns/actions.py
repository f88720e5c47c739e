"""Concerns: the staff's actions on a card (acknowledge, resolve, reply, reassign)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import events, outbox, people
from bot.services.concerns.cards import Acted, card_for
from bot.services.concerns.history import record_event, record_notified
from bot.services.concerns.queries import staff_concern, staff_of
from bot.services.concerns.rules import NOTE_MAX, REPLY_MAX, WorkerChoice, reachable
from bot.services.errors import Invalid, NotAllowed
from bot.services.escalation import (
    Level,
    deadline,
    is_due,
)
from bot.services.help import clean_text
from domain.events import (
    ConcernAcknowledged,
    ConcernReassigned,
    ConcernReplied,
    ConcernResolved,
)
from storage.models import (
    Concern,
    ConcernStatus,
    Person,
    Role,
)


async def _mark_acknowledged(
    session: AsyncSession, now: datetime, concern: Concern, actor: Person, how: str
) -> None:
    late = concern.status == ConcernStatus.UNACKNOWLEDGED or is_due(concern.ack_deadline_at, now)
    concern.status = ConcernStatus.ACKNOWLEDGED
    concern.acknowledged_at, concern.acknowledged_by_id = now, actor.id
    concern.ack_deadline_at = None
    record_event(session, now, concern, "acknowledged", actor_id=actor.id, late=late, via=how)


async def _reporter_reachable(session: AsyncSession, concern: Concern) -> bool:
    """Whoever raised the concern can be told through the bot."""
    reporter = await session.get(Person, concern.raised_by_id)
    return reporter is not None and outbox.deliverable(reporter)


async def acknowledge(
    session: AsyncSession,
    now: datetime,
    actor: Person,
    concern_id: int,
    *,
    shown_message_id: int | None = None,
) -> Acted:
    """A member of the staff acknowledges: a person has seen it. The reporter is told; the
    escalation stops. Acknowledging twice changes nothing."""
    concern = await staff_concern(session, actor, concern_id, lock=True)
    changed = concern.status in (ConcernStatus.OPEN, ConcernStatus.UNACKNOWLEDGED)
    told = False
    if changed:
        await _mark_acknowledged(session, now, concern, actor, "button")
        told = await _reporter_reachable(session, concern)
        events.record(session, now, ConcernAcknowledged(concern.id, actor.id, shown_message_id))
    card = await card_for(session, actor, concern)
    return Acted(concern.id, card, changed=changed, reporter_told=told)


async def can_resolve(session: AsyncSession, actor: Person, concern_id: int) -> int:
    concern = await staff_concern(session, actor, concern_id)
    if concern.status == ConcernStatus.RESOLVED:
        raise Invalid("resolved")
    return concern.id


async def resolve(
    session: AsyncSession, now: datetime, actor: Person, concern_id: int, note: str
) -> Acted:
    """Close the concern with a short note (kept for the staff, not sent to the reporter)."""
    concern = await staff_concern(session, actor, concern_id, lock=True)
    if concern.status == ConcernStatus.RESOLVED:
        raise Invalid("resolved")
    note = clean_text(note, NOTE_MAX)
    if concern.acknowledged_at is None:
        await _mark_acknowledged(session, now, concern, actor, "resolved")
    concern.status = ConcernStatus.RESOLVED
    concern.resolved_at, concern.resolved_by_id = now, actor.id
    concern.resolution_note = note
    concern.ack_deadline_at = None
    record_event(session, now, concern, "resolved", actor_id=actor.id)
    told = await _reporter_reachable(session, concern)
    events.record(session, now, ConcernResolved(concern.id, actor.id))
    card = await card_for(session, actor, concern)
    return Acted(concern.id, card, reporter_told=told)


async def can_reply(session: AsyncSession, actor: Person, concern_id: int) -> int:
    return (await staff_concern(session, actor, concern_id)).id


async def reply(
    session: AsyncSession, now: datetime, actor: Person, concern_id: int, text: str
) -> Acted:
    """Relay a message from the staff to the person who raised the concern. Answering them
    also acknowledges the concern."""
    concern = await staff_concern(session, actor, concern_id, lock=True)
    text = clean_text(text, REPLY_MAX)
    acknowledged = concern.status in (ConcernStatus.OPEN, ConcernStatus.UNACKNOWLEDGED)
    if acknowledged:
        await _mark_acknowledged(session, now, concern, actor, "reply")
    told = await _reporter_reachable(session, concern)
    said = record_event(
        session, now, concern, "replied", actor_id=actor.id, text=text, delivered=told
    )
    await session.flush()
    events.record(session, now, ConcernReplied(concern.id, actor.id, said.id, acknowledged))
    card = await card_for(session, actor, concern)
    return Acted(concern.id, card, reporter_told=told)


async def reassign_options(
    session: AsyncSession, actor: Person, concern_id: int
) -> list[WorkerChoice]:
    """The other workers of the organisation the concern can be handed to (reachable ones)."""
    concern = await staff_concern(session, actor, concern_id)
    if concern.status == ConcernStatus.RESOLVED:
        raise Invalid("resolved")
    workers = await staff_of(session, concern.organisation_id, (Role.WORKER,))
    return [
        WorkerChoice(w.id, w.name)
        for w in workers
        if w.id != concern.assigned_worker_id and reachable(w)
    ]


async def reassign(
    session: AsyncSession,
    now: datetime,
    actor: Person,
    concern_id: int,
    worker_id: int,
    *,
    shown_message_id: int | None = None,
) -> Acted:
    """Hand the concern to another worker of the same organisation, who gets the card. A
    concern still waiting for its first level gives the new worker a full deadline."""
    concern = await staff_concern(session, actor, concern_id, lock=True)
    if concern.status == ConcernStatus.RESOLVED:
        raise Invalid("resolved")
    worker = await session.get(Person, worker_id)
    if (
        worker is None
        or worker.organisation_id != concern.organisation_id
        or worker.role != Role.WORKER
        or not worker.active
    ):
        raise NotAllowed("not a worker of this organisation")
    if worker.id == concern.assigned_worker_id:
        raise Invalid("same_worker")
    if not reachable(worker):
        raise Invalid("unreachable")
    previous = concern.assigned_worker_id
    concern.assigned_worker_id = worker.id
    if concern.status == ConcernStatus.OPEN and concern.level == Level.WORKER:
        org = await people.organisation_of(session, worker)
        concern.ack_deadline_at = deadline(now, org.ack_deadlines_minutes, concern.severity)
    record_event(
        session,
        now,
        concern,
        "reassigned",
        actor_id=actor.id,
        from_worker=previous,
        to_worker=worker.id,
    )
    record_notified(session, now, concern, [worker], level=concern.level)
    events.record(
        session, now, ConcernReassigned(concern.id, actor.id, worker.id, shown_message_id)
    )
    card = await card_for(session, actor, concern)
    return Acted(concern.id, card)
