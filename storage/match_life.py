"""The life of a match, as fixed lists: what a profile may say, where a request or a mentor's
answer stands, and why a match closed. Reports count these codes, so they are stable values
(stored as text); their labels, in every language, live in `bot.notifications.match_texts`.

Import from here (`from storage.match_life import ClosureReason`), never spell the values.
"""

from __future__ import annotations

import enum


class Gender(enum.StrEnum):
    """A mentor's gender, a profile field of its own (how a person wants to be addressed is
    another matter): families may prefer, for example, a woman mentor."""

    FEMALE = "female"
    MALE = "male"
    NONBINARY = "nonbinary"


class LanguageLevel(enum.IntEnum):
    BASIC = 1
    GOOD = 2
    FLUENT = 3  # fluent or native


class Day(enum.StrEnum):
    MON = "mon"
    TUE = "tue"
    WED = "wed"
    THU = "thu"
    FRI = "fri"
    SAT = "sat"
    SUN = "sun"


class DayPart(enum.StrEnum):
    MORNING = "am"
    AFTERNOON = "pm"
    EVENING = "eve"


def slot(day: Day, part: DayPart) -> str:
    """An availability slot as stored: "tue:eve"."""
    return f"{day.value}:{part.value}"


ALL_SLOTS: tuple[str, ...] = tuple(slot(d, p) for d in Day for p in DayPart)


class Topic(enum.StrEnum):
    """What a family needs and what a mentor can help with: one list for both, so that a
    need is met by the skill of the same name."""

    PAPERWORK = "paperwork"
    LANGUAGE = "language"
    JOB = "job"
    HOUSING = "housing"
    SCHOOL = "school"
    LEISURE = "leisure"
    HEALTH = "health"


class Urgency(enum.StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"


class RequestStatus(enum.StrEnum):
    WAITING = "waiting"  # in the coordinators' queue
    MATCHING = "matching"  # mentors asked, the team forming
    MATCHED = "matched"  # the match began (first meeting agreed)
    CANCELLED = "cancelled"


class OfferStatus(enum.StrEnum):
    """A mentor asked to join a family's team."""

    ASKED = "asked"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"  # the request was cancelled or the match closed before an answer


class DeclineReason(enum.StrEnum):
    NO_TIME = "no_time"
    TOO_FAR = "too_far"
    NOT_MY_SKILLS = "not_my_skills"
    PERSONAL = "personal"
    OTHER = "other"


class MatchStage(enum.StrEnum):
    """Where an open match is in its life (`Match.stage`); `Match.status` stays proposed,
    active or closed. Matches made in the CLI before requests existed were given `ACTIVE`."""

    FORMING = "forming"  # mentors being asked; at least one may have said yes
    FIRST_MEETING = "first_meeting"  # the three-party meeting is planned or due
    ACTIVE = "active"  # everyone agreed to start
    CLOSED = "closed"


class FirstMeetingOutcome(enum.StrEnum):
    """What the three-party first meeting decided (`Match.first_meeting_outcome`)."""

    AGREED = "agreed"  # everyone agrees to start: the match is active
    FAMILY_NOT_READY = "family_not_ready"
    MENTOR_WITHDREW = "mentor_withdrew"
    NOT_A_FIT = "not_a_fit"
    DID_NOT_TAKE_PLACE = "did_not_take_place"


class Party(enum.StrEnum):
    """Who answers a round of questions (exit questions, joint evaluations)."""

    MENTEE = "mentee"
    MENTOR = "mentor"
    WORKER = "worker"


EXIT_ROUND = "exit"


def evaluation_round(months: int) -> str:
    return f"eval:{months}"


def evaluation_points(first: list[int], every: int, months_since: int) -> list[int]:
    """The evaluation points (months after the start) reached after `months_since` months:
    the organisation's list (default 3 and 6), then every `every` months after the last."""
    points = sorted({int(m) for m in first if int(m) > 0})
    reached = [p for p in points if p <= months_since]
    last = points[-1] if points else 0
    step = max(1, int(every))
    nxt = last + step
    while nxt <= months_since:
        reached.append(nxt)
        nxt += step
    return reached


class ClosureKind(enum.StrEnum):
    PLANNED = "planned"
    UNPLANNED = "unplanned"


class ClosureReason(enum.StrEnum):
    """Why a match ended: a fixed list, since reports count them. `kind` says whether the end
    was planned."""

    GOALS_REACHED = "goals_reached"
    PERIOD_ENDED = "period_ended"
    FAMILY_MOVED = "family_moved"
    MENTOR_UNAVAILABLE = "mentor_unavailable"
    CONFLICT = "conflict"
    UNREACHABLE = "unreachable"
    NOT_STARTED = "not_started"  # the first meeting did not lead to a start
    LEGACY = "legacy"  # closed before the list existed (free text kept)

    @property
    def kind(self) -> ClosureKind:
        planned = (ClosureReason.GOALS_REACHED, ClosureReason.PERIOD_ENDED)
        return ClosureKind.PLANNED if self in planned else ClosureKind.UNPLANNED


class ClosureStep(enum.StrEnum):
    """The steps of closing a match, each recorded with its time in `Match.closure_steps`
    (keys are these values), in the order `bot.services.match_cycle.close_match` does them."""

    MEETINGS_CANCELLED = "meetings_cancelled"
    REMINDERS_STOPPED = "reminders_stopped"
    OFFERS_WITHDRAWN = "offers_withdrawn"
    CONTACTS_UNSHARED = "contacts_unshared"
    GOODBYES_SENT = "goodbyes_sent"
    EXIT_QUESTIONS_SENT = "exit_questions_sent"
    REMATCH_REQUESTED = "rematch_requested"  # unplanned closures only


def closure_steps_for(kind: ClosureKind) -> tuple[ClosureStep, ...]:
    """Every step a closure of this kind must record: all of them, the rematch request only
    when the end was unplanned."""
    return tuple(
        s
        for s in ClosureStep
        if kind == ClosureKind.UNPLANNED or s != ClosureStep.REMATCH_REQUESTED
    )


def closure_steps_done(kind: ClosureKind | str | None, recorded: object) -> tuple[int, bool]:
    """How many of the steps a closure must record are in `recorded` (`Match.closure_steps`),
    and whether that is every one. A match closed before steps were recorded has none."""
    if kind is None:
        return 0, False
    required = closure_steps_for(ClosureKind(kind))
    keys = recorded if isinstance(recorded, dict) else {}
    done = sum(1 for s in required if s.value in keys)
    return done, done == len(required)


# Family preferences about their mentors (`FamilyProfile.preferences`).
PREFERENCE_MENTOR_GENDER = "mentor_gender"

DEFAULT_REQUEST_AGE_LIMIT_DAYS = 45
