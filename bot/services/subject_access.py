"""Subject access (GDPR Art. 15): a person's own data, for `/mydata`, and the full record
about them, for staff to release after review (`mentorbot person export`).

What a person gets by themselves leaves out what others wrote about them, the meeting notes,
how the mentee seemed, progress reports, and concerns raised by anyone else: on a shared phone
these could endanger the person who wrote them (Art. 15(4)). What they wrote themselves, and
what the programme sent them, is theirs. The staff's export has everything, to be reviewed
before it is released.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import actors
from domain.values import Actor
from storage.models import (
    Appointment,
    AppointmentAnswer,
    CheckIn,
    Concern,
    ConcernEvent,
    Family,
    HelpMessage,
    HelpRequest,
    Match,
    MatchMentor,
    Meeting,
    Person,
    ProgressReport,
    Role,
)


def _when(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


async def _matches(session: AsyncSession, person: Person) -> list[Match]:
    if person.role is Role.MENTEE:
        if person.family_id is None:
            return []
        where: Any = Match.family_id == person.family_id
    elif person.role is Role.MENTOR:
        where = Match.id.in_(select(MatchMentor.match_id).where(MatchMentor.mentor_id == person.id))
    else:
        where = Match.worker_id == person.id
    return list((await session.execute(select(Match).where(where).order_by(Match.id))).scalars())


async def collect(session: AsyncSession, person: Actor, *, full: bool = False) -> dict[str, Any]:
    """The person's data as plain values (JSON-ready). `full`: everything about them too."""
    person = await actors.row(session, person)
    family = await session.get(Family, person.family_id) if person.family_id else None
    matches = await _matches(session, person)
    match_ids = [m.id for m in matches]
    data: dict[str, Any] = {
        "person": {
            "id": person.id,
            "role": person.role.value,
            "name": person.name,
            "family": family.name if family else None,
            "language": person.locale,
            "timezone": person.timezone,
            "phone": person.phone,
            "email": person.email,
            "share_phone": person.share_phone,
            "share_email": person.share_email,
            "quiet_hours": f"{person.quiet_start}-{person.quiet_end}",
            "consent": person.consent.value,
            "consent_at": _when(person.consent_at),
            "created_at": _when(person.created_at),
        },
        "matches": [
            {
                "id": m.id,
                "status": m.status.value,
                "started_on": _when(m.started_on),
                "closed_at": _when(m.closed_at),
            }
            for m in matches
        ],
    }
    own_meetings = Meeting.mentor_id == person.id
    shown = (
        or_(own_meetings, Meeting.match_id.in_(match_ids))
        if person.role is Role.MENTEE
        else own_meetings
    )
    data["meetings"] = [
        {
            "match": m.match_id,
            "day": _when(m.occurred_on),
            "minutes": m.duration_minutes,
            "activities": list(m.activities or []),
            # Notes and mood are the mentor's words about the mentee: theirs to see, or staff's.
            **({"mood": m.mood, "notes": m.notes} if full or m.mentor_id == person.id else {}),
        }
        for m in (
            await session.execute(select(Meeting).where(shown).order_by(Meeting.occurred_on))
        ).scalars()
    ]
    # Staff check-ins with the person, or made by them (staff); the note is the staff's words.
    data["check_ins"] = [
        {
            "match": c.match_id,
            "party": c.party.value,
            "how": c.how.value,
            "day": _when(c.occurred_on),
            **({"note": c.note} if full or c.staff_id == person.id else {}),
        }
        for c in (
            await session.execute(
                select(CheckIn)
                .where(or_(CheckIn.person_id == person.id, CheckIn.staff_id == person.id))
                .order_by(CheckIn.occurred_on, CheckIn.id)
            )
        ).scalars()
    ]
    answers = {
        a.appointment_id: a.answer.value
        for a in (
            await session.execute(
                select(AppointmentAnswer).where(AppointmentAnswer.person_id == person.id)
            )
        ).scalars()
    }
    data["appointments"] = [
        {
            "match": a.match_id,
            "starts_at": _when(a.starts_at),
            "minutes": a.duration_minutes,
            "place": a.place,
            "note": a.note,
            "status": a.status.value,
            "your_answer": answers.get(a.id),
        }
        for a in (
            await session.execute(
                select(Appointment)
                .where(Appointment.match_id.in_(match_ids))
                .order_by(Appointment.starts_at)
            )
        ).scalars()
    ]
    requests = list(
        (
            await session.execute(
                select(HelpRequest)
                .where(
                    or_(HelpRequest.requester_id == person.id, HelpRequest.match_id.in_(match_ids))
                    if full
                    else HelpRequest.requester_id == person.id
                )
                .order_by(HelpRequest.id)
            )
        ).scalars()
    )
    messages: dict[int, list[HelpMessage]] = {}
    for message in (
        await session.execute(
            select(HelpMessage)
            .where(HelpMessage.help_request_id.in_([r.id for r in requests]))
            .order_by(HelpMessage.id)
        )
    ).scalars():
        messages.setdefault(message.help_request_id, []).append(message)
    data["help_requests"] = [
        {
            "kind": r.kind.value,
            "status": r.status.value,
            "created_at": _when(r.created_at),
            "messages": [
                {
                    "from": "you" if m.author_id == person.id else "staff",
                    "at": _when(m.created_at),
                    "text": m.text,
                }
                for m in messages.get(r.id, [])
            ],
        }
        for r in requests
    ]
    raised = Concern.raised_by_id == person.id
    concerns = list(
        (
            await session.execute(
                select(Concern)
                .where(or_(raised, Concern.match_id.in_(match_ids)) if full else raised)
                .order_by(Concern.id)
            )
        ).scalars()
    )
    data["concerns"] = [
        {
            "raised_by": "you" if c.raised_by_id == person.id else c.raised_by_id,
            "category": c.category.value,
            "severity": c.severity.value,
            "status": c.status.value,
            "raised_at": _when(c.raised_at),
            "description": c.description,
            **({"resolution_note": c.resolution_note} if full else {}),
        }
        for c in concerns
    ]
    if full:
        data["concern_replies"] = [
            {
                "concern": e.concern_id,
                "kind": e.kind,
                "at": _when(e.created_at),
                "text": e.detail["text"],
            }
            for e in (
                await session.execute(
                    select(ConcernEvent)
                    .where(ConcernEvent.concern_id.in_([c.id for c in concerns]))
                    .order_by(ConcernEvent.id)
                )
            ).scalars()
            if "text" in (e.detail or {})
        ]
    reports = ProgressReport.mentor_id == person.id
    data["progress_reports"] = [
        {
            "match": r.match_id,
            "at": _when(r.created_at),
            "relationship": r.relationship,
            "needs_support": r.needs_support,
            "domains": r.domains,
            "comment": r.comment,
        }
        for r in (
            await session.execute(
                select(ProgressReport)
                .where(or_(reports, ProgressReport.match_id.in_(match_ids)) if full else reports)
                .order_by(ProgressReport.id)
            )
        ).scalars()
    ]
    return data
