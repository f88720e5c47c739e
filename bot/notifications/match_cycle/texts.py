"""The texts of a match's life after the team is formed: the first meeting's outcomes, the
closure reasons (defined with the rules, in `bot.services.match_cycle`, which the programme
report reads too), the exit and evaluation questions with their scales, and the notices each
party gets, marked for translation and rendered in each reader's language by
`bot.notifications.match_cycle.outgoing`."""

from __future__ import annotations

from dataclasses import dataclass

from bot.i18n import N_
from bot.services.match_cycle import CHOOSABLE as CHOOSABLE
from bot.services.match_cycle import CLOSURE_REASONS as CLOSURE_REASONS
from bot.services.match_cycle import FACES as FACES
from bot.services.match_cycle import SCALES
from bot.services.match_cycle import THUMBS as THUMBS
from storage.match_life import FirstMeetingOutcome, Party

OUTCOMES: dict[FirstMeetingOutcome, str] = {
    FirstMeetingOutcome.AGREED: N_("Everyone agrees to start"),
    FirstMeetingOutcome.FAMILY_NOT_READY: N_("The family is not ready"),
    FirstMeetingOutcome.MENTOR_WITHDREW: N_("A mentor withdrew"),
    FirstMeetingOutcome.NOT_A_FIT: N_("Not a good fit"),
    FirstMeetingOutcome.DID_NOT_TAKE_PLACE: N_("The meeting did not take place"),
}


@dataclass(frozen=True)
class Question:
    text: str
    scale: dict[int, str]


# The questions of each round, one per answer scale of `bot.services.match_cycle.SCALES`.
_TEXTS: dict[tuple[str, Party], tuple[str, ...]] = {
    ("exit", Party.MENTEE): (
        N_("How was your time with your mentors?"),
        N_("Would you tell a friend to have a mentor?"),
    ),
    ("exit", Party.MENTOR): (
        N_("How was mentoring this family?"),
        N_("Would you mentor another family?"),
    ),
    ("exit", Party.WORKER): (N_("Did the match reach its goals?"),),
    ("eval", Party.MENTEE): (
        N_("How are things with your mentors?"),
        N_("Does the mentoring help you?"),
    ),
    ("eval", Party.MENTOR): (
        N_("How is the relationship with the family going?"),
        N_("Is the family moving towards its goals?"),
    ),
}
QUESTIONS: dict[tuple[str, Party], list[Question]] = {
    key: [Question(text, scale) for text, scale in zip(_TEXTS[key], scales, strict=True)]
    for key, scales in SCALES.items()
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
