"""Writing a batch of checked rows with bulk INSERTs: the families named on mentees' rows (or
a family of one), the people, their audit events and their profiles."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.importer.checking import Checked
from bot.services.importer.orgs import Orgs
from bot.services.importer.rules import MATCH_COLUMNS, ImportReport, Row, chunks
from storage.models import AuditEvent, Family, FamilyProfile, MentorProfile, Person, Role

MentorRow = tuple[Row, int, int]  # a mentor's row naming a family, organisation id, mentor id


class Writer:
    def __init__(
        self, session: AsyncSession, now: datetime, report: ImportReport, orgs: Orgs
    ) -> None:
        self.session, self.now, self.report, self.orgs = session, now, report, orgs
        self._pending_audit: list[dict[str, Any]] = []

    async def write(self, batch: list[Checked]) -> list[MentorRow]:
        """Write a batch of checked rows (bulk INSERTs); returns the mentors' rows naming
        the family of a match."""
        if not batch:
            return []
        self._pending_audit = []
        # Families named on mentees' rows that do not exist yet are made first; a mentee
        # without a family is a family of one, named after them ("Name (2)" if taken).
        await self._make_families(batch)
        rows = [self._person_row(item) for item in batch]
        person_ids = await self._insert_people(batch, rows)
        self.report.people.extend(person_ids)
        self._audit_people(batch, person_ids)
        await self.session.execute(
            insert(AuditEvent).execution_options(render_nulls=True), self._pending_audit
        )
        await self._mentor_profiles(batch, person_ids)
        await self._family_profiles(batch, rows)
        return _mentor_rows(batch, person_ids)

    async def _make_families(self, batch: list[Checked]) -> None:
        new = self._families_wanted(batch)
        ids = await self._new_families([o for o, _ in new], [n for _, n in new])
        for (org_id, name), family_id in zip(new, ids, strict=True):
            self.orgs.known(org_id).families[name] = family_id
            self.orgs.known(org_id).family_ids.add(family_id)

    def _audit_people(self, batch: list[Checked], person_ids: list[int]) -> None:
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

    def _families_wanted(self, batch: list[Checked]) -> list[tuple[int, str]]:
        """The families to make, (organisation id, name) in the batch's order; names each
        mentee without a family after them."""
        wanted: dict[tuple[int, str], None] = {}
        for item in batch:
            families = self.orgs.known(item.org.id).families
            if item.values["role"] == Role.MENTEE and item.family is None:
                item.family = _family_of_one(item, families, wanted)
            if item.family is not None and not item.family.isdigit():
                if item.family not in families:
                    wanted[(item.org.id, item.family)] = None
        return list(wanted)

    def _person_row(self, item: Checked) -> dict[str, Any]:
        values = dict(item.values)
        if item.family is not None:
            known = self.orgs.known(item.org.id)
            values["family_id"] = (
                int(item.family) if item.family.isdigit() else known.families[item.family]
            )
        return values

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
            for chunk in chunks(wanted):
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

    async def _mentor_profiles(self, batch: list[Checked], person_ids: list[int]) -> None:
        """Mentors' profiles of a batch (bulk INSERT)."""
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

    async def _family_profiles(self, batch: list[Checked], rows: list[dict[str, Any]]) -> None:
        """Families' profiles: the values given on the mentees' rows, merged per family."""
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

    async def _insert_people(self, batch: list[Checked], rows: list[dict[str, Any]]) -> list[int]:
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

    async def _person_ids(self, batch: list[Checked]) -> list[int]:
        """The ids of the people just inserted, in the batch's order (an organisation has
        one person of a role and name)."""
        found: dict[tuple[int, str, str], int] = {}
        for org_id in {item.org.id for item in batch}:
            names = [item.values["name"] for item in batch if item.org.id == org_id]
            for chunk in chunks(names):
                rows = await self.session.execute(
                    select(Person.id, Person.role, Person.name).where(
                        Person.organisation_id == org_id, Person.name.in_(chunk)
                    )
                )
                found.update({(org_id, Role(r).value, n): pid for pid, r, n in rows.all()})
        return [
            found[(item.org.id, item.values["role"].value, item.values["name"])] for item in batch
        ]


def _family_of_one(
    item: Checked, families: dict[str, int], wanted: dict[tuple[int, str], None]
) -> str:
    """A family of one for a mentee, named after them ("Name (2)" if taken)."""
    base: str = item.values["name"]
    name, n = base, 2
    while name in families or (item.org.id, name) in wanted:
        name, n = f"{base} ({n})", n + 1
    return name


def _mentor_rows(batch: list[Checked], person_ids: list[int]) -> list[MentorRow]:
    """Kept until the end for the matches: only what they need of each mentor's row."""
    return [
        (Row(item.row.line, {k: item.row.get(k) for k in MATCH_COLUMNS}), item.org.id, pid)
        for item, pid in zip(batch, person_ids, strict=True)
        if item.values["role"] == Role.MENTOR and item.row.get("family")
    ]
