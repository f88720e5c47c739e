"""The kinds of export: each one's columns (docs/exports.md), query and row shape, and its
rows streamed from the database a batch at a time."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.errors import Invalid
from bot.services.exports import queries, rows
from bot.services.exports.identities import Identities
from bot.services.exports.periods import Period
from bot.services.exports.queries import AnySelect
from bot.services.exports.rows import Row
from bot.services.progress import DOMAINS
from storage.models import Organisation

STREAM_BATCH = 1000  # rows fetched at a time

Shape = Callable[[Row, Identities], list[object]]


@dataclass(frozen=True)
class Kind:
    name: str
    columns: tuple[str, ...]
    query: Callable[[Organisation, Period], AnySelect]
    shape: Shape


KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        Kind(
            "meetings",
            (
                "meeting_id",
                "match_id",
                "family_id",
                "mentor_id",
                "occurred_on",
                "duration_minutes",
                "activities",
                "mood",
                "notes",
                "logged_at",
            ),
            queries.meetings,
            rows.meeting_row,
        ),
        Kind(
            "matches",
            (
                "match_id",
                "family_id",
                "family_name",
                "mentor_ids",
                "worker_id",
                "status",
                "started_on",
                "closed_at",
                "closure_reason",
                "created_at",
                "closure_code",
                "closure_kind",
                "closure_steps_done",
                "all_closure_steps_done",
            ),
            queries.matches,
            rows.match_row,
        ),
        Kind(
            "people",
            (
                "person_id",
                "role",
                "name",
                "family_id",
                "locale",
                "phone",
                "email",
                "telegram_linked",
                "consent",
                "active",
                "created_at",
            ),
            queries.people,
            rows.person_row,
        ),
        Kind(
            "concerns",
            (
                "concern_id",
                "match_id",
                "family_id",
                "raised_by_id",
                "category",
                "severity",
                "status",
                "level",
                "assigned_worker_id",
                "raised_at",
                "acknowledged_at",
                "acknowledged_by_id",
                "resolved_at",
                "language",
                "description",
                "resolution_note",
            ),
            queries.concerns,
            rows.concern_row,
        ),
        Kind(
            "help",
            (
                "help_id",
                "match_id",
                "family_id",
                "requester_id",
                "worker_id",
                "kind",
                "status",
                "created_at",
                "first_answer_at",
                "messages",
                "closed_at",
            ),
            queries.help_requests,
            rows.help_row,
        ),
        Kind(
            "answers",
            (
                "appointment_id",
                "match_id",
                "family_id",
                "starts_at",
                "appointment_status",
                "person_id",
                "answer",
                "answered_at",
            ),
            queries.answers,
            rows.answer_row,
        ),
        Kind(
            "progress",
            (
                "report_id",
                "match_id",
                "family_id",
                "mentor_id",
                "created_at",
                "relationship",
                "needs_support",
                *DOMAINS,
                "comment",
            ),
            queries.progress_reports,
            rows.progress_row,
        ),
        Kind(
            "check-ins",
            (
                "check_in_id",
                "match_id",
                "family_id",
                "staff_id",
                "party",
                "person_id",
                "how",
                "occurred_on",
                "note",
                "recorded_at",
            ),
            queries.check_ins,
            rows.check_in_row,
        ),
        Kind(
            "audit",
            (
                "event_id",
                "created_at",
                "actor_id",
                "action",
                "target_type",
                "target_id",
                "detail",
            ),
            queries.audit_events,
            rows.audit_row,
        ),
    )
}


def kind_of(name: str) -> Kind:
    kind = KINDS.get(name)
    if kind is None:
        raise Invalid("kind", f"unknown export {name!r} (one of {', '.join(KINDS)})")
    return kind


async def batches(
    session: AsyncSession, org: Organisation, kind: Kind, period: Period, who: Identities
) -> AsyncIterator[list[list[object]]]:
    """The export's rows, streamed from the database a batch at a time (a server-side cursor
    on PostgreSQL), shaped for the file."""
    result = await session.stream(kind.query(org, period).execution_options(yield_per=STREAM_BATCH))
    shape = kind.shape
    async for partition in result.partitions(STREAM_BATCH):
        yield [shape(row, who) for row in partition]
