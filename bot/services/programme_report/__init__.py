"""The programme report for funders and quality seals: the figures of a period, each with how
it is computed, for the whole organisation (coordinators, the CLI) or for one worker's
caseload (the matches they refer, the concerns and help requests that are theirs).

`figures()` counts from the database; `tables()` words them in a reader's language;
`bot.services.report_render` makes the PDF and the XLSX of those tables. Every figure can be
recomputed from the exports of the same period (docs/exports.md): tests/test_report.py does.

The package, from the bottom up: `scope` (who may have which report, the periods), `values`
(`Figures`, months and ages), `follow_up` and `counts` (the queries). The labels of codes are
in `bot.services.programme_report.labels`. Callers use the names below.
"""

from __future__ import annotations

from bot.services.programme_report.counts import figures
from bot.services.programme_report.labels import (
    AGE_LABELS,
    ANSWER_LABELS,
    KIND_LABELS,
    PERIODS,
    STATUS_LABELS,
)
from bot.services.programme_report.scope import Scope, period_for, scope_for, today_of
from bot.services.programme_report.values import (
    AGE_BUCKETS,
    Figures,
    Month,
    age_bucket,
    months_of,
)

__all__ = [
    "AGE_BUCKETS",
    "AGE_LABELS",
    "ANSWER_LABELS",
    "KIND_LABELS",
    "PERIODS",
    "STATUS_LABELS",
    "Figures",
    "Month",
    "Scope",
    "age_bucket",
    "figures",
    "months_of",
    "period_for",
    "scope_for",
    "today_of",
]
