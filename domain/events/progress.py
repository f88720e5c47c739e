"""Progress reports: requested and submitted."""

from __future__ import annotations

from dataclasses import dataclass

from domain.events.base import Event


@dataclass(frozen=True)
class ReportsRequested(Event):
    """The programme asked mentors for the progress report on their matches, one request each
    (`request_ids`: those to mentors the bot can reach), or reminded them, once, of requests
    left unanswered (`reminder`). Each request names the match's other active mentors, any of
    whom may send the report."""

    request_ids: tuple[int, ...]
    reminder: bool = False


@dataclass(frozen=True)
class ReportSubmitted(Event):
    """A mentor (`author_id`) sent progress report `report_id` on a match: the referring
    worker (`worker_id`; None when the bot cannot reach them) reads it, and the co-mentors'
    requests it answered for them (`teammate_requests`) say who sent it."""

    report_id: int
    match_id: int
    author_id: int
    worker_id: int | None
    teammate_requests: tuple[int, ...] = ()


__all__ = ["ReportSubmitted", "ReportsRequested"]
