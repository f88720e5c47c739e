"""The admin CLI, in-process: what each command prints, how it fails, and that a failure
changes nothing."""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import re
import sys
import types
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text

from bot import cli
from emulator import Emulator
from storage.db import Database
from storage.models import AuditEvent, Base, Consent, Family, Invite, Match, MatchMentor, Person
from tests.conftest import BOT_USERNAME, TEST_KEY, TOKEN
from tests.harness import Telegram

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Result:
    code: int
    out: str
    err: str

    @property
    def last_line(self) -> str:
        return self.out.strip().splitlines()[-1]

    def json(self) -> Any:
        return json.loads(self.out)


class Cli:
    def __init__(self, capsys: pytest.CaptureFixture[str]) -> None:
        self.capsys = capsys

    async def __call__(self, *argv: str) -> Result:
        self.capsys.readouterr()
        code = await asyncio.to_thread(cli.main, list(argv))
        captured = self.capsys.readouterr()
        return Result(code, captured.out, captured.err)

    async def ok(self, *argv: str) -> Result:
        result = await self(*argv)
        assert result.code == 0, result.err
        return result

    async def fails(self, *argv: str, reason: str) -> Result:
        result = await self(*argv)
        assert result.code != 0, result.out
        lines = result.err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("mentorbot: "), result.err
        assert reason in lines[0], lines[0]
        return result


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, database_url: str) -> pytest.MonkeyPatch:
    monkeypatch.chdir(tmp_path)  # no stray .env
    for name in [n for n in __import__("os").environ if n.startswith("MENTORBOT_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("MENTORBOT_DATABASE_URL", database_url)
    monkeypatch.setenv("MENTORBOT_ENCRYPTION_KEY", TEST_KEY)
    monkeypatch.setenv("MENTORBOT_BOT_USERNAME", "casal_mentor_bot")
    return monkeypatch


@pytest.fixture
def run(env: pytest.MonkeyPatch, db: Database, capsys: pytest.CaptureFixture[str]) -> Cli:
    return Cli(capsys)


async def snapshot(db: Database) -> dict[str, Any]:
    """Every table's rows, to show that a failed command changed nothing."""
    out: dict[str, Any] = {}
    async with db.transaction() as session:
        for table in Base.metadata.sorted_tables:
            rows = (await session.execute(select(table))).all()
            out[table.name] = sorted(map(repr, rows))
    return out


async def setup(run: Cli) -> dict[str, int]:
    """Two organisations with a worker, two mentors and a mentee each."""
    ids: dict[str, int] = {}
    ids["org"] = int(
        (
            await run.ok(
                "org",
                "add",
                "--name",
                "Casal Raval",
                "--timezone",
                "Europe/Madrid",
                "--locale",
                "ca",
            )
        ).out
    )
    ids["other"] = int(
        (
            await run.ok(
                "org", "add", "--name", "Kyiv Hub", "--timezone", "Europe/Kyiv", "--locale", "uk"
            )
        ).out
    )
    for key, org, role, name in [
        ("worker", "Casal Raval", "worker", "Marta"),
        ("mentor", "Casal Raval", "mentor", "Jordi"),
        ("mentor2", "Casal Raval", "mentor", "Pau"),
        ("mentee", "Casal Raval", "mentee", "Amina"),
        ("coordinator", "Casal Raval", "coordinator", "Laia"),
        ("other_worker", "Kyiv Hub", "worker", "Olena"),
        ("other_mentor", "Kyiv Hub", "mentor", "Taras"),
    ]:
        result = await run.ok("person", "add", "--org", org, "--role", role, "--name", name)
        ids[key] = int(result.out)
    return ids


# help, schema, settings -------------------------------------------------------------------------
def test_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--help"]) == 0
    out = capsys.readouterr().out
    for name in (
        "run",
        "db",
        "org",
        "family",
        "person",
        "invite",
        "match",
        "import",
        "emulator",
        "demo",
    ):
        assert re.search(rf"^\s+{name}\s", out, re.M), name


async def test_commands_refuse_a_database_without_the_schema(
    env: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    env.setenv("MENTORBOT_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'fresh.sqlite3'}")
    run = Cli(capsys)
    await run.fails("org", "list", reason="run `mentorbot db upgrade`")
    await run.fails(
        "person",
        "add",
        "--org",
        "1",
        "--role",
        "mentor",
        "--name",
        "X",
        reason="run `mentorbot db upgrade`",
    )
    env.setenv("MENTORBOT_TOKEN", TOKEN)
    await run.fails("run", reason="run `mentorbot db upgrade`")
    assert "up to date" in (await run.ok("db", "upgrade")).out
    assert "up to date" in (await run.ok("db", "check")).out
    assert (await run.ok("org", "list")).out.strip().startswith("id")


async def test_run_stops_with_one_line_on_bad_settings(run: Cli, env: pytest.MonkeyPatch) -> None:
    await run.fails("run", reason="MENTORBOT_TOKEN is not set")
    env.setenv("MENTORBOT_TOKEN", TOKEN)
    await run.fails("run", "--webhook", reason="MENTORBOT_WEBHOOK_URL is not set")
    env.setenv("MENTORBOT_WEBHOOK_URL", "http://bot.example.org/hook")
    await run.fails("run", "--webhook", reason="must be an https:// URL")
    env.setenv("MENTORBOT_WEBHOOK_URL", "https://bot.example.org/hook")
    await run.fails("run", "--webhook", reason="MENTORBOT_WEBHOOK_SECRET must be set")
    env.setenv("MENTORBOT_WEBHOOK_SECRET", "not allowed!")
    await run.fails("run", "--webhook", reason="MENTORBOT_WEBHOOK_SECRET must be set")
    env.setenv("MENTORBOT_API_URL", "not a url")
    await run.fails("run", reason="MENTORBOT_API_URL")
    env.delenv("MENTORBOT_API_URL")
    env.setenv("MENTORBOT_DATABASE_URL", "mysql://somewhere/db")
    await run.fails("org", "list", reason="MENTORBOT_DATABASE_URL")


# organisations ------------------------------------------------------------------------------------
async def test_org_add_and_list(run: Cli, db: Database) -> None:
    org_id = int(
        (
            await run.ok(
                "org",
                "add",
                "--name",
                "Casal Raval",
                "--timezone",
                "Europe/Madrid",
                "--locale",
                "ca",
            )
        ).out
    )
    made = (
        await run.ok(
            "org",
            "add",
            "--name",
            "Refugee Help",
            "--timezone",
            "Europe/Berlin",
            "--locale",
            "de-DE".replace("de-DE", "en"),
            "--emergency-phone",
            "112",
            "--json",
        )
    ).json()
    assert made["name"] == "Refugee Help" and made["region"] == "DE"
    assert made["emergency_phone"] == "112"
    listed = (await run.ok("org", "list", "--json")).json()
    assert [o["id"] for o in listed] == [org_id, made["id"]]
    assert "Casal Raval" in (await run.ok("org", "list")).out
    # an office number as emergency phone, in the organisation's country (ES): stored E.164
    phone = (
        await run.ok(
            "org",
            "add",
            "--name",
            "Third",
            "--timezone",
            "Europe/Madrid",
            "--locale",
            "es",
            "--emergency-phone",
            "934 123 456",
            "--json",
        )
    ).json()
    assert phone["emergency_phone"] == "+34934123456"


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["--timezone", "Europe/Madird", "--locale", "ca"], "unknown timezone"),
        (["--timezone", "Europe/Madrid", "--locale", "xx"], "unsupported locale"),
        (
            ["--timezone", "Europe/Madrid", "--locale", "ca", "--emergency-phone", "12ab"],
            "malformed phone number",
        ),
        (
            ["--timezone", "Europe/Madrid", "--locale", "ca", "--country", "QQ"],
            "unknown country code",
        ),
    ],
)
async def test_org_add_rejects_bad_input(
    run: Cli, db: Database, args: list[str], reason: str
) -> None:
    before = await snapshot(db)
    await run.fails("org", "add", "--name", "Casal Raval", *args, reason=reason)
    assert await snapshot(db) == before


