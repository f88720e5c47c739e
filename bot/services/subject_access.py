"""Subject access (GDPR Art. 15): a person's own data, for `/mydata`, and the full record
about them, for staff to release after review (`mentorbot person export`).

What a person gets by themselves leaves out what others wrote about them, the meeting notes,
how the mentee seemed, progress reports, and concerns raised by anyone else: on a shared phone
these could endanger the person who wrote them (Art. 15(4)). What they wrote themselves, and
what the programme sent them, is theirs. The staff's export has everything, to be reviewed
before it is released.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
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


@dataclass(frozen=True)
class _Whose:
    """Whose data a section collects: the person, their matches, and whether everything
    about them (staff's view) or only what is theirs."""

    session: AsyncSession
    person: Person
    match_ids: list[int]
    full: bool
    cache: dict[str, Any] = field(default_factory=dict)


async def collect(session: AsyncSession, person: Actor, *, full: bool = False) -> dict[str, Any]:
    """The person's data as plain values (JSON-ready). `full`: everything about them too."""
    person = await actors.row(session, person)
    family = await session.get(Family, person.family_id) if person.family_id else None
    matches = await _matches(session, person)
    data: dict[str, Any] = {
        "person": _person(person, family),
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
    whose = _Whose(session, person, [m.id for m in matches], full)
    for name, section in SECTIONS:
        found = await section(whose)
        if found is not None:
            data[name] = found
    return data


def _person(person: Person, family: Family | None) -> dict[str, Any]:
    return {
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
    }


async def _meetings(w: _Whose) -> list[dict[str, Any]]:
    own_meetings = Meeting.mentor_id == w.person.id
    shown = (
        or_(own_meetings, Meeting.match_id.in_(w.match_ids))
        if w.person.role is Role.MENTEE
        else own_meetings
    )
    rows = await w.session.execute(select(Meeting).where(shown).order_by(Meeting.occurred_on))
    return [
        {
            "match": m.match_id,
            "day": _when(m.occurred_on),
            "minutes": m.duration_minutes,
            "activities": list(m.activities or []),
            # Notes and mood are the mentor's words about the mentee: theirs to see, or staff's.
            **({"mood": m.mood, "notes": m.notes} if w.full or m.mentor_id == w.person.id else {}),
        }
        for m in rows.scalars()
    ]


async def _check_ins(w: _Whose) -> list[dict[str, Any]]:
    """Staff check-ins with the person, or made by them (staff); the note is the staff's."""
    person = w.person
    rows = await w.session.execute(
        select(CheckIn)
        .where(or_(CheckIn.person_id == person.id, CheckIn.staff_id == person.id))
        .order_by(CheckIn.occurred_on, CheckIn.id)
    )
    return [
        {
            "match": c.match_id,
            "party": c.party.value,
            "how": c.how.value,
            "day": _when(c.occurred_on),
            **({"note": c.note} if w.full or c.staff_id == person.id else {}),
        }
        for c in rows.scalars()
    ]


async def _appointments(w: _Whose) -> list[dict[str, Any]]:
    answered = await w.session.execute(
        select(AppointmentAnswer).where(AppointmentAnswer.person_id == w.person.id)
    )
    answers = {a.appointment_id: a.answer.value for a in answered.scalars()}
    rows = await w.session.execute(
        select(Appointment)
        .where(Appointment.match_id.in_(w.match_ids))
        .order_by(Appointment.starts_at)
    )
    return [
        {
            "match": a.match_id,
            "starts_at": _when(a.starts_at),
            "minutes": a.duration_minutes,
            "place": a.place,
            "note": a.note,
            "status": a.status.value,
            "your_answer": answers.get(a.id),
        }
        for a in rows.scalars()
    ]


async def _help_requests(w: _Whose) -> list[dict[str, Any]]:
    person = w.person
    mine = HelpRequest.requester_id == person.id
    where = or_(mine, HelpRequest.match_id.in_(w.match_ids)) if w.full else mine
    requests = list(
        (await w.session.execute(select(HelpRequest).where(where).order_by(HelpRequest.id)))
        .scalars()
        .all()
    )
    messages: dict[int, list[HelpMessage]] = {}
    rows = await w.session.execute(
        select(HelpMessage)
        .where(HelpMessage.help_request_id.in_([r.id for r in requests]))
        .order_by(HelpMessage.id)
    )
    for message in rows.scalars():
        messages.setdefault(message.help_request_id, []).append(message)
    return [
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


async def _concern_rows(w: _Whose) -> list[Concern]:
    """The concerns the person raised (and, `full`, those about their matches), once per
    export: read by the concerns and, for staff, their replies."""
    cached = w.cache.get("concerns")
    if cached is None:
        raised = Concern.raised_by_id == w.person.id
        where = or_(raised, Concern.match_id.in_(w.match_ids)) if w.full else raised
        rows = await w.session.execute(select(Concern).where(where).order_by(Concern.id))
        cached = w.cache["concerns"] = list(rows.scalars())
    return cached


async def _concerns(w: _Whose) -> list[dict[str, Any]]:
    return [
        {
            "raised_by": "you" if c.raised_by_id == w.person.id else c.raised_by_id,
            "category": c.category.value,
            "severity": c.severity.value,
            "status": c.status.value,
            "raised_at": _when(c.raised_at),
            "description": c.description,
            **({"resolution_note": c.resolution_note} if w.full else {}),
        }
        for c in await _concern_rows(w)
    ]


async def _concern_replies(w: _Whose) -> list[dict[str, Any]] | None:
    if not w.full:
        return None
    concern_ids = [c.id for c in await _concern_rows(w)]
    rows = await w.session.execute(
        select(ConcernEvent)
        .where(ConcernEvent.concern_id.in_(concern_ids))
        .order_by(ConcernEvent.id)
    )
    return [
        {
            "concern": e.concern_id,
            "kind": e.kind,
            "at": _when(e.created_at),
            "text": e.detail["text"],
        }
        for e in rows.scalars()
        if "text" in (e.detail or {})
    ]


async def _progress_reports(w: _Whose) -> list[dict[str, Any]]:
    reports = ProgressReport.mentor_id == w.person.id
    where = or_(reports, ProgressReport.match_id.in_(w.match_ids)) if w.full else reports
    rows = await w.session.execute(select(ProgressReport).where(where).order_by(ProgressReport.id))
    return [
        {
            "match": r.match_id,
            "at": _when(r.created_at),
            "relationship": r.relationship,
            "needs_support": r.needs_support,
            "domains": r.domains,
            "comment": r.comment,
        }
        for r in rows.scalars()
    ]


# The export's sections after the person and their matches, in the order they are written
# (a section that returns None is left out: the concern replies, for the person's own view).
SECTIONS: tuple[tuple[str, Callable[[_Whose], Awaitable[list[dict[str, Any]] | None]]], ...] = (
    ("meetings", _meetings),
    ("check_ins", _check_ins),
    ("appointments", _appointments),
    ("help_requests", _help_requests),
    ("concerns", _concerns),
    ("concern_replies", _concern_replies),
    ("progress_reports", _progress_reports),
)
