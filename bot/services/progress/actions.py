"""Sending a report: stored, the match's pending requests fulfilled, audited, and recorded as
`ReportSubmitted`: the referring worker reads it, and a co-mentor's prompt says who sent it
(`bot.notifications.progress`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import actors, audit, events, outbox
from bot.services.meetings import mentor_match
from bot.services.progress.rules import ReportEntry, validate
from domain.events import ReportSubmitted
from domain.values import Actor
from storage.models import JobStatus, Person, ProgressReport, ReportRequest

# --- reports --------------------------------------------------------------------------------


async def submit(
    session: AsyncSession, now: datetime, mentor: Actor, entry: ReportEntry
) -> ProgressReport:
    """Store a report on one of the mentor's active matches, fulfil the match's pending
    requests, and record it for the referring worker (and the co-mentors it answered for)."""
    mentor = await actors.row(session, mentor)
    match = await mentor_match(session, mentor, entry.match_id)
    domains = validate(entry)
    report = ProgressReport(
        match_id=match.id,
        mentor_id=mentor.id,
        domains=domains,
        relationship=entry.relationship,
        needs_support=entry.needs_support,
        comment=None,
        created_at=now,
    )
    session.add(report)
    await session.flush()
    pending = await session.execute(
        select(ReportRequest).where(
            ReportRequest.match_id == match.id, ReportRequest.status == JobStatus.PENDING
        )
    )
    teammates: list[int] = []
    for request in pending.scalars():
        request.status = JobStatus.DONE
        request.report_id = report.id
        request.remind_at = None
        if request.mentor_id != mentor.id:
            teammates.append(request.id)
    worker = await session.get(Person, match.worker_id)
    told = worker.id if worker is not None and outbox.deliverable(worker) else None
    events.record(
        session, now, ReportSubmitted(report.id, match.id, mentor.id, told, tuple(teammates))
    )
    audit.record(
        session,
        now,
        "report.submitted",
        actor_id=mentor.id,
        organisation_id=mentor.organisation_id,
        target=("progress_report", report.id),
        match_id=match.id,
        needs_support=entry.needs_support,
    )
    return report
