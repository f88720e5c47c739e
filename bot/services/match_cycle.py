"""After the team is formed: the three-party first meeting and its outcome, joint evaluations
at the organisation's points, and closure (with its steps recorded) and rematch.

- **First meeting.** The referring worker (or a coordinator) plans it with the appointments
  service (`/plan`'s steps): the family gets its card, calendar file and reminders as for any
  meeting; the mentors and the worker get the time, place and a calendar file now and a
  reminder a day before, in their languages. When the meeting is over the worker is asked
  how it went: everyone agrees to start (the match is active) or not, with a reason (the
  match closes as `not_started` and the family goes back to the queue).
- **Joint evaluation** at 3 and 6 months after the start, then every 6 (organisation
  settings): short questions to each party in their language (emoji scales for the mentee),
  then a summary card to the worker, with a button to plan the evaluation meeting.
- **Closure** (`ClosureReason`, planned or not): planned meetings cancelled with the family
  told, their reminders and the progress-report requests stopped, offers withdrawn, contacts
  no longer shared (they are shared only within active matches), exit questions to each
  party and a goodbye stating the organisation's post-closure contact policy; each step is
  recorded with its time in `Match.closure_steps`. An unplanned closure puts the family back
  in the request queue, its history kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import N_, isolate
from bot.services import access, appointments, audit, outbox, people
from bot.services.appointments import AppointmentView, reminders
from bot.services.errors import Invalid, NotAllowed, NotFound
from storage.match_life import (
    EXIT_ROUND,
    ClosureReason,
    ClosureStep,
    FirstMeetingOutcome,
    MatchStage,
    OfferStatus,
    Party,
    RequestStatus,
    Urgency,
    evaluation_points,
    evaluation_round,
)
from storage.models import (
    Appointment,
    AppointmentStatus,
    Family,
    JobStatus,
    Match,
    MatchFeedback,
    MatchMentor,
    MatchOffer,
    MatchRequest,
    MatchStatus,
    Organisation,
    OutboxMessage,
    OutboxStatus,
    Person,
    ReportRequest,
    Role,
)

MAX_ID = 2**31 - 1
FIRST_PREFIX = "fm"  # fm:p:<match> plan, fm:y:<match> agreed, fm:n:<match>, fm:r:<match>:<code>
CLOSE_PREFIX = "cl"  # cl:r:<match>:<reason> chosen, cl:ok:<match>:<reason> confirmed
FEEDBACK_PREFIX = "fb"  # fb:<feedback>:<question>:<value>
REMIND_BEFORE = timedelta(days=1)


def plan_first(match_id: int) -> str:
    return f"{FIRST_PREFIX}:p:{match_id}"


def plan_evaluation(match_id: int) -> str:
    return f"{FIRST_PREFIX}:e:{match_id}"


def first_outcome(match_id: int, outcome: FirstMeetingOutcome) -> str:
    return f"{FIRST_PREFIX}:o:{match_id}:{outcome.value}"


def close_choose(match_id: int, reason: ClosureReason) -> str:
    return f"{CLOSE_PREFIX}:r:{match_id}:{reason.value}"


def close_confirm(match_id: int, reason: ClosureReason) -> str:
    return f"{CLOSE_PREFIX}:ok:{match_id}:{reason.value}"


def feedback_answer(feedback_id: int, question: int, value: int) -> str:
    return f"{FEEDBACK_PREFIX}:{feedback_id}:{question}:{value}"


OUTCOMES: dict[FirstMeetingOutcome, str] = {
    FirstMeetingOutcome.AGREED: N_("Everyone agrees to start"),
    FirstMeetingOutcome.FAMILY_NOT_READY: N_("The family is not ready"),
    FirstMeetingOutcome.MENTOR_WITHDREW: N_("A mentor withdrew"),
    FirstMeetingOutcome.NOT_A_FIT: N_("Not a good fit"),
    FirstMeetingOutcome.DID_NOT_TAKE_PLACE: N_("The meeting did not take place"),
}
CLOSURE_REASONS: dict[ClosureReason, str] = {
    ClosureReason.GOALS_REACHED: N_("Planned: the goals were reached"),
    ClosureReason.PERIOD_ENDED: N_("Planned: the agreed period ended"),
    ClosureReason.FAMILY_MOVED: N_("The family moved"),
    ClosureReason.MENTOR_UNAVAILABLE: N_("The mentor is no longer available"),
    ClosureReason.CONFLICT: N_("Conflict"),
    ClosureReason.UNREACHABLE: N_("The family cannot be reached"),
    ClosureReason.NOT_STARTED: N_("The first meeting did not lead to a start"),
    ClosureReason.LEGACY: N_("Closed before reasons were recorded"),
}
CHOOSABLE = [r for r in ClosureReason if r not in (ClosureReason.NOT_STARTED, ClosureReason.LEGACY)]

# Answers: the mentee's and the mentors' first question on a 5-face scale, the second on a
# thumbs scale; the worker's exit question on the thumbs scale.
FACES = {1: "😞", 2: "🙁", 3: "😐", 4: "🙂", 5: "😄"}
THUMBS = {3: "👍", 2: "🤷", 1: "👎"}


@dataclass(frozen=True)
class Question:
    text: str
    scale: dict[int, str]


QUESTIONS: dict[tuple[str, Party], list[Question]] = {
    ("exit", Party.MENTEE): [
        Question(N_("How was your time with your mentors?"), FACES),
        Question(N_("Would you tell a friend to have a mentor?"), THUMBS),
    ],
    ("exit", Party.MENTOR): [
        Question(N_("How was mentoring this family?"), FACES),
        Question(N_("Would you mentor another family?"), THUMBS),
    ],
    ("exit", Party.WORKER): [Question(N_("Did the match reach its goals?"), THUMBS)],
    ("eval", Party.MENTEE): [
        Question(N_("How are things with your mentors?"), FACES),
        Question(N_("Does the mentoring help you?"), THUMBS),
    ],
    ("eval", Party.MENTOR): [
        Question(N_("How is the relationship with the family going?"), FACES),
        Question(N_("Is the family moving towards its goals?"), THUMBS),
    ],
}


def _kind(round_: str) -> str:
    return "exit" if round_ == EXIT_ROUND else "eval"


# helpers ----------------------------------------------------------------------------------
async def _org(session: AsyncSession, org_id: int) -> Organisation:
    org = await session.get(Organisation, org_id)
    assert org is not None
    return org


def _today(org: Organisation, now: datetime) -> date:
    return now.astimezone(ZoneInfo(org.timezone)).date()


async def _mentors(session: AsyncSession, match_id: int) -> list[Person]:
    rows = await session.execute(
        select(Person)
        .join(MatchMentor, MatchMentor.mentor_id == Person.id)
        .where(MatchMentor.match_id == match_id, Person.active)
        .order_by(Person.id)
    )
    return list(rows.scalars())


async def _mentees(session: AsyncSession, match: Match) -> list[Person]:
    rows = await session.execute(
        select(Person)
        .where(Person.family_id == match.family_id, Person.role == Role.MENTEE, Person.active)
        .order_by(Person.id)
    )
    return list(rows.scalars())


async def _family_name(session: AsyncSession, match: Match) -> str:
    family = await session.get(Family, match.family_id)
    return family.name if family else ""


async def staff_match(session: AsyncSession, staff: Person, match_id: int) -> Match:
    """The match, if `staff` is its referring worker or a coordinator of its organisation."""
    if not staff.active or staff.role not in (Role.WORKER, Role.COORDINATOR):
        raise NotAllowed("staff only")
    match = await session.get(Match, match_id) if 0 < match_id <= MAX_ID else None
    if match is None:
        raise NotFound("no such match")
    if match.organisation_id != staff.organisation_id:
        raise NotAllowed("match of another organisation")
    if not await access.may_see_match(session, staff, match):
        raise NotAllowed("not this person's match")
    return match


# the first meeting ------------------------------------------------------------------------
async def prepare_first_meeting(
    session: AsyncSession, now: datetime, staff: Person, match_id: int
) -> tuple[int, str]:
    """Staff start planning the three-party meeting of a forming team (at least one mentor
    said yes). Returns the match id and the family's name, for the planning steps."""
    match = await staff_match(session, staff, match_id)
    if match.status != MatchStatus.PROPOSED:
        raise Invalid("match_not_forming", f"match {match.id} is not forming")
    if not await _mentors(session, match.id):
        raise Invalid("no_mentor", "no mentor has accepted yet")
    match.stage = MatchStage.FIRST_MEETING
    await session.flush()
    return match.id, await _family_name(session, match)


