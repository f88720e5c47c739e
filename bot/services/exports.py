"""Exports for funders, quality seals and the organisation's own records: one kind of record
per file, stable columns (docs/exports.md), dates in ISO 8601 and times in UTC.

- **Streamed**: rows come from the database with `AsyncSession.stream()` and go straight to
  the file (CSV, or XLSX through openpyxl's `write_only` mode), so a million rows need no more
  memory than a few hundred.
- **Safe in a spreadsheet**: every text cell goes through `bot.services.cells.escape`.
- **XLSX sheets are split** before Excel's limit of 1,048,576 rows: `meetings`,
  `meetings (2)`, … each with the header row.
- **Pseudonymised** (`pseudonymise=True`, for sharing outside the organisation): people,
  families and contacts become stable pseudonyms made with a keyed HMAC (SHA-256) and the
  organisation's own secret (`ExportKey`, made on first use, never exported), so the same
  person has the same pseudonym in every export of the organisation while nobody without the
  secret can recompute one from a phone number or a name. Free-text columns (notes,
  descriptions, reasons) are redacted, Telegram accounts and audit details left out.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import json
import secrets
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import IO, Any, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import Select, String, cast, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import audit, cells
from bot.services.errors import Invalid
from bot.services.progress import DOMAINS
from storage.match_life import closure_steps_done
from storage.models import (
    Appointment,
    AppointmentAnswer,
    AuditEvent,
    CheckIn,
    Concern,
    ExportKey,
    Family,
    HelpMessage,
    HelpRequest,
    Match,
    MatchMentor,
    Meeting,
    Organisation,
    Person,
    ProgressReport,
)

EXCEL_MAX_ROWS = 1_048_576  # rows of one worksheet, the header included
STREAM_BATCH = 1000  # rows fetched at a time
REDACTED = "[redacted]"
MAX_DAYS = 3 * 366  # the longest period one export covers
KNOWN_MAX = 200_000  # pseudonyms remembered during one export


# --- periods ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """Days `first`..`last` (both included) in the organisation's timezone, and the UTC
    instants they span: `start` <= t < `end`."""

    first: date
    last: date
    start: datetime
    end: datetime

    @classmethod
    def of(cls, first: date, last: date, timezone: str) -> Period:
        if last < first:
            raise Invalid("period", f"the period ends ({last}) before it starts ({first})")
        if (last - first).days >= MAX_DAYS:
            raise Invalid("period", f"a period is at most {MAX_DAYS} days")
        zone = ZoneInfo(timezone)

        def midnight(day: date) -> datetime:
            return datetime.combine(day, time(0), zone).astimezone(UTC)

        return cls(first, last, midnight(first), midnight(last + timedelta(days=1)))


def iso_time(value: datetime | None) -> str | None:
    """A UTC time as ISO 8601 (`2026-03-02T09:00:00Z`)."""
    if value is None:
        return None
    return value.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def iso_day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


# --- identities: as they are, or pseudonyms ----------------------------------------------


class Identities(Protocol):
    pseudonymised: bool

    def person(self, person_id: int | None) -> object: ...
    def name(self, person_id: int, name: str) -> object: ...
    def family(self, family_id: int | None) -> object: ...
    def family_name(self, family_id: int, name: str) -> object: ...
    def contact(self, value: str | None) -> object: ...
    def free(self, text: str | None) -> object: ...


class AsTheyAre:
    """Ids, names and contacts as stored (for the organisation itself)."""

    pseudonymised = False

    def person(self, person_id: int | None) -> object:
        return person_id

    def name(self, person_id: int, name: str) -> object:
        return name

    def family(self, family_id: int | None) -> object:
        return family_id

    def family_name(self, family_id: int, name: str) -> object:
        return name

    def contact(self, value: str | None) -> object:
        return value

    def free(self, text: str | None) -> object:
        return text


class Pseudonyms:
    """Stable pseudonyms: `P-…` for a person (their id and their name alike), `F-…` for a
    family, `C-…` for a phone number or an email address; free text redacted."""

    pseudonymised = True

    def __init__(self, secret: bytes) -> None:
        if len(secret) < 16:
            raise ValueError("the pseudonym secret is too short")
        self._secret = secret
        self._known: dict[tuple[str, object], str] = {}  # the same ids come row after row

    def _mac(self, space: str, value: object) -> str:
        key = (space, value)
        found = self._known.get(key)
        if found is None:
            if len(self._known) >= KNOWN_MAX:  # an export's people and families fit many times
                self._known.clear()
            digest = hmac.new(self._secret, f"{space}:{value}".encode(), hashlib.sha256)
            found = self._known[key] = digest.hexdigest()[:12]
        return found

    def person(self, person_id: int | None) -> object:
        return None if person_id is None else "P-" + self._mac("person", person_id)

    def name(self, person_id: int, name: str) -> object:
        return self.person(person_id)

    def family(self, family_id: int | None) -> object:
        return None if family_id is None else "F-" + self._mac("family", family_id)

    def family_name(self, family_id: int, name: str) -> object:
        return self.family(family_id)

    def contact(self, value: str | None) -> object:
        return "C-" + self._mac("contact", value.strip().lower()) if value else None

    def free(self, text: str | None) -> object:
        return REDACTED if text else None


async def pseudonyms(session: AsyncSession, now: datetime, org: Organisation) -> Pseudonyms:
    """The organisation's pseudonyms, its secret made on first use (in this transaction)."""
    key = await session.get(ExportKey, org.id)
    if key is None:
        key = ExportKey(organisation_id=org.id, secret=secrets.token_bytes(32), created_at=now)
        session.add(key)
        await session.flush()
    return Pseudonyms(key.secret)


