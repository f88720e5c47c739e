"""What the concerns' events send: the staff's cards (new ones, and edits of those already
sent) and the notices to whoever raised the concern, each in its reader's language and
timezone, queued in the outbox in the transaction that recorded the event
(`bot.notifications.bus`)."""

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
    REROUTED,
    REROUTED_ADMINS,
    UNACKNOWLEDGED_END,
    UNACKNOWLEDGED_NO_OFFICE,
)
from bot.services import access, contacts, outbox, people
from bot.services.concerns import CARD, REF, load_facts
from bot.services.escalation import Level, Reason
from domain.events import (
    ConcernAcknowledged,
    ConcernEscalated,
    ConcernRaised,
    ConcernReassigned,
    ConcernReplied,
    ConcernResolved,
    ConcernUnacknowledged,
)
from storage.models import Concern, ConcernEvent, Organisation, OutboxStatus, Person, Role


async def card_for(session: AsyncSession, person: Person, facts: Facts) -> CardView:
    rd = await people.reader(session, person)
    return render_card(rd.tr, rd.tz, facts)


async def _concern(session: AsyncSession, concern_id: int) -> Concern:
    concern = await session.get(Concern, concern_id)
    assert concern is not None
    return concern


async def _people(session: AsyncSession, ids: Sequence[int]) -> list[Person]:
    found = [await session.get(Person, i) for i in ids]
    return [p for p in found if p is not None]


async def send_cards(
    session: AsyncSession,
    now: datetime,
    concern: Concern,
    recipients: Sequence[Person],
    *,
    dedupe: str | None = None,
) -> None:
    """A new card for each recipient (a fresh notification), queued in the outbox."""
    facts = await load_facts(session, concern)
    for person in recipients:
        card = await card_for(session, person, facts)
        outbox.enqueue(
            session, now, person, CARD, card.text, buttons=card.buttons, ref=(REF, concern.id),
            dedupe_key=f"cn{concern.id}:{dedupe}:p{person.id}" if dedupe else None,
            origin=facts.reporter,
        )  # fmt: skip


async def refresh_cards(
    session: AsyncSession,
    now: datetime,
    concern: Concern,
    *,
    skip: tuple[int, int] | None = None,
) -> None:
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
        outbox.enqueue(
            session, now, person, CARD, card.text, buttons=card.buttons,
            ref=(REF, concern.id), edit_of=card_message,
        )  # fmt: skip


async def tell_reporter(
    session: AsyncSession, now: datetime, concern: Concern, kind: str, actor: Person,
    text: str | None = None,
) -> None:  # fmt: skip
    reporter = await session.get(Person, concern.raised_by_id)
    if reporter is None:
        return
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
    outbox.enqueue(
        session, now, reporter, f"concern_{kind}", body, ref=("concern_note", concern.id)
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


def _skip(actor_id: int, shown_message_id: int | None) -> tuple[int, int] | None:
    return (actor_id, shown_message_id) if shown_message_id is not None else None


# --- one handler per event (the table is `bot.notifications.bus.HANDLERS`) ---------------------


async def on_raised(session: AsyncSession, now: datetime, event: ConcernRaised) -> None:
    concern = await _concern(session, event.concern_id)
    if event.notified:
        await send_cards(session, now, concern, await _people(session, event.notified))


async def on_acknowledged(session: AsyncSession, now: datetime, event: ConcernAcknowledged) -> None:
    concern = await _concern(session, event.concern_id)
    actor = await session.get(Person, event.actor_id)
    assert actor is not None
    await tell_reporter(session, now, concern, "acknowledged", actor)
    await refresh_cards(session, now, concern, skip=_skip(actor.id, event.shown_message_id))


async def on_resolved(session: AsyncSession, now: datetime, event: ConcernResolved) -> None:
    concern = await _concern(session, event.concern_id)
    actor = await session.get(Person, event.actor_id)
    assert actor is not None
    await tell_reporter(session, now, concern, "resolved", actor)
    await refresh_cards(session, now, concern)


async def on_replied(session: AsyncSession, now: datetime, event: ConcernReplied) -> None:
    concern = await _concern(session, event.concern_id)
    actor = await session.get(Person, event.actor_id)
    said = await session.get(ConcernEvent, event.reply_event_id)
    assert actor is not None and said is not None
    if event.acknowledged:
        await tell_reporter(session, now, concern, "acknowledged", actor)
    text = str((said.detail or {}).get("text", ""))
    await tell_reporter(session, now, concern, "reply", actor, text)
    await refresh_cards(session, now, concern)


async def on_reassigned(session: AsyncSession, now: datetime, event: ConcernReassigned) -> None:
    concern = await _concern(session, event.concern_id)
    await refresh_cards(session, now, concern, skip=_skip(event.actor_id, event.shown_message_id))
    await send_cards(session, now, concern, await _people(session, (event.worker_id,)))


async def on_escalated(session: AsyncSession, now: datetime, event: ConcernEscalated) -> None:
    concern = await _concern(session, event.concern_id)
    await refresh_cards(session, now, concern)
    await send_cards(
        session, now, concern, await _people(session, event.notified),
        dedupe=f"L{event.to_level}",
    )  # fmt: skip
    if event.reason == Reason.TIMEOUT:
        # Those who missed the deadline are told by a new message (an edit notifies nobody):
        # a fresh card, on which they can still act.
        await send_cards(
            session, now, concern, await _people(session, event.missed),
            dedupe=f"late{event.from_level}",
        )  # fmt: skip
    else:
        rerouted = REROUTED if event.to_level == Level.COORDINATORS else REROUTED_ADMINS
        await tell_outcome(session, now, concern, rerouted)


async def on_unacknowledged(
    session: AsyncSession, now: datetime, event: ConcernUnacknowledged
) -> None:
    concern = await _concern(session, event.concern_id)
    await refresh_cards(session, now, concern)
    await send_cards(session, now, concern, await _people(session, event.notified), dedupe="unack")
    if event.tell_reporter:
        await tell_outcome(session, now, concern, UNACKNOWLEDGED_END)
