"""Who on the staff may see what: access follows relationships, exactly as the consent texts
tell the people concerned.

- A **worker** sees the matches they refer, and a concern or a help request only while it is
  theirs: the worker of its match, or the worker it was reassigned to (reassignment is the
  explicit, audited way to widen access; the previous worker loses it).
- A **coordinator** sees everything of their own organisation.
- An **admin** sees what escalation brings them: a concern that reached the admins' level or
  that nobody acknowledged, a help request the bot sent them, and the matches of those.

Nobody sees across organisations. These are plain functions over loaded rows, so that every
service checks them the same way and a test can hold them against the consent texts.
"""

from __future__ import annotations

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.escalation import Level
from storage.models import (
    Concern,
    ConcernStatus,
    HelpMessage,
    HelpRequest,
    Match,
    OutboxMessage,
    Person,
    Role,
)

HELP_REF = "help_request"  # bot.services.help.REF: the outbox's reference to a help request


def _staff_of(actor: Person, organisation_id: int) -> bool:
    return actor.role.is_staff and actor.active and actor.organisation_id == organisation_id


def escalated_to_admins(concern: Concern) -> bool:
    """The concern reached the admins: by the chain's last level, or because nobody
    acknowledged it in time (then everyone still entitled to it is asked)."""
    return concern.level >= Level.ADMINS or concern.status == ConcernStatus.UNACKNOWLEDGED


def may_see_concern(actor: Person, concern: Concern) -> bool:
    """Whether `actor` (staff) may read and act on the concern now."""
    if not _staff_of(actor, concern.organisation_id):
        return False
    if actor.role == Role.COORDINATOR:
        return True
    if actor.role == Role.WORKER:
        return concern.assigned_worker_id == actor.id
    return escalated_to_admins(concern) or actor.id in (
        concern.acknowledged_by_id,
        concern.resolved_by_id,
    )


async def may_see_help(session: AsyncSession, actor: Person, hr: HelpRequest) -> bool:
    """Whether `actor` (staff) may read, answer and close a help request: its worker, the
    coordinators, and an admin the bot brought it to (or who already wrote in it)."""
    if not _staff_of(actor, hr.organisation_id):
        return False
    if actor.role == Role.COORDINATOR:
        return True
    if actor.role == Role.WORKER:
        return hr.worker_id == actor.id
    brought = await session.scalar(
        select(
            exists().where(
                OutboxMessage.ref_type == HELP_REF,
                OutboxMessage.ref_id == hr.id,
                OutboxMessage.person_id == actor.id,
            )
        )
    )
    if brought:
        return True
    wrote = await session.scalar(
        select(
            exists().where(HelpMessage.help_request_id == hr.id, HelpMessage.author_id == actor.id)
        )
    )
    return bool(wrote)


async def may_see_match(session: AsyncSession, actor: Person, match: Match) -> bool:
    """Whether `actor` (staff) may open the match's card: its referring worker, the
    coordinators, and an admin to whom one of its concerns was escalated."""
    if not _staff_of(actor, match.organisation_id):
        return False
    if actor.role == Role.COORDINATOR:
        return True
    if actor.role == Role.WORKER:
        return match.worker_id == actor.id
    rows = await session.execute(select(Concern).where(Concern.match_id == match.id))
    return any(may_see_concern(actor, c) for c in rows.scalars())


__all__ = [
    "escalated_to_admins",
    "may_see_concern",
    "may_see_help",
    "may_see_match",
]