async def test_org_names_are_unique(run: Cli, db: Database) -> None:
    await run.ok("org", "add", "--name", "Casal", "--timezone", "UTC", "--locale", "en")
    before = await snapshot(db)
    await run.fails(
        "org",
        "add",
        "--name",
        "Casal",
        "--timezone",
        "UTC",
        "--locale",
        "en",
        reason="already exists",
    )
    assert await snapshot(db) == before


DEFAULT_POLICY = {
    "reminder_offsets_minutes": [1440, 240],
    "confirm_by_minutes": 120,
    "report_cadence_days": 30,
    "help_target_hours": 48,
    "ack_deadlines_minutes": {"emergency": 15, "high": 240, "medium": 1440, "low": 4320},
}


async def org_audits(db: Database) -> list[AuditEvent]:
    async with db.transaction() as session:
        return list(
            await session.scalars(
                select(AuditEvent).where(AuditEvent.action == "org.updated").order_by(AuditEvent.id)
            )
        )


async def test_org_set_changes_contacts_and_policy(run: Cli, db: Database) -> None:
    org_id = (await setup(run))["org"]
    listed = (await run.ok("org", "list", "--json")).json()[0]
    assert {k: listed[k] for k in DEFAULT_POLICY} == DEFAULT_POLICY
    assert listed["office_phone"] is None and listed["address"] is None

    changed = (
        await run.ok(
            "org",
            "set",
            "Casal Raval",
            "--emergency-phone",
            "934 000 111",
            "--office-phone",
            "93 412 34 56",
            "--office-hours",
            "  Mon-Fri   9:00-14:00 ",
            "--address",
            "Carrer de la Riereta 4, Barcelona",
            "--reminders",
            "2880, 240,1440",
            "--confirm-by-minutes",
            "90",
            "--report-cadence-days",
            "14",
            "--help-target-hours",
            "24",
            "--ack-deadlines",
            "low=2000,emergency=10,medium=600,high=120",
            "--json",
        )
    ).json()
    expected = {
        "id": org_id,
        "emergency_phone": "+34934000111",
        "office_phone": "+34934123456",
        "office_hours": "Mon-Fri 9:00-14:00",
        "address": "Carrer de la Riereta 4, Barcelona",
        "reminder_offsets_minutes": [2880, 1440, 240],
        "confirm_by_minutes": 90,
        "report_cadence_days": 14,
        "help_target_hours": 24,
        "ack_deadlines_minutes": {"emergency": 10, "high": 120, "medium": 600, "low": 2000},
    }
    assert {k: changed[k] for k in expected} == expected
    listed = (await run.ok("org", "list", "--json")).json()
    assert {k: listed[0][k] for k in expected} == expected
    assert {k: listed[1][k] for k in DEFAULT_POLICY} == DEFAULT_POLICY  # the other one
    events = await org_audits(db)
    assert len(events) == 1 and events[0].target_id == org_id
    assert events[0].detail["fields"] == sorted(expected.keys() - {"id"})
    assert "Riereta" not in str(events[0].detail) and "934" not in str(events[0].detail)

    # one setting at a time, by id; the rest stays; an empty text clears; the emergency
    # number back to 112
    assert (await run.ok("org", "set", str(org_id), "--help-target-hours", "336")).out.strip() == (
        str(org_id)
    )
    await run.ok("org", "set", str(org_id), "--office-hours", "", "--emergency-phone", "112")
    after = (await run.ok("org", "list", "--json")).json()[0]
    assert after["help_target_hours"] == 336 and after["office_hours"] is None
    assert after["emergency_phone"] == "112" and after["confirm_by_minutes"] == 90
    assert after["reminder_offsets_minutes"] == [2880, 1440, 240]
    # help lines by purpose, Spain's short numbers kept as dialled
    await run.ok("org", "set", str(org_id), "--help-lines", "gender_violence=016,mental_health=024")
    lines = (await run.ok("org", "list", "--json")).json()[0]["help_lines"]
    assert lines == {"gender_violence": "016", "mental_health": "024"}
    # bounds are inclusive
    await run.ok("org", "set", "Casal Raval", "--report-cadence-days", "7")
    await run.ok("org", "set", "Casal Raval", "--report-cadence-days", "180")
    await run.ok("org", "set", "Casal Raval", "--help-target-hours", "1")
    await run.ok(
        "org", "set", "Casal Raval", "--reminders", "20160,1,2,3,4", "--confirm-by-minutes", "0"
    )
    await run.ok(
        "org", "set", "Casal Raval", "--reminders", "20160", "--confirm-by-minutes", "20040"
    )
    await run.ok(
        "org", "set", "Casal Raval", "--ack-deadlines", "emergency=5,high=5,medium=5,low=5"
    )