# --- the kinds ----------------------------------------------------------------------------

Row = Sequence[Any]
AnySelect = Select[*tuple[Any, ...]]
Shape = Callable[[Row, Identities], list[object]]


@dataclass(frozen=True)
class Kind:
    name: str
    columns: tuple[str, ...]
    query: Callable[[Organisation, Period], AnySelect]
    shape: Shape


def _ids(joined: str | None, who: Identities) -> str:
    """`"3;5"` of ids aggregated in SQL, each through `who.person`, in id order."""
    if not joined:
        return ""
    return ";".join(str(who.person(i)) for i in sorted(int(x) for x in joined.split(";")))


def _mentors_of(match_id: Any) -> Any:
    return (
        select(func.aggregate_strings(cast(MatchMentor.mentor_id, String), ";"))
        .where(MatchMentor.match_id == match_id)
        .scalar_subquery()
    )


def _meetings(org: Organisation, p: Period) -> AnySelect:
    return (
        select(
            Meeting.id,
            Meeting.match_id,
            Match.family_id,
            Meeting.mentor_id,
            Meeting.occurred_on,
            Meeting.duration_minutes,
            Meeting.activities,
            Meeting.mood,
            Meeting.notes,
            Meeting.created_at,
        )
        .join(Match, Match.id == Meeting.match_id)
        .where(Match.organisation_id == org.id, Meeting.occurred_on.between(p.first, p.last))
        .order_by(Meeting.id)
    )


def _meeting_row(r: Row, who: Identities) -> list[object]:
    return [
        r[0],
        r[1],
        who.family(r[2]),
        who.person(r[3]),
        iso_day(r[4]),
        r[5],
        ";".join(str(a) for a in (r[6] or [])),
        r[7],
        who.free(r[8]),
        iso_time(r[9]),
    ]


def _closure(code: Any, kind: Any, steps: Any) -> list[object]:
    """closure_code, closure_kind, closure_steps_done, all_closure_steps_done: empty cells
    while a match is open."""
    if code is None:
        return [None, None, None, None]
    done, every = closure_steps_done(kind, steps)
    return [str(code), None if kind is None else str(kind), done, every]


def _matches(org: Organisation, p: Period) -> AnySelect:
    return (
        select(
            Match.id,
            Match.family_id,
            Family.name,
            _mentors_of(Match.id),
            Match.worker_id,
            Match.status,
            Match.started_on,
            Match.closed_at,
            Match.closure_reason,
            Match.created_at,
            Match.closure_code,
            Match.closure_kind,
            Match.closure_steps,
        )
        .join(Family, Family.id == Match.family_id)
        .where(
            Match.organisation_id == org.id,
            Match.started_on <= p.last,
            or_(Match.closed_at.is_(None), Match.closed_at >= p.start),
        )
        .order_by(Match.id)
    )


