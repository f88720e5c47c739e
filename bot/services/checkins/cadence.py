"""The cadence in Python: when a party's check-in is overdue (`overdue_on`), the last day
the next one may be made (`due_date`), and the cadence's windows and how many were met
(`obligations`, `compliance_of_match`). The rule is in the package's docstring."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from storage.models import CheckInHow, CheckInParty, Organisation

PARTIES = tuple(CheckInParty)


HOWS = tuple(CheckInHow)


@dataclass(frozen=True)
class Cadence:
    first_month: int = 2
    monthly: int = 1


def cadence_of(org: Organisation) -> Cadence:
    raw = org.checkin_cadence or {}
    return Cadence(int(raw.get("first_month", 2)), int(raw.get("monthly", 1)))


def month_later(day: date) -> date:
    """The same day a month later, or that month's last day when it has no such day."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return date(year, month, min(day.day, _month_length(year, month)))


def _month_length(year: int, month: int) -> int:
    nxt = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return (nxt - date(year, month, 1)).days


def _month_start(day: date) -> date:
    return day.replace(day=1)


def previous_month_start(day: date) -> date:
    return (_month_start(day) - timedelta(days=1)).replace(day=1)


def _next_month_start(day: date) -> date:
    return (_month_start(day) + timedelta(days=32)).replace(day=1)


def overdue_on(started_on: date, contacts: Iterable[date], day: date, cadence: Cadence) -> bool:
    """Whether a party's check-in is overdue on `day` (the rule of the module's docstring),
    given the days of its contacts (those after `day` are ignored)."""
    first_end = month_later(started_on)
    seen = [c for c in contacts if started_on <= c <= day]
    in_first = sum(1 for c in seen if c < first_end)
    after_first = sum(1 for c in seen if c >= first_end)
    if in_first < cadence.first_month and after_first == 0:
        return first_end <= day
    previous = previous_month_start(day)
    recent = sum(1 for c in seen if c >= previous)
    return first_end <= previous and recent < cadence.monthly


def due_date(started_on: date, contacts: Sequence[date], today: date, cadence: Cadence) -> date:
    """The last day a party's next check-in may be made without being overdue, seen from
    `today` and the contacts so far: in the past when it is overdue (the day before it
    became so)."""
    # Being overdue starts only on the first month's end or on the first of a month.
    starts = {month_later(started_on)}
    day = _month_start(started_on)
    horizon = _next_month_start(_next_month_start(_next_month_start(today)))
    while day <= horizon:
        starts.add(day)
        day = _next_month_start(day)
    if overdue_on(started_on, contacts, today, cadence):
        began = min(
            d
            for d in starts
            if d <= today
            and all(overdue_on(started_on, contacts, x, cadence) for x in _days(d, today))
        )
        return began - timedelta(days=1)
    future = sorted(d for d in starts if d > today)
    for d in future:
        if overdue_on(started_on, [c for c in contacts if c <= today], d, cadence):
            return d - timedelta(days=1)
    return future[-1]


def _days(first: date, last: date) -> Iterable[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


@dataclass(frozen=True)
class Obligation:
    start: date  # the first day of its window
    due: date  # the last day of its window
    needed: int
    made: int

    @property
    def met(self) -> bool:
        return self.made >= self.needed


def obligations(
    started_on: date, contacts: Iterable[date], until: date, cadence: Cadence
) -> list[Obligation]:
    """Every window of the cadence that ended by `until`: the first month, then each
    calendar month that starts on or after the first month's end."""
    first_end = month_later(started_on)
    days = sorted(c for c in contacts if c >= started_on)
    out: list[Obligation] = []
    if first_end - timedelta(days=1) <= until:
        made = sum(1 for c in days if c < first_end)
        out.append(Obligation(started_on, first_end - timedelta(days=1), cadence.first_month, made))
    month = first_end if first_end.day == 1 else _next_month_start(first_end)
    while True:
        end = _next_month_start(month) - timedelta(days=1)
        if end > until:
            break
        made = sum(1 for c in days if month <= c <= end)
        out.append(Obligation(month, end, cadence.monthly, made))
        month = end + timedelta(days=1)
    return out


def compliance_of_match(
    started_on: date,
    closed_on: date | None,
    contacts: dict[str, list[date]],
    first: date,
    last: date,
    cadence: Cadence,
    parties: Sequence[CheckInParty] = PARTIES,
) -> tuple[int, int]:
    """(windows, windows met) of one match for every party: the cadence's windows that lie
    within `first`..`last` (both included) and ended before the day the match closed."""
    until = last if closed_on is None else min(last, closed_on - timedelta(days=1))
    windows = met = 0
    for party in parties:
        for o in obligations(started_on, contacts.get(party.value, []), until, cadence):
            if o.start >= first:
                windows += 1
                met += int(o.met)
    return windows, met
