"""Bulk import of people, and optionally of families and matches, from a CSV file.

All rows or none: every row is checked (and written inside a savepoint, so that a rejected
row leaves no trace); if any row is rejected, `ImportRejected` carries the report naming each
rejected line and why, and the caller's transaction rolls everything back.

Columns (a header line is required; the order is free; `organization` is accepted too):

- `organisation` (name or id), `role`, `name`: required;
- `locale`, `timezone`, `phone`, `email`, `country`: as in `mentorbot person add`;
- `family`: on a mentee's row, the family (household) they belong to, made if new; on a
  mentor's row, the family this mentor accompanies: the mentor rows naming one family form
  one match;
- `worker`: on a mentor's row, the referring worker of that match (a worker's name, from this
  file or already known, or a person id);
- `started_on`: on a mentor's row, the day the match started (YYYY-MM-DD; default today).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import admin
from bot.services.errors import Invalid, NotFound, ServiceError
from storage.models import Person, Role

COLUMNS = (
    "organisation",
    "role",
    "name",
    "locale",
    "timezone",
    "phone",
    "email",
    "country",
    "family",
    "worker",
    "started_on",
)
REQUIRED = ("organisation", "role", "name")
ALIASES = {"organization": "organisation", "org": "organisation", "started": "started_on"}


@dataclass(frozen=True)
class Rejected:
    line: int
    reason: str


@dataclass
class ImportReport:
    rows: int = 0
    people: list[int] = field(default_factory=list)
    families: list[int] = field(default_factory=list)
    matches: list[int] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)

    def reject(self, line: int, reason: str) -> None:
        self.rejected.append(Rejected(line, reason))


class ImportRejected(ServiceError):
    """At least one row was rejected: nothing may be stored."""

    def __init__(self, report: ImportReport) -> None:
        super().__init__(f"{len(report.rejected)} rejected")
        self.report = report


@dataclass
class _Row:
    line: int
    values: dict[str, str]

    def get(self, name: str) -> str:
        return (self.values.get(name) or "").strip()


def _column(name: str) -> str:
    key = "_".join((name or "").strip().lower().replace("-", " ").split())
    return ALIASES.get(key, key)


def parse(text: str) -> tuple[list[_Row], list[Rejected]]:
    """The rows of a CSV text (comma, semicolon or tab separated) and problems of the file."""
    text = text.lstrip("\ufeff")
    if not text.strip():
        return [], [Rejected(1, "the file is empty")]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(
            text.split("\n", 1)[0], delimiters=",;\t"
        )
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    header = [_column(h) for h in next(reader)]
    problems = [
        Rejected(1, f"unknown column {name!r} (known: {', '.join(COLUMNS)})")
        for name in header
        if name and name not in COLUMNS
    ]
    problems += [Rejected(1, f"missing column {name!r}") for name in REQUIRED if name not in header]
    if len(set(header)) != len(header):
        problems.append(Rejected(1, "a column appears twice"))
    rows: list[_Row] = []
    line = reader.line_num
    for cells in reader:
        start, line = line + 1, reader.line_num
        if not any(c.strip() for c in cells):
            continue
        if len(cells) > len(header):
            problems.append(Rejected(start, "more cells than columns"))
            continue
        rows.append(_Row(start, dict(zip(header, cells, strict=False))))
    return rows, problems


async def import_csv(session: AsyncSession, now: datetime, text: str) -> ImportReport:
    """Import every row, or raise `ImportRejected` (the caller rolls back)."""
    rows, problems = parse(text)
    report = ImportReport(rows=len(rows), rejected=list(problems))
    if problems:
        raise ImportRejected(report)
    seen: set[tuple[int, str, str]] = set()
    mentor_rows: list[tuple[_Row, int, int]] = []  # row, organisation id, mentor id
    for row in rows:
        try:
            async with session.begin_nested():
                created = await _person(session, now, row, seen, report)
        except ServiceError as exc:
            report.reject(row.line, str(exc))
            continue
        if created.role == Role.MENTOR and row.get("family"):
            mentor_rows.append((row, created.organisation_id, created.id))
    await _matches(session, now, mentor_rows, report)
    if report.rejected:
        report.rejected.sort(key=lambda r: r.line)
        raise ImportRejected(report)
    return report


async def _person(
    session: AsyncSession,
    now: datetime,
    row: _Row,
    seen: set[tuple[int, str, str]],
    report: ImportReport,
) -> admin.PersonInfo:
    org = await admin.find_org(session, row.get("organisation"))
    role = admin.check_role(row.get("role"))
    name = admin.check_name(row.get("name"))
    if role not in (Role.MENTOR, Role.MENTEE) and row.get("family"):
        raise Invalid("family_role", f"a {role.value} has no family")
    if role != Role.MENTOR and (row.get("worker") or row.get("started_on")):
        raise Invalid("match_role", "worker and started_on belong on a mentor's row")
    if role == Role.MENTOR and row.get("worker") and not row.get("family"):
        raise Invalid("match_family", "a mentor's worker needs the family of the match")
    if row.get("started_on"):
        _day(row.get("started_on"))
    key = (org.id, role.value, name.casefold())
    if key in seen:
        raise Invalid("duplicate", f"a {role.value} named {name!r} appears twice in the file")
    known = await session.execute(
        select(Person.id).where(
            Person.organisation_id == org.id, Person.role == role, Person.name == name
        )
    )
    if known.first() is not None:
        raise Invalid("duplicate", f"a {role.value} named {name!r} already exists")
    new_family = False
    if role == Role.MENTEE:
        family_name = row.get("family") or name
        new_family = await admin.find_family(session, org, family_name) is None
    person = await admin.add_person(
        session,
        now,
        org=org.id,
        role=role,
        name=name,
        locale=row.get("locale") or None,
        timezone=row.get("timezone") or None,
        phone=row.get("phone") or None,
        email=row.get("email") or None,
        country=row.get("country") or None,
        family=(row.get("family") or None) if role == Role.MENTEE else None,
    )
    seen.add(key)
    report.people.append(person.id)
    if new_family and person.family_id is not None:
        report.families.append(person.family_id)
    return person


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise Invalid("started_on", f"malformed date {text!r} (use YYYY-MM-DD)") from None


async def _matches(
    session: AsyncSession,
    now: datetime,
    mentor_rows: list[tuple[_Row, int, int]],
    report: ImportReport,
) -> None:
    groups: dict[tuple[int, str], list[tuple[_Row, int]]] = {}
    for row, org_id, mentor_id in mentor_rows:
        groups.setdefault((org_id, row.get("family")), []).append((row, mentor_id))
    for (org_id, family_name), members in groups.items():
        lines = [row.line for row, _ in members]
        try:
            async with session.begin_nested():
                workers = {row.get("worker") for row, _ in members} - {""}
                if len(workers) != 1:
                    raise Invalid(
                        "match_worker",
                        f"the mentors of family {family_name!r} must name one worker",
                    )
                days = {row.get("started_on") for row, _ in members} - {""}
                if len(days) > 1:
                    raise Invalid(
                        "started_on",
                        f"the mentors of family {family_name!r} give different start days",
                    )
                worker_id = await _worker(session, org_id, workers.pop())
                match = await admin.add_match(
                    session,
                    now,
                    mentors=[mentor_id for _, mentor_id in members],
                    worker=worker_id,
                    family=family_name,
                    org=org_id,
                    started_on=_day(days.pop()) if days else None,
                )
        except ServiceError as exc:
            for line in lines:
                report.reject(line, str(exc))
            continue
        report.matches.append(match.id)


async def _worker(session: AsyncSession, org_id: int, ref: str) -> int:
    if ref.lstrip("#").isdigit():
        return int(ref.lstrip("#"))
    found = await session.execute(
        select(Person.id).where(
            Person.organisation_id == org_id, Person.role == Role.WORKER, Person.name == ref
        )
    )
    ids = list(found.scalars())
    if not ids:
        raise NotFound(f"unknown worker {ref!r}")
    if len(ids) > 1:
        raise Invalid("ambiguous", f"several workers are named {ref!r}: give the person id")
    return ids[0]
