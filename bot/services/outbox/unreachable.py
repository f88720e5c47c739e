"""A person the bot can no longer reach: the notices to their referring workers (each in their
own language, with a phone number to call instead) and to their family's mentors."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import N_, isolate
from bot.services import people
from bot.services.outbox.queue import enqueue
from storage.models import Match, MatchMentor, MatchStatus, Person, Role

# Shown to the referring worker when a mentee or mentor can no longer be reached.
UNREACHABLE_TEXTS = {
    "blocked": N_(
        "%(name)s can no longer be reached through the bot (blocked it). Please phone them."
    ),
    "deactivated": N_(
        "%(name)s can no longer be reached through the bot (account deleted). Please phone them."
    ),
    "other": N_("%(name)s can no longer be reached through the bot. Please phone them."),
}
PHONE_LINE = N_("Phone: %(phone)s")
NO_PHONE_LINE = N_("No phone number is on file.")

UNREACHABLE_KIND = "person_unreachable"

MENTEE_UNREACHABLE = N_(
    "%(name)s can no longer be reached through the bot, so they will not see reminders or "
    "messages here. The referring worker was told; please reach them another way."
)


async def referring_workers(session: AsyncSession, person: Person) -> list[Person]:
    """The workers of a mentee's or mentor's active matches (never the person themself)."""
    worker_ids: set[int] = set()
    if person.role == Role.MENTEE and person.family_id is not None:
        found = await session.execute(
            select(Match.worker_id).where(
                Match.family_id == person.family_id, Match.status == MatchStatus.ACTIVE
            )
        )
        worker_ids.update(found.scalars())
    elif person.role == Role.MENTOR:
        found = await session.execute(
            select(Match.worker_id)
            .join(MatchMentor, MatchMentor.match_id == Match.id)
            .where(MatchMentor.mentor_id == person.id, Match.status == MatchStatus.ACTIVE)
        )
        worker_ids.update(found.scalars())
    worker_ids.discard(person.id)
    if not worker_ids:
        return []
    workers = await session.execute(
        select(Person)
        .where(
            Person.id.in_(worker_ids),
            Person.organisation_id == person.organisation_id,
            Person.active.is_(True),
        )
        .order_by(Person.id)
    )
    return list(workers.scalars())


async def unreachable_notice(
    session: AsyncSession, person: Person, worker: Person, reason: str
) -> str:
    """The notice to `worker` that `person` cannot be reached, in the worker's language."""
    tr = (await people.reader(session, worker)).tr
    template = UNREACHABLE_TEXTS.get(reason, UNREACHABLE_TEXTS["other"])
    lines = [tr.gettext(template) % {"name": isolate(person.name)}]
    if person.phone:
        lines.append(
            tr.gettext(PHONE_LINE) % {"phone": isolate(people.international_phone(person.phone))}
        )
    else:
        lines.append(tr.gettext(NO_PHONE_LINE))
    return "\n".join(lines)


async def tell_workers_unreachable(
    session: AsyncSession, now: datetime, person: Person, reason: str
) -> list[int]:
    """Tell the referring workers of `person`'s active matches, each in their own language,
    that the bot can no longer reach them, so someone phones instead; and, for a family
    member, the family's mentors (who would otherwise wait for an answer that cannot come).
    Returns the ids of the workers told."""
    told: list[int] = []
    for worker in await referring_workers(session, person):
        text = await unreachable_notice(session, person, worker, reason)
        if enqueue(session, now, worker, UNREACHABLE_KIND, text, ref=("person", person.id)):
            told.append(worker.id)
    for mentor in await family_mentors(session, person):
        tr = (await people.reader(session, mentor)).tr
        enqueue(
            session, now, mentor, UNREACHABLE_KIND,
            tr.gettext(MENTEE_UNREACHABLE) % {"name": isolate(person.name)},
            ref=("person", person.id),
        )  # fmt: skip
    return told


async def family_mentors(session: AsyncSession, person: Person) -> list[Person]:
    """The mentors of the active matches of a mentee's family."""
    if person.role != Role.MENTEE or person.family_id is None:
        return []
    found = await session.execute(
        select(Person)
        .join(MatchMentor, MatchMentor.mentor_id == Person.id)
        .join(Match, Match.id == MatchMentor.match_id)
        .where(
            Match.family_id == person.family_id,
            Match.status == MatchStatus.ACTIVE,
            Person.active.is_(True),
        )
        .order_by(Person.id)
    )
    return list(dict.fromkeys(found.scalars()))
