"""A programme over a year, written straight to the database with the clock moved along: the
data the export and report tests read. Deterministic (a seeded random generator)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from bot.clock import ManualClock
from bot.services.meetings import ACTIVITIES
from bot.services.progress import DOMAINS
from mentorbot_testkit.factories import building
from storage.db import Database
from storage.match_life import ClosureReason, ClosureStep
from storage.models import (
    Answer,
    Appointment,
    AppointmentAnswer,
    AuditEvent,
    CheckIn,
    CheckInHow,
    CheckInParty,
    Concern,
    ConcernCategory,
    ConcernStatus,
    HelpKind,
    HelpMessage,
    HelpRequest,
    Match,
    MatchStatus,
    Meeting,
    Organisation,
    Person,
    ProgressReport,
    Role,
    Severity,
)

FIRST = date(2025, 3, 1)
LAST = date(2026, 2, 28)
# Planted identifiers: no pseudonymised export may hold any of them.
PLANTED_NAME = "Zainab Qurayshi"
PLANTED_FAMILY = "Qurayshi"
PLANTED_PHONE = "+34612345678"
PLANTED_EMAIL = "zainab.q@example.org"
PLANTED_NOTE = "spoke about the lawyer in Sabadell"
PLANTED_FORMULA = '=HYPERLINK("http://evil.example","click")'

_ALL_STEPS = tuple(ClosureStep)
_NO_REMATCH = tuple(s for s in ClosureStep if s != ClosureStep.REMATCH_REQUESTED)
# Matches that close (by the family's index): the reason, the steps recorded (None: from
# before steps were recorded) and the day, when not 100 + 20·i days after the start.
CLOSURES: dict[int, tuple[ClosureReason, tuple[ClosureStep, ...] | None, date | None]] = {
    2: (ClosureReason.GOALS_REACHED, _NO_REMATCH, None),  # planned, every step
    3: (ClosureReason.FAMILY_MOVED, _ALL_STEPS, None),  # unplanned, every step
    4: (ClosureReason.LEGACY, None, None),  # closed before steps were recorded
    # unplanned, the rematch step missing
    5: (ClosureReason.CONFLICT, _NO_REMATCH, LAST - timedelta(days=30)),
    6: (ClosureReason.PERIOD_ENDED, _NO_REMATCH, LAST + timedelta(days=10)),  # after the period
}


@dataclass
class Programme:
    org: Organisation
    coordinator: Person
    workers: list[Person]
    matches: list[Match] = field(default_factory=list)
    planted_person: Person | None = None


def _at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


async def seed(
    db: Database, clock: ManualClock, *, locale: str = "en", families: int = 8, seed: int = 7
) -> Programme:
    rnd = random.Random(seed)
    contacts = random.Random(seed + 1)
    clock.set(_at(FIRST - timedelta(days=60)))
    async with building(db, clock.now()) as b:
        org = await b.org(
            locale=locale,
            ack_deadlines_minutes={"emergency": 15, "high": 240, "medium": 1440, "low": 4320},
            help_target_hours=48,
        )
        coordinator = await b.person(org, Role.COORDINATOR, "Carla Coordinator")
        workers = [await b.person(org, Role.WORKER, f"Worker {i}") for i in (1, 2)]
        prog = Programme(org, coordinator, workers)
        for i in range(families):
            family = await b.family(org, PLANTED_FAMILY if i == 0 else f"Family {i}")
            mentees = [
                await b.person(
                    org,
                    Role.MENTEE,
                    PLANTED_NAME if i == 0 and j == 0 else None,
                    family=family,
                    phone=PLANTED_PHONE if i == 0 and j == 0 else None,
                    email=PLANTED_EMAIL if i == 0 and j == 0 else None,
                    telegram_id=900_000 + i * 10 + j,
                )
                for j in range(1 + i % 3)
            ]
            if i == 0:
                prog.planted_person = mentees[0]
            mentor = await b.person(org, Role.MENTOR, PLANTED_FORMULA if i == 1 else f"Mentor {i}")
            # Matches start from two months before the period to its last month; some close.
            started = FIRST + timedelta(days=-60 + i * 45)
            status = MatchStatus.PROPOSED if i == families - 1 else MatchStatus.ACTIVE
            match = await b.match(
                family, [mentor], workers[i % 2], started_on=started, status=status
            )
            if i in CLOSURES:
                reason, steps, closed_on = CLOSURES[i]
                match.status = MatchStatus.CLOSED
                match.closed_at = _at(closed_on or started + timedelta(days=100 + 20 * i), 16)
                match.closure_reason = f"moved away {PLANTED_NOTE}"
                match.closure_code, match.closure_kind = reason, reason.kind
                match.closure_steps = (
                    {s.value: {"at": match.closed_at.isoformat()} for s in steps}
                    if steps is not None
                    else None
                )
            prog.matches.append(match)
            if status == MatchStatus.PROPOSED:
                continue
            end = match.closed_at.date() if match.closed_at else LAST + timedelta(days=20)
            day = started
            n = 0
            while day <= end:
                clock.set(_at(day, 17))
                codes = rnd.sample(sorted(ACTIVITIES), rnd.randint(1, 3))
                b.session.add(
                    Meeting(
                        match_id=match.id,
                        mentor_id=mentor.id,
                        occurred_on=day,
                        duration_minutes=rnd.choice((30, 60, 90, 120, 150)),
                        activities=codes,
                        mood=rnd.choice((None, 1, 2, 3, 4, 5)),
                        notes=f"{PLANTED_NOTE} {PLANTED_PHONE}" if n % 4 == 0 else None,
                        created_at=clock.now(),
                        updated_at=clock.now(),
                    )
                )
                if n % 5 == 2:
                    b.session.add(
                        ProgressReport(
                            match_id=match.id,
                            mentor_id=mentor.id,
                            domains={
                                code: {"rating": rnd.randint(1, 4), "comment": PLANTED_NOTE}
                                for code in DOMAINS
                            },
                            relationship=rnd.randint(1, 4),
                            needs_support=rnd.random() < 0.3,
                            comment=PLANTED_FORMULA if n % 2 else PLANTED_NOTE,
                            created_at=clock.now(),
                        )
                    )
                if n % 6 == 1:
                    severity = rnd.choice(list(Severity))
                    raised = clock.now()
                    late = rnd.random() < 0.35
                    limit = org.ack_deadlines_minutes[severity.value]
                    acked = (
                        None
                        if rnd.random() < 0.1
                        else raised + timedelta(minutes=limit * (1.5 if late else 0.5))
                    )
                    b.session.add(
                        Concern(
                            organisation_id=org.id,
                            match_id=match.id,
                            raised_by_id=mentor.id,
                            category=rnd.choice(list(ConcernCategory)),
                            severity=severity,
                            description=f"{PLANTED_NAME} {PLANTED_EMAIL}",
                            language="en",
                            status=ConcernStatus.ACKNOWLEDGED if acked else ConcernStatus.OPEN,
                            assigned_worker_id=match.worker_id,
                            raised_at=raised,
                            acknowledged_at=acked,
                            acknowledged_by_id=match.worker_id if acked else None,
                        )
                    )
                if n % 7 == 3:
                    kind = rnd.choice(list(HelpKind))
                    requester = mentees[0] if kind == HelpKind.MENTEE else mentor
                    hr = HelpRequest(
                        organisation_id=org.id,
                        match_id=match.id,
                        requester_id=requester.id,
                        worker_id=match.worker_id,
                        kind=kind,
                        created_at=clock.now(),
                    )
                    b.session.add(hr)
                    await b.session.flush()
                    b.session.add(
                        HelpMessage(
                            help_request_id=hr.id,
                            author_id=requester.id,
                            text=PLANTED_NOTE,
                            created_at=clock.now(),
                        )
                    )
                    if rnd.random() < 0.8:
                        b.session.add(
                            HelpMessage(
                                help_request_id=hr.id,
                                author_id=match.worker_id,
                                text="answer",
                                created_at=clock.now()
                                + timedelta(hours=rnd.choice((2, 20, 47, 60, 100))),
                            )
                        )
                if n % 3 == 0:
                    appointment = Appointment(
                        match_id=match.id,
                        created_by_id=mentor.id,
                        starts_at=clock.now() + timedelta(days=3),
                        place="Library",
                        created_at=clock.now(),
                        updated_at=clock.now(),
                    )
                    b.session.add(appointment)
                    await b.session.flush()
                    b.session.add(
                        AppointmentAnswer(
                            appointment_id=appointment.id,
                            person_id=mentees[0].id,
                            answer=rnd.choice(list(Answer)),
                            answered_at=clock.now() + timedelta(days=2),
                        )
                    )
                b.session.add(
                    AuditEvent(
                        organisation_id=org.id,
                        actor_id=mentor.id,
                        action="meeting.logged",
                        target_type="person",
                        target_id=mentees[0].id,
                        detail={"note": PLANTED_NAME},
                        created_at=clock.now(),
                    )
                )
                # Staff check-ins (their own generator: the rest of the data stays as it was).
                for party, who in (
                    (CheckInParty.MENTOR, mentor.id),
                    (CheckInParty.MENTEE, mentees[0].id),
                    (CheckInParty.FAMILY, None),
                ):
                    # Families 2 and 3 are contacted at every meeting (they comply).
                    if contacts.random() < (1.0 if i in (2, 3) else 0.55):
                        b.session.add(
                            CheckIn(
                                organisation_id=org.id,
                                match_id=match.id,
                                staff_id=match.worker_id,
                                party=party,
                                person_id=who,
                                how=contacts.choice(list(CheckInHow)),
                                occurred_on=day + timedelta(days=contacts.randint(0, 3)),
                                note=contacts.choice((None, PLANTED_NOTE, PLANTED_FORMULA)),
                                created_at=clock.now(),
                            )
                        )
                n += 1
                day += timedelta(days=rnd.choice((6, 7, 8, 14)))
            await b.session.flush()
    clock.set(_at(LAST + timedelta(days=30)))
    return prog
