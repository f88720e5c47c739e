"""`/matches`: a worker's caseload (the matches they refer) or a coordinator's organisation, a
page at a time, each match with its health, the ones that need attention first.

Everything is aggregated in SQL, one grouped subquery per fact, joined to the page's matches:
no match is loaded into Python to be counted, and a page costs the same at 50 or 5,000 matches
(benchmarks/caseload_bench.py).

The attention score (higher first; ties by match number) adds up:

    10 × open concerns
  +  5 × open help requests
  +  3 × people of the match the bot cannot reach
  +  2 × appointments of the last 30 days someone could not come to, or nobody answered
  +  1 for each whole week without a logged meeting past the organisation's first quiet
        threshold (14 days by default; counted from the match's start before any meeting),
        at most 12
  +  1 when a progress report is overdue (asked more than 7 days ago, unanswered), and 1 more
        for each further whole week, at most 12

so an open concern outweighs two months of silence, and a quiet match climbs a place a week.

The package, from the bottom up: `rules` (scope, filters, the values of a page, the score in
Python), `facts` (a subquery per fact, the score in SQL) and `page` (`page_of`). Callers use
the names below.
"""

from __future__ import annotations

from bot.services.caseload.page import page_of
from bot.services.caseload.rules import (
    ANSWER_WINDOW,
    MAX_WEEKS,
    PAGE_SIZE,
    WEIGHTS,
    Filter,
    Health,
    Page,
    attention_score,
    custom_plans,
    scope,
)

__all__ = [
    "ANSWER_WINDOW",
    "MAX_WEEKS",
    "PAGE_SIZE",
    "WEIGHTS",
    "Filter",
    "Health",
    "Page",
    "attention_score",
    "custom_plans",
    "page_of",
    "scope",
]
