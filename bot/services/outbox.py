"""The outbox: every message owed to someone other than the sender of the current update is
written here, in the same transaction as the change that caused it, and delivered later by
`bot.delivery`. The text is already rendered in the recipient's language."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Table, and_, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import N_, isolate
from bot.services import audit, people
from domain.values import Buttons as Buttons  # re-exported
from storage.models import (
    Match,
    MatchMentor,
    MatchStatus,
    OutboxMessage,
    OutboxStatus,
    Person,
    Role,
)

OUTBOX_TABLE: Table = OutboxMessage.__table__  # type: ignore[assignment]


@dataclass(frozen=True)
class Document:
    name: str
    content: bytes
    mime: str = "application/octet-stream"


def deliverable(recipient: Person) -> bool:
    """The outbox takes messages for this person (`enqueue` queues nothing otherwise): linked
    to Telegram, not marked unreachable, still active."""
    return recipient.telegram_id is not None and recipient.reachable and recipient.active


def enqueue(
    session: AsyncSession,
    now: datetime,
    recipient: Person,
    kind: str,
    text: str,
    *,
    buttons: Buttons | None = None,
    document: Document | None = None,
    ref: tuple[str, int] | None = None,
    dedupe_key: str | None = None,
    not_before: datetime | None = None,
    edit_of: OutboxMessage | None = None,
    origin: Person | None = None,
    copy_of: tuple[int, int] | None = None,
) -> OutboxMessage | None:
    """Queue a message for `recipient`. Returns None (queues nothing) for a person the bot
    cannot reach: not linked to Telegram, marked unreachable, or no longer active.
    `copy_of` (chat id, message id): the message is a copy of that one (copyMessage: its
    content is not stored here, and the copy shows nothing of its sender); `text` is unused."""
    if not deliverable(recipient):
        return None
    message = OutboxMessage(
        person_id=recipient.id,
        kind=kind,
        text=text,
        buttons=[[list(b) for b in row] for row in buttons] if buttons else None,
        document_name=document.name if document else None,
        document_mime=document.mime if document else None,
        document=document.content if document else None,
        edit_of_id=edit_of.id if edit_of else None,
        ref_type=ref[0] if ref else None,
        ref_id=ref[1] if ref else None,
        origin_person_id=origin.id if origin is not None and origin.id != recipient.id else None,
        copy_chat_id=copy_of[0] if copy_of else None,
        copy_message_id=copy_of[1] if copy_of else None,
        dedupe_key=dedupe_key,
        status=OutboxStatus.QUEUED,
        attempts=0,
        not_before=not_before or now,
        created_at=now,
    )
    session.add(message)
    session.info["outbox_dirty"] = True
    return message


class Bulk:
    """Messages queued many at a time (a scheduler batch): `add` checks the recipient like
    `enqueue` and keeps a plain row; `flush` writes them all with one INSERT (one executemany,
    no objects loaded, no ids read back)."""

    def __init__(self, now: datetime) -> None:
        self.now = now
        self.rows: list[dict[str, Any]] = []

    def add(
        self,
        recipient: Person,
        kind: str,
        text: str,
        *,
        buttons: Buttons | None = None,
        ref: tuple[str, int] | None = None,
        dedupe_key: str | None = None,
    ) -> bool:
        """False (nothing queued) for a person the bot cannot reach, as `enqueue`."""
        if not deliverable(recipient):
            return False
        self.rows.append(
            {
                "person_id": recipient.id,
                "kind": kind,
                "text": text,
                "buttons": [[list(b) for b in row] for row in buttons] if buttons else None,
                "ref_type": ref[0] if ref else None,
                "ref_id": ref[1] if ref else None,
                "dedupe_key": dedupe_key,
                "status": OutboxStatus.QUEUED,
                "attempts": 0,
                "not_before": self.now,
                "created_at": self.now,
            }
        )
        return True

    async def flush(self, session: AsyncSession) -> int:
        if not self.rows:
            return 0
        # Core, not the ORM's bulk path: no objects, no per-row bookkeeping.
        connection = await session.connection()
        await connection.execute(insert(OUTBOX_TABLE), self.rows)
        session.info["outbox_dirty"] = True
        written, self.rows = len(self.rows), []
        return written


async def sent_for(
    session: AsyncSession, ref: tuple[str, int], person_id: int | None = None
) -> list[OutboxMessage]:
    """The messages already queued or sent about a record (e.g. a concern's cards), oldest
    first, so they can be edited in place."""
    query = select(OutboxMessage).where(
        OutboxMessage.ref_type == ref[0],
        OutboxMessage.ref_id == ref[1],
        OutboxMessage.edit_of_id.is_(None),
    )
    if person_id is not None:
        query = query.where(OutboxMessage.person_id == person_id)
    result = await session.execute(query.order_by(OutboxMessage.id))
    return list(result.scalars())


# --- delivery: claiming rows and recording what happened ---------------------------------
#
# The sender (bot/delivery.py) claims due rows in one short transaction, sends them outside
# any transaction, and records each outcome in another short one. Status moves:
#   QUEUED --claim--> SENDING --sent--> SENT
#                             --429 / network error (retry later)--> QUEUED (not_before later)
#                             --bad request / too many attempts--> FAILED (reason)
#                             --forbidden--> FAILED; the person's other messages CANCELLED
#   SENDING for longer than the lease (a crashed process) --next claim--> QUEUED

# Shown to the referring worker when a mentee or mentor can no longer be reached.
UNREACHABLE_TEXTS = {
    "blocked": N_(
        "%(name)s can no longer be reached through the bot (blocked it). Please phone them."
    ),
    "deactivated": N_(
        "%(name)s can no longer be reached through the bot (account deleted). Please phone them."
    ),
    "other": N_("%(name)s can no longer be reached through the bot. Please phone them."),
}
PHONE_LINE = N_("Phone: %(phone)s")
NO_PHONE_LINE = N_("No phone number is on file.")

UNREACHABLE_KIND = "person_unreachable"


@dataclass(frozen=True)
class Claimed:
    """One claimed message, as plain values, ready to send without the database."""

    id: int
    person_id: int
    chat_id: int
    kind: str
    text: str
    buttons: Buttons | None
    document: Document | None
    attempts: int  # including this one
    edit_message_id: int | None = None  # edit this Telegram message instead of sending
    edit_caption: bool = False  # the message to edit is a document: edit its caption
    copy_of: tuple[int, int] | None = None  # copy this (chat id, message id) instead of text


@dataclass(frozen=True)
class Claim:
    messages: list[Claimed]
    resolved: int  # rows settled without sending (recipient unreachable, nothing to edit)
    recovered: int  # rows found stuck in SENDING past the lease and put back


@dataclass(frozen=True)
class Unreachable:
    person_id: int
    newly: bool  # False when the person was already marked unreachable
    cancelled: int  # their other messages withdrawn
    notified: list[int]  # ids of the workers told


def _buttons(raw: list[Any] | None) -> Buttons | None:
    if not raw:
        return None
    return [[(str(b[0]), str(b[1])) for b in row] for row in raw]


def _is_mine(message: OutboxMessage | None, claimer: str) -> bool:
    return (
        message is not None
        and message.status == OutboxStatus.SENDING
        and message.claimed_by == claimer
    )


async def recover_stuck(session: AsyncSession, now: datetime, lease: timedelta | None) -> int:
    """Put back rows left in SENDING by a process that died: those claimed longer than `lease`
    ago, or every one when `lease` is None (SQLite at start: there is only one process)."""
    query = update(OutboxMessage).where(OutboxMessage.status == OutboxStatus.SENDING)
    if lease is not None:
        query = query.where(OutboxMessage.claimed_at < now - lease)
    result = await session.execute(
        query.values(
            status=OutboxStatus.QUEUED, claimed_by=None, claimed_at=None
        ).execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def claim(
    session: AsyncSession,
    now: datetime,
    *,
    claimer: str,
    limit: int,
    lease: timedelta,
    per_person: int,
    skip_locked: bool,
    exclude_people: set[int] | frozenset[int] = frozenset(),
) -> Claim:
    """Claim up to `limit` due messages for `claimer` (oldest first, at most `per_person` to one
    person, none to the people in `exclude_people`). With `skip_locked` (PostgreSQL) rows
    claimed by a concurrent transaction are skipped, so two processes never claim the same
    row."""
    recovered = await recover_stuck(session, now, lease)
    query = (
        select(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.QUEUED, OutboxMessage.not_before <= now)
        .order_by(OutboxMessage.id)
        .limit(limit)
    )
    if exclude_people:
        query = query.where(OutboxMessage.person_id.not_in(sorted(exclude_people)))
    if skip_locked:
        query = query.with_for_update(skip_locked=True, of=OutboxMessage)
    rows = list((await session.execute(query)).scalars())
    if not rows:
        return Claim([], 0, recovered)
    person_ids = {m.person_id for m in rows}
    people_rows = await session.execute(
        select(Person.id, Person.telegram_id, Person.reachable).where(Person.id.in_(person_ids))
    )
    chats = {pid: tid if reachable else None for pid, tid, reachable in people_rows.all()}
    edit_ids = {m.edit_of_id for m in rows if m.edit_of_id is not None}
    originals: dict[int, OutboxMessage] = {}
    if edit_ids:
        found = await session.execute(select(OutboxMessage).where(OutboxMessage.id.in_(edit_ids)))
        originals = {o.id: o for o in found.scalars()}

    claimed: list[Claimed] = []
    resolved = 0
    per: dict[int, int] = {}
    for message in rows:
        chat_id = chats.get(message.person_id)
        if chat_id is None:
            message.status, message.last_error = OutboxStatus.CANCELLED, "unreachable"
            resolved += 1
            continue
        edit_message_id: int | None = None
        edit_caption = False
        if message.edit_of_id is not None:
            original = originals.get(message.edit_of_id)
            if original is None or original.status in (
                OutboxStatus.FAILED,
                OutboxStatus.CANCELLED,
            ):
                message.status, message.last_error = OutboxStatus.FAILED, "nothing to edit"
                resolved += 1
                continue
            if original.status != OutboxStatus.SENT or original.telegram_message_id is None:
                continue  # the original is not sent yet: wait for it
            edit_message_id = original.telegram_message_id
            edit_caption = original.document is not None
            chat_id = original.telegram_chat_id or chat_id
        if per.get(message.person_id, 0) >= per_person:
            continue
        per[message.person_id] = per.get(message.person_id, 0) + 1
        message.status = OutboxStatus.SENDING
        message.claimed_by, message.claimed_at = claimer, now
        message.attempts += 1
        document = (
            Document(
                message.document_name or "file",
                message.document,
                message.document_mime or "application/octet-stream",
            )
            if message.document is not None
            else None
        )
        claimed.append(
            Claimed(
                id=message.id,
                person_id=message.person_id,
                chat_id=chat_id,
                kind=message.kind,
                text=message.text,
                buttons=_buttons(message.buttons),
                document=document,
                attempts=message.attempts,
                edit_message_id=edit_message_id,
                edit_caption=edit_caption,
                copy_of=(
                    (message.copy_chat_id, message.copy_message_id)
                    if message.copy_chat_id is not None and message.copy_message_id is not None
                    else None
                ),
            )
        )
    return Claim(claimed, resolved, recovered)


async def mark_sent(
    session: AsyncSession,
    now: datetime,
    message_id: int,
    *,
    chat_id: int,
    telegram_message_id: int,
) -> None:
    """Record a delivery. Recorded even if the claim was lost meanwhile (a lease ran out), so
    that the message is not sent yet again."""
    message = await session.get(OutboxMessage, message_id)
    if message is None or message.status == OutboxStatus.SENT:
        return
    message.status, message.sent_at = OutboxStatus.SENT, now
    message.telegram_chat_id, message.telegram_message_id = chat_id, telegram_message_id
    message.last_error = None
    message.claimed_by = None


async def retry_later(
    session: AsyncSession,
    message_ids: list[int],
    *,
    claimer: str,
    until: datetime,
    error: str | None,
    counted: bool,
) -> int:
    """Put claimed messages back in the queue until `until`. `counted=False` gives back the
    attempt (a 429, or a message held back behind another one of the same chat)."""
    done = 0
    for message_id in message_ids:
        message = await session.get(OutboxMessage, message_id)
        if message is None or not _is_mine(message, claimer):
            continue
        message.status, message.not_before = OutboxStatus.QUEUED, until
        message.claimed_by, message.claimed_at = None, None
        if error is not None:
            message.last_error = error[:300]
        if not counted:
            message.attempts = max(0, message.attempts - 1)
        done += 1
    return done


async def fail(
    session: AsyncSession, now: datetime, message_id: int, *, claimer: str, reason: str
) -> bool:
    message = await session.get(OutboxMessage, message_id)
    if message is None or not _is_mine(message, claimer):
        return False
    message.status, message.last_error = OutboxStatus.FAILED, reason[:300]
    message.claimed_by = None
    await _tell_origin(session, now, message)
    return True


NOT_DELIVERED = N_(
    "Your message could not be delivered to %(name)s through the bot. "
    "Please contact them another way."
)
NOT_DELIVERED_KIND = "not_delivered"


async def _tell_origin(session: AsyncSession, now: datetime, message: OutboxMessage) -> None:
    """A message that passed on someone's words finally failed: tell that someone."""
    if message.origin_person_id is None or message.edit_of_id is not None:
        return
    origin = await session.get(Person, message.origin_person_id)
    recipient = await session.get(Person, message.person_id)
    if origin is None or recipient is None:
        return
    tr = (await people.reader(session, origin)).tr
    enqueue(
        session,
        now,
        origin,
        NOT_DELIVERED_KIND,
        tr.gettext(NOT_DELIVERED) % {"name": isolate(recipient.name)},
        ref=(message.ref_type, message.ref_id) if message.ref_type and message.ref_id else None,
        dedupe_key=f"undelivered:{message.id}",
    )


async def referring_workers(session: AsyncSession, person: Person) -> list[Person]:
    """The workers of a mentee's or mentor's active matches (never the person themself)."""
    worker_ids: set[int] = set()
    if person.role == Role.MENTEE and person.family_id is not None:
        found = await session.execute(
            select(Match.worker_id).where(
                Match.family_id == person.family_id, Match.status == MatchStatus.ACTIVE
            )
        )
        worker_ids.update(found.scalars())
    elif person.role == Role.MENTOR:
        found = await session.execute(
            select(Match.worker_id)
            .join(MatchMentor, MatchMentor.match_id == Match.id)
            .where(MatchMentor.mentor_id == person.id, Match.status == MatchStatus.ACTIVE)
        )
        worker_ids.update(found.scalars())
    worker_ids.discard(person.id)
    if not worker_ids:
        return []
    workers = await session.execute(
        select(Person)
        .where(
            Person.id.in_(worker_ids),
            Person.organisation_id == person.organisation_id,
            Person.active.is_(True),
        )
        .order_by(Person.id)
    )
    return list(workers.scalars())


async def unreachable_notice(
    session: AsyncSession, person: Person, worker: Person, reason: str
) -> str:
    """The notice to `worker` that `person` cannot be reached, in the worker's language."""
    tr = (await people.reader(session, worker)).tr
    template = UNREACHABLE_TEXTS.get(reason, UNREACHABLE_TEXTS["other"])
    lines = [tr.gettext(template) % {"name": isolate(person.name)}]
    if person.phone:
        lines.append(
            tr.gettext(PHONE_LINE) % {"phone": isolate(people.international_phone(person.phone))}
        )
    else:
        lines.append(tr.gettext(NO_PHONE_LINE))
    return "\n".join(lines)


async def mark_unreachable(
    session: AsyncSession,
    now: datetime,
    message_id: int,
    *,
    claimer: str,
    reason: str,
    error: str,
) -> Unreachable | None:
    """Telegram refused a message (403: blocked, never started, deactivated): the message
    fails, the person is marked unreachable, their other messages are withdrawn, and the
    workers of their active matches are told (once), so someone phones instead."""
    message = await session.get(OutboxMessage, message_id)
    if message is None or not _is_mine(message, claimer):
        return None
    message.status, message.last_error = OutboxStatus.FAILED, error[:300]
    message.claimed_by = None
    person = await session.get(Person, message.person_id)
    assert person is not None
    cancelled = await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.person_id == person.id,
            OutboxMessage.id != message.id,
            or_(
                OutboxMessage.status == OutboxStatus.QUEUED,
                and_(
                    OutboxMessage.status == OutboxStatus.SENDING,
                    OutboxMessage.claimed_by == claimer,
                ),
            ),
        )
        .values(status=OutboxStatus.CANCELLED, last_error="unreachable", claimed_by=None)
        .execution_options(synchronize_session=False)
    )
    withdrawn = int(getattr(cancelled, "rowcount", 0) or 0)
    await _tell_origin(session, now, message)
    if not person.reachable:
        return Unreachable(person.id, False, withdrawn, [])
    person.reachable, person.unreachable_reason = False, reason[:200]
    audit.record(
        session,
        now,
        "person.unreachable",
        actor_id=None,
        organisation_id=person.organisation_id,
        target=("person", person.id),
        reason=reason,
        outbox_id=message.id,
        cancelled=withdrawn,
    )
    notified = await tell_workers_unreachable(session, now, person, reason)
    return Unreachable(person.id, True, withdrawn, notified)


