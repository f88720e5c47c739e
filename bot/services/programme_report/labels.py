"""The programme report's labels of codes and the periods staff can ask for, marked for
translation (worded by `bot.services.report_render`, offered by `handlers.programme`)."""

from __future__ import annotations

from bot.i18n import N_

# Labels of codes, translated when the report is worded.
STATUS_LABELS = {
    "proposed": N_("Proposed"),
    "active": N_("Active"),
    "closed": N_("Closed"),
}
AGE_LABELS = {
    "under_3_months": N_("Under 3 months"),
    "3_to_6_months": N_("3 to 6 months"),
    "6_to_12_months": N_("6 to 12 months"),
    "12_months_or_more": N_("A year or more"),
}
KIND_LABELS = {
    "planned": N_("Planned"),
    "unplanned": N_("Unplanned"),
}
ANSWER_LABELS = {
    "coming": N_("Coming"),
    "cannot": N_("Cannot come"),
    "reschedule": N_("Asked for another time"),
}


# Periods staff can ask for in Telegram: code (in the button's callback data) -> label.
PERIODS: dict[str, str] = {
    "m0": N_("This month"),
    "m1": N_("Last month"),
    "q0": N_("This quarter"),
    "q1": N_("Last quarter"),
}
