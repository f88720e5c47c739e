"""A programme whose every free text and personal detail is a value the tests can look for:
written straight to the database, in every table that holds personal data."""

from __future__ import annotations

import contextlib
import json
import sqlite3
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import count
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import make_url

from mentorbot_testkit.factories import building
from storage.db import Database
from storage.models import (
    Answer,
    Appointment,
    AppointmentAnswer,
    Base,
    Concern,
    ConcernCategory,
    ConcernEvent,
    Draft,
    Family,
    FamilyProfile,
    HelpKind,
    HelpMessage,
    HelpRequest,
    InboxStatus,
    InboxUpdate,
    Invite,
    Match,
    MatchRequest,
    Meeting,
    OutboxMessage,
    OutboxStatus,
    Person,
    ProgressReport,
    Role,
    Severity,
)

_serial = count(1)


@dataclass
class Planted:
    org_id: int
    people: dict[str, Person]
    families: dict[str, Family]
    matches: dict[str, Match]
    # Each person's planted values (name, phone, free texts about or by them), by label.
    values: dict[str, dict[str, str]] = field(default_factory=dict)

    def of(self, who: str) -> set[str]:
        return set(self.values[who].values())

    def texts(self) -> set[str]:
        """Every planted free text (not names, phones or e-mails)."""
        return {v for found in self.values.values() for k, v in found.items() if k.startswith("t:")}


