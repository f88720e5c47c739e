"""Concerns: the scheduler's escalation of what nobody acknowledged in time, and what became
of each card sent."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import access, events
from bot.services.concerns.history import record_event, record_notified, record_skipped
from bot.services.concerns.queries import load_levels, staff_of
from bot.services.concerns.rules import CARD, DELIVERY_LOOKBACK, REF, reachable
from bot.services.escalation import (
    Level,
    Reason,
    ack_minutes,
    deadline,
    decide,
)
from domain.events import ConcernEscalated, ConcernUnacknowledged
from storage.models import (
    Concern,
    ConcernEvent,
    ConcernStatus,
    Organisation,
    OutboxMessage,
    OutboxStatus,
    Person,
    Role,
)


async def record_deliveries(session: AsyncSession, now: datetime) -> int:
    """Record what became of each card: "delivered" (Telegram took it, at the time it did) or
    "undelivered" (the person could not be reached). Once per card; the concerns are claimed
    like the escalation's, so two processes never record one twice. Returns how many."""
    cards = (
        await session.execute(
            select(
                OutboxMessage.id,
                OutboxMessage.ref_id,
                OutboxMessage.person_id,
                OutboxMessage.status,
                OutboxMessage.sent_at,
            )
            .where(
                OutboxMessage.ref_type == REF,
                OutboxMessage.kind == CARD,
                OutboxMessage.edit_of_id.is_(None),
                OutboxMessage.status.in_(
                    [OutboxStatus.SENT, OutboxStatus.FAILED, OutboxStatus.CANCELLED]
                ),
                OutboxMessage.created_at >= now - DELIVERY_LOOKBACK,
            )
            .order_by(OutboxMessage.id)
        )
    ).all()
    if not cards:
        return 0
    concern_ids = {row.ref_id for row in cards if row.ref_id is not None}
    known = {
        (event.detail or {}).get("outbox_id")
        for event in (
            await session.execute(
                select(ConcernEvent).where(
                    ConcernEvent.concern_id.in_(concern_ids),
                    ConcernEvent.kind.in_(["delivered", "undelivered"]),
                )
            )
        ).scalars()
    }
    todo = [row for row in cards if row.id not in known]
    if not todo:
        return 0
    claimed = {
        c.id: c
        for c in (
            await session.execute(
                select(Concern)
                .where(Concern.id.in_({row.ref_id for row in todo}))
                .with_for_update(skip_locked=True)
            )
        ).scalars()
    }
    recorded = 0
    for row in todo:
        concern = claimed.get(row.ref_id or 0)
        if concern is None:
            continue
        delivered = row.status == OutboxStatus.SENT
        record_event(
            session, row.sent_at if delivered and row.sent_at else now, concern,
            "delivered" if delivered else "undelivered", actor_id=None,
            person_id=row.person_id, outbox_id=row.id,
        )  # fmt: skip
        recorded += 1
    return recorded


async def escalate_due(session: AsyncSession, now: datetime, limit: int = 100) -> int:
    """Move on every OPEN concern whose level's deadline has passed, or whose level has nobody
    reachable any more. Rows are claimed (`FOR UPDATE SKIP LOCKED` on PostgreSQL) and each
    decision is re-taken on the claimed row, so two ticks at once, or a tick after a restart,
    never fire a step twice. Returns how many concerns moved. Also records what became of
    the cards sent so far (`record_deliveries`)."""
    moved, _more = await escalate_batch(session, now, limit)
    return moved


async def escalate_batch(session: AsyncSession, now: datetime, limit: int) -> tuple[int, bool]:
    """`escalate_due` for the scheduler: at most `limit` concerns whose deadline passed (and
    every stranded one); returns (concerns moved, whether more may be due)."""
    await record_deliveries(session, now)
    due = (
        select(Concern.id)
        .where(Concern.status == ConcernStatus.OPEN, Concern.ack_deadline_at <= now)
        .order_by(Concern.ack_deadline_at, Concern.id)
    )
    overdue = set((await session.execute(due.limit(limit))).scalars())
    candidates = overdue | await _stranded(session)
    if not candidates:
        return 0, False
    claimed = await session.execute(
        select(Concern)
        .where(Concern.id.in_(candidates), Concern.status == ConcernStatus.OPEN)
        .order_by(Concern.ack_deadline_at, Concern.id)
        .with_for_update(skip_locked=True)
    )
    moved = 0
    for concern in claimed.scalars():
        if await _advance(session, now, concern):
            moved += 1
    return moved, len(overdue) >= limit