async def blocked_bot(session: AsyncSession, now: datetime, person: Person) -> list[int]:
    """The person blocked the bot: mark them unreachable at once (rather than at the next
    failed message), withdraw what was queued for them, and tell their referring workers so
    someone phones instead. Returns the ids of the workers told."""
    if not person.reachable:
        return []
    person.reachable, person.unreachable_reason = False, "blocked"
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.person_id == person.id, OutboxMessage.status == OutboxStatus.QUEUED)
        .values(status=OutboxStatus.CANCELLED, last_error="unreachable")
        .execution_options(synchronize_session=False)
    )
    audit.record(
        session,
        now,
        "person.unreachable",
        actor_id=person.id,
        organisation_id=person.organisation_id,
        target=("person", person.id),
        reason="blocked",
    )
    return await tell_workers_unreachable(session, now, person, "blocked")


async def tell_workers_unreachable(
    session: AsyncSession, now: datetime, person: Person, reason: str
) -> list[int]:
    """Tell the referring workers of `person`'s active matches, each in their own language,
    that the bot can no longer reach them, so someone phones instead; and, for a family
    member, the family's mentors (who would otherwise wait for an answer that cannot come).
    Returns the ids of the workers told."""
    told: list[int] = []
    for worker in await referring_workers(session, person):
        text = await unreachable_notice(session, person, worker, reason)
        if enqueue(session, now, worker, UNREACHABLE_KIND, text, ref=("person", person.id)):
            told.append(worker.id)
    for mentor in await family_mentors(session, person):
        tr = (await people.reader(session, mentor)).tr
        enqueue(
            session, now, mentor, UNREACHABLE_KIND,
            tr.gettext(MENTEE_UNREACHABLE) % {"name": isolate(person.name)},
            ref=("person", person.id),
        )  # fmt: skip
    return told


MENTEE_UNREACHABLE = N_(
    "%(name)s can no longer be reached through the bot, so they will not see reminders or "
    "messages here. The referring worker was told; please reach them another way."
)


async def family_mentors(session: AsyncSession, person: Person) -> list[Person]:
    """The mentors of the active matches of a mentee's family."""
    if person.role != Role.MENTEE or person.family_id is None:
        return []
    found = await session.execute(
        select(Person)
        .join(MatchMentor, MatchMentor.mentor_id == Person.id)
        .join(Match, Match.id == MatchMentor.match_id)
        .where(
            Match.family_id == person.family_id,
            Match.status == MatchStatus.ACTIVE,
            Person.active.is_(True),
        )
        .order_by(Person.id)
    )
    return list(dict.fromkeys(found.scalars()))


async def next_due_at(session: AsyncSession) -> datetime | None:
    """When the earliest queued message becomes due (None: nothing queued)."""
    result = await session.execute(
        select(func.min(OutboxMessage.not_before)).where(
            OutboxMessage.status == OutboxStatus.QUEUED
        )
    )
    value: datetime | None = result.scalar_one_or_none()
    return value