async def test_org_add_takes_the_same_settings(run: Cli, db: Database) -> None:
    made = (
        await run.ok(
            "org",
            "add",
            "--name",
            "Kyiv Hub",
            "--timezone",
            "Europe/Kyiv",
            "--locale",
            "uk",
            "--office-phone",
            "044 123 4567",
            "--office-hours",
            "Mon-Thu 10-17",
            "--address",
            "Khreshchatyk 1",
            "--reminders",
            "720",
            "--confirm-by-minutes",
            "30",
            "--report-cadence-days",
            "60",
            "--help-target-hours",
            "72",
            "--ack-deadlines",
            "emergency=30,high=300,medium=2000,low=5000",
            "--json",
        )
    ).json()
    assert made["office_phone"] == "+380441234567" and made["address"] == "Khreshchatyk 1"
    assert made["reminder_offsets_minutes"] == [720] and made["confirm_by_minutes"] == 30
    assert made["report_cadence_days"] == 60 and made["help_target_hours"] == 72
    assert made["ack_deadlines_minutes"]["low"] == 5000
    assert (await run.ok("org", "list", "--json")).json() == [made]
    before = await snapshot(db)
    await run.fails(
        "org",
        "add",
        "--name",
        "Other",
        "--timezone",
        "UTC",
        "--locale",
        "en",
        "--reminders",
        "60",
        reason="the no-answer alert (120 minutes before) must come at least 120 minutes after "
        "the last reminder (60 minutes before)",
    )
    assert await snapshot(db) == before


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        ([], "nothing to change"),
        (["--office-phone", "12ab"], "malformed phone number"),
        (["--office-phone", "612 34"], "malformed phone number"),
        (["--emergency-phone", "999999"], "malformed phone number"),
        (["--office-hours", "x" * 301], "longer than 300"),
        (["--address", "x" * 301], "longer than 300"),
        (["--reminders", ""], "at least one reminder"),
        (["--reminders", "1440,abc"], "whole number"),
        (["--reminders", "1440,0"], "between 1 and 20160"),
        (["--reminders", "1440,-5"], "between 1 and 20160"),
        (["--reminders", "20161,130"], "between 1 and 20160"),
        (["--reminders", "1440,1440"], "different"),
        (["--reminders", "600,500,400,300,200,150"], "at most 5"),
        (["--reminders", "120,60"], "set --confirm-by-minutes 0 (no alert)"),
        (["--reminders", "1440,180"], "at most 60, or make the last reminder at least 240"),
        (["--confirm-by-minutes", "1440"], "120 minutes after the last reminder (240"),
        (["--confirm-by-minutes", "-1"], "between 0 and"),
        (["--confirm-by-minutes", "1.5"], "whole number"),
        (["--reminders", "300", "--confirm-by-minutes", "300"], "so that the family has time"),
        (["--report-cadence-days", "6"], "between 7 and 180"),
        (["--report-cadence-days", "181"], "between 7 and 180"),
        (["--report-cadence-days", "monthly"], "whole number"),
        (["--help-target-hours", "0"], "between 1 and 336"),
        (["--help-target-hours", "337"], "between 1 and 336"),
        (["--ack-deadlines", "emergency=15,high=240,medium=1440"], "no deadline for low"),
        (["--ack-deadlines", "emergency=15,high=240,medium=1440,low=4320,extra=1"], "unknown"),
        (["--ack-deadlines", "emergency=15,high=240,medium=1440,low"], "malformed deadlines"),
        (["--ack-deadlines", "emergency=15,emergency=16,high=1,medium=2,low=3"], "twice"),
        (["--ack-deadlines", "emergency=0,high=240,medium=1440,low=4320"], "between 1 and"),
        (["--ack-deadlines", "emergency=15,high=x,medium=1440,low=4320"], "whole number"),
        (
            ["--ack-deadlines", "emergency=300,high=240,medium=1440,low=4320"],
            "emergency deadline (300) is longer than the high one (240)",
        ),
        (
            ["--ack-deadlines", "emergency=15,high=240,medium=5000,low=4320"],
            "medium deadline (5000) is longer than the low one",
        ),
        (["--country", "QQ", "--office-phone", "612345678"], "unknown country code"),
        # one bad setting among good ones: nothing of it is stored
        (["--help-target-hours", "24", "--report-cadence-days", "1000"], "between 7 and 180"),
    ],
)
async def test_org_set_rejects_bad_input(
    run: Cli, db: Database, args: list[str], reason: str
) -> None:
    await run.ok("org", "add", "--name", "Casal", "--timezone", "Europe/Madrid", "--locale", "ca")
    before = await snapshot(db)
    await run.fails("org", "set", "Casal", *args, reason=reason)
    assert await snapshot(db) == before