def _match_row(r: Row, who: Identities) -> list[object]:
    return [
        r[0],
        who.family(r[1]),
        who.family_name(r[1], r[2]),
        _ids(r[3], who),
        who.person(r[4]),
        str(r[5]),
        iso_day(r[6]),
        iso_time(r[7]),
        who.free(r[8]),
        iso_time(r[9]),
        *_closure(r[10], r[11], r[12]),
    ]


def _people(org: Organisation, p: Period) -> AnySelect:
    return (
        select(
            Person.id,
            Person.role,
            Person.name,
            Person.family_id,
            Person.locale,
            Person.phone,
            Person.email,
            Person.telegram_id.is_not(None),
            Person.consent,
            Person.active,
            Person.created_at,
        )
        .where(Person.organisation_id == org.id, Person.created_at < p.end)
        .order_by(Person.id)
    )


def _person_row(r: Row, who: Identities) -> list[object]:
    return [
        who.person(r[0]),
        str(r[1]),
        who.name(r[0], r[2]),
        who.family(r[3]),
        r[4],
        who.contact(r[5]),
        who.contact(r[6]),
        bool(r[7]),
        str(r[8]),
        bool(r[9]),
        iso_time(r[10]),
    ]


def _concerns(org: Organisation, p: Period) -> AnySelect:
    return (
        select(
            Concern.id,
            Concern.match_id,
            Match.family_id,
            Concern.raised_by_id,
            Concern.category,
            Concern.severity,
            Concern.status,
            Concern.level,
            Concern.assigned_worker_id,
            Concern.raised_at,
            Concern.acknowledged_at,
            Concern.acknowledged_by_id,
            Concern.resolved_at,
            Concern.language,
            Concern.description,
            Concern.resolution_note,
        )
        .join(Match, Match.id == Concern.match_id)
        .where(
            Concern.organisation_id == org.id,
            Concern.raised_at >= p.start,
            Concern.raised_at < p.end,
        )
        .order_by(Concern.id)
    )


def _concern_row(r: Row, who: Identities) -> list[object]:
    return [
        r[0],
        r[1],
        who.family(r[2]),
        who.person(r[3]),
        str(r[4]),
        str(r[5]),
        str(r[6]),
        r[7],
        who.person(r[8]),
        iso_time(r[9]),
        iso_time(r[10]),
        who.person(r[11]),
        iso_time(r[12]),
        r[13],
        who.free(r[14]),
        who.free(r[15]),
    ]


def _help(org: Organisation, p: Period) -> AnySelect:
    first_answer = (
        select(func.min(HelpMessage.created_at))
        .where(
            HelpMessage.help_request_id == HelpRequest.id,
            HelpMessage.author_id != HelpRequest.requester_id,
        )
        .scalar_subquery()
    )
    messages = (
        select(func.count(HelpMessage.id))
        .where(HelpMessage.help_request_id == HelpRequest.id)
        .scalar_subquery()
    )
    return (
        select(
            HelpRequest.id,
            HelpRequest.match_id,
            Match.family_id,
            HelpRequest.requester_id,
            HelpRequest.worker_id,
            HelpRequest.kind,
            HelpRequest.status,
            HelpRequest.created_at,
            first_answer,
            messages,
            HelpRequest.closed_at,
        )
        .outerjoin(Match, Match.id == HelpRequest.match_id)
        .where(
            HelpRequest.organisation_id == org.id,
            HelpRequest.created_at >= p.start,
            HelpRequest.created_at < p.end,
        )
        .order_by(HelpRequest.id)
    )


def _help_row(r: Row, who: Identities) -> list[object]:
    return [
        r[0],
        r[1],
        who.family(r[2]),
        who.person(r[3]),
        who.person(r[4]),
        str(r[5]),
        str(r[6]),
        iso_time(r[7]),
        iso_time(r[8]),
        r[9],
        iso_time(r[10]),
    ]


