"""The texts of a match's life after the team is formed: the first meeting's outcomes, the
closure reasons, the exit and evaluation questions with their scales, and the notices each
party gets, marked for translation and rendered in each reader's language by the service."""

from __future__ import annotations

from dataclasses import dataclass

from bot.i18n import N_
from storage.match_life import ClosureReason, FirstMeetingOutcome, Party

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

# The first meeting.
FIRST_PLANNED = N_(
    "<b>First meeting with the %(family)s family</b>, the referring worker and the mentors: "
    "%(when)s, %(place)s."
)
FIRST_REMINDER = N_(
    "Reminder: the first meeting with the %(family)s family is on %(when)s, %(place)s."
)
HOW_DID_IT_GO = N_("How did the first meeting with the %(family)s family go?")
STARTED = N_("Your mentoring with the %(family)s family has begun. Welcome to the team!")
STARTED_MENTEE = N_("Your mentoring has begun. Your mentors: %(names)s.")

# Feedback rounds.
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
THANKS = N_("Thank you! Your answers were saved.")
SUMMARY_HEAD = N_("<b>Joint evaluation at %(months)s months: the %(family)s family</b>")
SUMMARY_PLAN = N_("Plan the evaluation meeting")

# Closure.
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