async def evaluation_meeting(
    session: AsyncSession, staff: Person, match_id: int
) -> tuple[int, str]:
    """Staff plan the joint evaluation meeting of an active match (like any meeting)."""
    match = await staff_match(session, staff, match_id)
    if match.status != MatchStatus.ACTIVE:
        raise Invalid("match_not_active", f"match {match.id} is not active")
    return match.id, await _family_name(session, match)


FIRST_PLANNED = N_(
    "<b>First meeting with the %(family)s family</b>, the referring worker and the mentors: "
    "%(when)s, %(place)s."
)
FIRST_REMINDER = N_(
    "Reminder: the first meeting with the %(family)s family is on %(when)s, %(place)s."
)
HOW_DID_IT_GO = N_("How did the first meeting with the %(family)s family go?")


async def first_meeting_planned(
    session: AsyncSession,
    appointment: Appointment,
    view: AppointmentView,
    match: Match,
    org: Organisation,
    now: datetime,
) -> None:
    """Called by `appointments.create` for a match at its first meeting: the mentors and the
    worker get the time, the place and a calendar file, and a reminder the day before; the
    worker is asked for the outcome once the meeting is over."""
    family = await _family_name(session, match)
    worker = await session.get(Person, match.worker_id)
    party = [*await _mentors(session, match.id), *([worker] if worker else [])]
    for person in party:
        rd = people.Reader(person, org)
        values = {
            "family": isolate(family),
            "when": rd.tr.when(appointment.starts_at, rd.tz),
            "place": isolate(appointment.place),
        }
        ref = ("appointment", appointment.id)
        outbox.enqueue(
            session,
            now,
            person,
            "first_meeting",
            rd.tr.gettext(FIRST_PLANNED) % values,
            document=appointments.calendar_file(rd.tr, appointment, view, now),
            ref=ref,
        )
        remind_at = appointment.starts_at - REMIND_BEFORE
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
            ref=("appointment", appointment.id),
            not_before=appointment.starts_at + timedelta(minutes=appointment.duration_minutes),
        )


