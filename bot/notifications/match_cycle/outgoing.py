"""What the match cycle's events send (`bot.notifications.bus`): the first meeting's time,
place, calendar file and reminder to the mentors and the worker, and the worker's question on
its outcome (`FirstMeetingPlanned`); the start (`MatchStarted`); each feedback round's first
question (`FeedbackAsked`) and the evaluation's summary card (`EvaluationAnswered`); the
goodbye at closure (`MatchEnded`) and the family back in the queue (`FamilyRequeued`). Each in
its reader's language and timezone, queued in the transaction that recorded the event."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import isolate
from bot.notifications.match_cycle.callbacks import first_outcome, plan_evaluation
from bot.notifications.match_cycle.questions import question_message
from bot.notifications.match_cycle.texts import (
    CONTACT_POLICY_LINE,
    DEFAULT_CONTACT_POLICY,
    FIRST_PLANNED,
    FIRST_REMINDER,
    GOODBYE_MENTEE,
    GOODBYE_MENTOR,
    HOW_DID_IT_GO,
    OUTCOMES,
    QUESTIONS,
    REMATCH_NEW,
    STARTED,
    STARTED_MENTEE,
    SUMMARY_HEAD,
    SUMMARY_PLAN,
)
from bot.notifications.match_texts import OPEN_BUTTON, request_open
from bot.services import appointments, match_cycle, outbox, people
from domain.events import (
    EvaluationAnswered,
    FamilyRequeued,
    FeedbackAsked,
    FirstMeetingPlanned,
    MatchEnded,
    MatchStarted,
)
from storage.models import Appointment, Match, MatchFeedback, Organisation, Person


async def _load(session: AsyncSession, match_id: int) -> tuple[Match, Organisation, str]:
    match = await session.get(Match, match_id)
    assert match is not None
    org = await session.get(Organisation, match.organisation_id)
    assert org is not None
    return match, org, await match_cycle.family_name(session, match)


async def _people(session: AsyncSession, ids: tuple[int, ...]) -> list[Person]:
    found = [await session.get(Person, pid) for pid in ids]
    return [p for p in found if p is not None]


async def on_first_planned(
    session: AsyncSession, now: datetime, event: FirstMeetingPlanned
) -> None:
    match, org, family = await _load(session, event.match_id)
    appointment = await session.get(Appointment, event.appointment_id)
    assert appointment is not None
    view = await appointments.view_of(session, appointment, match, family)
    ref = ("appointment", appointment.id)
    for person in await _people(session, event.party):
        rd = people.Reader(person, org)
        values = {
            "family": isolate(family),
            "when": rd.tr.when(appointment.starts_at, rd.tz),
            "place": isolate(appointment.place),
        }
        outbox.enqueue(
            session,
            now,
            person,
            "first_meeting",
            rd.tr.gettext(FIRST_PLANNED) % values,
            document=appointments.calendar_file(rd.tr, appointment, view, now),
            ref=ref,
        )
        remind_at = appointment.starts_at - match_cycle.REMIND_BEFORE
        if remind_at > now:
            outbox.enqueue(
                session,
                now,
                person,
                "first_meeting_reminder",
                rd.tr.gettext(FIRST_REMINDER) % values,
                ref=ref,
                not_before=remind_at,
                dedupe_key=f"first:{appointment.id}:{appointment.sequence}:{person.id}",
            )
    worker = await session.get(Person, event.worker_id) if event.worker_id else None
    if worker is not None:
        rd = people.Reader(worker, org)
        outbox.enqueue(
            session,
            now,
            worker,
            "first_meeting_outcome",
            rd.tr.gettext(HOW_DID_IT_GO) % {"family": isolate(family)},
            buttons=[
                [(rd.tr.gettext(text), first_outcome(match.id, code))]
                for code, text in OUTCOMES.items()
            ],
            ref=ref,
            not_before=appointment.starts_at + timedelta(minutes=appointment.duration_minutes),
        )


async def on_started(session: AsyncSession, now: datetime, event: MatchStarted) -> None:
    match, org, family = await _load(session, event.match_id)
    for mentor in await _people(session, event.mentors):
        rd = people.Reader(mentor, org)
        text = rd.tr.gettext(STARTED) % {"family": isolate(family)}
        outbox.enqueue(session, now, mentor, "match_started", text, ref=("match", match.id))
    team = [m.name for m in await match_cycle.mentors(session, match.id)]
    for mentee in await _people(session, event.mentees):
        rd = people.Reader(mentee, org)
        names = rd.tr.join([isolate(name) for name in team])
        text = rd.tr.gettext(STARTED_MENTEE) % {"names": names}
        outbox.enqueue(session, now, mentee, "match_started", text, ref=("match", match.id))


async def on_feedback_asked(session: AsyncSession, now: datetime, event: FeedbackAsked) -> None:
    if not event.feedback_ids:
        return
    _match, org, family = await _load(session, event.match_id)
    for feedback_id in event.feedback_ids:
        row = await session.get(MatchFeedback, feedback_id)
        assert row is not None
        person = await session.get(Person, row.person_id)
        assert person is not None
        rd = people.Reader(person, org)
        asked = match_cycle.FeedbackQuestion(row.id, row.round, row.party, 0, family)
        text, buttons = question_message(rd.tr, asked)
        outbox.enqueue(
            session, now, person, "feedback", text, buttons=buttons, ref=("match_feedback", row.id)
        )


async def on_evaluation_answered(
    session: AsyncSession, now: datetime, event: EvaluationAnswered
) -> None:
    match, org, family = await _load(session, event.match_id)
    worker = await session.get(Person, event.worker_id)
    assert worker is not None
    rows = (
        await session.execute(
            select(MatchFeedback, Person.name)
            .join(Person, Person.id == MatchFeedback.person_id)
            .where(MatchFeedback.match_id == match.id, MatchFeedback.round == event.round)
            .order_by(MatchFeedback.party, MatchFeedback.id)
        )
    ).all()
    rd = people.Reader(worker, org)
    months = event.round.partition(":")[2]
    lines = [rd.tr.gettext(SUMMARY_HEAD) % {"months": months, "family": isolate(family)}]
    for row, name in rows:
        questions = QUESTIONS[(match_cycle.kind(event.round), row.party)]
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
        dedupe_key=f"evaluation:{match.id}:{event.round}",
    )


async def on_ended(session: AsyncSession, now: datetime, event: MatchEnded) -> None:
    match, org, family = await _load(session, event.match_id)
    said = [(p, True) for p in await _people(session, event.mentees)]
    said += [(p, False) for p in await _people(session, event.mentors)]
    for person, mentee in said:
        rd = people.Reader(person, org)
        policy = org.contact_policy or rd.tr.gettext(DEFAULT_CONTACT_POLICY)
        head = (
            rd.tr.gettext(GOODBYE_MENTEE)
            if mentee
            else rd.tr.gettext(GOODBYE_MENTOR) % {"family": isolate(family)}
        )
        text = head + "\n\n" + rd.tr.gettext(CONTACT_POLICY_LINE) % {"policy": isolate(policy)}
        outbox.enqueue(session, now, person, "goodbye", text, ref=("match", match.id))


async def on_requeued(session: AsyncSession, now: datetime, event: FamilyRequeued) -> None:
    _match, org, family = await _load(session, event.match_id)
    for coordinator in await _people(session, event.coordinators):
        rd = people.Reader(coordinator, org)
        outbox.enqueue(
            session,
            now,
            coordinator,
            "request_new",
            rd.tr.gettext(REMATCH_NEW) % {"family": isolate(family)},
            buttons=[[(rd.tr.gettext(OPEN_BUTTON), request_open(event.request_id))]],
            ref=("match_request", event.request_id),
        )