async def plant(db: Database, now: datetime) -> Planted:
    """Sara, a mentee alone in her family; the Haddad family (Amina and Omar) with two mentors;
    a worker and a coordinator. Everything Sara wrote, or was written about her, carries
    "sara" in its planted value."""
    n = next(_serial)
    tag = f"{n:03d}"
    values: dict[str, dict[str, str]] = {}

    def v(who: str, label: str, text: str) -> str:
        values.setdefault(who, {})[label] = text
        return text

    async with building(db, now) as b:
        org = await b.org(f"Casal {tag}")
        people: dict[str, Person] = {}
        for key, role, name, tg, phone in [
            ("worker", Role.WORKER, f"Núria Plantworker{tag}", 7100 + n * 10, "+34611000101"),
            ("coord", Role.COORDINATOR, f"Carles Plantcoord{tag}", 7101 + n * 10, None),
            ("mentor", Role.MENTOR, f"Jordi Plantmentor{tag}", 7102 + n * 10, "+34611000103"),
            ("mentor2", Role.MENTOR, f"Pau Plantmentortwo{tag}", 7103 + n * 10, None),
        ]:
            people[key] = await b.person(org, role, name, telegram_id=tg * 1000, phone=phone)
        sara_family = await b.family(org, f"Plantsarafam{tag}")
        haddad = await b.family(org, f"Planthaddad{tag}")
        people["sara"] = await b.person(
            org,
            Role.MENTEE,
            v("sara", "name", f"Sara Plantsara{tag}"),
            telegram_id=9100000 + n,
            family=sara_family,
            phone=v("sara", "phone", f"+346120{n:05d}"),
            email=v("sara", "email", f"sara{tag}@plant.example.org"),
        )
        v("sara", "family", sara_family.name)
        people["amina"] = await b.person(
            org,
            Role.MENTEE,
            v("amina", "name", f"Amina Plantamina{tag}"),
            telegram_id=9200000 + n,
            family=haddad,
            phone=v("amina", "phone", f"+346130{n:05d}"),
        )
        people["omar"] = await b.person(
            org, Role.MENTEE, f"Omar Plantomar{tag}", telegram_id=9300000 + n, family=haddad
        )
        single = await b.match(sara_family, [people["mentor"]], people["worker"])
        shared = await b.match(haddad, [people["mentor"], people["mentor2"]], people["worker"])
        s = b.session
        mentor, worker, sara, amina = (people[k] for k in ("mentor", "worker", "sara", "amina"))
        single.closure_reason = v("sara", "t:closure", f"PLANT-sara-closure-{tag}")
        s.add_all(
            [
                Meeting(
                    match_id=single.id,
                    mentor_id=mentor.id,
                    occurred_on=date(2026, 2, 20),
                    duration_minutes=60,
                    notes=v("sara", "t:meeting", f"PLANT-sara-meeting-{tag}"),
                    created_at=now,
                    updated_at=now,
                ),
                Meeting(
                    match_id=shared.id,
                    mentor_id=mentor.id,
                    occurred_on=date(2026, 2, 21),
                    duration_minutes=90,
                    notes=v("family", "t:meeting", f"PLANT-family-meeting-{tag}"),
                    created_at=now,
                    updated_at=now,
                ),
                ProgressReport(
                    match_id=single.id,
                    mentor_id=mentor.id,
                    domains={
                        "language": {
                            "rating": 3,
                            "comment": v("sara", "t:domain", f"PLANT-sara-domain-{tag}"),
                        }
                    },
                    relationship=3,
                    needs_support=False,
                    comment=v("sara", "t:report", f"PLANT-sara-report-{tag}"),
                    created_at=now,
                ),
                Invite(
                    person_id=sara.id,
                    token_hash=f"{n:064d}",
                    created_at=now,
                    expires_at=now + timedelta(days=14),
                ),
                Draft(
                    telegram_id=sara.telegram_id,
                    flow="help",
                    state="text",
                    data={"text": v("sara", "t:draft", f"PLANT-sara-draft-{tag}")},
                    updated_at=now,
                ),
                InboxUpdate(
                    update_id=n * 1000 + 1,
                    chat_id=sara.telegram_id,
                    payload={
                        "update_id": n * 1000 + 1,
                        "message": {
                            "text": v("sara", "t:inbox", f"PLANT-sara-inbox-{tag}"),
                            "chat": {"id": sara.telegram_id, "type": "private"},
                        },
                    },
                    status=InboxStatus.FAILED,  # set aside: its payload kept
                    error="KeyError",
                    received_at=now,
                ),
                InboxUpdate(
                    update_id=n * 1000 + 2,
                    chat_id=amina.telegram_id,
                    payload=None,
                    replies=[{"text": v("amina", "t:reply", f"PLANT-amina-reply-{tag}")}],
                    status=InboxStatus.REPLY_FAILED,  # its replies kept
                    received_at=now,
                    handled_at=now,
                ),
            ]
        )
        appointment = Appointment(
            match_id=single.id,
            created_by_id=mentor.id,
            starts_at=now + timedelta(days=2),
            place=v("sara", "t:place", f"PLANT-sara-place-{tag}"),
            note=v("sara", "t:appointment", f"PLANT-sara-appointment-{tag}"),
            created_at=now,
            updated_at=now,
        )
        help_request = HelpRequest(
            organisation_id=org.id,
            match_id=single.id,
            requester_id=sara.id,
            worker_id=worker.id,
            kind=HelpKind.MENTEE,
            created_at=now,
        )
        amina_help = HelpRequest(
            organisation_id=org.id,
            match_id=shared.id,
            requester_id=amina.id,
            worker_id=worker.id,
            kind=HelpKind.MENTEE,
            created_at=now,
        )
        concern = Concern(
            organisation_id=org.id,
            match_id=single.id,
            raised_by_id=mentor.id,
            category=ConcernCategory.HOUSING,
            severity=Severity.HIGH,
            description=v("sara", "t:concern", f"PLANT-sara-concern-{tag}"),
            assigned_worker_id=worker.id,
            raised_at=now,
            resolution_note=v("sara", "t:resolution", f"PLANT-sara-resolution-{tag}"),
        )
        family_concern = Concern(
            organisation_id=org.id,
            match_id=shared.id,
            raised_by_id=mentor.id,
            category=ConcernCategory.MONEY,
            severity=Severity.LOW,
            description=v("family", "t:concern", f"PLANT-family-concern-{tag}"),
            assigned_worker_id=worker.id,
            raised_at=now,
        )
        s.add_all([appointment, help_request, amina_help, concern, family_concern])
        # Matching: Sara's family's profile and a request with the worker's note about her.
        s.add(
            FamilyProfile(
                family_id=sara_family.id,
                area=v("sara", "area", f"PLANT-sara-area-{tag}"),
                updated_at=now,
            )
        )
        s.add(
            MatchRequest(
                organisation_id=org.id,
                family_id=sara_family.id,
                worker_id=worker.id,
                note=v("sara", "t:request", f"PLANT-sara-request-{tag}"),
                created_at=now,
            )
        )
        await s.flush()
        s.add_all(
            [
                AppointmentAnswer(
                    appointment_id=appointment.id,
                    person_id=sara.id,
                    answer=Answer.COMING,
                    answered_at=now,
                ),
                HelpMessage(
                    help_request_id=help_request.id,
                    author_id=sara.id,
                    text=v("sara", "t:help", f"PLANT-sara-help-{tag}"),
                    created_at=now,
                ),
                HelpMessage(
                    help_request_id=help_request.id,
                    author_id=worker.id,
                    text=v("sara", "t:help-answer", f"PLANT-sara-helpanswer-{tag}"),
                    created_at=now,
                ),
                HelpMessage(
                    help_request_id=amina_help.id,
                    author_id=amina.id,
                    text=v("amina", "t:help", f"PLANT-amina-help-{tag}"),
                    created_at=now,
                ),
                ConcernEvent(
                    concern_id=concern.id,
                    kind="replied",
                    actor_id=worker.id,
                    detail={"text": v("sara", "t:concern-reply", f"PLANT-sara-concernreply-{tag}")},
                    created_at=now,
                ),
                OutboxMessage(
                    person_id=sara.id,
                    kind="reminder",
                    text=v("sara", "t:outbox", f"PLANT-sara-outbox-{tag}"),
                    status=OutboxStatus.SENT,
                    not_before=now,
                    created_at=now,
                    sent_at=now,
                    telegram_chat_id=sara.telegram_id,
                    telegram_message_id=1,
                ),
                OutboxMessage(
                    person_id=worker.id,
                    kind="concern",
                    text=f"{sara.name}: {concern.description}",
                    buttons=[[["Open", f"cc:{concern.id}"]]],
                    ref_type="concern",
                    ref_id=concern.id,
                    origin_person_id=mentor.id,
                    status=OutboxStatus.QUEUED,
                    not_before=now,
                    created_at=now,
                ),
                OutboxMessage(
                    person_id=mentor.id,
                    kind="help",
                    text=f"{amina.name}: …",
                    document_name="plan.ics",
                    document_mime="text/calendar",
                    document=v("amina", "t:document", f"PLANT-amina-document-{tag}").encode(),
                    status=OutboxStatus.QUEUED,
                    not_before=now,
                    created_at=now,
                ),
            ]
        )
        await s.flush()
    return Planted(
        org_id=org.id,
        people=people,
        families={"sara": sara_family, "haddad": haddad},
        matches={"single": single, "shared": shared},
        values=values,
    )


