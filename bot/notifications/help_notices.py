"""What the help events send (`bot.notifications.bus`): the staff's cards, the answer the
requester reads and the notice of a closed thread, each in its reader's language and timezone
with its buttons, queued in the outbox in the transaction that recorded the event."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import N_, Translator
from bot.notifications.help import (
    closed_text,
    need_help_buttons,
    requester_relay,
    staff_card,
    thread_buttons,
)
from bot.services import outbox, people
from bot.services.help import REF, family_name
from domain import Role
from domain.events import HelpAnswered, HelpAsked, HelpClosed, HelpFollowedUp, HelpOverdue
from storage.models import HelpMessage, HelpRequest, Person

# The titles of the staff's cards.
NEW_REQUEST = N_("New help request")
NEW_MESSAGE = N_("New message in a help request")
OVERDUE = N_("Help request not answered in time")


def enqueue(
    session: AsyncSession,
    now: datetime,
    recipient: Person,
    tr: Translator,
    hr: HelpRequest,
    text: str,
    *,
    kind: str,
    dedupe_key: str | None = None,
    whole: int | None = None,
    origin: Person | None = None,
) -> None:
    """A message of a thread with its Reply and Close buttons (and "Show the whole text" when
    `whole`, the id of the message that was cut)."""
    buttons = thread_buttons(tr, hr.id, whole)
    outbox.enqueue(
        session,
        now,
        recipient,
        kind,
        text,
        buttons=buttons,
        ref=(REF, hr.id),
        dedupe_key=dedupe_key,
        origin=origin,
    )


async def _load(
    session: AsyncSession, request_id: int, message_id: int
) -> tuple[HelpRequest, HelpMessage, Person]:
    hr = await session.get(HelpRequest, request_id)
    message = await session.get(HelpMessage, message_id)
    assert hr is not None and message is not None
    requester = await session.get(Person, hr.requester_id)
    assert requester is not None
    return hr, message, requester


async def _person(session: AsyncSession, person_id: int) -> Person:
    person = await session.get(Person, person_id)
    assert person is not None
    return person


async def _staff_cards(
    session: AsyncSession,
    now: datetime,
    staff: tuple[int, ...],
    hr: HelpRequest,
    requester: Person,
    author: Person,
    message: HelpMessage,
    *,
    kind: str,
    title: str,
    preset: str | None = None,
) -> None:
    family = await family_name(session, hr)
    for person_id in staff:
        person = await _person(session, person_id)
        rd = await people.reader(session, person)
        card = staff_card(
            rd.tr, rd.tz, hr, requester, author, message, family,
            title=rd.tr.gettext(title), preset=preset,
        )  # fmt: skip
        enqueue(
            session, now, person, rd.tr, hr, card.text, kind=kind,
            whole=message.id if card.clipped else None, origin=author,
        )  # fmt: skip


async def on_asked(session: AsyncSession, now: datetime, event: HelpAsked) -> None:
    hr, message, requester = await _load(session, event.request_id, event.message_id)
    await _staff_cards(
        session, now, event.staff, hr, requester, requester, message,
        kind="help_request", title=NEW_REQUEST, preset=event.preset,
    )  # fmt: skip


async def on_answered(session: AsyncSession, now: datetime, event: HelpAnswered) -> None:
    hr, message, requester = await _load(session, event.request_id, event.message_id)
    author = await _person(session, event.author_id)
    if event.requester_told:
        rd = await people.reader(session, requester)
        relay = requester_relay(rd.tr, rd.tz, hr, author, message)
        enqueue(
            session, now, requester, rd.tr, hr, relay.text, kind="help_answer",
            whole=message.id if relay.clipped else None, origin=author,
        )  # fmt: skip
    await _staff_cards(
        session, now, event.staff, hr, requester, author, message,
        kind="help_message", title=NEW_MESSAGE,
    )  # fmt: skip


async def on_followed_up(session: AsyncSession, now: datetime, event: HelpFollowedUp) -> None:
    hr, message, requester = await _load(session, event.request_id, event.message_id)
    author = await _person(session, event.author_id)
    await _staff_cards(
        session, now, event.staff, hr, requester, author, message,
        kind="help_message", title=NEW_MESSAGE,
    )  # fmt: skip


async def on_closed(session: AsyncSession, now: datetime, event: HelpClosed) -> None:
    hr = await session.get(HelpRequest, event.request_id)
    assert hr is not None
    closer = await _person(session, event.closer_id)
    requester = await _person(session, hr.requester_id)
    family = await family_name(session, hr)
    for other_id in event.told:
        other = await _person(session, other_id)
        rd = await people.reader(session, other)
        text = closed_text(
            rd.tr, rd.tz, hr, closer, requester, family, to_requester=other.id == requester.id
        )
        buttons: outbox.Buttons | None = None
        if other.role == Role.MENTEE:  # a new request is one tap away
            buttons = need_help_buttons(rd.tr)
        outbox.enqueue(session, now, other, "help_closed", text, buttons=buttons, ref=(REF, hr.id))


async def on_overdue(session: AsyncSession, now: datetime, event: HelpOverdue) -> None:
    hr, first, requester = await _load(session, event.request_id, event.message_id)
    worker = await _person(session, hr.worker_id)
    family = await family_name(session, hr)
    for coordinator_id in event.coordinators:
        coordinator = await _person(session, coordinator_id)
        rd = await people.reader(session, coordinator)
        card = staff_card(
            rd.tr, rd.tz, hr, requester, requester, first, family,
            title=rd.tr.gettext(OVERDUE), worker=worker,
        )  # fmt: skip
        enqueue(
            session, now, coordinator, rd.tr, hr, card.text, kind="help_overdue",
            whole=first.id if card.clipped else None,
            dedupe_key=f"help-overdue:{hr.id}:{coordinator.id}",
        )  # fmt: skip