async def _stranded(session: AsyncSession) -> set[int]:
    """OPEN concerns whose current level has nobody the bot can reach (someone blocked it)."""
    rows = (
        await session.execute(
            select(Concern.id, Concern.organisation_id, Concern.level, Person)
            .join(Person, Person.id == Concern.assigned_worker_id)
            .where(Concern.status == ConcernStatus.OPEN)
        )
    ).all()
    found: set[int] = set()
    staff: dict[int, list[Person]] = {}
    for concern_id, org_id, level, worker in rows:
        if level == Level.WORKER:
            if not reachable(worker):
                found.add(concern_id)
            continue
        if org_id not in staff:
            staff[org_id] = await staff_of(session, org_id, (Role.COORDINATOR, Role.ADMIN))
        role = Role.COORDINATOR if level == Level.COORDINATORS else Role.ADMIN
        if not any(reachable(p) for p in staff[org_id] if p.role == role):
            found.add(concern_id)
    return found


async def _advance(session: AsyncSession, now: datetime, concern: Concern) -> bool:
    """Apply the policy to one claimed concern; False when nothing was due after all."""
    levels = await load_levels(session, concern)
    decision = decide(concern.status, concern.level, concern.ack_deadline_at, now, levels.reachable)
    if decision is None:
        return False
    org = await session.get(Organisation, concern.organisation_id)
    assert org is not None
    minutes = ack_minutes(org.ack_deadlines_minutes, concern.severity)
    previous = concern.level
    record_skipped(session, now, concern, decision.step)
    if decision.step.level is None:
        await give_up(session, now, concern, reason=decision.reason, minutes=minutes)
        return True
    concern.level = decision.step.level
    concern.ack_deadline_at = deadline(now, org.ack_deadlines_minutes, concern.severity)
    record_event(
        session, now, concern, "escalated", actor_id=None, level=concern.level,
        reason=decision.reason, minutes=minutes, from_level=previous,
        to_level=int(concern.level),
    )  # fmt: skip
    notified = record_notified(
        session, now, concern, levels.at(Level(concern.level)), level=concern.level
    )
    missed: tuple[int, ...] = ()
    if decision.reason == Reason.TIMEOUT:
        # Those who missed the deadline are told again, by a fresh card they can still act on.
        late = [p for p in levels.at(Level(previous)) if reachable(p)]
        missed = record_notified(session, now, concern, late, level=previous)
    events.record(
        session, now, ConcernEscalated(
            concern.id, from_level=previous, to_level=int(concern.level),
            reason=str(decision.reason), notified=notified, missed=missed,
        ),
    )  # fmt: skip
    return True


async def give_up(
    session: AsyncSession,
    now: datetime,
    concern: Concern,
    *,
    reason: str,
    minutes: int = 0,
    tell_reporter: bool = True,
) -> None:
    """Every level was tried: the concern becomes UNACKNOWLEDGED, a visible state, and
    everyone on the staff it belongs to who can be reached is told: its worker, the
    coordinators and the admins (never the other workers)."""
    concern.status = ConcernStatus.UNACKNOWLEDGED
    concern.ack_deadline_at = None
    record_event(
        session, now, concern, "unacknowledged", actor_id=None, reason=reason, minutes=minutes
    )
    everyone = await staff_of(
        session, concern.organisation_id, (Role.WORKER, Role.COORDINATOR, Role.ADMIN)
    )
    entitled = [p for p in everyone if reachable(p) and access.may_see_concern(p, concern)]
    notified = record_notified(session, now, concern, entitled, level=concern.level)
    # (The reporter is not told when they are being answered right now, on raising it.)
    events.record(session, now, ConcernUnacknowledged(concern.id, reason, notified, tell_reporter))
