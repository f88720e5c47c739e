"""Requests for mentors and the match cycle say what happened: each service records its domain
events (ids only, those who can be reached) and queues nothing itself; the bus turns them into
the messages each reader gets, in their own language, in the order the steps happened."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import ManualClock
from bot.i18n import translator
from bot.notifications import bus, match_cycle, match_texts
from bot.services import events, match_requests
from bot.services import match_cycle as cycle
from domain.events import (
    FamilyRequeued,
    FeedbackAsked,
    MatchEnded,
    MentorAsked,
    MentorsRequested,
    OfferAnswered,
)
from storage.db import Database
from storage.match_life import EXIT_ROUND, ClosureReason
from storage.models import (
    Family,
    FamilyProfile,
    MatchFeedback,
    MatchRequest,
    MentorProfile,
    OutboxMessage,
    Person,
    Role,
)
from tests.conftest import dispatching
from tests.factories import building

ES, CA, AR = translator("es"), translator("ca"), translator("ar")


async def _world(db: Database, now: datetime) -> dict[str, int]:
    ids = iter(range(8301, 8400))
    async with building(db, now) as b:
        org = await b.org()
        worker = await b.person(org, Role.WORKER, "Wendy", telegram_id=next(ids), locale="es")
        coordinator = await b.person(
            org, Role.COORDINATOR, "Carme", telegram_id=next(ids), locale="ca"
        )
        await b.person(org, Role.COORDINATOR, "Offline")  # not linked: nobody to tell
        mentor = await b.person(org, Role.MENTOR, "Marta", telegram_id=next(ids), locale="es")
        family = await b.family(org, "Haddad")
        mentee = await b.person(
            org, Role.MENTEE, "Amal", telegram_id=next(ids), locale="ar", family=family
        )
        b.session.add(
            MentorProfile(
                person_id=mentor.id, languages={"es": 3}, availability=[], skills=[],
                capacity=1, updated_at=now,
            )
        )  # fmt: skip
        b.session.add(
            FamilyProfile(
                family_id=family.id, languages={"es": 2}, needs=[], availability=[],
                preferences={}, updated_at=now,
            )
        )  # fmt: skip
    return {
        "worker": worker.id, "coordinator": coordinator.id, "mentor": mentor.id,
        "mentee": mentee.id, "family": family.id,
    }  # fmt: skip


async def _person(s: AsyncSession, person_id: int) -> Person:
    found = await s.get(Person, person_id)
    assert found is not None
    return found


async def _outbox(s: AsyncSession) -> list[OutboxMessage]:
    return list((await s.execute(select(OutboxMessage).order_by(OutboxMessage.id))).scalars())


async def test_a_request_and_its_offer_are_events_rendered_for_each_reader(
    db: Database, clock: ManualClock
) -> None:
    ids = await _world(db, clock.now())
    now = clock.now()
    async with dispatching(db) as s:
        worker = await _person(s, ids["worker"])
        req = await match_requests.create_request(s, now, worker, family_id=ids["family"])
        assert events.recorded(s) == [MentorsRequested(req.id, (ids["coordinator"],))]
        assert await _outbox(s) == []  # the service queues nothing itself
        await bus.dispatch(s)
        [new] = await _outbox(s)
        assert (new.person_id, new.kind) == (ids["coordinator"], "request_new")
        assert CA.gettext(match_texts.NEW_REQUEST).split("%")[0] in new.text
        assert new.buttons == [
            [[CA.gettext(match_texts.OPEN_BUTTON), match_texts.request_open(req.id)]]
        ]
        coordinator = await _person(s, ids["coordinator"])
        offer = await match_requests.ask_mentor(s, now, coordinator, req.id, ids["mentor"])
        mentor = await _person(s, ids["mentor"])
        await match_requests.answer_offer(s, now, mentor, offer.id, accept=True)
        assert events.recorded(s) == [
            MentorAsked(offer.id, ids["mentor"]),
            OfferAnswered(offer.id, (ids["coordinator"], ids["worker"])),
        ]
        await bus.dispatch(s)
        asked, *answers = (await _outbox(s))[1:]
        assert (asked.person_id, asked.kind) == (ids["mentor"], "offer")
        assert asked.text.startswith(ES.gettext(match_texts.OFFER_TEXT))
        assert asked.buttons == [
            [
                [ES.gettext(match_texts.ACCEPT), match_texts.offer_yes(offer.id)],
                [ES.gettext(match_texts.DECLINE), match_texts.offer_no(offer.id)],
            ]
        ]
        assert [(m.person_id, m.kind) for m in answers] == [
            (ids["coordinator"], "offer_answer"),
            (ids["worker"], "offer_answer"),
        ]
        assert answers[0].buttons == [
            [[CA.gettext(match_texts.OPEN_BUTTON), match_texts.request_open(req.id)]]
        ]
        assert answers[1].buttons == [
            [[ES.gettext(match_texts.PLAN_FIRST), match_cycle.plan_first(offer.match_id)]]
        ]


async def test_an_early_closure_says_goodbye_asks_and_requeues_in_that_order(
    db: Database, clock: ManualClock
) -> None:
    ids = await _world(db, clock.now())
    now = clock.now()
    async with building(db, now) as b:
        family = await b.session.get(Family, ids["family"])
        mentor = await b.session.get(Person, ids["mentor"])
        worker = await b.session.get(Person, ids["worker"])
        assert family is not None and mentor is not None and worker is not None
        match = await b.match(family, [mentor], worker)
    async with dispatching(db) as s:
        worker = await _person(s, ids["worker"])
        closed = await cycle.close_match(s, now, worker, match.id, ClosureReason.CONFLICT)
        rows = list(
            (
                await s.execute(
                    select(MatchFeedback.id, MatchFeedback.person_id)
                    .where(MatchFeedback.round == EXIT_ROUND)
                    .order_by(MatchFeedback.id)
                )
            ).all()
        )
        requeued = await s.scalar(select(MatchRequest.id).where(MatchRequest.status == "waiting"))
        assert requeued is not None and closed.rematch_request_id == requeued
        assert events.recorded(s) == [
            MatchEnded(match.id, (ids["mentee"],), (ids["mentor"],)),
            FeedbackAsked(match.id, EXIT_ROUND, tuple(r.id for r in rows)),
            FamilyRequeued(requeued, match.id, (ids["coordinator"],)),
        ]
        assert [r.person_id for r in rows] == [ids["mentee"], ids["mentor"], ids["worker"]]
        assert closed.steps["goodbyes_sent"]["n"] == 2
        assert closed.steps["exit_questions_sent"]["n"] == 3
        assert await _outbox(s) == []
        await bus.dispatch(s)
        sent = await _outbox(s)
    assert [(m.person_id, m.kind) for m in sent] == [
        (ids["mentee"], "goodbye"),
        (ids["mentor"], "goodbye"),
        (ids["mentee"], "feedback"),
        (ids["mentor"], "feedback"),
        (ids["worker"], "feedback"),
        (ids["coordinator"], "request_new"),
    ]
    assert AR.gettext(match_cycle.GOODBYE_MENTEE) in sent[0].text
    assert sent[2].buttons == [
        [[label, match_cycle.feedback_answer(rows[0].id, 0, value)] for value, label in
         match_cycle.FACES.items()]
    ]  # fmt: skip
    assert sent[5].buttons == [
        [[CA.gettext(match_texts.OPEN_BUTTON), match_texts.request_open(requeued)]]
    ]
