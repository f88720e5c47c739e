"""What the events of requests and offers send (`bot.notifications.bus`): a new request and
an overdue one to the coordinators (`MentorsRequested`, `RequestOverdue`), the offer to the
mentor asked (`MentorAsked`) and their answer to the coordinators and the referring worker
(`OfferAnswered`). Each in its reader's language, queued in the transaction that recorded the
event."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import isolate
from bot.notifications.match_cycle.callbacks import plan_first
from bot.notifications.match_texts.callbacks import offer_no, offer_yes, request_open
from bot.notifications.match_texts.labels import DECLINES, URGENCIES, summary
from bot.notifications.match_texts.notices import (
    ACCEPT,
    DECLINE,
    DECLINED,
    JOINED,
    NEW_REQUEST,
    OFFER_TEXT,
    OPEN_BUTTON,
    OVERDUE,
    PLAN_FIRST,
)
from bot.services import match_requests, outbox, people
from domain import Role
from domain.events import MentorAsked, MentorsRequested, OfferAnswered, RequestOverdue
from storage.models import (
    Family,
    Match,
    MatchMentor,
    MatchOffer,
    MatchRequest,
    OfferStatus,
    Organisation,
    Person,
)

REF = match_requests.REF


async def _request(session: AsyncSession, request_id: int) -> tuple[MatchRequest, str]:
    req = await session.get(MatchRequest, request_id)
    assert req is not None
    family = await session.get(Family, req.family_id)
    assert family is not None
    return req, family.name


async def _people(session: AsyncSession, ids: tuple[int, ...]) -> list[Person]:
    found = [await session.get(Person, pid) for pid in ids]
    return [p for p in found if p is not None]


async def on_requested(session: AsyncSession, now: datetime, event: MentorsRequested) -> None:
    req, family = await _request(session, event.request_id)
    worker = await session.get(Person, req.worker_id)
    assert worker is not None
    for coordinator in await _people(session, event.coordinators):
        rd = await people.reader(session, coordinator)
        text = rd.tr.gettext(NEW_REQUEST) % {
            "family": isolate(family),
            "urgency": rd.tr.gettext(URGENCIES[req.urgency]),
            "worker": isolate(worker.name),
        }
        outbox.enqueue(
            session,
            now,
            coordinator,
            "request_new",
            text,
            buttons=[[(rd.tr.gettext(OPEN_BUTTON), request_open(req.id))]],
            ref=(REF, req.id),
        )


async def on_overdue(session: AsyncSession, now: datetime, event: RequestOverdue) -> None:
    req, family = await _request(session, event.request_id)
    org = await session.get(Organisation, req.organisation_id)
    assert org is not None
    for coordinator in await _people(session, event.coordinators):
        rd = await people.reader(session, coordinator)
        text = rd.tr.gettext(OVERDUE) % {
            "family": isolate(family),
            "days": rd.tr.number(match_requests.age(now, req.created_at)),
            "limit": rd.tr.number(org.request_age_limit_days),
        }
        outbox.enqueue(
            session,
            now,
            coordinator,
            "request_overdue",
            text,
            buttons=[[(rd.tr.gettext(OPEN_BUTTON), request_open(req.id))]],
            ref=(REF, req.id),
            dedupe_key=f"request_overdue:{req.id}:{coordinator.id}",
        )


async def on_asked(session: AsyncSession, now: datetime, event: MentorAsked) -> None:
    offer = await session.get(MatchOffer, event.offer_id)
    mentor = await session.get(Person, event.mentor_id)
    assert offer is not None and mentor is not None
    rd = await people.reader(session, mentor)
    text = rd.tr.gettext(OFFER_TEXT) + "\n\n" + summary(rd.tr, dict(offer.summary or {}))
    outbox.enqueue(
        session,
        now,
        mentor,
        "offer",
        text,
        buttons=[
            [
                (rd.tr.gettext(ACCEPT), offer_yes(offer.id)),
                (rd.tr.gettext(DECLINE), offer_no(offer.id)),
            ]
        ],
        ref=("match_offer", offer.id),
    )


async def on_answered(session: AsyncSession, now: datetime, event: OfferAnswered) -> None:
    offer = await session.get(MatchOffer, event.offer_id)
    assert offer is not None
    match = await session.get(Match, offer.match_id)
    mentor = await session.get(Person, offer.mentor_id)
    assert match is not None and mentor is not None
    family = await session.get(Family, match.family_id)
    assert family is not None
    accept = offer.status == OfferStatus.ACCEPTED
    reason = offer.decline_reason
    team = await session.scalar(
        select(func.count()).select_from(MatchMentor).where(MatchMentor.match_id == match.id)
    )
    req_id = await session.scalar(select(MatchRequest.id).where(MatchRequest.match_id == match.id))
    for person in await _people(session, event.staff):
        rd = await people.reader(session, person)
        values = {
            "mentor": isolate(mentor.name),
            "family": isolate(family.name),
            "n": rd.tr.number(team or 0),
            "reason": rd.tr.gettext(DECLINES[reason]) if reason else "",
        }
        text = rd.tr.gettext(JOINED if accept else DECLINED) % values
        buttons = None
        if req_id is not None and person.role == Role.COORDINATOR:
            buttons = [[(rd.tr.gettext(OPEN_BUTTON), request_open(req_id))]]
        elif accept and person.id == match.worker_id:
            buttons = [[(rd.tr.gettext(PLAN_FIRST), plan_first(match.id))]]
        outbox.enqueue(
            session,
            now,
            person,
            "offer_answer",
            text,
            buttons=buttons,
            ref=("match_offer", offer.id),
        )
