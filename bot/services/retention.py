"""How long each kind of record is kept, per organisation, and the scheduler's batches that
remove what is past it (RapidPro keeps retention periods per kind of record the same way):

- `outbox_days`: the text, buttons and file of a message sent (or given up) to someone are
  removed this long after; the row stays, so that a message is never sent twice.
- `inbox_days`: a handled update is deleted this long after it was handled (its payload is
  already cleared when it is handled; what stays is ids, status and error codes).
- `drafts_days`: a conversation left half-way is deleted this long after its last step.
- `closed_months`: this long after a match is closed, its texts go (meeting notes,
  appointments' places and notes, progress comments, help threads, concern texts and replies,
  the closure reason); the rows stay, holding ids, codes, dates and counts.

Updates and drafts of a chat no person of any organisation owns follow the defaults.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import audit
from bot.services.errors import Invalid
from storage.models import (
    Appointment,
    CheckIn,
    Concern,
    ConcernEvent,
    Draft,
    HelpMessage,
    HelpRequest,
    InboxStatus,
    InboxUpdate,
    Match,
    MatchStatus,
    Meeting,
    Organisation,
    OutboxMessage,
    OutboxStatus,
    Person,
    ProgressReport,
)

DEFAULTS: dict[str, int] = {
    "outbox_days": 30,
    "inbox_days": 30,
    "drafts_days": 7,
    "closed_months": 24,
}
LIMITS: dict[str, tuple[int, int]] = {
    "outbox_days": (1, 365),
    "inbox_days": (1, 365),
    "drafts_days": (1, 90),
    "closed_months": (1, 120),
}
FINISHED_OUTBOX = (OutboxStatus.SENT, OutboxStatus.FAILED, OutboxStatus.CANCELLED)
FINISHED_INBOX = (InboxStatus.DONE, InboxStatus.FAILED, InboxStatus.REPLY_FAILED)
MATCHES_PER_BATCH = 10  # a closed match's texts touch several tables


def effective(stored: Mapping[str, Any] | None) -> dict[str, int]:
    """The organisation's periods, the defaults filling what it did not set."""
    values = dict(DEFAULTS)
    for key, value in (stored or {}).items():
        if key in values:
            values[key] = int(value)
    return values


def _pairs(value: str) -> list[tuple[str, Any]]:
    pairs: list[tuple[str, Any]] = []
    for part in (p.strip() for p in value.split(",")):
        if not part:
            continue
        name, sep, given = part.partition("=")
        if not sep:
            raise Invalid("retention", f"{part!r} is not NAME=NUMBER")
        pairs.append((name.strip(), given.strip()))
    return pairs


def _period(key: str, raw: Any) -> int:
    if key not in LIMITS:
        raise Invalid("retention", f"unknown retention period {key!r} (one of {', '.join(LIMITS)})")
    try:
        number = int(raw)
    except (TypeError, ValueError):
        raise Invalid("retention", f"{key} must be a whole number, not {raw!r}") from None
    low, high = LIMITS[key]
    if not low <= number <= high:
        raise Invalid("retention", f"{key} must be {low}-{high}, not {number}")
    return number


def check_retention(value: str | Mapping[str, Any]) -> dict[str, int]:
    """`outbox_days=30,inbox_days=30,drafts_days=7,closed_months=24` (any of them)."""
    pairs = _pairs(value) if isinstance(value, str) else list(value.items())
    if not pairs:
        raise Invalid("retention", "no retention period given")
    return {key: _period(key, raw) for key, raw in pairs}


async def _policies(session: AsyncSession) -> list[tuple[int, dict[str, int]]]:
    rows = await session.execute(select(Organisation.id, Organisation.retention))
    return [(org_id, effective(stored)) for org_id, stored in rows]


def _months(n: int) -> timedelta:
    return timedelta(days=round(n * 365.25 / 12))


async def purge_outbox(session: AsyncSession, now: datetime, limit: int) -> int:
    """Up to `limit` finished outbox messages past their organisation's period lose their
    text, buttons and file."""
    done = 0
    for org_id, policy in await _policies(session):
        if done >= limit:
            break
        cutoff = now - timedelta(days=policy["outbox_days"])
        ids = list(
            await session.scalars(
                select(OutboxMessage.id)
                .join(Person, Person.id == OutboxMessage.person_id)
                .where(
                    Person.organisation_id == org_id,
                    OutboxMessage.purged_at.is_(None),
                    OutboxMessage.status.in_(FINISHED_OUTBOX),
                    func.coalesce(OutboxMessage.sent_at, OutboxMessage.created_at) < cutoff,
                )
                .order_by(OutboxMessage.id)
                .limit(limit - done)
            )
        )
        if ids:
            await session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id.in_(ids))
                .values(text="", buttons=None, document=None, document_name=None, purged_at=now)
            )
        done += len(ids)
    return done


