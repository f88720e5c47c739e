"""Staff check-ins: a worker or coordinator records a contact with a party of a match (its
mentor, its mentee, or the family), and each organisation's cadence says when the next one
is due.

The parties are the match's mentor, its mentee (when the family has one registered) and the
family as a whole.

**The cadence** (`Organisation.checkin_cadence`, MENTOR's Elements of Effective Practice by
default): at least `first_month` (2) contacts with each party in the first month from the day
the match became active (`Match.started_on`: the days `started_on` up to the same day of the
next month, excluded; the 31st of January runs to the 28th or 29th of February), then at
least `monthly` (1) in each calendar month that starts after the first month ended.

**Overdue**, for an active match and a party, on a given day (the reader's local day):

- the first month is over, it had fewer than `first_month` contacts and none came since; or
- the previous calendar month was one of the monthly ones (it started on or after the first
  month's end) and fewer than `monthly` contacts were made from its first day up to today.

A month that was missed stops counting as overdue once a contact is made: this is what needs
doing now. The report's compliance figure (`compliance`) counts every month, met or not.
Contacts dated before the match started count for nothing. `overdue_on` is the rule in
Python, `overdue_columns` the same in SQL (grouped per match, joined to a page of matches:
nothing is loaded per match), and tests/test_checkins.py checks both agree.

The package: `cadence` (the rule in Python), `overdue_sql` (the rule in SQL, the staff's
overdue matches) and `recording`. Callers use the names below.
"""

from __future__ import annotations

from bot.services.checkins.cadence import (
    HOWS,
    PARTIES,
    Cadence,
    Obligation,
    cadence_of,
    compliance_of_match,
    due_date,
    month_later,
    obligations,
    overdue_on,
)
from bot.services.checkins.overdue_sql import (
    Overdue,
    any_overdue,
    first_month_end,
    has_mentee_clause,
    local_today,
    overdue,
    overdue_columns,
    overdue_count,
)
from bot.services.checkins.recording import (
    CHOICES_PER_PAGE,
    NOTE_MAX,
    OLDEST_DAYS,
    Entry,
    MatchChoice,
    PartyChoice,
    check_day,
    check_note,
    match_choices,
    match_for,
    parse_day,
    party_choices,
    party_for,
    proposed_after_closing,
    record,
)

__all__ = [
    "CHOICES_PER_PAGE",
    "HOWS",
    "NOTE_MAX",
    "OLDEST_DAYS",
    "PARTIES",
    "Cadence",
    "Entry",
    "MatchChoice",
    "Obligation",
    "Overdue",
    "PartyChoice",
    "any_overdue",
    "cadence_of",
    "check_day",
    "check_note",
    "compliance_of_match",
    "due_date",
    "first_month_end",
    "has_mentee_clause",
    "local_today",
    "match_choices",
    "match_for",
    "month_later",
    "obligations",
    "overdue",
    "overdue_columns",
    "overdue_count",
    "overdue_on",
    "parse_day",
    "party_choices",
    "party_for",
    "proposed_after_closing",
    "record",
]
