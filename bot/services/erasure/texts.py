"""The free texts an erasure clears, one step per table: the rows stay (ids, codes, dates and
counts), their texts go; only what is still there is counted. Records of the family's matches
go while nobody else of the family remains; the person's own texts always go."""

from __future__ import annotations

from sqlalchemy import or_

from bot.services.erasure.rules import Scope, commented
from storage.models import (
    Appointment,
    CheckIn,
    Concern,
    ConcernEvent,
    HelpMessage,
    HelpRequest,
    Match,
    Meeting,
    ProgressReport,
)


async def meeting_notes(s: Scope) -> None:
    found = await s.rows(Meeting, or_(s.in_sole(Meeting.match_id), Meeting.mentor_id == s.pid))
    meetings = [m for m in found if m.notes is not None]
    s.count("meeting notes", len(meetings))

    def clear() -> None:
        for meeting in meetings:
            meeting.notes = None

    s.edit(clear)


async def check_in_notes(s: Scope) -> None:
    found = await s.rows(CheckIn, or_(s.in_sole(CheckIn.match_id), CheckIn.person_id == s.pid))
    check_ins = [c for c in found if c.note is not None]
    s.count("check-in notes", len(check_ins))

    def clear() -> None:
        for check_in in check_ins:
            check_in.note = None

    s.edit(clear)


async def appointment_texts(s: Scope) -> None:
    found = await s.rows(
        Appointment,
        or_(s.in_sole(Appointment.match_id), Appointment.created_by_id == s.pid),
    )
    s.appointment_ids = [a.id for a in found]
    appointments = [a for a in found if a.place or a.note is not None]
    s.count("appointment places and notes", len(appointments))

    def clear() -> None:
        for appointment in appointments:
            appointment.place, appointment.note = "", None

    s.edit(clear)


async def report_comments(s: Scope) -> None:
    found = await s.rows(
        ProgressReport,
        or_(s.in_sole(ProgressReport.match_id), ProgressReport.mentor_id == s.pid),
    )
    s.report_ids = [r.id for r in found]
    reports = [r for r in found if r.comment is not None or commented(r.domains)]
    s.count("progress report comments", len(reports))

    def clear() -> None:
        for report in reports:
            report.comment = None
            report.domains = {
                key: {k: v for k, v in value.items() if k != "comment"}
                if isinstance(value, dict)
                else value
                for key, value in (report.domains or {}).items()
            }

    s.edit(clear)


async def help_messages(s: Scope) -> None:
    s.help_requests = [
        r.id
        for r in await s.rows(
            HelpRequest, or_(s.in_sole(HelpRequest.match_id), HelpRequest.requester_id == s.pid)
        )
    ]
    found = await s.rows(
        HelpMessage,
        or_(HelpMessage.help_request_id.in_(s.help_requests), HelpMessage.author_id == s.pid),
    )
    messages = [m for m in found if m.text]
    s.count("help messages", len(messages))

    def clear() -> None:
        for message in messages:
            message.text = ""

    s.edit(clear)


async def concern_texts(s: Scope) -> None:
    """Concerns about them (of the family's matches, or raised by them) lose their texts; a
    concern they resolved loses their resolution note."""
    found = await s.rows(
        Concern,
        or_(
            s.in_sole(Concern.match_id),
            Concern.raised_by_id == s.pid,
            Concern.resolved_by_id == s.pid,
        ),
    )
    about = {c.id for c in found if c.match_id in s.sole_matches or c.raised_by_id == s.pid}
    s.concerns_about = about
    concerns = [
        c
        for c in found
        if (c.id in about and (c.description or c.resolution_note is not None))
        or (c.resolved_by_id == s.pid and c.resolution_note is not None)
    ]
    s.count("concern descriptions and notes", len(concerns))

    def clear() -> None:
        for concern in concerns:
            if concern.id in about:
                concern.description = ""
            concern.resolution_note = None

    s.edit(clear)


async def concern_replies(s: Scope) -> None:
    found = await s.rows(
        ConcernEvent,
        or_(ConcernEvent.concern_id.in_(s.concern_ids), ConcernEvent.actor_id == s.pid),
    )
    events = [e for e in found if "text" in (e.detail or {})]
    s.count("concern replies", len(events))

    def clear() -> None:
        for event in events:
            event.detail = {k: v for k, v in event.detail.items() if k != "text"}

    s.edit(clear)


async def closure_reasons(s: Scope) -> None:
    closures = [m for m in await s.rows(Match, s.in_sole(Match.id)) if m.closure_reason]
    s.count("match closure reasons", len(closures))

    def clear() -> None:
        for match in closures:
            match.closure_reason = None

    s.edit(clear)
