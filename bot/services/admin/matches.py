"""Matches: add, close, list."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import audit
from bot.services.admin.checks import OPEN_STATUSES
from bot.services.admin.organisations import find_org
from bot.services.admin.people import find_family, find_person
from bot.services.admin.values import MatchInfo
from bot.services.errors import Invalid, NotFound
from storage.match_life import ClosureReason, FirstMeetingOutcome, MatchStage
from storage.models import (
    Family,
    Match,
    MatchMentor,
    MatchStatus,
    Organisation,
    Person,
    Role,
)


def _need_role(person: Person, role: Role, what: str) -> None:
    if person.role != role:
        raise Invalid("wrong_role", f"person {person.id} is a {person.role.value}, not a {what}")
    if not person.active:
        raise Invalid("inactive", f"person {person.id} is no longer active")


async def add_match(
    session: AsyncSession,
    now: datetime,
    *,
    mentors: Sequence[str | int],
    worker: str | int,
    mentee: str | int | None = None,
    family: str | int | None = None,
    started_on: date | None = None,
    org: str | int | None = None,
) -> MatchInfo:
    """A family (given directly or through one of its mentees) with its mentors and its
    referring worker, all of one organisation. A family has at most one open match."""
    if (mentee is None) == (family is None):
        raise Invalid("match_family", "give either a mentee or a family")
    if not mentors:
        raise Invalid("match_mentors", "a match needs at least one mentor")

    the_family: Family | None
    if mentee is not None:
        person = await find_person(session, mentee, "mentee")
        _need_role(person, Role.MENTEE, "mentee")
        if person.family_id is None:
            raise Invalid("no_family", f"mentee {person.id} belongs to no family")
        the_family = await session.get(Family, person.family_id)
    else:
        the_family = None
        if org is not None:
            the_family = await find_family(session, await find_org(session, org), str(family))
        elif str(family).strip().isdigit():
            the_family = await session.get(Family, int(str(family).strip()))
        if the_family is None:
            raise NotFound(f"unknown family {str(family)!r}")
    assert the_family is not None
    org_id = the_family.organisation_id

    the_worker = await find_person(session, worker, "worker")
    _need_role(the_worker, Role.WORKER, "worker")
    if the_worker.organisation_id != org_id:
        raise Invalid("other_org", f"worker {the_worker.id} belongs to another organisation")

    the_mentors: list[Person] = []
    for ref in mentors:
        mentor = await find_person(session, ref, "mentor")
        _need_role(mentor, Role.MENTOR, "mentor")
        if mentor.organisation_id != org_id:
            raise Invalid("other_org", f"mentor {mentor.id} belongs to another organisation")
        if any(m.id == mentor.id for m in the_mentors):
            raise Invalid("duplicate_mentor", f"mentor {mentor.id} is given twice")
        the_mentors.append(mentor)

    open_match = await session.execute(
        select(Match.id).where(Match.family_id == the_family.id, Match.status.in_(OPEN_STATUSES))
    )
    found = open_match.scalar_one_or_none()
    if found is not None:
        raise Invalid(
            "already_matched",
            f"family {the_family.id} already has an active match ({found}): close it first",
        )

    organisation = await session.get(Organisation, org_id)
    assert organisation is not None
    match = Match(
        organisation_id=org_id,
        family_id=the_family.id,
        worker_id=the_worker.id,
        status=MatchStatus.ACTIVE,
        stage=MatchStage.ACTIVE,
        started_on=started_on or now.astimezone(ZoneInfo(organisation.timezone)).date(),
        first_meeting_outcome=FirstMeetingOutcome.AGREED,
        created_at=now,
    )
    match.initiated_on = match.started_on
    session.add(match)
    await session.flush()
    for mentor in the_mentors:
        session.add(MatchMentor(match_id=match.id, mentor_id=mentor.id))
    await session.flush()
    audit.record(
        session,
        now,
        "match.created",
        actor_id=None,
        organisation_id=org_id,
        target=("match", match.id),
        family_id=the_family.id,
        mentor_ids=[m.id for m in the_mentors],
        worker_id=the_worker.id,
    )
    return MatchInfo(
        match.id,
        org_id,
        the_family.id,
        the_family.name,
        [m.id for m in the_mentors],
        the_worker.id,
        match.status.value,
        match.started_on,
        None,
        None,
    )


async def close_match(
    session: AsyncSession, now: datetime, match_id: str | int, reason: str, note: str | None = None
) -> MatchInfo:
    """Close a match with one of the fixed reasons (`storage.match_life.ClosureReason`),
    carrying out every closure step (`bot.services.match_cycle.close_match`)."""
    from bot.services import match_cycle

    text = str(match_id).strip().lstrip("#")
    match = await session.get(Match, int(text)) if text.isdigit() and int(text) < 2**31 else None
    if match is None:
        raise NotFound(f"unknown match {str(match_id)!r}")
    code = (reason or "").strip().lower().replace("-", "_")
    choices = [r.value for r in match_cycle.CHOOSABLE]
    if code not in choices:
        raise Invalid("reason", f"unknown closure reason {reason!r} (one of {', '.join(choices)})")
    await match_cycle.close_match(session, now, None, match.id, ClosureReason(code), note)
    return (await _match_infos(session, [match]))[0]


async def _match_infos(session: AsyncSession, matches: list[Match]) -> list[MatchInfo]:
    if not matches:
        return []
    ids = [m.id for m in matches]
    mentors: dict[int, list[int]] = {i: [] for i in ids}
    rows = await session.execute(
        select(MatchMentor.match_id, MatchMentor.mentor_id)
        .where(MatchMentor.match_id.in_(ids))
        .order_by(MatchMentor.mentor_id)
    )
    for match_id, mentor_id in rows.all():
        mentors[match_id].append(mentor_id)
    family_rows = await session.execute(
        select(Family.id, Family.name).where(Family.id.in_({m.family_id for m in matches}))
    )
    names = {family_id: name for family_id, name in family_rows.all()}
    return [
        MatchInfo(
            m.id,
            m.organisation_id,
            m.family_id,
            names.get(m.family_id, ""),
            mentors[m.id],
            m.worker_id,
            m.status.value,
            m.started_on,
            m.closed_at,
            m.closure_reason,
            m.stage.value,
            m.closure_code.value if m.closure_code else None,
        )
        for m in matches
    ]


async def list_matches(
    session: AsyncSession, org: str | int | None = None, status: str | None = None
) -> list[MatchInfo]:
    query = select(Match).order_by(Match.id)
    if org is not None:
        query = query.where(Match.organisation_id == (await find_org(session, org)).id)
    if status is not None:
        try:
            query = query.where(Match.status == MatchStatus(status))
        except ValueError:
            raise Invalid("status", f"unknown match status {status!r}") from None
    return await _match_infos(session, list((await session.execute(query)).scalars()))
