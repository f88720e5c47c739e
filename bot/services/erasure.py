"""Erasing a person (GDPR Art. 17), as RapidPro's `Contact.release()` does: their name,
phone, e-mail and Telegram id, the free texts they wrote, and the records about them go; the
rows stay, holding ids, codes, dates and counts, so that statistics still add up and the
audit log keeps its events, pseudonymised (the person is now "#id").

Records *about* a mentee are those of their family's matches while nobody else of the family
remains (a family of one, or its last member): meeting notes, appointments' places and notes,
progress reports' comments, help threads and concerns of those matches, the match's closure
reason and the family's name. While another member remains, those shared records stay; the
erased member's own texts (what they wrote) still go. Rows of the update inbox from them, of
the outbox to them, from them or about an erased record, their drafts and invitations are
deleted. Messages the bot sent them in the last 48 hours are returned, to be deleted in
Telegram after the commit (older ones Telegram no longer deletes: they stay on the device).

Idempotent: erasing an erased person again changes nothing and records nothing new.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import audit
from bot.services.errors import NotAllowed, NotFound
from domain.values import Actor
from storage.models import (
    Appointment,
    CheckIn,
    Concern,
    ConcernEvent,
    Draft,
    Family,
    FamilyProfile,
    HelpMessage,
    HelpRequest,
    InboxUpdate,
    Invite,
    JobStatus,
    Match,
    MatchFeedback,
    MatchRequest,
    Meeting,
    MentorProfile,
    OutboxMessage,
    OutboxStatus,
    Person,
    ProgressReport,
    Reminder,
    Role,
)

T = TypeVar("T")
DELETE_WINDOW = timedelta(hours=48)  # Telegram deletes a bot's messages up to 48 h old
ERASED_REASON = "erased"


@dataclass
class Erasure:
    """What an erasure removed (or, in a dry run, would remove): counts by kind, never the
    values themselves."""

    person_id: int
    name: str  # as it was before (for the staff's confirmation; never logged)
    role: str
    dry_run: bool
    already_erased: bool
    counts: dict[str, int] = field(default_factory=dict)
    # The person's Telegram chat and the messages to delete there (sent within 48 hours).
    chat_id: int | None = None
    locale: str | None = None
    messages: list[int] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def pseudonym(person_id: int) -> str:
    return f"#{person_id}"


async def erase_as(
    session: AsyncSession, now: datetime, actor: Actor, person_id: int, *, dry_run: bool = False
) -> Erasure:
    """A coordinator erasing someone of their organisation (an admin: anyone of theirs)."""
    if actor.role not in (Role.COORDINATOR, Role.ADMIN):
        raise NotAllowed("only coordinators erase people")
    person = await session.get(Person, person_id)
    if person is None or person.organisation_id != actor.organisation_id:
        raise NotFound(f"no person {person_id}")
    if person.id == actor.id:
        raise NotAllowed("no one erases themselves through the bot")
    return await erase(session, now, person_id, actor_id=actor.id, dry_run=dry_run)


async def erase(
    session: AsyncSession,
    now: datetime,
    person_id: int,
    *,
    actor_id: int | None,
    dry_run: bool = False,
) -> Erasure:
    person = await session.get(Person, person_id, with_for_update=not dry_run)
    if person is None:
        raise NotFound(f"no person {person_id}")
    result = Erasure(
        person_id=person.id,
        name=person.name,
        role=person.role.value,
        dry_run=dry_run,
        already_erased=person.erased_at is not None,
        chat_id=person.telegram_id,
        locale=person.locale or person.telegram_language,
    )
    counts = result.counts
    pid = person.id

    def count(kind: str, n: int) -> None:
        if n:
            counts[kind] = counts.get(kind, 0) + n

    # The family's matches are records about this mentee while nobody else remains.
    sole_matches: list[int] = []
    lone_family: Family | None = None
    if person.role is Role.MENTEE and person.family_id is not None:
        others = (
            await session.execute(
                select(Person.id).where(
                    Person.family_id == person.family_id,
                    Person.id != pid,
                    Person.erased_at.is_(None),
                )
            )
        ).first()
        if others is None:
            lone_family = await session.get(Family, person.family_id)
            sole_matches = list(
                (
                    await session.execute(
                        select(Match.id).where(Match.family_id == person.family_id)
                    )
                ).scalars()
            )

    def in_sole(column: Any) -> Any:
        return column.in_(sole_matches)

    # -- free texts (rows kept, texts gone; only what is still there is counted) -------------
    meetings = [
        m
        for m in await _rows(
            session, Meeting, or_(in_sole(Meeting.match_id), Meeting.mentor_id == pid)
        )
        if m.notes is not None
    ]
    count("meeting notes", len(meetings))
    check_ins = [
        c
        for c in await _rows(
            session, CheckIn, or_(in_sole(CheckIn.match_id), CheckIn.person_id == pid)
        )
        if c.note is not None
    ]
    count("check-in notes", len(check_ins))
    appointments_all = await _rows(
        session,
        Appointment,
        or_(in_sole(Appointment.match_id), Appointment.created_by_id == pid),
    )
    appointments = [a for a in appointments_all if a.place or a.note is not None]
    count("appointment places and notes", len(appointments))
    reports_all = await _rows(
        session,
        ProgressReport,
        or_(in_sole(ProgressReport.match_id), ProgressReport.mentor_id == pid),
    )
    reports = [r for r in reports_all if r.comment is not None or _commented(r.domains)]
    count("progress report comments", len(reports))
    requests = [
        r.id
        for r in await _rows(
            session,
            HelpRequest,
            or_(in_sole(HelpRequest.match_id), HelpRequest.requester_id == pid),
        )
    ]
    help_messages = [
        m
        for m in await _rows(
            session,
            HelpMessage,
            or_(HelpMessage.help_request_id.in_(requests), HelpMessage.author_id == pid),
        )
        if m.text
    ]
    count("help messages", len(help_messages))
    concerns_all = await _rows(
        session,
        Concern,
        or_(
            in_sole(Concern.match_id),
            Concern.raised_by_id == pid,
            Concern.resolved_by_id == pid,
        ),
    )
    about = {c.id for c in concerns_all if c.match_id in sole_matches or c.raised_by_id == pid}
    concerns = [
        c
        for c in concerns_all
        if (c.id in about and (c.description or c.resolution_note is not None))
        or (c.resolved_by_id == pid and c.resolution_note is not None)
    ]
    concern_ids = sorted(about)
    count("concern descriptions and notes", len(concerns))
    events = [
        e
        for e in await _rows(
            session,
            ConcernEvent,
            or_(ConcernEvent.concern_id.in_(concern_ids), ConcernEvent.actor_id == pid),
        )
        if "text" in (e.detail or {})
    ]
    count("concern replies", len(events))
    closures = [m for m in await _rows(session, Match, in_sole(Match.id)) if m.closure_reason]
    count("match closure reasons", len(closures))
    appointment_ids = [a.id for a in appointments_all]
    report_ids = [r.id for r in reports_all]

    # -- rows to delete ----------------------------------------------------------------------
    refs = [
        ("concern", concern_ids),
        ("concern_note", concern_ids),
        ("help_request", requests),
        ("appointment", appointment_ids),
        ("progress_report", report_ids),
        ("match", sole_matches),
        ("person", [pid]),
    ]
    refers = [
        (OutboxMessage.ref_type == kind) & OutboxMessage.ref_id.in_(ids)
        for kind, ids in refs
        if ids
    ]
    outbox = list(
        (
            await session.execute(
                select(OutboxMessage).where(
                    or_(
                        OutboxMessage.person_id == pid,
                        OutboxMessage.origin_person_id == pid,
                        *refers,
                    )
                )
            )
        ).scalars()
    )
    # Cards naming them, whatever they were about (within the organisation's outbox, which
    # retention keeps short).
    plain = [n for n in (person.name, person.phone, person.email) if n and not n.startswith("#")]
    names = sorted({*plain, *(html.escape(n) for n in plain)})  # texts are HTML
    if names:
        known = {m.id for m in outbox}
        for message in (
            await session.execute(
                select(OutboxMessage)
                .join(Person, Person.id == OutboxMessage.person_id)
                .where(Person.organisation_id == person.organisation_id)
            )
        ).scalars():
            if message.id not in known and any(n in (message.text or "") for n in names):
                outbox.append(message)
    outbox_ids = {m.id for m in outbox}
    # Edits of a deleted message go with it.
    while True:
        edits = set(
            (
                await session.execute(
                    select(OutboxMessage.id).where(
                        OutboxMessage.edit_of_id.in_(outbox_ids),
                        OutboxMessage.id.not_in(outbox_ids),
                    )
                )
            ).scalars()
        )
        if not edits:
            break
        outbox_ids |= edits
    count("outbox messages", len(outbox_ids))
    since = now - DELETE_WINDOW
    result.messages = sorted(
        {
            int(m.telegram_message_id)
            for m in outbox
            if m.person_id == pid
            and m.telegram_message_id is not None
            and m.status == OutboxStatus.SENT
            and m.sent_at is not None
            and m.sent_at >= since
        }
    )
    inbox = (
        await _ids(session, InboxUpdate.update_id, InboxUpdate.chat_id == person.telegram_id)
        if person.telegram_id
        else []
    )
    count("inbox updates", len(inbox))
    drafts = (
        await _ids(session, Draft.telegram_id, Draft.telegram_id == person.telegram_id)
        if person.telegram_id
        else []
    )
    count("drafts", len(drafts))
    invites = await _ids(session, Invite.id, Invite.person_id == pid)
    count("invitations", len(invites))
    reminders = await _ids(
        session, Reminder.id, Reminder.person_id == pid, Reminder.status == JobStatus.PENDING
    )
    count("pending reminders", len(reminders))
    details = [
        value
        for value in (person.name, person.phone, person.email, person.telegram_id)
        if value is not None and value != pseudonym(pid)
    ]
    count("personal details", len(details))
    if lone_family is not None and lone_family.name != pseudonym(lone_family.id):
        count("family name", 1)
    # Matching and the life of a match (docs/match-life.md): their profile and their answers
    # go; a family's profile and the notes of its requests go with its last member.
    profiles = await _ids(session, MentorProfile.person_id, MentorProfile.person_id == pid)
    count("matching profile", len(profiles))
    feedback = await _ids(session, MatchFeedback.id, MatchFeedback.person_id == pid)
    count("evaluation and exit answers", len(feedback))
    family_profiles: list[Any] = []
    request_notes: list[MatchRequest] = []
    if lone_family is not None:
        family_profiles = await _ids(
            session, FamilyProfile.family_id, FamilyProfile.family_id == lone_family.id
        )
        request_notes = [
            r
            for r in await _rows(session, MatchRequest, MatchRequest.family_id == lone_family.id)
            if r.note
        ]
    count("family matching profile", len(family_profiles))
    count("request notes", len(request_notes))

    if dry_run or (result.already_erased and not counts):
        return result

    # -- apply -----------------------------------------------------------------------------
    for meeting in meetings:
        meeting.notes = None
    for check_in in check_ins:
        check_in.note = None
    for appointment in appointments:
        appointment.place, appointment.note = "", None
    for report in reports:
        report.comment = None
        report.domains = {
            key: {k: v for k, v in value.items() if k != "comment"}
            if isinstance(value, dict)
            else value
            for key, value in (report.domains or {}).items()
        }
    for help_message in help_messages:
        help_message.text = ""
    for concern in concerns:
        if concern.id in about:
            concern.description = ""
        concern.resolution_note = None
    for event in events:
        event.detail = {k: v for k, v in event.detail.items() if k != "text"}
    for match in closures:
        match.closure_reason = None
    if outbox_ids:
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.edit_of_id.in_(outbox_ids))
            .values(edit_of_id=None)
        )
        await session.execute(delete(OutboxMessage).where(OutboxMessage.id.in_(outbox_ids)))
    if inbox:
        await session.execute(delete(InboxUpdate).where(InboxUpdate.update_id.in_(inbox)))
    if drafts:
        await session.execute(delete(Draft).where(Draft.telegram_id.in_(drafts)))
    if invites:
        await session.execute(delete(Invite).where(Invite.id.in_(invites)))
    if reminders:
        await session.execute(
            update(Reminder)
            .where(Reminder.id.in_(reminders))
            .values(status=JobStatus.CANCELLED, reason=ERASED_REASON, done_at=now)
        )
    if profiles:
        await session.execute(delete(MentorProfile).where(MentorProfile.person_id.in_(profiles)))
    if feedback:
        await session.execute(delete(MatchFeedback).where(MatchFeedback.id.in_(feedback)))
    if family_profiles:
        await session.execute(
            delete(FamilyProfile).where(FamilyProfile.family_id.in_(family_profiles))
        )
    for match_request in request_notes:
        match_request.note = None
    if lone_family is not None:
        lone_family.name = pseudonym(lone_family.id)
    person.name = pseudonym(pid)
    person.phone = None
    person.email = None
    person.telegram_id = None
    person.telegram_language = None
    person.address = None
    person.unreachable_reason = None
    person.share_phone = False
    person.share_email = False
    person.active = False
    person.erased_at = person.erased_at or now
    await session.flush()
    audit.record(
        session,
        now,
        "person.erased",
        actor_id=actor_id,
        organisation_id=person.organisation_id,
        target=("person", pid),
        counts=dict(counts),
        telegram_messages=len(result.messages),
    )
    return result


async def _ids(session: AsyncSession, column: Any, *conditions: Any) -> list[Any]:
    return list((await session.execute(select(column).where(*conditions))).scalars())


async def _rows(session: AsyncSession, model: type[T], *conditions: Any) -> list[T]:
    return list((await session.execute(select(model).where(*conditions))).scalars())


def _commented(domains: dict[str, Any] | None) -> bool:
    return any(isinstance(v, dict) and v.get("comment") for v in (domains or {}).values())


def chunks(ids: Iterable[int], size: int = 100) -> list[list[int]]:
    """Message ids in calls of at most `size` (deleteMessages takes 100 at most)."""
    found = list(ids)
    return [found[i : i + size] for i in range(0, len(found), size)]
