"""Concerns: raising one (a mentor's concern, a mentee's problem)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import events, people
from bot.services.concerns.history import record_event, record_notified, record_skipped
from bot.services.concerns.jobs import give_up
from bot.services.concerns.queries import (
    check_match,
    load_levels,
    raisable_matches,
)
from bot.services.concerns.rules import DESCRIPTION_MAX, Raised, unique
from bot.services.errors import Invalid, NotAllowed
from bot.services.escalation import (
    Level,
    Reason,
    deadline,
    first_level,
    levels_notified_at_once,
    mentee_severity,
)
from bot.services.help import clean_text
from domain.events import ConcernRaised
from storage.models import (
    Concern,
    ConcernCategory,
    ConcernStatus,
    Match,
    Person,
    Role,
    Severity,
)


async def raise_concern(
    session: AsyncSession,
    now: datetime,
    reporter: Person,
    match_id: int,
    category: ConcernCategory | str,
    description: str,
    severity: Severity | str | None = None,
) -> Raised:
    """A mentor (or a mentee of the family) raises a concern on a match. Mentors grade its
    severity; a mentee's is decided here. The referring worker gets the card (an emergency also
    goes to the coordinators at once); a level with nobody reachable is skipped at once."""
    try:
        category = ConcernCategory(category)
        if reporter.role == Role.MENTEE:
            severity = mentee_severity(category)
        elif severity is None:
            raise Invalid("severity_missing")
        else:
            severity = Severity(severity)
    except ValueError as exc:
        raise Invalid("bad_choice") from exc
    await check_match(session, reporter, match_id)
    description = clean_text(description, DESCRIPTION_MAX)
    match = await session.get(Match, match_id)
    assert match is not None
    org = await people.organisation_of(session, reporter)
    concern = Concern(
        organisation_id=match.organisation_id,
        match_id=match.id,
        raised_by_id=reporter.id,
        category=category,
        severity=severity,
        description=description,
        language=people.locale_of(reporter, org),
        status=ConcernStatus.OPEN,
        assigned_worker_id=match.worker_id,
        level=Level.WORKER,
        raised_at=now,
        ack_deadline_at=deadline(now, org.ack_deadlines_minutes, severity),
    )
    session.add(concern)
    await session.flush()
    record_event(
        session, now, concern, "raised", actor_id=reporter.id,
        category=category.value, severity=severity.value, match_id=match.id,
    )  # fmt: skip
    levels = await load_levels(session, concern)
    step = first_level(levels.reachable)
    record_skipped(session, now, concern, step)
    if step.level is None:
        events.record(session, now, ConcernRaised(concern.id, notified=()))
        await give_up(session, now, concern, reason=Reason.UNREACHABLE, tell_reporter=False)
        reached, alerted, worker_reached = False, False, False
    else:
        concern.level = step.level
        recipients = levels.at(step.level)
        if step.level == Level.WORKER:
            for extra in levels_notified_at_once(severity):
                recipients += levels.at(extra)
        sent = record_notified(session, now, concern, unique(recipients), level=step.level)
        reached = bool(sent)
        alerted = any(p.role == Role.COORDINATOR and p.id in sent for p in recipients)
        worker_reached = concern.assigned_worker_id in sent
        events.record(session, now, ConcernRaised(concern.id, notified=sent))
    return Raised(
        concern_id=concern.id,
        severity=severity,
        status=concern.status,
        deadline=concern.ack_deadline_at,
        emergency_phone=org.emergency_phone,
        office_phone=org.office_phone,
        reached=reached,
        worker_name=levels.people[Level.WORKER][0].name if levels.people[Level.WORKER] else "",
        worker_reached=worker_reached,
        coordinators_alerted=alerted,
    )


async def raise_problem(
    session: AsyncSession,
    now: datetime,
    mentee: Person,
    category: ConcernCategory | str,
    description: str,
) -> Raised:
    """A mentee's "I have a problem": on their family's current match, severity decided here."""
    if mentee.role != Role.MENTEE:
        raise NotAllowed("mentees only")
    matches = await raisable_matches(session, mentee)
    if not matches:
        raise Invalid("no_match")
    return await raise_concern(session, now, mentee, matches[0].id, category, description)