STARTED = N_("Your mentoring with the %(family)s family has begun. Welcome to the team!")
STARTED_MENTEE = N_("Your mentoring has begun. Your mentors: %(names)s.")


async def record_first_meeting(
    session: AsyncSession,
    now: datetime,
    staff: Person,
    match_id: int,
    outcome: FirstMeetingOutcome,
) -> Match:
    """The first meeting's outcome: everyone agreed (the match is active) or not (it closes
    as `not_started`, the family goes back to the queue)."""
    match = await staff_match(session, staff, match_id)
    if match.status != MatchStatus.PROPOSED:
        raise Invalid("match_not_forming", f"match {match.id} is not forming")
    match.first_meeting_outcome = outcome
    audit.record(
        session,
        now,
        "match.first_meeting_outcome",
        actor_id=staff.id,
        organisation_id=match.organisation_id,
        target=("match", match.id),
        outcome=outcome.value,
    )
    if outcome != FirstMeetingOutcome.AGREED:
        await close_match(session, now, staff, match.id, ClosureReason.NOT_STARTED)
        return match
    org = await _org(session, match.organisation_id)
    match.status, match.stage = MatchStatus.ACTIVE, MatchStage.ACTIVE
    match.started_on = match.initiated_on = _today(org, now)
    await session.execute(
        update(MatchRequest)
        .where(MatchRequest.match_id == match.id)
        .values(status=RequestStatus.MATCHED, closed_at=now)
    )
    await session.execute(
        update(MatchOffer)
        .where(MatchOffer.match_id == match.id, MatchOffer.status == OfferStatus.ASKED)
        .values(status=OfferStatus.WITHDRAWN, answered_at=now)
    )
    await session.flush()
    family = await _family_name(session, match)
    mentors = await _mentors(session, match.id)
    for mentor in mentors:
        rd = people.Reader(mentor, org)
        outbox.enqueue(
            session,
            now,
            mentor,
            "match_started",
            rd.tr.gettext(STARTED) % {"family": isolate(family)},
            ref=("match", match.id),
        )
    for mentee in await _mentees(session, match):
        rd = people.Reader(mentee, org)
        outbox.enqueue(
            session,
            now,
            mentee,
            "match_started",
            rd.tr.gettext(STARTED_MENTEE)
            % {"names": rd.tr.join([isolate(m.name) for m in mentors])},
            ref=("match", match.id),
        )
    return match


# feedback rounds --------------------------------------------------------------------------
ROUND_HEAD = {
    "exit": N_("<b>A few last questions</b> about the mentoring with the %(family)s family"),
    "eval": N_(
        "<b>Joint evaluation: %(months)s months</b> of mentoring with the %(family)s family"
    ),
}
MENTEE_HEAD = {
    "exit": N_("<b>A few last questions</b>"),
    "eval": N_("<b>How is it going?</b>"),
}


