"""Erasing a person: every step of `STEPS` (one per table) looks at what it would change and
counts it; unless this is a dry run (or the person was erased and nothing is left), the
changes are applied in the same order, then the person's own details go and the erasure is
audited with its counts."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import audit
from bot.services.erasure import messages, records, texts
from bot.services.erasure.rules import Erasure, Scope, pseudonym
from bot.services.errors import NotAllowed, NotFound
from domain.values import Actor
from storage.models import Family, Match, Person, Role

Step = Callable[[Scope], Awaitable[None]]

# In this order: a step may use the ids an earlier one found (help threads, concerns,
# appointments and progress reports for the outbox's messages about them).
STEPS: tuple[Step, ...] = (
    texts.meeting_notes,
    texts.check_in_notes,
    texts.appointment_texts,
    texts.report_comments,
    texts.help_messages,
    texts.concern_texts,
    texts.concern_replies,
    texts.closure_reasons,
    messages.outbox_messages,
    messages.inbox_updates,
    messages.drafts,
    messages.invitations,
    messages.pending_reminders,
    records.personal_details,
    records.family_name,
    records.matching_profile,
    records.feedback_answers,
    records.family_profile,
    records.request_notes,
)


async def erase_as(
    session: AsyncSession, now: datetime, actor: Actor, person_id: int, *, dry_run: bool = False
) -> Erasure:
    """A coordinator erasing someone of their organisation (an admin: anyone of theirs)."""
    if actor.role not in (Role.COORDINATOR, Role.ADMIN):
        raise NotAllowed("only coordinators erase people")
    person = await session.get(Person, person_id)
    if person is None or person.organisation_id != actor.organisation_id:
        raise NotFound(f"no person {person_id}")
    if person.id == actor.id:
        raise NotAllowed("no one erases themselves through the bot")
    return await erase(session, now, person_id, actor_id=actor.id, dry_run=dry_run)


async def erase(
    session: AsyncSession,
    now: datetime,
    person_id: int,
    *,
    actor_id: int | None,
    dry_run: bool = False,
) -> Erasure:
    person = await session.get(Person, person_id, with_for_update=not dry_run)
    if person is None:
        raise NotFound(f"no person {person_id}")
    result = Erasure(
        person_id=person.id,
        name=person.name,
        role=person.role.value,
        dry_run=dry_run,
        already_erased=person.erased_at is not None,
        chat_id=person.telegram_id,
        locale=person.locale or person.telegram_language,
    )
    scope = Scope(session, now, person, result.counts)
    await _find_lone_family(scope)
    for step in STEPS:
        await step(scope)
    result.messages = scope.messages
    if dry_run or (result.already_erased and not result.counts):
        return result
    for change in scope.changes:
        await change()
    if scope.lone_family is not None:
        scope.lone_family.name = pseudonym(scope.lone_family.id)
    _forget(person, now)
    await session.flush()
    audit.record(
        session,
        now,
        "person.erased",
        actor_id=actor_id,
        organisation_id=person.organisation_id,
        target=("person", person.id),
        counts=dict(result.counts),
        telegram_messages=len(result.messages),
    )
    return result


async def _find_lone_family(s: Scope) -> None:
    """The family's matches are records about this mentee while nobody else remains."""
    person = s.person
    if person.role is not Role.MENTEE or person.family_id is None:
        return
    others = (
        await s.session.execute(
            select(Person.id).where(
                Person.family_id == person.family_id,
                Person.id != person.id,
                Person.erased_at.is_(None),
            )
        )
    ).first()
    if others is None:
        s.lone_family = await s.session.get(Family, person.family_id)
        s.sole_matches = await s.ids(Match.id, Match.family_id == person.family_id)


def _forget(person: Person, now: datetime) -> None:
    person.name = pseudonym(person.id)
    person.phone = None
    person.email = None
    person.telegram_id = None
    person.telegram_language = None
    person.address = None
    person.unreachable_reason = None
    person.share_phone = False
    person.share_email = False
    person.active = False
    person.erased_at = person.erased_at or now