def _answers(org: Organisation, p: Period) -> AnySelect:
    return (
        select(
            Appointment.id,
            Appointment.match_id,
            Match.family_id,
            Appointment.starts_at,
            Appointment.status,
            AppointmentAnswer.person_id,
            AppointmentAnswer.answer,
            AppointmentAnswer.answered_at,
        )
        .join(Appointment, Appointment.id == AppointmentAnswer.appointment_id)
        .join(Match, Match.id == Appointment.match_id)
        .where(
            Match.organisation_id == org.id,
            Appointment.starts_at >= p.start,
            Appointment.starts_at < p.end,
        )
        .order_by(Appointment.id, AppointmentAnswer.person_id)
    )


def _answer_row(r: Row, who: Identities) -> list[object]:
    return [
        r[0],
        r[1],
        who.family(r[2]),
        iso_time(r[3]),
        str(r[4]),
        who.person(r[5]),
        str(r[6]),
        iso_time(r[7]),
    ]


def _progress(org: Organisation, p: Period) -> AnySelect:
    return (
        select(
            ProgressReport.id,
            ProgressReport.match_id,
            Match.family_id,
            ProgressReport.mentor_id,
            ProgressReport.created_at,
            ProgressReport.relationship,
            ProgressReport.needs_support,
            ProgressReport.domains,
            ProgressReport.comment,
        )
        .join(Match, Match.id == ProgressReport.match_id)
        .where(
            Match.organisation_id == org.id,
            ProgressReport.created_at >= p.start,
            ProgressReport.created_at < p.end,
        )
        .order_by(ProgressReport.id)
    )


def _rating(domains: Any, code: str) -> object:
    entry = domains.get(code) if isinstance(domains, dict) else None
    rating = entry.get("rating") if isinstance(entry, dict) else None
    return rating if isinstance(rating, int) else None


def _progress_row(r: Row, who: Identities) -> list[object]:
    return [
        r[0],
        r[1],
        who.family(r[2]),
        who.person(r[3]),
        iso_time(r[4]),
        r[5],
        bool(r[6]),
        *(_rating(r[7], code) for code in DOMAINS),
        who.free(r[8]),
    ]


def _check_ins(org: Organisation, p: Period) -> AnySelect:
    return (
        select(
            CheckIn.id,
            CheckIn.match_id,
            Match.family_id,
            CheckIn.staff_id,
            CheckIn.party,
            CheckIn.person_id,
            CheckIn.how,
            CheckIn.occurred_on,
            CheckIn.note,
            CheckIn.created_at,
        )
        .join(Match, Match.id == CheckIn.match_id)
        .where(CheckIn.organisation_id == org.id, CheckIn.occurred_on.between(p.first, p.last))
        .order_by(CheckIn.id)
    )


def _check_in_row(r: Row, who: Identities) -> list[object]:
    return [
        r[0],
        r[1],
        who.family(r[2]),
        who.person(r[3]),
        str(r[4]),
        who.person(r[5]),
        str(r[6]),
        iso_day(r[7]),
        who.free(r[8]),
        iso_time(r[9]),
    ]


def _audit(org: Organisation, p: Period) -> AnySelect:
    return (
        select(
            AuditEvent.id,
            AuditEvent.created_at,
            AuditEvent.actor_id,
            AuditEvent.action,
            AuditEvent.target_type,
            AuditEvent.target_id,
            AuditEvent.detail,
        )
        .where(
            AuditEvent.organisation_id == org.id,
            AuditEvent.created_at >= p.start,
            AuditEvent.created_at < p.end,
        )
        .order_by(AuditEvent.id)
    )


def _audit_row(r: Row, who: Identities) -> list[object]:
    target: object = r[5]
    if r[4] == "person":
        target = who.person(r[5])
    elif r[4] == "family":
        target = who.family(r[5])
    detail = json.dumps(r[6] or {}, ensure_ascii=False, sort_keys=True)
    return [
        r[0],
        iso_time(r[1]),
        who.person(r[2]),
        audit.canonical(r[3]),
        r[4],
        target,
        (REDACTED if r[6] else None) if who.pseudonymised else detail,
    ]


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
            _meetings,
            _meeting_row,
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
            _matches,
            _match_row,
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
            _people,
            _person_row,
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
            _concerns,
            _concern_row,
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
            _help,
            _help_row,
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
            _answers,
            _answer_row,
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
            _progress,
            _progress_row,
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
            _check_ins,
            _check_in_row,
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
            _audit,
            _audit_row,
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


