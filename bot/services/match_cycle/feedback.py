"""Feedback rounds: exit questions at closure and joint evaluations at the organisation's
points. Each party is asked (`FeedbackAsked`); when every party of an evaluation has
answered, the worker gets the summary card (`EvaluationAnswered`). What each reads is
`bot.notifications.match_cycle.outgoing`'s."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import audit, events, outbox
from bot.services.errors import Invalid, NotFound
from bot.services.match_cycle.queries import family_name
from bot.services.match_cycle.rules import (
    MAX_ID,
    SCALES,
    FeedbackQuestion,
    FeedbackStep,
    kind,
)
from domain.events import EvaluationAnswered, FeedbackAsked
from domain.values import Actor
from storage.match_life import EXIT_ROUND, Party
from storage.models import Match, MatchFeedback, Person


async def ask_round(
    session: AsyncSession,
    now: datetime,
    match: Match,
    round_: str,
    parties: list[tuple[Person, Party]],
) -> int:
    """Ask each party the first question of `round_`; returns how many were asked (those the
    bot can reach)."""
    asked: list[int] = []
    for person, party in parties:
        if (kind(round_), party) not in SCALES:
            continue
        row = MatchFeedback(
            match_id=match.id,
            person_id=person.id,
            party=party,
            round=round_,
            answers={},
            asked_at=now,
        )
        session.add(row)
        await session.flush()
        if outbox.deliverable(person):
            asked.append(row.id)
    events.record(session, now, FeedbackAsked(match.id, round_, tuple(asked)))
    return len(asked)


async def answer_feedback(
    session: AsyncSession, now: datetime, person: Actor, feedback_id: int, index: int, value: int
) -> FeedbackStep:
    """A party's answer to one question of their round; the next question, or done. When
    every party asked in an evaluation has answered, the worker gets the summary card."""
    row = await session.get(MatchFeedback, feedback_id) if 0 < feedback_id <= MAX_ID else None
    if row is None or row.person_id != person.id:
        raise NotFound("no such feedback")
    scales = SCALES[(kind(row.round), row.party)]
    if not 0 <= index < len(scales) or value not in scales[index]:
        raise Invalid("bad_data")
    if row.answered_at is not None:
        return FeedbackStep(True)
    row.answers = {**row.answers, f"q{index}": value}
    match = await session.get(Match, row.match_id)
    assert match is not None
    nxt = next((i for i in range(len(scales)) if f"q{i}" not in row.answers), None)
    if nxt is not None:
        await session.flush()
        family = await family_name(session, match)
        return FeedbackStep(False, FeedbackQuestion(row.id, row.round, row.party, nxt, family))
    row.answered_at = now
    await session.flush()
    audit.record(
        session,
        now,
        "feedback.answered",
        actor_id=person.id,
        organisation_id=match.organisation_id,
        target=("match_feedback", row.id),
        round=row.round,
    )
    if row.round != EXIT_ROUND:
        await _maybe_summary(session, now, match, row.round)
    return FeedbackStep(True)


async def _maybe_summary(session: AsyncSession, now: datetime, match: Match, round_: str) -> None:
    answered = list(
        (
            await session.execute(
                select(MatchFeedback.answered_at).where(
                    MatchFeedback.match_id == match.id, MatchFeedback.round == round_
                )
            )
        ).scalars()
    )
    if not answered or any(at is None for at in answered):
        return
    worker = await session.get(Person, match.worker_id)
    if worker is None or not outbox.deliverable(worker):
        return
    events.record(session, now, EvaluationAnswered(match.id, round_, worker.id))