async def test_org_set_of_an_unknown_organisation(run: Cli, db: Database) -> None:
    before = await snapshot(db)
    await run.fails("org", "set", "Nowhere", "--help-target-hours", "2", reason="unknown organ")
    await run.fails("org", "set", "42", "--help-target-hours", "2", reason="unknown organ")
    assert await snapshot(db) == before


# people and families -------------------------------------------------------------------------------
async def test_person_add_validates_and_stores_e164(run: Cli, db: Database) -> None:
    await run.ok(
        "org", "add", "--name", "Casal Raval", "--timezone", "Europe/Madrid", "--locale", "ca"
    )
    made = (
        await run.ok(
            "person",
            "add",
            "--org",
            "Casal Raval",
            "--role",
            "mentor",
            "--name",
            "Jordi Vila",
            "--phone",
            "612 34 56 78",
            "--locale",
            "ca",
            "--email",
            "jordi@example.org",
            "--json",
        )
    ).json()
    assert made["phone"] == "+34612345678" and made["role"] == "mentor"
    assert made["family_id"] is None and made["linked"] is False
    # a foreign number with its country code, and a national one read in another country
    uk = (
        await run.ok(
            "person",
            "add",
            "--org",
            "1",
            "--role",
            "mentor",
            "--name",
            "Olha",
            "--phone",
            "+380 50 123 4567",
            "--json",
        )
    ).json()
    assert uk["phone"] == "+380501234567"
    fr = (
        await run.ok(
            "person",
            "add",
            "--org",
            "1",
            "--role",
            "mentor",
            "--name",
            "Luc",
            "--phone",
            "06 12 34 56 78",
            "--country",
            "FR",
            "--json",
        )
    ).json()
    assert fr["phone"] == "+33612345678"
    listed = (await run.ok("person", "list", "--role", "mentor", "--json")).json()
    assert [p["name"] for p in listed] == ["Jordi Vila", "Olha", "Luc"]
    assert "Jordi Vila" in (await run.ok("person", "list", "--org", "Casal Raval")).out


async def test_mentees_belong_to_families(run: Cli, db: Database) -> None:
    await run.ok("org", "add", "--name", "Casal", "--timezone", "Europe/Madrid", "--locale", "ca")
    a = (
        await run.ok(
            "person",
            "add",
            "--org",
            "Casal",
            "--role",
            "mentee",
            "--name",
            "Amina",
            "--family",
            "Haddad",
            "--json",
        )
    ).json()
    b = (
        await run.ok(
            "person",
            "add",
            "--org",
            "Casal",
            "--role",
            "mentee",
            "--name",
            "Omar",
            "--family",
            "Haddad",
            "--json",
        )
    ).json()
    alone = (
        await run.ok(
            "person", "add", "--org", "Casal", "--role", "mentee", "--name", "Yonas", "--json"
        )
    ).json()
    assert a["family_id"] == b["family_id"] != alone["family_id"]
    families = (await run.ok("family", "list", "--json")).json()
    assert {f["name"]: f["member_ids"] for f in families} == {
        "Haddad": [a["id"], b["id"]],
        "Yonas": [alone["id"]],
    }
    family_id = int((await run.ok("family", "add", "--org", "Casal", "--name", "Tesfaye")).out)
    joined = (
        await run.ok(
            "person",
            "add",
            "--org",
            "Casal",
            "--role",
            "mentee",
            "--name",
            "Selam",
            "--family",
            str(family_id),
            "--json",
        )
    ).json()
    assert joined["family_id"] == family_id
    assert "Tesfaye" in (await run.ok("family", "list", "--org", "Casal")).out
    await run.fails("family", "add", "--org", "Casal", "--name", "Haddad", reason="already exists")


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["--org", "Nowhere", "--role", "mentor", "--name", "X"], "unknown organisation"),
        (["--org", "99", "--role", "mentor", "--name", "X"], "unknown organisation"),
        (
            ["--org", "Casal", "--role", "mentor", "--name", "X", "--locale", "klingon"],
            "unsupported locale",
        ),
        (
            ["--org", "Casal", "--role", "mentor", "--name", "X", "--timezone", "Mars/Base"],
            "unknown timezone",
        ),
        (
            ["--org", "Casal", "--role", "mentor", "--name", "X", "--phone", "12345"],
            "malformed phone number",
        ),
        (
            ["--org", "Casal", "--role", "mentor", "--name", "X", "--phone", "+1 555 0100 999"],
            "malformed phone number",
        ),
        (
            ["--org", "Casal", "--role", "mentor", "--name", "X", "--email", "nope"],
            "malformed email",
        ),
        (
            ["--org", "Casal", "--role", "mentor", "--name", "X", "--family", "Haddad"],
            "only mentees",
        ),
        (
            ["--org", "Casal", "--role", "mentee", "--name", "X", "--family", "4242"],
            "unknown family",
        ),
        (["--org", "Casal", "--role", "mentor", "--name", "   "], "name is empty"),
    ],
)
async def test_person_add_rejects_bad_input(
    run: Cli, db: Database, args: list[str], reason: str
) -> None:
    await run.ok("org", "add", "--name", "Casal", "--timezone", "Europe/Madrid", "--locale", "ca")
    before = await snapshot(db)
    await run.fails("person", "add", *args, reason=reason)
    assert await snapshot(db) == before