def question_message(
    tr: Any, feedback: MatchFeedback, family: str, index: int
) -> tuple[str, list[list[tuple[str, str]]]]:
    """The text and buttons of question `index` of a feedback row, for its reader."""
    kind = _kind(feedback.round)
    question = QUESTIONS[(kind, feedback.party)][index]
    months = feedback.round.partition(":")[2]
    if feedback.party == Party.MENTEE:
        head = tr.gettext(MENTEE_HEAD[kind])
    else:
        head = tr.gettext(ROUND_HEAD[kind]) % {"family": isolate(family), "months": months}
    text = f"{head}\n\n{tr.gettext(question.text)}"
    if len(QUESTIONS[(kind, feedback.party)]) > 1:
        text += f" ({tr.number(index + 1)}/{tr.number(len(QUESTIONS[(kind, feedback.party)]))})"
    buttons = [
        [
            (label, feedback_answer(feedback.id, index, value))
            for value, label in question.scale.items()
        ]
    ]
    return text, buttons


async def _ask_round(
    session: AsyncSession,
    now: datetime,
    match: Match,
    round_: str,
    parties: list[tuple[Person, Party]],
) -> int:
    org = await _org(session, match.organisation_id)
    family = await _family_name(session, match)
    asked = 0
    for person, party in parties:
        if (_kind(round_), party) not in QUESTIONS:
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


async def _parties(session: AsyncSession, match: Match, worker: bool) -> list[tuple[Person, Party]]:
    out = [(m, Party.MENTEE) for m in await _mentees(session, match)]
    out += [(m, Party.MENTOR) for m in await _mentors(session, match.id)]
    if worker:
        found = await session.get(Person, match.worker_id)
        if found is not None:
            out.append((found, Party.WORKER))
    return out


@dataclass(frozen=True)
class FeedbackStep:
    done: bool
    text: str
    buttons: list[list[tuple[str, str]]]


THANKS = N_("Thank you! Your answers were saved.")
SUMMARY_HEAD = N_("<b>Joint evaluation at %(months)s months: the %(family)s family</b>")
SUMMARY_PLAN = N_("Plan the evaluation meeting")


async def answer_feedback(
    session: AsyncSession, now: datetime, person: Person, feedback_id: int, index: int, value: int
) -> FeedbackStep:
    """A party's answer to one question of their round; the next question, or thanks. When
    every party asked in an evaluation has answered, the worker gets the summary card."""
    row = await session.get(MatchFeedback, feedback_id) if 0 < feedback_id <= MAX_ID else None
    if row is None or row.person_id != person.id:
        raise NotFound("no such feedback")
    questions = QUESTIONS[(_kind(row.round), row.party)]
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
        text, buttons = question_message(rd.tr, row, await _family_name(session, match), nxt)
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
    org = await _org(session, match.organisation_id)
    rd = people.Reader(worker, org)
    lines = [
        rd.tr.gettext(SUMMARY_HEAD)
        % {
            "months": round_.partition(":")[2],
            "family": isolate(await _family_name(session, match)),
        }
    ]
    for row, name in rows:
        questions = QUESTIONS[(_kind(round_), row.party)]
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


def months_between(start: date, today: date) -> int:
    months = (today.year - start.year) * 12 + today.month - start.month
    return months - (1 if today.day < start.day else 0)


async def evaluation_batch(
    session: AsyncSession, now: datetime, after_id: int, limit: int
) -> tuple[int, int | None]:
    """Walk the active matches by id from `after_id`; ask each whose latest evaluation point
    (organisation settings) has been reached and not yet asked. Returns (rounds started, the
    last id seen or None when the walk is over). A batch of the scheduler (bot/jobs.py)."""
    rows = list(
        (
            await session.execute(
                select(Match, Organisation)
                .join(Organisation, Organisation.id == Match.organisation_id)
                .where(
                    Match.status == MatchStatus.ACTIVE,
                    Match.initiated_on.is_not(None),
                    Match.id > after_id,
                )
                .order_by(Match.id)
                .limit(limit)
            )
        ).all()
    )
    started = 0
    for match, org in rows:
        assert match.initiated_on is not None
        months = months_between(match.initiated_on, _today(org, now))
        points = evaluation_points(
            list(org.evaluation_months or []), org.evaluation_every_months, months
        )
        if not points:
            continue
        round_ = evaluation_round(points[-1])
        if await session.scalar(
            select(MatchFeedback.id).where(
                MatchFeedback.match_id == match.id, MatchFeedback.round == round_
            )
        ):
            continue
        await _ask_round(session, now, match, round_, await _parties(session, match, False))
        audit.record(
            session,
            now,
            "match.evaluation_started",
            actor_id=None,
            organisation_id=org.id,
            target=("match", match.id),
            round=round_,
        )
        started += 1
    await session.flush()
    last = rows[-1][0].id if len(rows) == limit else None
    return started, last


