"""Concerns: what a card is drawn from (`load_facts`), and the card a member of the staff is
shown in reply to their own press or command (`view_card`, and the card each action returns:
`Acted`). Cards and notices for anyone else are the notifications layer's
(`bot.notifications.concerns.outgoing`), sent on the events the actions record. Drawing the
actor's own card is the one place the concerns' services still use a renderer
(`bot.notifications.concerns.cards`): a reply, planned by the handler, not a notification."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.notifications.concerns.cards import CardView, Facts, render_card
from bot.services import audit, people
from bot.services.concerns.queries import events_of, staff_concern
from bot.services.concerns.rules import REF
from bot.services.escalation import ack_minutes
from storage.models import Concern, Family, Match, Organisation, Person


@dataclass(frozen=True)
class Acted:
    """What a staff action did, with the card the actor is shown in reply."""

    concern_id: int
    card: CardView
    changed: bool = True
    reporter_told: bool = True


async def load_facts(session: AsyncSession, concern: Concern) -> Facts:
    """What a concern's card is drawn from (for any reader)."""
    reporter = await session.get(Person, concern.raised_by_id)
    assert reporter is not None
    match = await session.get(Match, concern.match_id)
    assert match is not None
    family = await session.get(Family, match.family_id)
    org = await session.get(Organisation, concern.organisation_id)
    assert org is not None
    events = await events_of(session, concern.id)
    ids = {
        i
        for i in (concern.acknowledged_by_id, concern.resolved_by_id, concern.assigned_worker_id)
        if i is not None
    }
    names: dict[int, str] = {}
    if ids:
        rows = await session.execute(select(Person.id, Person.name).where(Person.id.in_(ids)))
        names = {row[0]: row[1] for row in rows.all()}
    return Facts(
        concern=concern,
        reporter=reporter,
        family=family.name if family else "",
        names=names,
        events=events,
        minutes=ack_minutes(org.ack_deadlines_minutes, concern.severity),
    )


async def card_for(session: AsyncSession, actor: Person, concern: Concern) -> CardView:
    """The concern's card as the actor reads it, for their own reply."""
    facts = await load_facts(session, concern)
    rd = await people.reader(session, actor)
    return render_card(rd.tr, rd.tz, facts)


async def whole_text(session: AsyncSession, actor: Person, concern_id: int) -> str:
    """A concern's whole description, for staff who may see its card."""
    concern = await staff_concern(session, actor, concern_id)
    return concern.description


async def view_card(
    session: AsyncSession, now: datetime, actor: Person, concern_id: int
) -> CardView:
    """A concern's card for a member of the staff it belongs to (from /pending). The read is
    an audit event, in the same transaction."""
    concern = await staff_concern(session, actor, concern_id)
    audit.record(
        session, now, "concern.viewed", actor_id=actor.id,
        organisation_id=concern.organisation_id, target=(REF, concern.id),
    )  # fmt: skip
    return await card_for(session, actor, concern)
