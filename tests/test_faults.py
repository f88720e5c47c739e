"""Fail loudly, recover by itself: one line and a non-zero exit for faults that do not mend
(read-only or missing database), waiting with backoff for those that do, an outbox sender that
stops instead of spinning, and SIGTERM that always stops the bot within 10 s."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import sqlite3
import sys
import time
import uuid
from pathlib import Path

import httpx
import pytest
from sqlalchemy.exc import OperationalError
from telegram import Bot

from bot import preflight
from bot.clock import ManualClock
from bot.delivery import Sender
from bot.services import outbox
from emulator import Emulator
from storage.db import Database
from tests.conftest import PG_URL, TEST_KEY, TOKEN
from tests.test_cli import ROOT, Cli, env

__all__ = ["env"]  # the CLI tests' fixture: a clean environment


_WARNING = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ WARNING ")


def one_line(err: str) -> str:
    """The one line a fault ends the command with (start-up warnings logged before it, such
    as the one about groups, are not part of it)."""
    lines = [line for line in err.strip().splitlines() if not _WARNING.match(line)]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


# --- classify ---------------------------------------------------------------------------------


def wrapped(orig: BaseException) -> OperationalError:
    return OperationalError("UPDATE outbox …", {}, orig)


@pytest.mark.parametrize(
    ("error", "transient", "says"),
    [
        (
            wrapped(sqlite3.OperationalError("attempt to write a readonly database")),
            False,
            "read-only",
        ),
        (wrapped(sqlite3.OperationalError("database or disk is full")), False, "cannot be written"),
        (
            wrapped(sqlite3.OperationalError("unable to open database file")),
            False,
            "cannot be opened",
        ),
        (wrapped(sqlite3.OperationalError("database is locked")), True, "locked"),
        (ConnectionRefusedError(111, "refused"), True, "refused the connection"),
        (TimeoutError(), True, "did not answer in time"),
        (OSError(28, "No space left on device"), False, "disk is full"),
    ],
)
def test_faults_are_sorted_into_transient_and_permanent(
    error: BaseException, transient: bool, says: str
) -> None:
    fault = preflight.classify(error)
    assert fault.transient is transient and says in fault.line


async def test_transient_faults_are_retried_with_backoff_permanent_ones_not() -> None:
    pauses: list[float] = []
    tries = 0

    async def sleep(seconds: float) -> None:
        pauses.append(seconds)

    async def flaky() -> str:
        nonlocal tries
        tries += 1
        if tries < 5:
            raise ConnectionRefusedError(111, "refused")
        return "ok"

    assert await preflight.retrying("db", flaky, sleep=sleep) == "ok"
    assert pauses == [1.0, 2.0, 4.0, 8.0]

    async def read_only() -> None:
        raise wrapped(sqlite3.OperationalError("attempt to write a readonly database"))

    pauses.clear()
    with pytest.raises(preflight.PermanentFault, match="read-only"):
        await preflight.retrying("db", read_only, sleep=sleep)
    assert pauses == []


# --- the command ------------------------------------------------------------------------------


@pytest.fixture
def cli(env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Cli:
    env.setenv("MENTORBOT_TOKEN", TOKEN)
    return Cli(capsys)


async def test_run_on_a_read_only_sqlite_file_says_so_and_exits(
    cli: Cli, env: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = tmp_path / "ro.sqlite3"
    env.setenv("MENTORBOT_DATABASE_URL", f"sqlite+aiosqlite:///{path}")
    await cli.ok("db", "upgrade")
    env.setenv("MENTORBOT_DATABASE_URL", f"sqlite+aiosqlite:///file:{path}?mode=ro&uri=true")
    started = time.monotonic()
    result = await cli("run")
    assert result.code == 1
    assert "read-only" in one_line(result.err)
    assert time.monotonic() - started < 10
    # Every command: one line, no traceback; --debug shows it.
    result = await cli("org", "add", "--name", "X", "--timezone", "Europe/Madrid", "--locale", "es")
    assert result.code == 1 and "read-only" in one_line(result.err)
    result = await cli(
        "--debug", "org", "add", "--name", "X", "--timezone", "Europe/Madrid", "--locale", "es"
    )
    assert result.code == 1 and "Traceback" in result.err


async def test_run_on_a_missing_sqlite_directory_says_so(
    cli: Cli, env: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    env.setenv("MENTORBOT_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'no' / 'x.sqlite3'}")
    result = await cli("run")
    assert result.code == 1 and "cannot be opened" in one_line(result.err)


@pytest.mark.skipif(not PG_URL, reason="needs PostgreSQL (TEST_DATABASE_URL)")
async def test_run_on_a_missing_postgresql_database_says_so(
    cli: Cli, env: pytest.MonkeyPatch
) -> None:
    assert PG_URL is not None
    missing = PG_URL.rsplit("/", 1)[0] + f"/missing_{uuid.uuid4().hex[:8]}"
    env.setenv("MENTORBOT_DATABASE_URL", missing)
    result = await cli("run")
    assert result.code == 1
    assert "does not exist" in one_line(result.err)
    result = await cli("org", "list")
    assert result.code == 1 and "does not exist" in one_line(result.err)


# --- the outbox sender ------------------------------------------------------------------------


async def test_the_sender_stops_on_a_read_only_database_instead_of_spinning(
    db: Database, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    claims = 0

    async def read_only(*_args: object, **_kw: object) -> outbox.Claim:
        nonlocal claims
        claims += 1
        raise wrapped(sqlite3.OperationalError("attempt to write a readonly database"))

    monkeypatch.setattr(outbox, "claim", read_only)
    stopped = asyncio.Event()
    lines: list[str] = []

    def on_fatal(line: str) -> None:
        lines.append(line)
        stopped.set()

    sender = Sender(
        db, Bot(TOKEN), clock, poll_seconds=0.001, recover_on_start=False, on_fatal=on_fatal
    )
    sender.start()
    async with asyncio.timeout(5):
        await stopped.wait()
    for _ in range(5):
        sender.wake()
        await asyncio.sleep(0)
    await sender.stop()
    assert claims == 1
    assert lines == [
        "outbox sender stopped: "
        + preflight.classify(wrapped(sqlite3.OperationalError("readonly"))).line
    ]


async def test_the_sender_waits_out_a_transient_fault(
    db: Database, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    claims = 0
    real = outbox.claim
    recovered = asyncio.Event()

    async def flaky(*args: object, **kw: object) -> outbox.Claim:
        nonlocal claims
        claims += 1
        if claims <= 2:
            raise ConnectionRefusedError(111, "refused")
        recovered.set()
        return await real(*args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(outbox, "claim", flaky)
    sender = Sender(db, Bot(TOKEN), clock, poll_seconds=3600, recover_on_start=False)
    sender.start()
    async with asyncio.timeout(5):
        while not recovered.is_set():  # each failure waits; a wake-up tries again at once
            sender.wake()
            await asyncio.sleep(0.001)
    await sender.stop()
    assert sender.fatal is None and claims >= 3


# --- SIGTERM ----------------------------------------------------------------------------------


async def test_sigterm_stops_within_10_seconds_after_faults(
    emulator: Emulator, database_url: str, db: Database, tmp_path: Path
) -> None:
    """The bot runs (and serves /healthz on its own port), then Telegram goes away (every call
    fails); SIGTERM still stops it in time, and cleanly."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    environment = {k: v for k, v in os.environ.items() if not k.startswith("MENTORBOT_")}
    environment.update(
        MENTORBOT_TOKEN=TOKEN,
        MENTORBOT_API_URL=emulator.base_url,
        MENTORBOT_DATABASE_URL=database_url,
        MENTORBOT_ENCRYPTION_KEY=TEST_KEY,
        MENTORBOT_HEALTH_PORT=str(port),
        PYTHONPATH=str(ROOT),
    )
    bot = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=tmp_path, env=environment,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        await emulator.wait_for_call("getUpdates", timeout=30)
        async with httpx.AsyncClient() as client:
            answer = await client.get(f"http://127.0.0.1:{port}/healthz")
            assert answer.status_code == 200 and answer.json()["database"] == "ok"
            assert (
                "mentorbot_sends_total"
                in (await client.get(f"http://127.0.0.1:{port}/metrics")).text
            )
        await emulator.stop()  # Telegram is gone: polls and sends fail from now on
        await asyncio.sleep(0)
        started = time.monotonic()
        bot.send_signal(signal.SIGTERM)
        async with asyncio.timeout(15):
            _, stderr = await bot.communicate()
        seconds = time.monotonic() - started
    finally:
        if bot.returncode is None:
            bot.kill()
            await bot.wait()
    assert seconds < 10, seconds
    # Stopped in order (the watchdog that exits after 9 s was not needed).
    assert bot.returncode == 0, stderr.decode()[-2000:]
    assert b"still stopping" not in stderr