async def raw_scan(db: Database, needles: set[str]) -> set[str]:
    """The needles found in the database as stored: in the SQLite file (and its WAL, after a
    checkpoint), or in every row of every table read as text by PostgreSQL itself."""
    if db.is_sqlite:
        path = Path(make_url(db.url).database or "")
        await db.engine.dispose()  # no connection of ours holds the WAL open
        with contextlib.closing(sqlite3.connect(path)) as conn:
            busy, _, _ = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            assert busy == 0, "the WAL could not be checkpointed"
        blob = b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())
        return {n for n in needles if n.encode() in blob}
    found: set[str] = set()
    async with db.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            rows = await conn.exec_driver_sql(f'SELECT t::text FROM "{table.name}" AS t')
            text = "\n".join(str(r[0]) for r in rows)
            found |= {n for n in needles if n in text}
    return found


async def decrypted_scan(db: Database, needles: set[str]) -> dict[str, set[str]]:
    """The needles found in any column of any table, read through the models (decrypted):
    `{"table.column": {needle, ...}}`."""
    found: dict[str, set[str]] = {}
    async with db.transaction() as session:
        for mapper in Base.registry.mappers:
            model = mapper.class_
            for row in (await session.execute(select(model))).scalars():
                for column in mapper.columns:
                    value = getattr(row, column.key)
                    if value is None:
                        continue
                    text = (
                        value.decode("utf-8", "replace")
                        if isinstance(value, bytes)
                        else json.dumps(value, ensure_ascii=False, default=str)
                    )
                    hits = {n for n in needles if n in text}
                    if hits:
                        found.setdefault(f"{model.__tablename__}.{column.key}", set()).update(hits)
    return found