async def test_person_set_changes_only_what_is_given(run: Cli, db: Database) -> None:
    ids = await setup(run)
    mentor = str(ids["mentor"])
    changed = (
        await run.ok(
            "person",
            "set",
            mentor,
            "--locale",
            "uk-UA",
            "--phone",
            "612 34 56 78",
            "--email",
            "jordi@example.org",
            "--share-phone",
            "yes",
            "--share-email",
            "YES",
            "--quiet-hours",
            "22:00-7:30",
            "--json",
        )
    ).json()
    assert changed["id"] == ids["mentor"] and changed["locale"] == "uk"
    assert changed["phone"] == "+34612345678" and changed["email"] == "jordi@example.org"
    assert changed["share_phone"] is True and changed["share_email"] is True
    assert changed["quiet_hours"] == "22:00-07:30" and changed["active"] is True
    assert changed["timezone"] is None and changed["name"] == "Jordi"

    out = await run.ok("person", "set", mentor, "--timezone", "Europe/Kyiv")
    assert out.out.strip() == mentor
    await run.ok("person", "set", mentor, "--phone", "+44 20 7946 0018", "--share-email", "no")
    await run.ok("person", "set", mentor, "--phone", "06 12 34 56 78", "--country", "FR")
    await run.ok("person", "set", mentor, "--active", "no", "--quiet-hours", "00:00-00:00")
    async with db.transaction() as session:
        stored = await session.get(Person, ids["mentor"])
        assert stored is not None
        assert stored.timezone == "Europe/Kyiv" and stored.locale == "uk"
        assert stored.phone == "+33612345678" and stored.share_phone is True
        assert stored.share_email is False and stored.email == "jordi@example.org"
        assert (stored.quiet_start, stored.quiet_end) == ("00:00", "00:00")
        assert stored.active is False
        events = list(
            await session.scalars(
                select(AuditEvent)
                .where(AuditEvent.action == "person.updated")
                .order_by(AuditEvent.id)
            )
        )
    assert [e.target_id for e in events] == [ids["mentor"]] * 5
    assert events[0].detail["fields"] == sorted(
        ["locale", "phone", "email", "share_phone", "share_email", "quiet_start", "quiet_end"]
    )
    assert "612" not in str([e.detail for e in events]) and "jordi" not in str(
        [e.detail for e in events]
    )
    # empty texts clear; sharing goes before the number it shares
    await run.ok(
        "person",
        "set",
        mentor,
        "--share-phone",
        "no",
        "--phone",
        "",
        "--email",
        "",
        "--timezone",
        "",
    )
    cleared = [
        p for p in (await run.ok("person", "list", "--json")).json() if p["id"] == ids["mentor"]
    ]
    assert cleared[0]["phone"] is None and cleared[0]["email"] is None
    assert cleared[0]["timezone"] is None and cleared[0]["share_phone"] is False


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        ([], "nothing to change"),
        (["--locale", "klingon"], "unsupported locale"),
        (["--timezone", "Mars/Base"], "unknown timezone"),
        (["--phone", "12345"], "malformed phone number"),
        (["--phone", "+1 555 0100 999"], "malformed phone number"),
        (["--phone", "612345678", "--country", "QQ"], "unknown country code"),
        (["--email", "nope"], "malformed email"),
        (["--share-phone", "maybe"], "--share-phone must be yes or no"),
        (["--share-email", ""], "--share-email must be yes or no"),
        (["--active", "sometimes"], "--active must be yes or no"),
        (["--share-phone", "yes"], "has no phone number to share"),
        (["--share-email", "yes"], "has no email address to share"),
        (["--quiet-hours", "21:00"], "malformed quiet hours"),
        (["--quiet-hours", "25:00-08:00"], "malformed quiet hours"),
        (["--quiet-hours", "21:00-08:60"], "malformed quiet hours"),
        (["--quiet-hours", "9pm-8am"], "malformed quiet hours"),
        (["--quiet-hours", "21:00-08:00-09:00"], "malformed quiet hours"),
        # one bad setting among good ones: nothing of it is stored
        (["--locale", "es", "--email", "bad@"], "malformed email"),
    ],
)
async def test_person_set_rejects_bad_input(
    run: Cli, db: Database, args: list[str], reason: str
) -> None:
    ids = await setup(run)
    before = await snapshot(db)
    await run.fails("person", "set", str(ids["mentor"]), *args, reason=reason)
    assert await snapshot(db) == before


async def test_person_set_refuses_to_drop_a_shared_number(run: Cli, db: Database) -> None:
    ids = await setup(run)
    mentor = str(ids["mentor"])
    await run.ok("person", "set", mentor, "--phone", "612345678", "--share-phone", "yes")
    before = await snapshot(db)
    await run.fails("person", "set", mentor, "--phone", "", reason="--share-phone no")
    await run.fails("person", "set", "4242", "--active", "no", reason="unknown person")
    await run.fails("person", "set", "Jordi", "--active", "no", reason="unknown person")
    assert await snapshot(db) == before


async def test_person_add_rejects_an_unknown_role(run: Cli) -> None:
    result = await run("person", "add", "--org", "1", "--role", "boss", "--name", "X")
    assert result.code == 2 and "invalid choice" in result.err


