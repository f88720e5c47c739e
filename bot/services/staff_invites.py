"""Invitations made by staff in the chat: a coordinator adds a person of their organisation
(a mentee to a family, a mentor to an open match if they like) and gets the person's personal
link; a worker or a coordinator issues a new link for someone who lost their phone (their
Telegram account is disconnected first, as `mentorbot person set --unlink` does).

Who may do what is decided here: a coordinator acts within their organisation, a worker only
for the mentors and mentees of the open matches they refer; anyone else is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import SUPPORTED_LOCALES
from bot.services import actors, admin, audit, invites
from bot.services.errors import Invalid, NotAllowed, NotFound
from domain.values import Actor
from storage.models import Match, MatchMentor, MatchStatus, Person, Role

# The roles a coordinator can add from the chat (workers and coordinators are added by the
# programme's administrator, with the command line).
ADDABLE = (Role.MENTEE, Role.MENTOR)
STAFF = frozenset({Role.WORKER, Role.COORDINATOR})
SEARCH_LIMIT = 8


@dataclass(frozen=True)
class Issued:
    person_id: int
    name: str
    role: Role
    token: str  # shown once to the staff member, never stored
    expires_at: datetime
    unlinked: bool  # the person's previous Telegram account was disconnected


@dataclass(frozen=True)
class Found:
    person_id: int
    name: str
    role: Role
    linked: bool


def _need_staff(staff: Person, *roles: Role) -> None:
    if not staff.active or staff.role not in (roles or STAFF):
        raise NotAllowed("staff only")


def may_add(staff: Person) -> bool:
    return staff.active and staff.role == Role.COORDINATOR


async def _open_match(session: AsyncSession, staff: Person, match_id: int) -> Match:
    match = await session.get(Match, match_id) if 0 < match_id < 2**31 else None
    if (
        match is None
        or match.organisation_id != staff.organisation_id
        or match.status == MatchStatus.CLOSED
    ):
        raise NotFound("no such open match")
    return match


async def add_person(
    session: AsyncSession,
    now: datetime,
    staff: Actor,
    *,
    name: str,
    role: Role,
    locale: str,
    family: str | None = None,
    match_id: int | None = None,
) -> Issued:
    """Add a mentee (to the family named `family`, made when it does not exist) or a mentor
    (joining the open match `match_id`, if given) to the coordinator's organisation, and issue
    their invitation."""
    staff = await actors.row(session, staff)
    _need_staff(staff, Role.COORDINATOR)
    if role not in ADDABLE:
        raise Invalid("role")
    if locale not in SUPPORTED_LOCALES:
        raise Invalid("locale")
    if role == Role.MENTEE and not (family or "").strip():
        raise Invalid("family")
    if role == Role.MENTEE and (family or "").strip().isdigit():
        raise Invalid("family")
    match = await _open_match(session, staff, match_id) if match_id is not None else None
    if match is not None and role != Role.MENTOR:
        raise Invalid("match_role")
    info = await admin.add_person(
        session,
        now,
        org=staff.organisation_id,
        role=role,
        name=name,
        locale=locale,
        family=family.strip() if role == Role.MENTEE and family else None,
    )
    if match is not None:
        session.add(MatchMentor(match_id=match.id, mentor_id=info.id))
        await session.flush()
        audit.record(
            session,
            now,
            "match.mentor_added",
            actor_id=staff.id,
            organisation_id=staff.organisation_id,
            target=("match", match.id),
            mentor_id=info.id,
        )
    issued = await invites.create(session, now, info.id)
    audit.record(
        session,
        now,
        "invite.made_in_chat",
        actor_id=staff.id,
        organisation_id=staff.organisation_id,
        target=("person", info.id),
        invite_id=issued.invite_id,
        role=role.value,
    )
    return Issued(info.id, info.name, role, issued.token, issued.expires_at, False)


def _caseload_people(staff: Person) -> Any:
    """The ids of the people a staff member may issue a new link for."""
    if staff.role == Role.COORDINATOR:
        return select(Person.id).where(
            Person.organisation_id == staff.organisation_id,
            Person.role.in_(ADDABLE),
        )
    mine = (
        Match.worker_id == staff.id,
        Match.organisation_id == staff.organisation_id,
        Match.status != MatchStatus.CLOSED,
    )
    mentors = select(MatchMentor.mentor_id).where(
        MatchMentor.match_id.in_(select(Match.id).where(*mine))
    )
    mentees = select(Person.id).where(
        Person.role == Role.MENTEE,
        Person.family_id.in_(select(Match.family_id).where(*mine)),
    )
    return mentors.union(mentees)


async def _may_relink(session: AsyncSession, staff: Person, person_id: int) -> Person:
    _need_staff(staff)
    person = await session.get(Person, person_id) if 0 < person_id < 2**31 else None
    if person is None or person.organisation_id != staff.organisation_id:
        raise NotFound("unknown person")
    allowed = await session.scalar(
        select(Person.id).where(
            Person.id == person.id,
            Person.id.in_(_caseload_people(staff)),  # type: ignore[arg-type]
        )
    )
    if allowed is None:
        raise NotAllowed("not in this caseload")
    if not person.active or person.erased_at is not None:
        raise Invalid("inactive")
    return person


async def search(session: AsyncSession, staff: Actor, text: str) -> list[Found]:
    """People of the staff member's caseload (a coordinator: their organisation's mentors and
    mentees) whose name contains `text`, at most `SEARCH_LIMIT`."""
    staff = await actors.row(session, staff)
    _need_staff(staff)
    needle = text.strip().casefold()
    if not needle:
        return []
    rows = await session.execute(
        select(Person.id, Person.name, Person.role, Person.telegram_id)
        .where(
            Person.id.in_(_caseload_people(staff)),  # type: ignore[arg-type]
            Person.active.is_(True),
            Person.erased_at.is_(None),
        )
        .order_by(Person.id)
    )
    found = [
        Found(pid, name, role, telegram_id is not None)
        for pid, name, role, telegram_id in rows.all()
        if needle in (name or "").casefold()
    ]
    return found[:SEARCH_LIMIT]


async def person_to_relink(session: AsyncSession, staff: Actor, person_id: int) -> Found:
    staff = await actors.row(session, staff)
    person = await _may_relink(session, staff, person_id)
    return Found(person.id, person.name, person.role, person.telegram_id is not None)


async def relink(session: AsyncSession, now: datetime, staff: Actor, person_id: int) -> Issued:
    """A new personal link for someone who lost their phone: their Telegram account is
    disconnected (they agree again with the new one) and their earlier links stop working."""
    staff = await actors.row(session, staff)
    person = await _may_relink(session, staff, person_id)
    unlinked = person.telegram_id is not None
    if unlinked:
        await admin.set_person(session, now, person.id, unlink=True)
    issued = await invites.create(session, now, person.id)
    audit.record(
        session,
        now,
        "invite.reissued_in_chat",
        actor_id=staff.id,
        organisation_id=staff.organisation_id,
        target=("person", person.id),
        invite_id=issued.invite_id,
        unlinked=unlinked,
    )
    return Issued(person.id, person.name, person.role, issued.token, issued.expires_at, unlinked)
