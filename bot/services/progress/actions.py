"""Sending a report: stored, the match's pending requests fulfilled (a co-mentor's prompt says
who sent it), and queued for the referring worker in the worker's language."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import N_, isolate
from bot.notifications.progress import render_for_worker
from bot.services import audit, outbox, people
from bot.services.meetings import mentor_match
from bot.services.progress.rules import ReportEntry, validate
from storage.models import Family, JobStatus, OutboxStatus, Person, ProgressReport, ReportRequest

# --- reports --------------------------------------------------------------------------------


async def submit(
    session: AsyncSession, now: datetime, mentor: Person, entry: ReportEntry
) -> ProgressReport:
    """Store a report on one of the mentor's active matches, fulfil the match's pending
    requests, and queue it for the referring worker in the worker's language."""
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
    family = await session.get(Family, match.family_id)
    for request in pending.scalars():
        request.status = JobStatus.DONE
        request.report_id = report.id
        request.remind_at = None
        if request.mentor_id != mentor.id:
            await _done_by_another(session, now, request, mentor, family.name if family else "")
    worker = await session.get(Person, match.worker_id)
    if worker is not None and worker.active:
        rd = await people.reader(session, worker)
        text = render_for_worker(
            rd.tr, rd.tz, report, family.name if family else "", mentor.name, match.id
        )
        outbox.enqueue(
            session,
            now,
            worker,
            "progress_report",
            text,
            buttons=[[(rd.tr.gettext("Open the match"), f"mt:{match.id}")]],
            ref=("progress_report", report.id),
            dedupe_key=f"progress_report:{report.id}",
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


DONE_BY_ANOTHER = N_(
    "%(mentor)s has sent the progress report on the %(family)s family. Nothing more to do."
)


async def _done_by_another(
    session: AsyncSession, now: datetime, request: ReportRequest, author: Person, family: str
) -> None:
    """A co-mentor's prompt for the report `author` sent: its button goes (the prompt and its
    reminder are edited to say who did it), and one not sent yet is withdrawn."""
    teammate = await session.get(Person, request.mentor_id)
    if teammate is None:
        return
    tr = (await people.reader(session, teammate)).tr
    text = tr.gettext(DONE_BY_ANOTHER) % {"mentor": isolate(author.name), "family": isolate(family)}
    for prompt in await outbox.sent_for(session, ("report_request", request.id), teammate.id):
        if prompt.status == OutboxStatus.QUEUED:
            prompt.status, prompt.last_error = OutboxStatus.CANCELLED, "report sent by another"
        elif prompt.status in (OutboxStatus.SENT, OutboxStatus.SENDING):
            outbox.enqueue(
                session, now, teammate, "report_done", text, edit_of=prompt,
                dedupe_key=f"report_done:{prompt.id}",
            )  # fmt: skip