# invitations --------------------------------------------------------------------------------------
async def test_invite_prints_a_deep_link_and_stores_only_a_hash(run: Cli, db: Database) -> None:
    ids = await setup(run)
    first = await run.ok("invite", str(ids["mentor"]))
    match = re.fullmatch(r"https://t\.me/casal_mentor_bot\?start=([A-Za-z0-9_-]+)", first.last_line)
    assert match is not None
    token = match.group(1)
    assert 20 <= len(token) <= 64
    async with db.transaction() as session:
        invite = (await session.scalars(select(Invite))).one()
        assert invite.token_hash == hashlib.sha256(token.encode()).hexdigest()
        assert invite.person_id == ids["mentor"]
        assert (invite.expires_at - invite.created_at).days == 14
    dump = json.dumps(await snapshot(db))
    assert token not in dump  # the token itself is stored nowhere

    second = (
        await run.ok(
            "invite",
            str(ids["mentor"]),
            "--ttl-days",
            "3",
            "--bot-username",
            "@other_name_bot",
            "--json",
        )
    ).json()
    assert second["revoked"] == 1
    assert second["link"].startswith("https://t.me/other_name_bot?start=")
    assert second["link"].split("=", 1)[1] != token
    async with db.transaction() as session:
        rows = list(await session.scalars(select(Invite).order_by(Invite.id)))
        assert rows[0].revoked_at is not None and rows[1].revoked_at is None
        assert (rows[1].expires_at - rows[1].created_at).days == 3
        actions = list(await session.scalars(select(AuditEvent.action)))
        assert actions.count("invite.created") == 2


async def test_invite_rejects_bad_input(run: Cli, db: Database, env: pytest.MonkeyPatch) -> None:
    ids = await setup(run)
    before = await snapshot(db)
    await run.fails("invite", "999", reason="unknown person")
    await run.fails("invite", "Jordi", reason="unknown person")
    await run.fails("invite", str(ids["mentor"]), "--ttl-days", "0", reason="between 1 and")
    await run.fails(
        "invite", str(ids["mentor"]), "--bot-username", "no spaces", reason="malformed bot username"
    )
    env.delenv("MENTORBOT_BOT_USERNAME")
    await run.fails("invite", str(ids["mentor"]), reason="--bot-username")
    assert await snapshot(db) == before


async def test_invite_asks_telegram_for_the_username(
    run: Cli, db: Database, env: pytest.MonkeyPatch, emulator: Emulator
) -> None:
    ids = await setup(run)
    env.delenv("MENTORBOT_BOT_USERNAME")
    env.setenv("MENTORBOT_TOKEN", TOKEN)
    env.setenv("MENTORBOT_API_URL", emulator.base_url)
    result = await run.ok("invite", str(ids["mentee"]))
    assert result.last_line.startswith(f"https://t.me/{BOT_USERNAME}?start=")
    assert emulator.calls_to("getMe", ok=True)
    env.setenv("MENTORBOT_TOKEN", "999:unknown-token-for-this-emulator-xxxxx")
    before = await snapshot(db)
    await run.fails("invite", str(ids["mentee"]), reason="--bot-username")
    assert await snapshot(db) == before


# matches ------------------------------------------------------------------------------------------
async def test_match_add_close_and_list(run: Cli, db: Database) -> None:
    ids = await setup(run)
    made = (
        await run.ok(
            "match",
            "add",
            "--mentee",
            str(ids["mentee"]),
            "--mentor",
            str(ids["mentor"]),
            "--mentor",
            str(ids["mentor2"]),
            "--worker",
            str(ids["worker"]),
            "--started-on",
            "2026-01-15",
            "--json",
        )
    ).json()
    assert made["mentor_ids"] == sorted([ids["mentor"], ids["mentor2"]])
    assert made["status"] == "active" and made["started_on"] == "2026-01-15"
    async with db.transaction() as session:
        assert await session.scalar(select(func.count()).select_from(MatchMentor)) == 2
    listed = await run.ok("match", "list")
    assert "active" in listed.out and "2026-01-15" in listed.out

    closed = (
        await run.ok("match", "close", str(made["id"]), "--reason", "family_moved", "--json")
    ).json()
    assert closed["status"] == "closed" and closed["closure_code"] == "family_moved"
    assert [
        m["id"] for m in (await run.ok("match", "list", "--status", "closed", "--json")).json()
    ] == [made["id"]]
    assert (await run.ok("match", "list", "--status", "active", "--json")).json() == []
    # once closed, the family can be matched again, here by the family's id
    again = await run.ok(
        "match",
        "add",
        "--family",
        str(made["family_id"]),
        "--mentor",
        str(ids["mentor"]),
        "--worker",
        str(ids["worker"]),
    )
    assert int(again.out) != made["id"]
    async with db.transaction() as session:
        audit = list(await session.scalars(select(AuditEvent.action)))
        assert audit.count("match.created") == 2 and "match.closed" in audit
        reasons = [str(e) for e in await session.scalars(select(AuditEvent.detail))]
        assert not any("another city" in r for r in reasons)  # no free text in the audit