# --- one poller per bot -------------------------------------------------------------------------


async def test_a_second_run_polling_the_same_bot_refuses_with_one_line(
    emulator: Emulator, database_url: str, db: Database, tmp_path: Path
) -> None:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("MENTORBOT_")}
    environment.update(
        MENTORBOT_TOKEN=TOKEN,
        MENTORBOT_API_URL=emulator.base_url,
        MENTORBOT_DATABASE_URL=database_url,
        MENTORBOT_ENCRYPTION_KEY=TEST_KEY,
        MENTORBOT_HEALTH_PORT="0",
        PYTHONPATH=str(ROOT),
    )

    async def start() -> asyncio.subprocess.Process:
        return await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", cwd=tmp_path, env=environment,
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip

    first = await start()
    try:
        await emulator.wait_for_call("getUpdates", timeout=30)
        second = await start()
        async with asyncio.timeout(30):
            _, stderr = await second.communicate()
        assert second.returncode == 1
        line = one_line(stderr.decode())
        assert "another mentorbot is already polling bot" in line, line
        assert first.returncode is None  # the first goes on polling
        assert not emulator.calls_to("getUpdates", ok=False)  # no 409
    finally:
        first.terminate()
        await first.communicate()


async def test_a_send_in_flight_at_stop_is_cancelled_and_never_recorded_as_sent(
    db: Database, clock: ManualClock
) -> None:
    from sqlalchemy import select

    from storage.models import OutboxMessage, OutboxStatus, Person, Role
    from tests.factories import building

    async with building(db, clock.now()) as b:
        org = await b.org()
        ana = await b.person(org, Role.MENTOR, "Ana", telegram_id=4001)
    async with db.transaction() as s:
        person = await s.get(Person, ana.id)
        assert person is not None
        outbox.enqueue(s, clock.now(), person, "test", "hello")
    on_the_wire = asyncio.Event()

    class Hanging:  # a Bot API call that never answers
        async def send_message(self, *_args: object, **_kw: object) -> object:
            on_the_wire.set()
            await asyncio.Event().wait()
            raise AssertionError("unreachable")

    sender = Sender(db, Hanging(), clock, recover_on_start=False)  # type: ignore[arg-type]
    sender.start()
    async with asyncio.timeout(5):
        await on_the_wire.wait()
    started = time.monotonic()
    await sender.stop(grace_seconds=0.2)
    assert time.monotonic() - started < 2
    async with db.transaction() as s:
        row = (await s.execute(select(OutboxMessage))).scalar_one()
    assert row.status != OutboxStatus.SENT and row.sent_at is None


async def test_the_running_bot_stops_on_a_permanent_fault_of_its_sender(
    app: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.runtime import runtime_of

    rt = runtime_of(app.bot_data)  # type: ignore[attr-defined]
    stopped = asyncio.Event()
    rt.on_fatal = lambda _line: stopped.set()  # `mentorbot run` stops the application here

    async def read_only(*_args: object, **_kw: object) -> outbox.Claim:
        raise wrapped(sqlite3.OperationalError("attempt to write a readonly database"))

    monkeypatch.setattr(outbox, "claim", read_only)
    rt.wake_sender()
    async with asyncio.timeout(5):
        await stopped.wait()
    assert rt.fatal_line is not None and "read-only" in rt.fatal_line
