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

The package, from the bottom up: `rules` (limits, result values), `queries` (reads and
authorisation), `feedback` (exit and evaluation rounds), `closure`, `first_meeting` and
`jobs` (the scheduler's evaluations). What happened is recorded as domain events
(`FirstMeetingPlanned`, `MatchStarted`, `FeedbackAsked`, `EvaluationAnswered`, `MatchEnded`,
`FamilyRequeued`); the texts, callback data and the handlers that render and queue each
reader's messages are in `bot.notifications.match_cycle`. Callers use the names below.
"""

from __future__ import annotations

from bot.services.match_cycle.closure import close_match
from bot.services.match_cycle.feedback import answer_feedback
from bot.services.match_cycle.first_meeting import (
    evaluation_meeting,
    first_meeting_planned,
    prepare_first_meeting,
    record_first_meeting,
)
from bot.services.match_cycle.jobs import evaluation_batch
from bot.services.match_cycle.queries import family_name, mentees, mentors, staff_match
from bot.services.match_cycle.rules import (
    CHOOSABLE,
    CLOSURE_REASONS,
    FACES,
    MAX_ID,
    REMIND_BEFORE,
    SCALES,
    THUMBS,
    Closed,
    FeedbackQuestion,
    FeedbackStep,
    kind,
    months_between,
)

__all__ = [
    "CHOOSABLE",
    "CLOSURE_REASONS",
    "FACES",
    "MAX_ID",
    "REMIND_BEFORE",
    "SCALES",
    "THUMBS",
    "Closed",
    "FeedbackQuestion",
    "FeedbackStep",
    "answer_feedback",
    "close_match",
    "evaluation_batch",
    "evaluation_meeting",
    "family_name",
    "first_meeting_planned",
    "kind",
    "mentees",
    "mentors",
    "months_between",
    "prepare_first_meeting",
    "record_first_meeting",
    "staff_match",
]