async def test_match_add_rejects_bad_input(run: Cli, db: Database) -> None:
    ids = await setup(run)
    await run.ok(
        "match",
        "add",
        "--mentee",
        str(ids["mentee"]),
        "--mentor",
        str(ids["mentor"]),
        "--worker",
        str(ids["worker"]),
    )
    other_mentee = int(
        (
            await run.ok(
                "person", "add", "--org", "Casal Raval", "--role", "mentee", "--name", "Yonas"
            )
        ).out
    )
    before = await snapshot(db)
    m, w, om = str(ids["mentor"]), str(ids["worker"]), str(other_mentee)
    cases = [
        (["--mentee", str(ids["mentee"]), "--mentor", m, "--worker", w], "already has an active"),
        (
            ["--mentee", om, "--mentor", m, "--worker", str(ids["other_worker"])],
            "another organisation",
        ),
        (
            ["--mentee", om, "--mentor", str(ids["other_mentor"]), "--worker", w],
            "another organisation",
        ),
        (["--mentee", om, "--mentor", m, "--worker", str(ids["coordinator"])], "not a worker"),
        (["--mentee", om, "--mentor", w, "--worker", w], "not a mentor"),
        (["--mentee", m, "--mentor", m, "--worker", w], "not a mentee"),
        (["--mentee", "777", "--mentor", m, "--worker", w], "unknown mentee"),
        (["--mentee", om, "--mentor", "777", "--worker", w], "unknown mentor"),
        (["--mentee", om, "--mentor", m, "--worker", "777"], "unknown worker"),
        (["--mentee", om, "--mentor", m, "--mentor", m, "--worker", w], "given twice"),
        (["--family", "777", "--mentor", m, "--worker", w], "unknown family"),
    ]
    for args, reason in cases:
        await run.fails("match", "add", *args, reason=reason)
    result = await run("match", "add", "--mentor", m, "--worker", w)
    assert result.code == 2  # --mentee or --family is required
    result = await run(
        "match", "add", "--mentee", om, "--mentor", m, "--worker", w, "--started-on", "15/01/2026"
    )
    assert result.code == 2 and "YYYY-MM-DD" in result.err
    await run.fails("match", "close", "777", "--reason", "x", reason="unknown match")
    await run.fails("match", "close", "1", "--reason", "  ", reason="reason")
    await run.fails("match", "close", "1", "--reason", "they left", reason="unknown closure reason")
    assert await snapshot(db) == before
    await run.ok("match", "close", "1", "--reason", "goals_reached")
    await run.fails("match", "close", "1", "--reason", "conflict", reason="already closed")


# import -------------------------------------------------------------------------------------------
CSV_OK = """organisation;role;name;locale;phone;email;family;worker;started_on
Casal Raval;worker;Núria Soler;ca;+34 612 345 679;nuria@example.org;;;
Casal Raval;mentee;Omar Haddad;ar;;;Haddad;;
Casal Raval;mentee;Leila Haddad;ar;;;Haddad;;
Casal Raval;mentor;Pau Vila;ca;611 222 333;;Haddad;Núria Soler;2026-01-15
Casal Raval;mentor;Anna Puig;ca;;;Haddad;Núria Soler;
Casal Raval;mentee;Yonas;ti;;;;;
"""


async def test_import_people_families_and_matches(run: Cli, db: Database, tmp_path: Path) -> None:
    await run.ok(
        "org", "add", "--name", "Casal Raval", "--timezone", "Europe/Madrid", "--locale", "ca"
    )
    path = tmp_path / "people.csv"
    path.write_text("\ufeff" + CSV_OK, encoding="utf-8")  # as a spreadsheet saves it
    result = await run.ok("import", str(path))
    assert "people 6, families 2, matches 1" in result.out
    async with db.transaction() as session:
        people = {p.name: p for p in await session.scalars(select(Person))}
        assert people["Pau Vila"].phone == "+34611222333"
        assert people["Omar Haddad"].family_id == people["Leila Haddad"].family_id
        match = (await session.scalars(select(Match))).one()
        assert match.worker_id == people["Núria Soler"].id
        assert str(match.started_on) == "2026-01-15"
        mentors = set(await session.scalars(select(MatchMentor.mentor_id)))
        assert mentors == {people["Pau Vila"].id, people["Anna Puig"].id}
        assert await session.scalar(select(func.count()).select_from(Family)) == 2

    # the same file again: every row is a duplicate, nothing is imported twice
    before = await snapshot(db)
    again = await run("import", str(path), "--json")
    assert again.code != 0
    report = again.json()
    assert report["imported"] is False and len(report["rejected"]) == 6
    assert await snapshot(db) == before


async def test_import_is_all_or_nothing_with_a_report(
    run: Cli, db: Database, tmp_path: Path
) -> None:
    await run.ok(
        "org", "add", "--name", "Casal Raval", "--timezone", "Europe/Madrid", "--locale", "ca"
    )
    bad = (
        "organisation,role,name,locale,timezone,phone,family,worker\n"
        "Casal Raval,worker,Marta,ca,,,,\n"  # line 2: fine
        "Casal Raval,mentee,Amina,xx,,,Haddad,\n"  # line 3: locale
        "Nowhere,mentor,Jordi,,,,,\n"  # line 4: organisation
        "Casal Raval,mentor,Pau,,Mars/Base,,,\n"  # line 5: timezone
        "Casal Raval,mentor,Anna,,,123,,\n"  # line 6: phone
        "Casal Raval,chief,Laia,,,,,\n"  # line 7: role
        "Casal Raval,mentor,Joan,,,,Nowhere,Marta\n"  # line 8: family of the match
        "Casal Raval,mentor,Rosa,,,,,Marta\n"  # line 9: worker without family
        "Casal Raval,worker,Marta,ca,,,,\n"  # line 10: twice in the file
    )
    path = tmp_path / "bad.csv"
    path.write_text(bad, encoding="utf-8")
    before = await snapshot(db)
    result = await run("import", str(path))
    assert result.code != 0
    lines = result.err.strip().splitlines()
    assert lines[-1].startswith("mentorbot: nothing was imported: 8 line(s)")
    by_line = {
        int(m.group(1)): m.group(2)
        for m in (re.match(r"line (\d+): (.*)", line) for line in lines[:-1])
        if m
    }
    assert sorted(by_line) == [3, 4, 5, 6, 7, 8, 9, 10]
    assert "locale" in by_line[3] and "organisation" in by_line[4]
    assert "timezone" in by_line[5] and "phone" in by_line[6] and "role" in by_line[7]
    assert "family" in by_line[8] and "family" in by_line[9] and "twice" in by_line[10]
    assert await snapshot(db) == before


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("", "line 1: the file is empty"),
        ("organisation,role,nmae\nA,mentor,X\n", "unknown column 'nmae'"),
        ("organisation,name\nA,X\n", "missing column 'role'"),
    ],
)
async def test_import_rejects_a_malformed_file(
    run: Cli, db: Database, tmp_path: Path, content: str, reason: str
) -> None:
    path = tmp_path / "f.csv"
    path.write_text(content, encoding="utf-8")
    before = await snapshot(db)
    result = await run("import", str(path))
    assert result.code != 0 and reason in result.err
    assert await snapshot(db) == before


