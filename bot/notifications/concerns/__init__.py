"""The concerns' texts (`texts`), the staff's card (`cards`) and the callback data of every
concern button (`callbacks`); what the concern events send (`outgoing`, used by
`bot.notifications.bus`, not imported here: it reads the concern services)."""

from __future__ import annotations

from bot.notifications.concerns.cards import CardView, Facts, render_card
from bot.notifications.concerns.texts import (
    CATEGORY_LABELS,
    HELP_KIND_LABELS,
    PROBLEM_LABELS,
    SEVERITY_HELP,
    SEVERITY_LABELS,
    SEVERITY_MARKS,
    STATUS_LABELS,
)

__all__ = [
    "CATEGORY_LABELS",
    "HELP_KIND_LABELS",
    "PROBLEM_LABELS",
    "SEVERITY_HELP",
    "SEVERITY_LABELS",
    "SEVERITY_MARKS",
    "STATUS_LABELS",
    "CardView",
    "Facts",
    "render_card",
]