# --- writers ------------------------------------------------------------------------------


async def write_csv(
    out: IO[str], header: Sequence[str], source: AsyncIterator[list[list[object]]]
) -> int:
    """Rows as CSV (RFC 4180, every cell escaped for spreadsheets); returns the row count."""
    writer = csv.writer(out)
    writer.writerow(header)
    count = 0
    async for batch in source:
        writer.writerows([cells.row(values) for values in batch])
        count += len(batch)
    return count


def xlsx_cell(value: object) -> object:
    """A value for an XLSX cell: numbers stay numbers, everything else is escaped text."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return cells.escape(value) if value is not None else None


def sheet_title(name: str, part: int) -> str:
    """`meetings`, `meetings (2)`, …, within Excel's 31 characters."""
    suffix = f" ({part})" if part > 1 else ""
    return name[: 31 - len(suffix)] + suffix


class SheetWriter:
    """Rows into an openpyxl write-only workbook: a new sheet (header repeated) before a
    sheet would pass `max_rows` rows, the header included."""

    def __init__(self, workbook: Any, name: str, header: Sequence[str], max_rows: int) -> None:
        if max_rows < 2:
            raise ValueError("a sheet needs room for the header and a row")
        self.workbook, self.name, self.header, self.max_rows = workbook, name, header, max_rows
        self.parts = 0
        self.count = 0
        self._sheet: Any = None
        self._in_sheet = 0
        self._new_sheet()

    def _new_sheet(self) -> None:
        self.parts += 1
        self._sheet = self.workbook.create_sheet(sheet_title(self.name, self.parts))
        self._sheet.append([cells.escape(h) for h in self.header])
        self._in_sheet = 1

    def append(self, values: Iterable[object]) -> None:
        if self._in_sheet >= self.max_rows:
            self._new_sheet()
        self._sheet.append([xlsx_cell(v) for v in values])
        self._in_sheet += 1
        self.count += 1


def new_workbook() -> Any:
    from openpyxl import Workbook

    return Workbook(write_only=True)


async def write_xlsx(
    out: IO[bytes] | str,
    name: str,
    header: Sequence[str],
    source: AsyncIterator[list[list[object]]],
    *,
    max_rows: int = EXCEL_MAX_ROWS,
) -> int:
    """Rows as an XLSX workbook (write-only: rows go to a temporary file as they come)."""
    workbook = new_workbook()
    sheet = SheetWriter(workbook, name, header, max_rows)
    async for batch in source:
        for values in batch:
            sheet.append(values)
    workbook.save(out)
    return sheet.count


async def export(
    session: AsyncSession,
    now: datetime,
    org: Organisation,
    kind_name: str,
    first: date,
    last: date,
    out: IO[str] | IO[bytes] | str,
    *,
    fmt: str = "csv",
    pseudonymise: bool = False,
    max_rows: int = EXCEL_MAX_ROWS,
) -> int:
    """Write one export; returns the number of rows (the header not counted)."""
    kind = kind_of(kind_name)
    if fmt not in ("csv", "xlsx"):
        raise Invalid("format", f"unknown format {fmt!r} (csv or xlsx)")
    period = Period.of(first, last, org.timezone)
    who: Identities = await pseudonyms(session, now, org) if pseudonymise else AsTheyAre()
    source = batches(session, org, kind, period, who)
    if fmt == "csv":
        return await write_csv(out, kind.columns, source)  # type: ignore[arg-type]
    return await write_xlsx(out, kind.name, kind.columns, source, max_rows=max_rows)  # type: ignore[arg-type]


__all__ = ["EXCEL_MAX_ROWS", "KINDS", "Period", "Pseudonyms", "export", "pseudonyms"]
