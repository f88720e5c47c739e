"""Concerns: the staff's cards and the notices to the reporter, queued in the outbox in each
reader's language (drawn by `bot.notifications.concerns`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import isolate
from bot.notifications.concerns.cards import CardView, Facts, render_card
from bot.notifications.concerns.texts import (
    CATEGORY_LABELS,
    PROBLEM_LABELS,
    REPORTER_NOTICES,
    UNACKNOWLEDGED_END,
    UNACKNOWLEDGED_NO_OFFICE,
)
from bot.services import access, actors, audit, contacts, outbox, people
from bot.services.concerns.history import record_event
from bot.services.concerns.queries import load_facts, staff_concern
from bot.services.concerns.rules import CARD, REF
from domain.values import Actor
from storage.models import (
    Concern,
    Organisation,
    OutboxStatus,
    Person,
    Role,
)


async def card_for(session: AsyncSession, person: Person, facts: Facts) -> CardView:
    rd = await people.reader(session, person)
    return render_card(rd.tr, rd.tz, facts)


async def send_cards(
    session: AsyncSession,
    now: datetime,
    concern: Concern,
    recipients: Sequence[Person],
    *,
    level: int,
    dedupe: str | None = None,
) -> list[int]:
    """A new card for each recipient (a fresh notification), queued in the outbox; records
    who is owed one ("notified"). Whether Telegram took it is recorded later ("delivered")."""
    facts = await load_facts(session, concern)
    sent: list[int] = []
    for person in recipients:
        card = await card_for(session, person, facts)
        message = outbox.enqueue(
            session, now, person, CARD, card.text, buttons=card.buttons, ref=(REF, concern.id),
            dedupe_key=f"cn{concern.id}:{dedupe}:p{person.id}" if dedupe else None,
            origin=facts.reporter,
        )  # fmt: skip
        if message is not None:
            sent.append(person.id)
    if sent:
        record_event(session, now, concern, "notified", actor_id=None, level=level, to=sent)
    return sent


async def refresh_cards(
    session: AsyncSession,
    now: datetime,
    concern: Concern,
    *,
    skip: tuple[int, int] | None = None,
) -> int:
    """Edit every card already sent about this concern to show its current state. `skip`:
    (person id, Telegram message id) of the card the actor is looking at, updated directly."""
    await session.flush()
    facts = await load_facts(session, concern)
    cards = [
        m
        for m in await outbox.sent_for(session, (REF, concern.id))
        if m.kind == CARD
        and m.status in (OutboxStatus.QUEUED, OutboxStatus.SENDING, OutboxStatus.SENT)
    ]
    edited = 0
    for card_message in cards:
        if skip is not None and (card_message.person_id, card_message.telegram_message_id) == skip:
            continue
        person = await session.get(Person, card_message.person_id)
        if person is None:
            continue
        if access.may_see_concern(person, concern):
            card = await card_for(session, person, facts)
        else:  # reassigned away from them: the card keeps no detail and no button
            tr = (await people.reader(session, person)).tr
            card = CardView(
                tr.gettext(
                    "Concern #%(id)s is now assigned to another worker, who received the card."
                )
                % {"id": concern.id},
                [],
            )
        if outbox.enqueue(
            session, now, person, CARD, card.text, buttons=card.buttons,
            ref=(REF, concern.id), edit_of=card_message,
        ) is not None:  # fmt: skip
            edited += 1
    return edited


async def whole_text(session: AsyncSession, actor: Actor, concern_id: int) -> str:
    """A concern's whole description, for staff who may see its card."""
    actor = await actors.row(session, actor)
    concern = await staff_concern(session, actor, concern_id)
    return concern.description


async def view_card(
    session: AsyncSession, now: datetime, actor: Actor, concern_id: int
) -> CardView:
    """A concern's card for a member of the staff it belongs to (from /pending). The read is
    an audit event, in the same transaction."""
    actor = await actors.row(session, actor)
    concern = await staff_concern(session, actor, concern_id)
    audit.record(
        session, now, "concern.viewed", actor_id=actor.id,
        organisation_id=concern.organisation_id, target=(REF, concern.id),
    )  # fmt: skip
    return await card_for(session, actor, await load_facts(session, concern))


async def tell_reporter(
    session: AsyncSession, now: datetime, concern: Concern, kind: str, actor: Person,
    text: str | None = None,
) -> bool:  # fmt: skip
    reporter = await session.get(Person, concern.raised_by_id)
    if reporter is None:
        return False
    rd = await people.reader(session, reporter)
    tr = rd.tr
    mentee = reporter.role == Role.MENTEE
    labels = PROBLEM_LABELS if mentee else CATEGORY_LABELS
    values = {
        "name": isolate(actor.name),
        "category": tr.gettext(labels[concern.category]),
        "day": tr.day_long(concern.raised_at, tz=rd.tz),
    }
    body = tr.gettext(REPORTER_NOTICES[(kind, mentee)]) % values
    if text is not None:
        body += "\n" + isolate(text)
    return (
        outbox.enqueue(
            session, now, reporter, f"concern_{kind}", body, ref=("concern_note", concern.id)
        )
        is not None
    )


async def tell_outcome(
    session: AsyncSession, now: datetime, concern: Concern, template: str
) -> None:
    """A new message to whoever raised the concern, in their language: what became of it."""
    reporter = await session.get(Person, concern.raised_by_id)
    org = await session.get(Organisation, concern.organisation_id)
    if reporter is None or org is None:
        return
    rd = await people.reader(session, reporter)
    region = contacts.region_of(org)
    office = contacts.format_phone(org.office_phone, region)
    if template == UNACKNOWLEDGED_END and not office:
        template = UNACKNOWLEDGED_NO_OFFICE
    text = rd.tr.gettext(template) % {
        "id": concern.id,
        "phone": isolate(office or ""),
        "emergency": isolate(org.emergency_phone),
    }
    outbox.enqueue(
        session, now, reporter, "concern_outcome", text, ref=(REF, concern.id),
        dedupe_key=f"cn{concern.id}:told:{concern.status.value}:{concern.level}",
    )  # fmt: skip