async def test_import_of_a_missing_file(run: Cli, tmp_path: Path) -> None:
    await run.fails("import", str(tmp_path / "nope.csv"), reason="cannot read")


# delegated commands -------------------------------------------------------------------------------
def test_emulator_and_demo_are_delegated(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    seen: list[list[str]] = []
    fake = types.ModuleType("emulator.cli")

    def fake_main(argv: list[str]) -> int:
        seen.append(list(argv))
        return 0

    fake.main = fake_main  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "emulator.cli", fake)
    assert cli.main(["emulator", "--port", "8081"]) == 0
    assert seen == [["--port", "8081"]]
    monkeypatch.setitem(sys.modules, "bot.demo", None)  # not installed
    assert cli.main(["demo"]) == 1
    assert "demo command is not available" in capsys.readouterr().err


async def test_the_database_can_be_inspected_after_commands(run: Cli, db: Database) -> None:
    """The CLI and the bot share one database: what the CLI made, the bot's engine reads."""
    await setup(run)
    async with db.engine.connect() as conn:
        count = (await conn.execute(text("SELECT COUNT(*) FROM person"))).scalar_one()
    assert count == 7


async def test_run_answers_an_invited_mentor(
    run: Cli, db: Database, emulator: Emulator, database_url: str, tmp_path: Path
) -> None:
    """From nothing to a bot that answers an invited mentor: the commands of the README, with
    `mentorbot run` as its own process, against the emulator."""
    ids = await setup(run)
    link = (await run.ok("invite", str(ids["mentor"]))).last_line
    environment = {k: v for k, v in os.environ.items() if not k.startswith("MENTORBOT_")}
    environment.update(
        MENTORBOT_TOKEN=TOKEN,
        MENTORBOT_API_URL=emulator.base_url,
        MENTORBOT_DATABASE_URL=database_url,
        MENTORBOT_ENCRYPTION_KEY=TEST_KEY,
        PYTHONPATH=str(ROOT),
    )
    bot = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        cwd=tmp_path,
        env=environment,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        jordi = Telegram(emulator, timeout=30).user("Jordi", language_code="ca")
        await jordi.send("/start " + link.split("?start=", 1)[1])
        await jordi.next_message()
        await jordi.press("English")
        await jordi.next_message()
        await jordi.press("I agree")
        assert "thank you for being a mentor" in (await jordi.next_message()).text
        async with db.transaction() as session:
            mentor = await session.get(Person, ids["mentor"])
            assert mentor is not None and mentor.telegram_id == jordi.id
    finally:
        bot.terminate()
        _, stderr = await bot.communicate()
    assert b"Traceback" not in stderr, stderr.decode()[-2000:]


async def test_person_set_unlink_disconnects_a_lost_phone(run: Cli, db: Database) -> None:
    ids = await setup(run)
    async with db.transaction() as session:
        person = await session.get(Person, ids["mentor"])
        assert person is not None
        person.telegram_id, person.consent, person.reachable = 777, Consent.GIVEN, False
    await run.ok("person", "set", str(ids["mentor"]), "--unlink")
    async with db.transaction() as session:
        person = await session.get(Person, ids["mentor"])
        assert person is not None
        assert (person.telegram_id, person.consent, person.reachable) == (
            None,
            Consent.PENDING,
            True,
        )
    before = await snapshot(db)
    await run.fails(
        "person", "set", str(ids["mentor"]), "--unlink", reason="no Telegram account to unlink"
    )
    assert await snapshot(db) == before


async def test_org_set_renames_and_moves_an_organisation(run: Cli, db: Database) -> None:
    await run.ok("org", "add", "--name", "Casal", "--timezone", "Europe/Madrid", "--locale", "ca")
    await run.ok("org", "add", "--name", "Other", "--timezone", "UTC", "--locale", "en")
    changed = (
        await run.ok(
            "org", "set", "Casal", "--name", "Casal Raval", "--timezone", "Atlantic/Canary",
            "--locale", "es", "--office-phone", "928 123 456", "--json",
        )
    ).json()  # fmt: skip
    assert (changed["name"], changed["timezone"], changed["locale"]) == (
        "Casal Raval", "Atlantic/Canary", "es",
    )  # fmt: skip
    assert changed["office_phone"] == "+34928123456"
    audits = await org_audits(db)
    assert audits[-1].detail["fields"] == ["locale", "name", "office_phone", "timezone"]
    before = await snapshot(db)
    await run.fails("org", "set", "Casal Raval", "--name", "Other", reason="already exists")
    await run.fails(
        "org", "set", "Casal Raval", "--timezone", "Mars/Base", reason="unknown timezone"
    )
    assert await snapshot(db) == before
