"""What the programme is waiting for: the mentor's pending requests, and a report a teammate
sent for the mentor's latest one."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.progress.rules import DoneByTeammate
from storage.models import Family, JobStatus, Match, Person, ProgressReport, ReportRequest


async def done_by_teammate(
    session: AsyncSession, mentor: Person, match_id: int
) -> DoneByTeammate | None:
    """The report another mentor of the team sent for the mentor's latest request on this
    match (None: the request is still open, or there is none, or the mentor sent it)."""
    request = (
        await session.execute(
            select(ReportRequest)
            .where(ReportRequest.match_id == match_id, ReportRequest.mentor_id == mentor.id)
            .order_by(ReportRequest.requested_at.desc(), ReportRequest.id.desc())
            .limit(1)
        )
    ).scalar_one_or_none()
    if request is None or request.status != JobStatus.DONE or request.report_id is None:
        return None
    report = await session.get(ProgressReport, request.report_id)
    if report is None or report.mentor_id == mentor.id:
        return None
    author = await session.get(Person, report.mentor_id)
    match = await session.get(Match, match_id)
    family = await session.get(Family, match.family_id) if match is not None else None
    return DoneByTeammate(
        author.name if author else "", family.name if family else "", report.created_at
    )


async def pending_for(session: AsyncSession, mentor: Person) -> list[int]:
    """Ids of the matches for which the programme is waiting for this mentor's report."""
    result = await session.execute(
        select(ReportRequest.match_id)
        .where(ReportRequest.mentor_id == mentor.id, ReportRequest.status == JobStatus.PENDING)
        .distinct()
    )
    return sorted(result.scalars())
