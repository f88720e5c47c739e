"""The help actions: ask, answer, close. Each stores what happened and records it as a domain
event (`domain.events`) naming who must hear of it; what each of them reads is rendered and
queued by the notifications layer (`bot.notifications.help_notices`)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import audit, events, outbox, people
from bot.services.errors import Invalid, NotAllowed
from bot.services.help import queries as q
from bot.services.help.rules import MENTOR_KINDS, PRESETS, REF, authorise, clean_text
from bot.services.help.values import Closed, Sent
from domain import HelpKind, Role, ThreadStatus
from domain.events import HelpAnswered, HelpAsked, HelpClosed, HelpFollowedUp
from storage.models import HelpMessage, HelpRequest, Match, Person


async def ask(
    session: AsyncSession,
    now: datetime,
    requester: Person,
    kind: HelpKind,
    text: str | None = None,
    *,
    match_id: int | None = None,
    preset: str | None = None,
) -> Sent:
    """Store a new help request with its first message and queue the card for the worker.

    Mentors ask one of the mentor kinds about one of their active matches (`match_id`, which
    may be left out when they have exactly one). Mentees ask with `HelpKind.MENTEE`, about
    their family's active match, with typed `text` or a ready-made `preset`."""
    org = await people.organisation_of(session, requester)
    match = await _asked_about(session, requester, kind, match_id, preset)
    author_reader = await people.reader(session, requester)
    if preset is not None:
        if preset not in PRESETS:
            raise Invalid("preset")
        text = author_reader.tr.gettext(PRESETS[preset])
    text = clean_text(text or "")

    worker = await session.get(Person, match.worker_id)
    assert worker is not None
    hr = HelpRequest(
        organisation_id=org.id,
        match_id=match.id,
        requester_id=requester.id,
        worker_id=worker.id,
        kind=kind,
        status=ThreadStatus.OPEN,
        created_at=now,
        answer_due_at=now + timedelta(hours=org.help_target_hours),
    )
    session.add(hr)
    await session.flush()
    message = await add_message(session, hr, requester, text, author_reader.locale, now)

    staff = told(await q.staff_side(session, hr, org, exclude=None))
    queued = len(staff)
    events.record(session, now, HelpAsked(hr.id, message.id, staff, preset))
    audit.record(
        session,
        now,
        "help.asked",
        actor_id=requester.id,
        organisation_id=org.id,
        target=(REF, hr.id),
        kind=kind.value,
        match_id=match.id,
        message_id=message.id,
        preset=preset,
        recipients=queued,
    )
    return Sent(hr.id, message.id, queued, worker.name)


async def reply(
    session: AsyncSession, now: datetime, author: Person, request_id: int, text: str
) -> Sent:
    """Add a message to an open thread and queue it for the other side. Staff answering
    clears the request's answer deadline."""
    hr = await q.get(session, request_id, lock=True)
    as_staff = await authorise(session, author, hr)
    if hr.status != ThreadStatus.OPEN:
        raise Invalid("closed")
    text = clean_text(text)
    author_reader = await people.reader(session, author)
    message = await add_message(session, hr, author, text, author_reader.locale, now)
    first_answer = as_staff and hr.answer_due_at is not None
    if as_staff:
        hr.answer_due_at = None

    org = await people.organisation_of(session, author)
    requester = await session.get(Person, hr.requester_id)
    worker = await session.get(Person, hr.worker_id)
    assert requester is not None and worker is not None
    staff = told(await q.staff_side(session, hr, org, exclude=author.id, fallback=not as_staff))
    if as_staff:
        requester_told = outbox.deliverable(requester)
        queued = len(staff) + requester_told
        answered = HelpAnswered(hr.id, message.id, author.id, requester_told, staff)
        events.record(session, now, answered)
    else:
        queued = len(staff)
        events.record(session, now, HelpFollowedUp(hr.id, message.id, author.id, staff))
    audit.record(
        session,
        now,
        "help.answered" if as_staff else "help.followed_up",
        actor_id=author.id,
        organisation_id=hr.organisation_id,
        target=(REF, hr.id),
        message_id=message.id,
        first_answer=first_answer,
        recipients=queued,
    )
    return Sent(hr.id, message.id, queued, worker.name)


async def close(session: AsyncSession, now: datetime, person: Person, request_id: int) -> Closed:
    """Close a thread; everyone else in it is told. Closing a closed thread changes nothing."""
    hr = await q.get(session, request_id, lock=True)
    await authorise(session, person, hr)
    if hr.status == ThreadStatus.CLOSED:
        return Closed(hr.id, already=True, told=0)
    hr.status, hr.closed_at, hr.closed_by_id = ThreadStatus.CLOSED, now, person.id
    hr.answer_due_at = None

    org = await people.organisation_of(session, person)
    requester = await session.get(Person, hr.requester_id)
    assert requester is not None
    others: list[Person] = []
    if requester.id != person.id:
        others.append(requester)
    others.extend(await q.staff_side(session, hr, org, exclude=person.id, fallback=False))
    reached = told(others)
    events.record(session, now, HelpClosed(hr.id, person.id, reached))
    audit.record(
        session,
        now,
        "help.closed",
        actor_id=person.id,
        organisation_id=hr.organisation_id,
        target=(REF, hr.id),
        told=len(reached),
    )
    return Closed(hr.id, already=False, told=len(reached))


# --- internals --------------------------------------------------------------------------------


async def _asked_about(
    session: AsyncSession,
    requester: Person,
    kind: HelpKind,
    match_id: int | None,
    preset: str | None,
) -> Match:
    """The match a request is about, once the requester may ask it this way."""
    if requester.role == Role.MENTOR:
        if kind not in MENTOR_KINDS:
            raise NotAllowed("mentors ask one of the mentor kinds")
        if preset is not None:
            raise NotAllowed("ready-made messages are for mentees")
        if match_id is None:
            choices = await q.mentor_matches(session, requester)
            if len(choices) != 1:
                raise Invalid("no_match" if not choices else "which_match")
            match_id = choices[0].id
        else:
            await q.mentor_match(session, requester, match_id)
        match = await session.get(Match, match_id)
        assert match is not None
        return match
    if requester.role == Role.MENTEE:
        if kind != HelpKind.MENTEE:
            raise NotAllowed("mentees ask as mentees")
        if match_id is not None:
            raise NotAllowed("a mentee's request goes to their family's match")
        found = await q.family_match(session, requester)
        if found is None:
            raise Invalid("no_match")
        return found
    raise NotAllowed("staff do not ask for help here")


async def add_message(
    session: AsyncSession,
    hr: HelpRequest,
    author: Person,
    text: str,
    language: str,
    now: datetime,
) -> HelpMessage:
    """A message of a thread, kept in its author's words and language."""
    message = HelpMessage(
        help_request_id=hr.id, author_id=author.id, text=text, language=language, created_at=now
    )
    session.add(message)
    await session.flush()
    return message


def told(persons: list[Person]) -> tuple[int, ...]:
    """The ids of those the bot can reach, in order: who will read what happened."""
    return tuple(p.id for p in persons if outbox.deliverable(p))
