"""What people are shown of progress reports: the report as the referring worker reads it, the
programme's requests to the mentors (`texts`); the callback data of every /report button
(`callbacks`); and the handlers of the progress events, which queue them (`outgoing`). The
domains a report rates and the labels of its marks are the service's
(`bot.services.progress`), named here too for the code that draws them."""

from __future__ import annotations

from bot.notifications.progress.callbacks import (
    PREFIX,
    Confirm,
    Continue,
    Discard,
    MatchPick,
    Press,
    Rate,
    Relationship,
    SkipComment,
    StartOver,
    Support,
    parse,
)
from bot.notifications.progress.texts import (
    DONE_BY_ANOTHER,
    done_by_another,
    render_for_worker,
    request_buttons,
    request_text,
    worker_buttons,
)
from bot.services.progress import DOMAINS, RATING_LABELS, RATINGS, RELATIONSHIP_LABELS

__all__ = [
    "DOMAINS",
    "DONE_BY_ANOTHER",
    "PREFIX",
    "RATINGS",
    "RATING_LABELS",
    "RELATIONSHIP_LABELS",
    "Confirm",
    "Continue",
    "Discard",
    "MatchPick",
    "Press",
    "Rate",
    "Relationship",
    "SkipComment",
    "StartOver",
    "Support",
    "done_by_another",
    "parse",
    "render_for_worker",
    "request_buttons",
    "request_text",
    "worker_buttons",
]
