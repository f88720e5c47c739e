"""/checkin: a worker or coordinator records a contact with a party of a match: which match
(paged buttons, or straight from a match card or after closing a concern or help thread),
whom (the match's mentors and mentees by name, or the family), how, when (today, yesterday
or a typed day), a short note, then Save. The answers live in the draft (flow "checkin",
`CheckInDraft`) until Save; every press is re-checked by bot.services.checkins (the match
must be in the reader's caseload or organisation).

Buttons: `ck:<action>:<arg>…`, built by `views.data()` and read by `steps.on_press` only here.
"""

from __future__ import annotations

from handlers.checkins.draft import CheckInDraft
from handlers.checkins.steps import FLOW
from handlers.checkins.typed import register
from handlers.checkins.views import (
    PREFIX,
    ROLES,
    data,
    overdue_text,
    party_label,
    pending_lines,
    proposal,
    record_button,
    start_data,
)

__all__ = [
    "FLOW",
    "PREFIX",
    "ROLES",
    "CheckInDraft",
    "data",
    "overdue_text",
    "party_label",
    "pending_lines",
    "proposal",
    "record_button",
    "register",
    "start_data",
]