# closure ----------------------------------------------------------------------------------
GOODBYE_MENTEE = N_("Your mentoring has ended. Thank you for the time you shared.")
GOODBYE_MENTOR = N_(
    "Your mentoring with the %(family)s family has ended. Thank you for your time and care."
)
DEFAULT_CONTACT_POLICY = N_(
    "After a mentoring ends, the programme no longer passes on contacts, and mentors and "
    "families do not keep in touch through it. For anything you need, contact the programme's "
    "staff."
)
CONTACT_POLICY_LINE = N_("What happens now: %(policy)s")
REMATCH_NEW = N_(
    "The %(family)s family is back in the queue for new mentors (its match ended early)."
)


@dataclass(frozen=True)
class Closed:
    match_id: int
    reason: ClosureReason
    steps: dict[str, Any]
    rematch_request_id: int | None


def _step(steps: dict[str, Any], name: ClosureStep, now: datetime, **detail: Any) -> None:
    steps[name.value] = {"at": now.astimezone(UTC).isoformat(), **detail}


async def close_match(
    session: AsyncSession,
    now: datetime,
    actor: Person | None,
    match_id: int,
    reason: ClosureReason,
    note: str | None = None,
) -> Closed:
    """Close a match with a fixed reason (`actor`: its worker or a coordinator; None from the
    CLI) and carry out every closure step, each recorded with its time."""
    if actor is not None:
        match = await staff_match(session, actor, match_id)
    else:
        found = await session.get(Match, match_id) if 0 < match_id <= MAX_ID else None
        if found is None:
            raise NotFound(f"unknown match {match_id}")
        match = found
    if match.status == MatchStatus.CLOSED:
        raise Invalid("already_closed", f"match {match.id} is already closed")
    if reason == ClosureReason.LEGACY:
        raise Invalid("reason", "choose one of the closure reasons")
    org = await _org(session, match.organisation_id)
    worker = await session.get(Person, match.worker_id)
    acting = actor or worker
    assert acting is not None
    steps: dict[str, Any] = {}

    # 1. Planned meetings cancelled, the family told (and their reminders withdrawn).
    planned = list(
        (
            await session.execute(
                select(Appointment).where(
                    Appointment.match_id == match.id,
                    Appointment.status == AppointmentStatus.PLANNED,
                    Appointment.starts_at > now,
                )
            )
        ).scalars()
    )
    told = 0
    for appointment in planned:
        try:
            await appointments.cancel(session, acting, appointment.id, now)
            told += 1
        except NotFound:  # nobody left who may manage it (a worker who left): cancel quietly
            appointment.status = AppointmentStatus.CANCELLED
            appointment.sequence += 1
            appointment.updated_at = now
            await reminders.withdraw(session, appointment.id, reminders.CANCELLED, now)
    _step(steps, ClosureStep.MEETINGS_CANCELLED, now, n=len(planned), family_told=told)

    # 2. Reminders stop: any still pending for its meetings, the progress-report requests,
    # and messages queued about its meetings or offers that have not gone out.
    appointment_ids = list(
        (
            await session.execute(select(Appointment.id).where(Appointment.match_id == match.id))
        ).scalars()
    )
    withdrawn = 0
    for appointment_id in appointment_ids:
        withdrawn += await reminders.withdraw(session, appointment_id, "match closed", now)
    reports = await session.execute(
        update(ReportRequest)
        .where(ReportRequest.match_id == match.id, ReportRequest.status == JobStatus.PENDING)
        .values(status=JobStatus.CANCELLED, remind_at=None)
    )
    offer_ids = list(
        (
            await session.execute(select(MatchOffer.id).where(MatchOffer.match_id == match.id))
        ).scalars()
    )
    queued = 0
    for ref_type, ids in (("appointment", appointment_ids), ("match_offer", offer_ids)):
        if ids:
            result = await session.execute(
                update(OutboxMessage)
                .where(
                    OutboxMessage.ref_type == ref_type,
                    OutboxMessage.ref_id.in_(ids),
                    OutboxMessage.status == OutboxStatus.QUEUED,
                    OutboxMessage.not_before > now,
                )
                .values(status=OutboxStatus.CANCELLED, last_error="match closed")
            )
            queued += int(getattr(result, "rowcount", 0) or 0)
    _step(
        steps,
        ClosureStep.REMINDERS_STOPPED,
        now,
        reminders=withdrawn,
        report_requests=int(getattr(reports, "rowcount", 0) or 0),
        messages=queued,
    )

    # 3. Offers not answered yet are withdrawn.
    offers = await session.execute(
        update(MatchOffer)
        .where(MatchOffer.match_id == match.id, MatchOffer.status == OfferStatus.ASKED)
        .values(status=OfferStatus.WITHDRAWN, answered_at=now)
    )
    _step(steps, ClosureStep.OFFERS_WITHDRAWN, now, n=int(getattr(offers, "rowcount", 0) or 0))

    # The match is closed: from here on no contact is shared through it.
    match.status, match.stage = MatchStatus.CLOSED, MatchStage.CLOSED
    match.closed_at, match.closed_by_id = now, actor.id if actor else None
    match.closure_code, match.closure_kind = reason, reason.kind
    match.closure_reason = " ".join((note or "").split()) or None
    await session.flush()
    _step(steps, ClosureStep.CONTACTS_UNSHARED, now)

    # 4. A goodbye to the family and the mentors stating the post-closure contact policy;
    # 5. exit questions to each party, in their language.
    parties = await _parties(session, match, True)
    family = await _family_name(session, match)
    said = 0
    for person, party in parties:
        if party == Party.WORKER:
            continue
        rd = people.Reader(person, org)
        policy = org.contact_policy or rd.tr.gettext(DEFAULT_CONTACT_POLICY)
        head = (
            rd.tr.gettext(GOODBYE_MENTEE)
            if party == Party.MENTEE
            else rd.tr.gettext(GOODBYE_MENTOR) % {"family": isolate(family)}
        )
        text = head + "\n\n" + rd.tr.gettext(CONTACT_POLICY_LINE) % {"policy": isolate(policy)}
        if outbox.enqueue(session, now, person, "goodbye", text, ref=("match", match.id)):
            said += 1
    _step(steps, ClosureStep.GOODBYES_SENT, now, n=said)
    asked = await _ask_round(session, now, match, EXIT_ROUND, parties)
    _step(steps, ClosureStep.EXIT_QUESTIONS_SENT, now, n=asked)

    # 6. An early (unplanned) end: the family goes back to the queue, its history kept.
    rematch_id: int | None = None
    if reason.kind.value == "unplanned":
        previous = await session.scalar(
            select(MatchRequest).where(MatchRequest.match_id == match.id)
        )
        await session.execute(
            update(MatchRequest)
            .where(MatchRequest.match_id == match.id, MatchRequest.status != RequestStatus.MATCHED)
            .values(status=RequestStatus.CANCELLED, closed_at=now)
        )
        request = MatchRequest(
            organisation_id=match.organisation_id,
            family_id=match.family_id,
            worker_id=match.worker_id,
            needs=list(previous.needs) if previous else [],
            urgency=previous.urgency if previous else Urgency.NORMAL,
            status=RequestStatus.WAITING,
            previous_match_id=match.id,
            created_at=now,
        )
        session.add(request)
        await session.flush()
        rematch_id = request.id
        _step(steps, ClosureStep.REMATCH_REQUESTED, now, request_id=request.id)
        from bot.services import match_requests, match_texts

        for coordinator in await match_requests.coordinators(session, org.id):
            rd = people.Reader(coordinator, org)
            outbox.enqueue(
                session,
                now,
                coordinator,
                "request_new",
                rd.tr.gettext(REMATCH_NEW) % {"family": isolate(family)},
                buttons=[
                    [
                        (
                            rd.tr.gettext(match_requests.OPEN_BUTTON),
                            match_texts.request_open(request.id),
                        )
                    ]
                ],
                ref=("match_request", request.id),
            )
    match.closure_steps = steps
    await session.flush()
    audit.record(
        session,
        now,
        "match.closed",
        actor_id=actor.id if actor else None,
        organisation_id=match.organisation_id,
        target=("match", match.id),
        reason=reason.value,
        kind=reason.kind.value,
        steps=sorted(steps),
    )
    return Closed(match.id, reason, steps, rematch_id)
