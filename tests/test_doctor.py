"""`mentorbot doctor` against the emulator: all well, then each fault made for real (a revoked
token, a database that cannot be written, a schema out of date, a missing catalog, a webhook
Telegram cannot deliver to, a clock that is off, a full disk, a bot allowed in groups), each
found with its fix in one line; it never calls getUpdates."""

from __future__ import annotations

import asyncio
import json
import shutil
import socket
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot import cli
from bot.doctor import disk as doctor_disk
from emulator import Emulator, FloodLimits
from storage.db import Database
from storage.migrate import head_revision
from storage.models import OutboxMessage, Role
from tests.conftest import BOT_USERNAME, TOKEN, eventually
from tests.factories import building

pytestmark = pytest.mark.asyncio


@pytest.fixture
def env(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, database_url: str, emulator: Emulator
) -> pytest.MonkeyPatch:
    monkeypatch.chdir(tmp_path)  # no stray .env
    for name in [n for n in __import__("os").environ if n.startswith("MENTORBOT_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("MENTORBOT_DATABASE_URL", database_url)
    monkeypatch.setenv("MENTORBOT_TOKEN", TOKEN)
    monkeypatch.setenv("MENTORBOT_API_URL", emulator.base_url)
    bot = emulator.bot()
    bot.can_join_groups = False  # as the README's BotFather steps leave it
    bot.texts[("description", "")] = "What the bot does"  # as `mentorbot setup` leaves them
    bot.texts[("short_description", "")] = "Mentoring"
    return monkeypatch


async def doctor_json(capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, Any]]:
    capsys.readouterr()
    code = await asyncio.to_thread(cli.main, ["doctor", "--json"])
    return code, json.loads(capsys.readouterr().out)


def by_name(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {check["name"]: check for check in report["checks"]}


def only_failure(report: dict[str, Any]) -> dict[str, Any]:
    failures = [check for check in report["checks"] if not check["ok"]]
    assert len(failures) == 1, failures
    (failure,) = failures
    assert failure["fix"] and "\n" not in failure["fix"], failure
    return failure  # type: ignore[no-any-return]


async def test_all_well(
    env: pytest.MonkeyPatch, db: Database, emulator: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    code, report = await doctor_json(capsys)
    assert code == 0 and report["ok"] is True, report
    checks = by_name(report)
    assert set(checks) == {
        "catalogs", "database reachable", "database schema", "database writable", "backlog",
        "disk", "token", "clock", "private chats only", "descriptions", "updates",
    }  # fmt: skip
    assert BOT_USERNAME in checks["token"]["detail"]
    assert all(check["fix"] is None for check in report["checks"])
    assert emulator.calls_to("getMe") and emulator.calls_to("getWebhookInfo")
    assert not emulator.calls_to("getUpdates")
    # Without --json: one line per check, and the verdict.
    capsys.readouterr()
    assert await asyncio.to_thread(cli.main, ["doctor"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[-1] == "all checks passed" and len(out) == 12


async def test_a_revoked_token(
    env: pytest.MonkeyPatch, db: Database, emulator: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    emulator.revoke_token()
    code, report = await doctor_json(capsys)
    failure = only_failure(report)
    assert code == 1 and failure["name"] == "token"
    assert "refused the token" in failure["detail"] and "@BotFather" in failure["fix"]
    assert TOKEN not in json.dumps(report)


async def test_a_database_that_cannot_be_written(
    env: pytest.MonkeyPatch, db: Database, database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    if db.is_sqlite:
        path = make_url(database_url).database
        env.setenv("MENTORBOT_DATABASE_URL", f"sqlite+aiosqlite:///file:{path}?mode=ro&uri=true")
        code, report = await doctor_json(capsys)
    else:
        # A login whose transactions are read-only, as on a standby or a read-only user.
        async with db.engine.begin() as conn:
            await conn.execute(text("DROP ROLE IF EXISTS mentorbot_doctor_ro"))
            await conn.execute(
                text("CREATE ROLE mentorbot_doctor_ro LOGIN SUPERUSER IN ROLE postgres")
            )
            await conn.execute(
                text("ALTER ROLE mentorbot_doctor_ro SET default_transaction_read_only = on")
            )
        try:
            url = make_url(database_url).set(username="mentorbot_doctor_ro")
            env.setenv("MENTORBOT_DATABASE_URL", url.render_as_string(hide_password=False))
            code, report = await doctor_json(capsys)
        finally:
            async with db.engine.begin() as conn:
                await conn.execute(text("DROP ROLE IF EXISTS mentorbot_doctor_ro"))
    failure = only_failure(report)
    assert code == 1 and failure["name"] == "database writable", failure
    assert "read-only" in failure["detail"]
    assert "backlog" not in by_name(report)  # not looked at once the database failed


async def test_a_schema_out_of_date(
    env: pytest.MonkeyPatch, db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    async with db.engine.begin() as conn:
        await conn.execute(text("UPDATE alembic_version SET version_num = '0001'"))
    try:
        code, report = await doctor_json(capsys)
    finally:
        async with db.engine.begin() as conn:
            await conn.execute(
                text("UPDATE alembic_version SET version_num = :head"), {"head": head_revision()}
            )
    failure = only_failure(report)
    assert code == 1 and failure["name"] == "database schema"
    assert "older" in failure["detail"] and "mentorbot db upgrade" in failure["fix"]


@pytest.fixture
def locales(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    from bot import i18n

    copy = tmp_path / "locales"
    shutil.copytree(i18n.LOCALES_DIR, copy)
    monkeypatch.setattr(i18n, "LOCALES_DIR", copy)
    yield copy


async def test_a_missing_catalog(
    env: pytest.MonkeyPatch, db: Database, locales: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (locales / "fa" / "LC_MESSAGES" / "messages.mo").unlink()
    code, report = await doctor_json(capsys)
    failure = only_failure(report)
    assert code == 1 and failure["name"] == "catalogs"
    assert "fa" in failure["detail"] and "compile_all" in failure["fix"]


async def test_an_incomplete_catalog(
    env: pytest.MonkeyPatch, db: Database, locales: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from babel.messages.mofile import read_mo, write_mo

    mo = locales / "uk" / "LC_MESSAGES" / "messages.mo"
    with mo.open("rb") as handle:
        catalog = read_mo(handle)
    dropped = [m.id for m in catalog if m.id][:3]
    for msgid in dropped:
        del catalog[msgid]
    with mo.open("wb") as handle:
        write_mo(handle, catalog)
    code, report = await doctor_json(capsys)
    failure = only_failure(report)
    assert code == 1 and failure["name"] == "catalogs" and "uk (3)" in failure["detail"]


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_a_webhook_telegram_cannot_deliver_to(
    env: pytest.MonkeyPatch, db: Database, emulator: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"http://127.0.0.1:{closed_port()}/telegram"  # nothing listens: the bot is down
    env.setenv("MENTORBOT_WEBHOOK_URL", url)
    await emulator.api("setWebhook", url=url)
    alice = emulator.user(first_name="Alice")
    await alice.send("hello")

    async def failed() -> bool:
        return emulator.bot().webhook is not None and bool(
            emulator.bot().webhook.last_error_message  # type: ignore[union-attr]
        )

    await eventually(failed)
    code, report = await doctor_json(capsys)
    failure = only_failure(report)
    assert code == 1 and failure["name"] == "updates"
    assert "cannot deliver" in failure["detail"] and "1 update(s) waiting" in failure["detail"]
    assert "--webhook" in failure["fix"]
    assert not emulator.calls_to("getUpdates")


async def test_a_webhook_left_behind_stops_polling(
    env: pytest.MonkeyPatch, db: Database, emulator: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    await emulator.api("setWebhook", url="https://old.example.org/telegram")
    code, report = await doctor_json(capsys)
    failure = only_failure(report)
    assert code == 1 and failure["name"] == "updates" and "a webhook is set" in failure["detail"]


async def test_a_clock_that_is_off(
    env: pytest.MonkeyPatch, db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    emu = Emulator(flood_limits=FloodLimits.off(), wall_clock=lambda: time.time() - 300)
    bot = emu.add_bot(TOKEN, username=BOT_USERNAME)
    bot.can_join_groups = False
    bot.texts.update({("description", ""): "About", ("short_description", ""): "Short"})
    await emu.start()
    try:
        env.setenv("MENTORBOT_API_URL", emu.base_url)
        code, report = await doctor_json(capsys)
    finally:
        await emu.stop()
    failure = only_failure(report)
    assert code == 1 and failure["name"] == "clock"
    assert "ahead of Telegram's" in failure["detail"] and "timedatectl" in failure["fix"]
    seconds = int(failure["detail"].split(" s ")[0].rsplit(" ", 1)[1])
    assert 295 <= seconds <= 305


async def test_a_bot_without_descriptions(
    env: pytest.MonkeyPatch, db: Database, emulator: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    del emulator.bot().texts[("short_description", "")]
    code, report = await doctor_json(capsys)
    failure = only_failure(report)
    assert code == 1 and failure["name"] == "descriptions"
    assert "no short description" in failure["detail"] and "mentorbot setup" in failure["fix"]


async def test_a_full_disk_and_a_bot_allowed_in_groups(
    env: pytest.MonkeyPatch, db: Database, emulator: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    env.setattr(doctor_disk, "DISK_MIN_FREE_BYTES", 2**62)
    emulator.bot().can_join_groups = True
    code, report = await doctor_json(capsys)
    failures = {c["name"]: c for c in report["checks"] if not c["ok"]}
    assert code == 1 and set(failures) == {"disk", "private chats only"}
    assert "/setjoingroups" in failures["private chats only"]["fix"]


async def test_telegram_unreachable(
    env: pytest.MonkeyPatch, db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    env.setenv("MENTORBOT_API_URL", f"http://127.0.0.1:{closed_port()}")
    code, report = await doctor_json(capsys)
    failure = only_failure(report)
    assert code == 1 and failure["name"] == "token" and "cannot be reached" in failure["detail"]


async def test_an_unreachable_database_stops_the_database_checks(
    env: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    env.setenv("MENTORBOT_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path}/no/such/dir/x.sqlite3")
    code, report = await doctor_json(capsys)
    failures = [c for c in report["checks"] if not c["ok"]]
    assert code == 1 and [c["name"] for c in failures] == ["database reachable", "disk"]


async def test_an_outbox_message_stuck_for_an_hour(
    env: pytest.MonkeyPatch, db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    now = datetime.now(UTC)  # the doctor reads the machine's clock, as the sender does
    async with building(db, now) as b:
        org = await b.org()
        person = await b.person(org, Role.MENTOR)
    async with db.transaction() as session:
        session.add(
            OutboxMessage(
                person_id=person.id, kind="reminder", text="…", not_before=now - timedelta(hours=1),
                created_at=now - timedelta(hours=1),
            )
        )  # fmt: skip
    code, report = await doctor_json(capsys)
    failure = only_failure(report)
    assert code == 1 and failure["name"] == "backlog"
    assert "outbox: 1 due" in failure["detail"] and "mentorbot" in failure["fix"]
