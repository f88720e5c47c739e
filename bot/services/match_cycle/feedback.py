"""Feedback rounds: exit questions at closure and joint evaluations at the organisation's
points. Each party is asked in their language; when every party of an evaluation has
answered, the worker gets the summary card."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import isolate
from bot.notifications.match_cycle import (
    MENTEE_HEAD,
    QUESTIONS,
    ROUND_HEAD,
    SUMMARY_HEAD,
    SUMMARY_PLAN,
    THANKS,
    feedback_answer,
    plan_evaluation,
)
from bot.services import audit, outbox, people
from bot.services.errors import Invalid, NotFound
from bot.services.match_cycle.queries import family_name, org_of
from bot.services.match_cycle.rules import MAX_ID, FeedbackStep, kind
from domain.values import Actor
from storage.match_life import EXIT_ROUND, Party
from storage.models import Match, MatchFeedback, Person


def question_message(
    tr: Any, feedback: MatchFeedback, family: str, index: int
) -> tuple[str, list[list[tuple[str, str]]]]:
    """The text and buttons of question `index` of a feedback row, for its reader."""
    round_kind = kind(feedback.round)
    question = QUESTIONS[(round_kind, feedback.party)][index]
    months = feedback.round.partition(":")[2]
    if feedback.party == Party.MENTEE:
        head = tr.gettext(MENTEE_HEAD[round_kind])
    else:
        head = tr.gettext(ROUND_HEAD[round_kind]) % {"family": isolate(family), "months": months}
    text = f"{head}\n\n{tr.gettext(question.text)}"
    if len(QUESTIONS[(round_kind, feedback.party)]) > 1:
        total = len(QUESTIONS[(round_kind, feedback.party)])
        text += f" ({tr.number(index + 1)}/{tr.number(total)})"
    buttons = [
        [
            (label, feedback_answer(feedback.id, index, value))
            for value, label in question.scale.items()
        ]
    ]
    return text, buttons


async def ask_round(
    session: AsyncSession,
    now: datetime,
    match: Match,
    round_: str,
    parties: list[tuple[Person, Party]],
) -> int:
    """Ask each party the first question of `round_`; returns how many were asked."""
    org = await org_of(session, match.organisation_id)
    family = await family_name(session, match)
    asked = 0
    for person, party in parties:
        if (kind(round_), party) not in QUESTIONS:
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
        rd = people.Reader(person, org)
        text, buttons = question_message(rd.tr, row, family, 0)
        if outbox.enqueue(
            session, now, person, "feedback", text, buttons=buttons, ref=("match_feedback", row.id)
        ):
            asked += 1
    return asked


async def answer_feedback(
    session: AsyncSession, now: datetime, person: Actor, feedback_id: int, index: int, value: int
) -> FeedbackStep:
    """A party's answer to one question of their round; the next question, or thanks. When
    every party asked in an evaluation has answered, the worker gets the summary card."""
    row = await session.get(MatchFeedback, feedback_id) if 0 < feedback_id <= MAX_ID else None
    if row is None or row.person_id != person.id:
        raise NotFound("no such feedback")
    questions = QUESTIONS[(kind(row.round), row.party)]
    if not 0 <= index < len(questions) or value not in questions[index].scale:
        raise Invalid("bad_data")
    rd = await people.reader(session, person)
    if row.answered_at is not None:
        return FeedbackStep(True, rd.tr.gettext(THANKS), [])
    row.answers = {**row.answers, f"q{index}": value}
    match = await session.get(Match, row.match_id)
    assert match is not None
    nxt = next((i for i in range(len(questions)) if f"q{i}" not in row.answers), None)
    if nxt is not None:
        await session.flush()
        text, buttons = question_message(rd.tr, row, await family_name(session, match), nxt)
        return FeedbackStep(False, text, buttons)
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
    return FeedbackStep(True, rd.tr.gettext(THANKS), [])


async def _maybe_summary(session: AsyncSession, now: datetime, match: Match, round_: str) -> None:
    rows = list(
        (
            await session.execute(
                select(MatchFeedback, Person.name)
                .join(Person, Person.id == MatchFeedback.person_id)
                .where(MatchFeedback.match_id == match.id, MatchFeedback.round == round_)
                .order_by(MatchFeedback.party, MatchFeedback.id)
            )
        ).all()
    )
    if not rows or any(r.answered_at is None for r, _ in rows):
        return
    worker = await session.get(Person, match.worker_id)
    if worker is None:
        return
    org = await org_of(session, match.organisation_id)
    rd = people.Reader(worker, org)
    lines = [
        rd.tr.gettext(SUMMARY_HEAD)
        % {
            "months": round_.partition(":")[2],
            "family": isolate(await family_name(session, match)),
        }
    ]
    for row, name in rows:
        questions = QUESTIONS[(kind(round_), row.party)]
        marks = " · ".join(
            q.scale.get(int(row.answers.get(f"q{i}", 0)), "–") for i, q in enumerate(questions)
        )
        lines.append(f"{isolate(name)}: {marks}")
    outbox.enqueue(
        session,
        now,
        worker,
        "evaluation_summary",
        "\n".join(lines),
        buttons=[[(rd.tr.gettext(SUMMARY_PLAN), plan_evaluation(match.id))]],
        ref=("match", match.id),
        dedupe_key=f"evaluation:{match.id}:{round_}",
    )
