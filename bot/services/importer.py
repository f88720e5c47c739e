"""Bulk import of people, and optionally of families and matches, from a CSV file.

All rows or none: the file is read once, as a stream, and every row is checked and written
in the caller's transaction, in batches of `BATCH` rows (bulk INSERTs); if any row is
rejected, `ImportRejected` carries the report naming each rejected line and why, and the
caller's transaction rolls everything back.

Limits: at most `MAX_ROWS` rows (the CLI also refuses files over `MAX_BYTES`). Memory stays
bounded by the batch plus one small key per row (for duplicates within the file), never the
whole file. Cells that a spreadsheet would run as formulas (see `bot.services.cells`) are
refused; every cell is cleaned like typed text (`bot.services.texts.clean`).

Columns (a header line is required; the order is free; `organization` is accepted too):

- `organisation` (name or id), `role`, `name`: required;
- `locale`, `timezone`, `phone`, `email`, `country`: as in `mentorbot person add`;
- `family`: on a mentee's row, the family (household) they belong to, made if new; on a
  mentor's row, the family this mentor accompanies: the mentor rows naming one family form
  one match;
- `worker`: on a mentor's row, the referring worker of that match (a worker's name, from this
  file or already known, or a person id);
- `started_on`: on a mentor's row, the day the match started (YYYY-MM-DD; default today);
- profiles for matching (`bot.services.profiles`): on a mentor's row `languages` ("ar:3,es:2"),
  `area`, `availability` ("tue:eve,sat:am"), `skills`, `capacity`, `gender`; on a mentee's
  row the family's `languages`, `area`, `needs`, `availability` and `prefers` (a mentor's
  gender).
"""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import admin, cells, profiles, texts
from bot.services.errors import Invalid, NotFound, ServiceError
from storage.match_life import FirstMeetingOutcome, MatchStage
from storage.models import (
    AuditEvent,
    Family,
    FamilyProfile,
    Match,
    MatchMentor,
    MatchStatus,
    MentorProfile,
    Organisation,
    Person,
    Role,
)

MAX_ROWS = 200_000
MAX_BYTES = 64 * 1024 * 1024  # checked by the CLI before reading
BATCH = 2_000
MAX_REPORTED = 1_000  # rejected lines listed at most (the count is always right)

MENTOR_PROFILE = ("languages", "area", "availability", "skills", "capacity", "gender")
FAMILY_PROFILE = ("languages", "area", "needs", "availability", "prefers")
PROFILE_COLUMNS = tuple(dict.fromkeys([*MENTOR_PROFILE, *FAMILY_PROFILE]))
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
    *PROFILE_COLUMNS,
)
REQUIRED = ("organisation", "role", "name")
MATCH_COLUMNS = ("family", "worker", "started_on")
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


