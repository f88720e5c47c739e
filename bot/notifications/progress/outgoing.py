"""What the progress report events send (`bot.notifications.bus`): the programme's request
and its reminder to a mentor, held back until their quiet hours end; a sent report to the
referring worker, with the match's button; and, on the prompts of the co-mentors it answered
for, who sent it. Each in its reader's language and timezone, queued in the outbox in the
transaction that recorded the event."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.notifications.progress.texts import (
    done_by_another,
    render_for_worker,
    request_buttons,
    request_text,
    worker_buttons,
)
from bot.services import outbox, people
from bot.services.progress import outside_quiet_hours
from domain.events import ReportsRequested, ReportSubmitted
from storage.models import (
    Family,
    Match,
    MatchMentor,
    Organisation,
    OutboxStatus,
    Person,
    ProgressReport,
    ReportRequest,
)


async def _person(session: AsyncSession, person_id: int) -> Person:
    person = await session.get(Person, person_id)
    assert person is not None
    return person


async def _family_name(session: AsyncSession, match: Match) -> str:
    family = await session.get(Family, match.family_id)
    return family.name if family else ""


async def on_requested(session: AsyncSession, now: datetime, event: ReportsRequested) -> None:
    """Each request of a report (or its one reminder) to its mentor, naming the match's other
    active mentors; everything read in two queries, whatever the batch size."""
    asked = (
        await session.execute(
            select(ReportRequest.id, ReportRequest.match_id, Person, Organisation, Family)
            .join(Person, Person.id == ReportRequest.mentor_id)
            .join(Organisation, Organisation.id == Person.organisation_id)
            .join(Match, Match.id == ReportRequest.match_id)
            .outerjoin(Family, Family.id == Match.family_id)
            .where(ReportRequest.id.in_(event.request_ids))
            .order_by(ReportRequest.id)
        )
    ).all()
    teams = await _teams(session, event.request_ids)
    for request_id, match_id, mentor, org, family in asked:
        rd = people.Reader(mentor, org)
        team = [name for person_id, name in teams[request_id] if person_id != mentor.id]
        outbox.enqueue(
            session,
            now,
            mentor,
            "report_reminder" if event.reminder else "report_request",
            request_text(rd.tr, family.name if family else "", team, event.reminder),
            buttons=request_buttons(rd.tr, match_id),
            ref=("report_request", request_id),
            dedupe_key=f"report_request:{request_id}:{int(event.reminder)}",
            not_before=outside_quiet_hours(now, rd.tz, mentor.quiet_start, mentor.quiet_end),
        )


async def _teams(
    session: AsyncSession, request_ids: tuple[int, ...]
) -> dict[int, list[tuple[int, str]]]:
    """The active mentors of each request's match (id and name, by id)."""
    found = await session.execute(
        select(ReportRequest.id, Person.id, Person.name)
        .join(MatchMentor, MatchMentor.match_id == ReportRequest.match_id)
        .join(Person, Person.id == MatchMentor.mentor_id)
        .where(ReportRequest.id.in_(request_ids), Person.active)
        .order_by(Person.id)
    )
    teams: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for request_id, person_id, name in found:
        teams[request_id].append((person_id, name))
    return teams


async def on_submitted(session: AsyncSession, now: datetime, event: ReportSubmitted) -> None:
    """The co-mentors' prompts say who sent the report (one not sent yet is withdrawn); the
    referring worker reads the report."""
    report = await session.get(ProgressReport, event.report_id)
    match = await session.get(Match, event.match_id)
    assert report is not None and match is not None
    author = await _person(session, event.author_id)
    family = await _family_name(session, match)
    for request_id in event.teammate_requests:
        await _done_by_another(session, now, request_id, author, family)
    if event.worker_id is not None:
        worker = await _person(session, event.worker_id)
        rd = await people.reader(session, worker)
        outbox.enqueue(
            session,
            now,
            worker,
            "progress_report",
            render_for_worker(rd.tr, rd.tz, report, family, author.name, match.id),
            buttons=worker_buttons(rd.tr, match.id),
            ref=("progress_report", report.id),
            dedupe_key=f"progress_report:{report.id}",
        )


async def _done_by_another(
    session: AsyncSession,
    now: datetime,
    request_id: int,
    author: Person,
    family: str,
) -> None:
    """A co-mentor's prompt for the report `author` sent: its button goes (the prompt and its
    reminder are edited to say who did it), and one not sent yet is withdrawn."""
    request = await session.get(ReportRequest, request_id)
    assert request is not None
    teammate = await session.get(Person, request.mentor_id)
    if teammate is None:
        return
    tr = (await people.reader(session, teammate)).tr
    text = done_by_another(tr, author.name, family)
    for prompt in await outbox.sent_for(session, ("report_request", request_id), teammate.id):
        if prompt.status == OutboxStatus.QUEUED:
            prompt.status, prompt.last_error = OutboxStatus.CANCELLED, "report sent by another"
        elif prompt.status in (OutboxStatus.SENT, OutboxStatus.SENDING):
            outbox.enqueue(
                session, now, teammate, "report_done", text, edit_of=prompt,
                dedupe_key=f"report_done:{prompt.id}",
            )  # fmt: skip
