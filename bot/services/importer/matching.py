"""The matches of the file: the mentors' rows naming one family make one match with the
worker they name (bulk INSERTs); a group that cannot be a match rejects each of its lines."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import admin
from bot.services.errors import Invalid, NotFound, ServiceError
from bot.services.importer.orgs import Known, Orgs
from bot.services.importer.rules import ImportReport, Row, day
from bot.services.importer.writing import MentorRow
from storage.match_life import FirstMeetingOutcome, MatchStage
from storage.models import AuditEvent, Match, MatchMentor, MatchStatus, Person, Role

Planned = tuple[dict[str, Any], list[int]]  # the match's columns, its mentors


@dataclass
class _Staff:
    """An organisation's active workers (by name, and their ids) and its families with an
    open match."""

    by_name: dict[str, list[int]] = field(default_factory=dict)
    ids: set[int] = field(default_factory=set)
    matched: set[int] = field(default_factory=set)


class Matcher:
    def __init__(
        self, session: AsyncSession, now: datetime, report: ImportReport, orgs: Orgs
    ) -> None:
        self.session, self.now, self.report, self.orgs = session, now, report, orgs

    async def matches(self, mentor_rows: list[MentorRow]) -> None:
        """The mentor rows naming one family make one match (bulk INSERTs); a group that
        cannot be a match rejects each of its lines."""
        groups: dict[tuple[int, str], list[tuple[Row, int]]] = {}
        for row, org_id, mentor_id in mentor_rows:
            groups.setdefault((org_id, row.get("family")), []).append((row, mentor_id))
        if not groups:
            return
        staff = {org_id: await self._staff(org_id) for org_id in {org_id for org_id, _ in groups}}
        planned: list[Planned] = []
        for (org_id, family_ref), members in groups.items():
            try:
                planned.append(self._plan_match(org_id, family_ref, members, staff[org_id]))
            except ServiceError as exc:
                for row, _ in members:
                    self.report.reject(row.line, str(exc))
        if planned:
            await self._insert(planned)

    async def _staff(self, org_id: int) -> _Staff:
        found = await self.session.execute(
            select(Person.id, Person.name).where(
                Person.organisation_id == org_id,
                Person.role == Role.WORKER,
                Person.active.is_(True),
            )
        )
        staff = _Staff()
        for pid, name in found.all():
            staff.by_name.setdefault(name, []).append(pid)
        staff.ids = {pid for ids in staff.by_name.values() for pid in ids}
        open_matches = await self.session.execute(
            select(Match.family_id).where(
                Match.organisation_id == org_id, Match.status.in_(admin.OPEN_STATUSES)
            )
        )
        staff.matched = set(open_matches.scalars())
        return staff

    async def _insert(self, planned: list[Planned]) -> None:
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
        self, org_id: int, family_ref: str, members: list[tuple[Row, int]], staff: _Staff
    ) -> Planned:
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
        known = self.orgs.known(org_id)
        family_id = _family_id(known, family_ref)
        worker = _worker(refs.pop(), staff)
        if family_id in staff.matched:
            raise Invalid(
                "already_matched", f"family {family_id} already has an active match: close it first"
            )
        staff.matched.add(family_id)
        org = known.org
        started = day(days.pop()) if days else self.now.astimezone(ZoneInfo(org.timezone)).date()
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


def _family_id(known: Known, family_ref: str) -> int:
    """The family the mentors' rows name: its id, or its name in the file or the database."""
    if family_ref.isdigit():
        family_id = int(family_ref) if int(family_ref) in known.family_ids else None
    else:
        family_id = known.families.get(family_ref)
    if family_id is None or family_id < 0:
        raise NotFound(f"unknown family {family_ref!r}")
    return family_id


def _worker(ref: str, staff: _Staff) -> int:
    """The worker the mentors' rows name: a person id ("#12" or "12") or a worker's name."""
    if ref.lstrip("#").isdigit():
        worker = int(ref.lstrip("#"))
        if worker not in staff.ids:
            raise NotFound(f"unknown worker {ref!r}")
        return worker
    found = staff.by_name.get(ref, [])
    if not found:
        raise NotFound(f"unknown worker {ref!r}")
    if len(found) > 1:
        raise Invalid("ambiguous", f"several workers are named {ref!r}: give the person id")
    return found[0]