def _rows(
    lines: Iterable[str],
) -> tuple[list[str], Iterable[tuple[int, list[str]]], list[Rejected]]:
    """The header, the (line, cells) of each non-blank row, lazily, and problems of the
    header. Comma, semicolon or tab separated (sniffed from the header line)."""
    stream = iter(lines)
    first = next(stream, "").lstrip("\ufeff")
    while first is not None and not first.strip():
        nxt = next(stream, None)
        if nxt is None:
            return [], iter(()), [Rejected(1, "the file is empty")]
        first = nxt
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(first, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(itertools.chain([first], stream), dialect)
    header = [_column(h) for h in next(reader)]
    problems = [
        Rejected(1, f"unknown column {name!r} (known: {', '.join(COLUMNS)})")
        for name in header
        if name and name not in COLUMNS
    ]
    problems += [Rejected(1, f"missing column {name!r}") for name in REQUIRED if name not in header]
    if len(set(header)) != len(header):
        problems.append(Rejected(1, "a column appears twice"))

    def rows() -> Iterable[tuple[int, list[str]]]:
        line = reader.line_num
        for found in reader:
            start, line = line + 1, reader.line_num
            if any(c.strip() for c in found):
                yield start, found

    return header, rows(), problems


def parse(text: str) -> tuple[list[_Row], list[Rejected]]:
    """The rows of a CSV text and problems of the file (for tests and small files)."""
    header, found, problems = _rows(io.StringIO(text))
    rows: list[_Row] = []
    for line, values in found:
        if len(values) > len(header):
            problems.append(Rejected(line, "more cells than columns"))
        else:
            rows.append(_Row(line, dict(zip(header, values, strict=False))))
    return rows, problems


async def import_csv(session: AsyncSession, now: datetime, text: str) -> ImportReport:
    """Import every row of a CSV text, or raise `ImportRejected` (the caller rolls back)."""
    return await import_lines(session, now, io.StringIO(text))


async def import_lines(
    session: AsyncSession,
    now: datetime,
    lines: Iterable[str],
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import every row of a CSV stream, or raise `ImportRejected` (the caller rolls back).
    `progress(rows)` is called after each batch."""
    header, found, problems = _rows(lines)
    report = ImportReport(rejected=list(problems))
    if problems:
        raise ImportRejected(report)
    writer = _Writer(session, now, report)
    mentor_rows: list[tuple[_Row, int, int]] = []  # row, organisation id, mentor id
    batch: list[_Checked] = []
    for line, values in found:
        report.rows += 1
        if report.rows > MAX_ROWS:
            report.reject(line, f"more than {MAX_ROWS:,} rows: split the file")
            break
        if len(values) > len(header):
            report.reject(line, "more cells than columns")
            continue
        row = _Row(line, dict(zip(header, values, strict=False)))
        try:
            batch.append(await writer.check(row))
        except ServiceError as exc:
            report.reject(line, str(exc))
        if len(batch) >= BATCH:
            mentor_rows += await writer.write(batch)
            batch = []
            if progress is not None:
                progress(report.rows)
    mentor_rows += await writer.write(batch)
    if progress is not None:
        progress(report.rows)
    await writer.matches(mentor_rows)
    if report.rejected:
        report.rejected.sort(key=lambda r: r.line)
        raise ImportRejected(report)
    return report


@dataclass
class _Checked:
    row: _Row
    org: Organisation
    values: dict[str, Any]  # the Person's columns
    family: str | None  # a mentee's family (name), None: a family of one
    profile: dict[str, Any] = field(default_factory=dict)  # checked profile values


class _Org:
    """What the import needs to know of one organisation, loaded once."""

    def __init__(self, org: Organisation) -> None:
        self.org = org
        # hash((role, name)) of the people stored before: a hit is confirmed by a query.
        self.people: set[int] = set()
        self.families: dict[str, int] = {}  # name -> id
        self.family_ids: set[int] = set()


class _Writer:
    def __init__(self, session: AsyncSession, now: datetime, report: ImportReport) -> None:
        self.session, self.now, self.report = session, now, report
        self.orgs: dict[str, _Org] = {}
        self.seen: set[tuple[int, str, str]] = set()

    async def _org(self, ref: str) -> _Org:
        known = self.orgs.get(ref)
        if known is not None:
            return known
        org = await admin.find_org(self.session, ref)
        for other in self.orgs.values():
            if other.org.id == org.id:
                self.orgs[ref] = other
                return other
        loaded = _Org(org)
        stored = await self.session.execute(
            select(Person.role, Person.name).where(Person.organisation_id == org.id)
        )
        loaded.people = {hash((Role(r).value, n)) for r, n in stored.all()}
        families = await self.session.execute(
            select(Family.id, Family.name).where(Family.organisation_id == org.id)
        )
        for family_id, name in families.all():
            loaded.families[name] = family_id
            loaded.family_ids.add(family_id)
        self.orgs[ref] = loaded
        return loaded

    async def check(self, row: _Row) -> _Checked:
        for column, raw in row.values.items():
            raw = raw or ""
            if cells.is_formula(raw) and not (column == "phone" and raw.startswith("+")):
                raise Invalid(
                    "formula",
                    f"the {column} cell starts with {raw[:1]!r}: a spreadsheet would run it "
                    "as a formula",
                )
            row.values[column] = texts.clean(raw)
        known = await self._org(row.get("organisation"))
        org = known.org
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
        locale = admin.check_locale(row.get("locale") or None)
        timezone = admin.check_timezone(row.get("timezone") or None)
        region = admin.check_region(row.get("country") or None) or admin.region_of(
            timezone or org.timezone
        )
        phone = admin.check_phone(row.get("phone") or None, region)
        email = admin.check_email(row.get("email") or None)
        key = (org.id, role.value, name.casefold())
        if key in self.seen:
            raise Invalid("duplicate", f"a {role.value} named {name!r} appears twice in the file")
        if hash((role.value, name)) in known.people and await self._stored(org.id, role, name):
            raise Invalid("duplicate", f"a {role.value} named {name!r} already exists")
        family: str | None = None
        if role == Role.MENTEE and row.get("family"):
            family = row.get("family")
            if family.isdigit() and int(family) not in known.family_ids:
                raise NotFound(f"unknown family {family!r}")
        profile = _profile(role, row)
        self.seen.add(key)
        values = {
            "organisation_id": org.id,
            "role": role,
            "name": name,
            "locale": locale,
            "timezone": timezone,
            "phone": phone,
            "email": email,
            "family_id": None,
            "created_at": self.now,
        }
        return _Checked(row, org, values, family, profile)

    async def _new_families(self, org_ids: list[int], names: list[str]) -> list[int]:
        """Insert families (one statement) and return their ids, in the order given."""
        if not names:
            return []
        statement = insert(Family).execution_options(render_nulls=True)
        rows = [
            {"organisation_id": o, "name": n, "created_at": self.now}
            for o, n in zip(org_ids, names, strict=True)
        ]
        if self.session.get_bind().dialect.name == "postgresql":  # see _insert_people
            result = await self.session.execute(
                statement.returning(Family.id, sort_by_parameter_order=True), rows
            )
            ids = list(result.scalars())
            self._audit("family.created", "family", list(zip(org_ids, ids, strict=True)), {})
            self.report.families.extend(ids)
            return ids
        await self.session.execute(statement, rows)
        found: dict[tuple[int, str], int] = {}
        for org_id in set(org_ids):
            wanted = [n for o, n in zip(org_ids, names, strict=True) if o == org_id]
            for chunk in _chunks(wanted):
                stored = await self.session.execute(
                    select(Family.id, Family.name).where(
                        Family.organisation_id == org_id, Family.name.in_(chunk)
                    )
                )
                found.update({(org_id, name): fid for fid, name in stored.all()})
        ids = [found[(o, n)] for o, n in zip(org_ids, names, strict=True)]
        self._audit("family.created", "family", list(zip(org_ids, ids, strict=True)), {})
        self.report.families.extend(ids)
        return ids

    def _audit(
        self,
        action: str,
        kind: str,
        targets: list[tuple[int, int]],
        detail: dict[int, dict[str, Any]],
    ) -> None:
        self._pending_audit.extend(
            {
                "organisation_id": org_id,
                "actor_id": None,
                "action": action,
                "target_type": kind,
                "target_id": target_id,
                "detail": detail.get(target_id, {}),
                "created_at": self.now,
            }
            for org_id, target_id in targets
        )

    _pending_audit: list[dict[str, Any]]

    async def write(self, batch: list[_Checked]) -> list[tuple[_Row, int, int]]:
        """Write a batch of checked rows (bulk INSERTs); returns the mentors' rows naming
        the family of a match."""
        if not batch:
            return []
        self._pending_audit = []
        # Families named on mentees' rows that do not exist yet are made first; a mentee
        # without a family is a family of one, named after them ("Name (2)" if taken).
        wanted: dict[tuple[int, str], None] = {}
        for item in batch:
            families = self._known(item.org.id).families
            if item.values["role"] == Role.MENTEE and item.family is None:
                name, n = item.values["name"], 2
                while name in families or (item.org.id, name) in wanted:
                    name, n = f"{item.values['name']} ({n})", n + 1
                item.family = name
            if item.family is not None and not item.family.isdigit():
                if item.family not in families:
                    wanted[(item.org.id, item.family)] = None
        new = list(wanted)
        ids = await self._new_families([o for o, _ in new], [n for _, n in new])
        for (org_id, name), family_id in zip(new, ids, strict=True):
            self._known(org_id).families[name] = family_id
            self._known(org_id).family_ids.add(family_id)
        rows = []
        for item in batch:
            values = dict(item.values)
            if item.family is not None:
                known = self._known(item.org.id)
                values["family_id"] = (
                    int(item.family) if item.family.isdigit() else known.families[item.family]
                )
            rows.append(values)
        person_ids = await self._insert_people(batch, rows)
        self.report.people.extend(person_ids)
        roles = {
            pid: {"role": item.values["role"].value}
            for item, pid in zip(batch, person_ids, strict=True)
        }
        self._audit(
            "person.created",
            "person",
            [(item.org.id, pid) for item, pid in zip(batch, person_ids, strict=True)],
            roles,
        )
        await self.session.execute(
            insert(AuditEvent).execution_options(render_nulls=True), self._pending_audit
        )
        await self._profiles(batch, rows, person_ids)
        # Kept until the end for the matches: only what they need of each mentor's row.
        return [
            (_Row(item.row.line, {k: item.row.get(k) for k in MATCH_COLUMNS}), item.org.id, pid)
            for item, pid in zip(batch, person_ids, strict=True)
            if item.values["role"] == Role.MENTOR and item.row.get("family")
        ]

    async def _profiles(
        self, batch: list[_Checked], rows: list[dict[str, Any]], person_ids: list[int]
    ) -> None:
        """Mentors' profiles (bulk INSERT) and families' profiles (the values given on the
        mentees' rows, merged per family) of a batch."""
        mentors = [
            {
                "person_id": pid,
                "languages": item.profile.get("languages", {}),
                "area": item.profile.get("area"),
                "availability": item.profile.get("availability", []),
                "skills": item.profile.get("skills", []),
                "capacity": item.profile.get("capacity", 1),
                "gender": item.profile.get("gender"),
                "updated_at": self.now,
            }
            for item, pid in zip(batch, person_ids, strict=True)
            if item.values["role"] == Role.MENTOR and item.profile
        ]
        if mentors:
            await self.session.execute(
                insert(MentorProfile).execution_options(render_nulls=True), mentors
            )
        families: dict[int, dict[str, Any]] = {}
        for item, values in zip(batch, rows, strict=True):
            if item.values["role"] == Role.MENTEE and item.profile:
                families.setdefault(int(values["family_id"]), {}).update(item.profile)
        for family_id, given in families.items():
            row = await self.session.get(FamilyProfile, family_id)
            if row is None:
                row = FamilyProfile(
                    family_id=family_id,
                    languages={},
                    needs=[],
                    availability=[],
                    preferences={},
                    updated_at=self.now,
                )
                self.session.add(row)
            for key, value in given.items():
                setattr(row, key, value)
            row.updated_at = self.now
        if families:
            await self.session.flush()

    async def _stored(self, org_id: int, role: Role, name: str) -> bool:
        found = await self.session.execute(
            select(Person.id).where(
                Person.organisation_id == org_id, Person.role == role, Person.name == name
            )
        )
        return found.first() is not None

    async def _insert_people(self, batch: list[_Checked], rows: list[dict[str, Any]]) -> list[int]:
        """Insert a batch of people; their ids in the batch's order. PostgreSQL returns them
        in order from one multi-row INSERT; SQLite (which would insert row by row to keep
        the order) looks them up by name afterwards, through `ix_person_name_org`."""
        statement = insert(Person).execution_options(render_nulls=True)
        bind = self.session.get_bind()
        if bind.dialect.name == "postgresql":
            result = await self.session.execute(
                statement.returning(Person.id, sort_by_parameter_order=True), rows
            )
            return list(result.scalars())
        await self.session.execute(statement, rows)
        return await self._person_ids(batch)

    async def _person_ids(self, batch: list[_Checked]) -> list[int]:
        """The ids of the people just inserted, in the batch's order (an organisation has
        one person of a role and name)."""
        found: dict[tuple[int, str, str], int] = {}
        for org_id in {item.org.id for item in batch}:
            names = [item.values["name"] for item in batch if item.org.id == org_id]
            for chunk in _chunks(names):
                rows = await self.session.execute(
                    select(Person.id, Person.role, Person.name).where(
                        Person.organisation_id == org_id, Person.name.in_(chunk)
                    )
                )
                found.update({(org_id, Role(r).value, n): pid for pid, r, n in rows.all()})
        return [
            found[(item.org.id, item.values["role"].value, item.values["name"])] for item in batch
        ]

    async def matches(self, mentor_rows: list[tuple[_Row, int, int]]) -> None:
        """The mentor rows naming one family make one match (bulk INSERTs); a group that
        cannot be a match rejects each of its lines."""
        groups: dict[tuple[int, str], list[tuple[_Row, int]]] = {}
        for row, org_id, mentor_id in mentor_rows:
            groups.setdefault((org_id, row.get("family")), []).append((row, mentor_id))
        if not groups:
            return
        workers: dict[int, dict[str, list[int]]] = {}
        worker_ids: dict[int, set[int]] = {}
        matched: dict[int, set[int]] = {}
        for org_id in {org_id for org_id, _ in groups}:
            found = await self.session.execute(
                select(Person.id, Person.name).where(
                    Person.organisation_id == org_id,
                    Person.role == Role.WORKER,
                    Person.active.is_(True),
                )
            )
            by_name: dict[str, list[int]] = {}
            for pid, name in found.all():
                by_name.setdefault(name, []).append(pid)
            workers[org_id] = by_name
            worker_ids[org_id] = {pid for ids in by_name.values() for pid in ids}
            open_matches = await self.session.execute(
                select(Match.family_id).where(
                    Match.organisation_id == org_id, Match.status.in_(admin.OPEN_STATUSES)
                )
            )
            matched[org_id] = set(open_matches.scalars())
        planned: list[tuple[dict[str, Any], list[int]]] = []
        for (org_id, family_ref), members in groups.items():
            try:
                planned.append(
                    self._plan_match(
                        org_id, family_ref, members, workers[org_id], worker_ids[org_id],
                        matched[org_id],
                    )
                )  # fmt: skip
            except ServiceError as exc:
                for row, _ in members:
                    self.report.reject(row.line, str(exc))
        if not planned:
            return
        await self.session.execute(
            insert(Match).execution_options(render_nulls=True), [values for values, _ in planned]
        )
        ids: dict[int, int] = {}
        families = [values["family_id"] for values, _ in planned]
        for start in range(0, len(families), 500):
            found = await self.session.execute(
                select(Match.id, Match.family_id).where(
                    Match.family_id.in_(families[start : start + 500]),
                    Match.status == MatchStatus.ACTIVE,
                )
            )
            ids.update({int(fam): int(mid) for mid, fam in found.all()})
        await self.session.execute(
            insert(MatchMentor),
            [
                {"match_id": ids[values["family_id"]], "mentor_id": mentor}
                for values, mentors in planned
                for mentor in mentors
            ],
        )
        await self.session.execute(
            insert(AuditEvent).execution_options(render_nulls=True),
            [
                {
                    "organisation_id": values["organisation_id"],
                    "actor_id": None,
                    "action": "match.created",
                    "target_type": "match",
                    "target_id": ids[values["family_id"]],
                    "detail": {
                        "family_id": values["family_id"],
                        "mentor_ids": mentors,
                        "worker_id": values["worker_id"],
                    },
                    "created_at": self.now,
                }
                for values, mentors in planned
            ],
        )
        self.report.matches.extend(ids[values["family_id"]] for values, _ in planned)

    def _plan_match(
        self,
        org_id: int,
        family_ref: str,
        members: list[tuple[_Row, int]],
        workers: dict[str, list[int]],
        worker_ids: set[int],
        matched: set[int],
    ) -> tuple[dict[str, Any], list[int]]:
        refs = {row.get("worker") for row, _ in members} - {""}
        if len(refs) != 1:
            raise Invalid(
                "match_worker", f"the mentors of family {family_ref!r} must name one worker"
            )
        days = {row.get("started_on") for row, _ in members} - {""}
        if len(days) > 1:
            raise Invalid(
                "started_on", f"the mentors of family {family_ref!r} give different start days"
            )
        known = self._known(org_id)
        if family_ref.isdigit():
            family_id = int(family_ref) if int(family_ref) in known.family_ids else None
        else:
            family_id = known.families.get(family_ref)
        if family_id is None or family_id < 0:
            raise NotFound(f"unknown family {family_ref!r}")
        ref = refs.pop()
        if ref.lstrip("#").isdigit():
            worker = int(ref.lstrip("#"))
            if worker not in worker_ids:
                raise NotFound(f"unknown worker {ref!r}")
        else:
            found = workers.get(ref, [])
            if not found:
                raise NotFound(f"unknown worker {ref!r}")
            if len(found) > 1:
                raise Invalid("ambiguous", f"several workers are named {ref!r}: give the person id")
            worker = found[0]
        if family_id in matched:
            raise Invalid(
                "already_matched", f"family {family_id} already has an active match: close it first"
            )
        matched.add(family_id)
        org = known.org
        started = _day(days.pop()) if days else self.now.astimezone(ZoneInfo(org.timezone)).date()
        values = {
            "organisation_id": org_id,
            "family_id": family_id,
            "worker_id": worker,
            "status": MatchStatus.ACTIVE,
            "stage": MatchStage.ACTIVE,
            "started_on": started,
            "initiated_on": started,
            "first_meeting_outcome": FirstMeetingOutcome.AGREED,
            "created_at": self.now,
        }
        return values, [mentor for _, mentor in members]

    def _known(self, org_id: int) -> _Org:
        return next(o for o in self.orgs.values() if o.org.id == org_id)


def _profile(role: Role, row: _Row) -> dict[str, Any]:
    """The profile values of a row, checked: a mentor's own, or a mentee's family's."""
    allowed = MENTOR_PROFILE if role == Role.MENTOR else FAMILY_PROFILE
    given = {c: row.get(c) for c in PROFILE_COLUMNS if row.get(c)}
    if given and role not in (Role.MENTOR, Role.MENTEE):
        raise Invalid("profile_role", f"a {role.value} has no matching profile")
    wrong = sorted(set(given) - set(allowed))
    if wrong:
        raise Invalid("profile_role", f"{wrong[0]} does not belong on a {role.value}'s row")
    out: dict[str, Any] = {}
    if "languages" in given:
        out["languages"] = profiles.parse_languages(given["languages"])
    if "area" in given:
        out["area"] = profiles.check_area(given["area"])
    if "availability" in given:
        out["availability"] = profiles.parse_slots(given["availability"])
    if "skills" in given:
        out["skills"] = profiles.parse_topics(given["skills"])
    if "needs" in given:
        out["needs"] = profiles.parse_topics(given["needs"])
    if "capacity" in given:
        out["capacity"] = profiles.check_capacity(given["capacity"])
    if "gender" in given:
        out["gender"] = profiles.check_gender(given["gender"])
    if "prefers" in given:
        wanted = profiles.check_gender(given["prefers"])
        out["preferences"] = {"mentor_gender": wanted.value} if wanted else {}
    return out


def _chunks(values: list[str], size: int = 500) -> Iterable[list[str]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise Invalid("started_on", f"malformed date {text!r} (use YYYY-MM-DD)") from None
