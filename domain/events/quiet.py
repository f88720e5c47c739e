"""A match that went quiet."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from domain.events.base import Event


@dataclass(frozen=True)
class MatchWentQuiet(Event):
    """No meeting logged for `days` days since `since` (the quiet spell's first day): the
    alert of `level` (0 the mentors, 1 the referring worker, 2 the coordinators) goes to
    `told`, once per spell."""

    match_id: int
    level: int
    days: int
    since: date
    told: tuple[int, ...]


__all__ = ["MatchWentQuiet"]