def _owned_by(column: Any, org_id: int | None) -> Any:
    owners = select(Person.telegram_id).where(Person.telegram_id.is_not(None))
    if org_id is None:
        return column.not_in(owners)
    return column.in_(owners.where(Person.organisation_id == org_id))


async def _by_owner(
    session: AsyncSession,
    now: datetime,
    limit: int,
    key: str,
    pick: Any,
) -> int:
    done = 0
    scopes: list[tuple[int | None, dict[str, int]]] = [
        *await _policies(session),
        (None, dict(DEFAULTS)),
    ]
    for org_id, policy in scopes:
        if done >= limit:
            break
        done += await pick(org_id, now - timedelta(days=policy[key]), limit - done)
    return done


async def purge_inbox(session: AsyncSession, now: datetime, limit: int) -> int:
    """Up to `limit` handled updates past the period of their sender's organisation."""

    async def pick(org_id: int | None, cutoff: datetime, room: int) -> int:
        ids = list(
            await session.scalars(
                select(InboxUpdate.update_id)
                .where(
                    InboxUpdate.status.in_(FINISHED_INBOX),
                    func.coalesce(InboxUpdate.handled_at, InboxUpdate.received_at) < cutoff,
                    _owned_by(InboxUpdate.chat_id, org_id),
                )
                .order_by(InboxUpdate.update_id)
                .limit(room)
            )
        )
        if ids:
            await session.execute(delete(InboxUpdate).where(InboxUpdate.update_id.in_(ids)))
        return len(ids)

    return await _by_owner(session, now, limit, "inbox_days", pick)


async def purge_drafts(session: AsyncSession, now: datetime, limit: int) -> int:
    """Up to `limit` conversations left half-way, past their owner's organisation's period."""

    async def pick(org_id: int | None, cutoff: datetime, room: int) -> int:
        ids = list(
            await session.scalars(
                select(Draft.telegram_id)
                .where(Draft.updated_at < cutoff, _owned_by(Draft.telegram_id, org_id))
                .order_by(Draft.telegram_id)
                .limit(room)
            )
        )
        if ids:
            await session.execute(delete(Draft).where(Draft.telegram_id.in_(ids)))
        return len(ids)

    return await _by_owner(session, now, limit, "drafts_days", pick)


async def anonymise_closed(session: AsyncSession, now: datetime, limit: int) -> int:
    """Up to `limit` (at most MATCHES_PER_BATCH) matches closed longer ago than their
    organisation's period lose their texts."""
    done = 0
    room = max(1, min(limit, MATCHES_PER_BATCH))
    for org_id, policy in await _policies(session):
        if done >= room:
            break
        cutoff = now - _months(policy["closed_months"])
        matches = list(
            await session.scalars(
                select(Match)
                .where(
                    Match.organisation_id == org_id,
                    Match.status == MatchStatus.CLOSED,
                    Match.closed_at < cutoff,
                    Match.anonymised_at.is_(None),
                )
                .order_by(Match.id)
                .limit(room - done)
            )
        )
        for match in matches:
            await anonymise_match(session, now, match)
        done += len(matches)
    return done


async def anonymise_match(session: AsyncSession, now: datetime, match: Match) -> None:
    """A closed match's texts go; its rows, codes, dates and counts stay."""
    mid = match.id
    await session.execute(update(Meeting).where(Meeting.match_id == mid).values(notes=None))
    await session.execute(update(CheckIn).where(CheckIn.match_id == mid).values(note=None))
    await session.execute(
        update(Appointment).where(Appointment.match_id == mid).values(place="", note=None)
    )
    for report in (
        await session.execute(select(ProgressReport).where(ProgressReport.match_id == mid))
    ).scalars():
        report.comment = None
        report.domains = {
            k: {kk: vv for kk, vv in v.items() if kk != "comment"} if isinstance(v, dict) else v
            for k, v in (report.domains or {}).items()
        }
    requests = select(HelpRequest.id).where(HelpRequest.match_id == mid)
    await session.execute(
        update(HelpMessage).where(HelpMessage.help_request_id.in_(requests)).values(text="")
    )
    concerns = select(Concern.id).where(Concern.match_id == mid)
    await session.execute(
        update(Concern).where(Concern.match_id == mid).values(description="", resolution_note=None)
    )
    for event in (
        await session.execute(select(ConcernEvent).where(ConcernEvent.concern_id.in_(concerns)))
    ).scalars():
        if "text" in (event.detail or {}):
            event.detail = {k: v for k, v in event.detail.items() if k != "text"}
    match.closure_reason = None
    match.anonymised_at = now
    await session.flush()
    audit.record(
        session,
        now,
        "match.anonymised",
        actor_id=None,
        organisation_id=match.organisation_id,
        target=("match", mid),
    )


__all__ = [
    "DEFAULTS",
    "anonymise_closed",
    "anonymise_match",
    "check_retention",
    "effective",
    "purge_drafts",
    "purge_inbox",
    "purge_outbox",
]
