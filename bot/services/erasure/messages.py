"""The rows an erasure deletes or stops, one step per table: outbox messages to them, from
them, about an erased record or naming them (with their edits), the update inbox from them,
their drafts, invitations and pending reminders. Messages the bot sent them in the last 48
hours are kept aside, to be deleted in Telegram after the commit."""

from __future__ import annotations

import html
from typing import Any

from sqlalchemy import delete, or_, select, update

from bot.services.erasure.rules import DELETE_WINDOW, ERASED_REASON, Scope
from storage.models import (
    Draft,
    InboxUpdate,
    Invite,
    JobStatus,
    OutboxMessage,
    OutboxStatus,
    Person,
    Reminder,
)


def _about(s: Scope) -> list[Any]:
    """Conditions for messages about a record the erasure clears."""
    refs = [
        ("concern", s.concern_ids),
        ("concern_note", s.concern_ids),
        ("help_request", s.help_requests),
        ("appointment", s.appointment_ids),
        ("progress_report", s.report_ids),
        ("match", s.sole_matches),
        ("person", [s.pid]),
    ]
    return [
        (OutboxMessage.ref_type == kind) & OutboxMessage.ref_id.in_(ids)
        for kind, ids in refs
        if ids
    ]


async def _naming(s: Scope, known: set[int]) -> list[OutboxMessage]:
    """Cards naming them, whatever they were about (within the organisation's outbox, which
    retention keeps short)."""
    person = s.person
    plain = [n for n in (person.name, person.phone, person.email) if n and not n.startswith("#")]
    names = sorted({*plain, *(html.escape(n) for n in plain)})  # texts are HTML
    if not names:
        return []
    found = await s.session.execute(
        select(OutboxMessage)
        .join(Person, Person.id == OutboxMessage.person_id)
        .where(Person.organisation_id == person.organisation_id)
    )
    return [
        message
        for message in found.scalars()
        if message.id not in known and any(n in (message.text or "") for n in names)
    ]


async def _with_edits(s: Scope, ids: set[int]) -> set[int]:
    """Edits of a deleted message go with it."""
    while True:
        edits = set(
            await s.ids(
                OutboxMessage.id,
                OutboxMessage.edit_of_id.in_(ids),
                OutboxMessage.id.not_in(ids),
            )
        )
        if not edits:
            return ids
        ids |= edits


async def outbox_messages(s: Scope) -> None:
    pid = s.pid
    outbox = await s.rows(
        OutboxMessage,
        or_(OutboxMessage.person_id == pid, OutboxMessage.origin_person_id == pid, *_about(s)),
    )
    outbox += await _naming(s, {m.id for m in outbox})
    outbox_ids = await _with_edits(s, {m.id for m in outbox})
    s.count("outbox messages", len(outbox_ids))
    since = s.now - DELETE_WINDOW
    s.messages = sorted(
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
    if outbox_ids:
        s.execute(
            update(OutboxMessage)
            .where(OutboxMessage.edit_of_id.in_(outbox_ids))
            .values(edit_of_id=None),
            delete(OutboxMessage).where(OutboxMessage.id.in_(outbox_ids)),
        )


async def inbox_updates(s: Scope) -> None:
    chat = s.person.telegram_id
    inbox = await s.ids(InboxUpdate.update_id, InboxUpdate.chat_id == chat) if chat else []
    s.count("inbox updates", len(inbox))
    if inbox:
        s.execute(delete(InboxUpdate).where(InboxUpdate.update_id.in_(inbox)))


async def drafts(s: Scope) -> None:
    chat = s.person.telegram_id
    found = await s.ids(Draft.telegram_id, Draft.telegram_id == chat) if chat else []
    s.count("drafts", len(found))
    if found:
        s.execute(delete(Draft).where(Draft.telegram_id.in_(found)))


async def invitations(s: Scope) -> None:
    invites = await s.ids(Invite.id, Invite.person_id == s.pid)
    s.count("invitations", len(invites))
    if invites:
        s.execute(delete(Invite).where(Invite.id.in_(invites)))


async def pending_reminders(s: Scope) -> None:
    reminders = await s.ids(
        Reminder.id, Reminder.person_id == s.pid, Reminder.status == JobStatus.PENDING
    )
    s.count("pending reminders", len(reminders))
    if reminders:
        s.execute(
            update(Reminder)
            .where(Reminder.id.in_(reminders))
            .values(status=JobStatus.CANCELLED, reason=ERASED_REASON, done_at=s.now)
        )
