"""Fixtures: a database (SQLite, or PostgreSQL with TEST_DATABASE_URL), a settable clock, the
Bot API emulator, and the real bot `Application` polling it."""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from bot.app import App, build_application
from bot.clock import ManualClock
from bot.config import Settings
from bot.intake import start_bot, stop_bot
from bot.notifications import bus
from bot.runtime import Runtime, runtime_of
from emulator import Emulator, FloodLimits
from storage.crypto import Keyring
from storage.db import Database
from storage.migrate import upgrade
from storage.models import Base
from tests.harness import Telegram


def _own_database(url: str, worker: str) -> str:
    """The URL of this worker's database on the server of `url`, created when missing."""
    import asyncio

    import asyncpg  # type: ignore[import-untyped]
    from sqlalchemy.engine import make_url

    base = make_url(url)
    name = f"{base.database}_{worker}"

    async def create() -> None:
        conn = await asyncpg.connect(
            host=base.host, port=base.port or 5432, user=base.username,
            password=base.password, database=base.database,
        )  # fmt: skip
        try:
            exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
            if not exists:
                await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()

    asyncio.run(create())
    return base.set(database=name).render_as_string(hide_password=False)


TOKEN = "123456:TEST-token-for-the-emulator"
BOT_USERNAME = "mentorbot_test_bot"
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday, 10:00 in Madrid

PG_URL = os.environ.get("TEST_DATABASE_URL")
# Under pytest-xdist each worker gets a database of its own, `<name>_<worker>`, made on the same
# server; the environment is rewritten too, for the modules and commands that read it.
_WORKER = os.environ.get("PYTEST_XDIST_WORKER")
if PG_URL and _WORKER:
    PG_URL = _own_database(PG_URL, _WORKER)
    os.environ["TEST_DATABASE_URL"] = PG_URL
# Bots the tests start serve no /healthz on the shared default port, which two workers would
# both ask for; the tests of the health endpoint choose a free port themselves.
os.environ.setdefault("MENTORBOT_HEALTH_PORT", "0")
# The suite runs with free texts encrypted at rest, as production does with a key set.
TEST_KEY = "dGVzdC1rZXktb2YtdGhlLXN1aXRlLTMyLWJ5dGVzISE="
KEYRING = Keyring.of([TEST_KEY])

# Hypothesis (tests/test_fuzz_unicode.py): derandomized by default, so that CI runs the same
# examples every time within a stated budget; `HYPOTHESIS_PROFILE=explore` draws new ones.
_FIXTURES_SHARED = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
hypothesis_settings.register_profile(
    "ci",
    derandomize=True,
    max_examples=12,
    deadline=None,
    database=None,
    suppress_health_check=_FIXTURES_SHARED,
)
hypothesis_settings.register_profile(
    "explore", max_examples=200, deadline=None, suppress_health_check=_FIXTURES_SHARED
)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def pytest_report_header() -> str:
    return f"database: {'PostgreSQL' if PG_URL else 'SQLite'}"


def _uses_the_database_under_test(item: pytest.Item) -> bool:
    """Whether a test can reach the database under test: through the `database_url` fixture
    (which `db`, `settings` and the harness build on) or the migration tests' `pg_empty`, or
    by reading TEST_DATABASE_URL in its module (the command-line runs)."""
    if {"database_url", "pg_empty"} & set(getattr(item, "fixturenames", ())):
        return True
    module = getattr(item, "module", None)
    source = Path(getattr(module, "__file__", "") or "")
    if not source.is_file():
        return True
    text = source.read_text(encoding="utf-8")
    return "TEST_DATABASE_URL" in text or "PG_URL" in text


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The PostgreSQL pass runs only the tests that can reach the database under test: the
    others (catalogs, emulator, pure rules, charts, the demo with its own SQLite file, the
    browser test) would run the same code a second time, and run once, in the SQLite pass."""
    if not PG_URL:
        return
    once = [
        item
        for item in items
        if item.get_closest_marker("browser") or not _uses_the_database_under_test(item)
    ]
    if once:
        config.hook.pytest_deselected(items=once)
        skip = set(map(id, once))
        items[:] = [item for item in items if id(item) not in skip]


@pytest.fixture(autouse=True)
def _log_record_factory_restored() -> Iterator[None]:
    """`mentorbot` commands set the process's logging up (`bot.logs.configure` installs a
    record factory); each test finds it as it was."""
    factory = logging.getLogRecordFactory()
    yield
    logging.setLogRecordFactory(factory)


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import asyncio

    path = tmp_path_factory.mktemp("db") / "template.sqlite3"

    async def make() -> None:
        db = Database(f"sqlite+aiosqlite:///{path}")
        await upgrade(db)
        await db.dispose()

    asyncio.run(make())
    return path


@pytest.fixture(scope="session")
def _pg_ready() -> Iterator[str | None]:
    if not PG_URL:
        yield None
        return
    import asyncio

    async def make() -> None:
        db = Database(PG_URL)
        async with db.engine.begin() as conn:
            await conn.execute(text("DROP SCHEMA public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
        await upgrade(db)
        await db.dispose()

    asyncio.run(make())
    yield PG_URL


@pytest.fixture
def database_url(tmp_path: Path, _sqlite_template: Path, _pg_ready: str | None) -> str:
    if _pg_ready:
        return _pg_ready
    path = tmp_path / "test.sqlite3"
    shutil.copy(_sqlite_template, path)
    return f"sqlite+aiosqlite:///{path}"


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    database = Database(database_url, keyring=KEYRING)
    if not database.is_sqlite:
        names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
        async with database.engine.begin() as conn:
            await conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    yield database
    await database.dispose()


@asynccontextmanager
async def dispatching(db: Database) -> AsyncIterator[AsyncSession]:
    """A transaction as the bot runs one: the domain events its services record are
    dispatched (what others are told is queued) before it commits."""
    async with db.transaction() as session:
        yield session
        await bus.dispatch(session)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
async def emulator() -> AsyncIterator[Emulator]:
    # Flood limits are off for conversation stories (a bot reply of a few messages in a row
    # would otherwise hit the per-chat burst); the delivery tests switch them on.
    emu = Emulator(flood_limits=FloodLimits.off())
    emu.add_bot(TOKEN, username=BOT_USERNAME)
    await emu.start()
    yield emu
    await emu.stop()


@pytest.fixture
def settings(emulator: Emulator, database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        erasure_log=tmp_path / "erasures.log",
        token=TOKEN,  # type: ignore[arg-type]
        database_url=database_url,
        api_url=emulator.base_url,  # type: ignore[arg-type]
        tick_seconds=3600,
        encryption_key=TEST_KEY,  # type: ignore[arg-type]
    )


@pytest.fixture
async def app(settings: Settings, db: Database, clock: ManualClock) -> AsyncIterator[App]:
    """The real bot, built by the project's wiring, long-polling the emulator through its
    durable intake (the inbox). The scheduler does not tick on its own: tests call
    `tick(app)` after moving the clock."""
    application = build_application(settings, db, clock, tick=False, set_menus=False)
    await start_bot(application, db, clock, poll_timeout=10)
    yield application
    await stop_bot(application)


@pytest.fixture
def rt(app: App) -> Runtime:
    return runtime_of(app.bot_data)


@pytest.fixture
def tg(emulator: Emulator, app: App) -> Telegram:
    return Telegram(emulator)


async def tick(app: App) -> dict[str, Any]:
    """One scheduler tick at the clock's time, then deliver everything it queued. The tick's
    time budget (2 s in production) is lifted: on a loaded machine the last jobs would
    otherwise be left to a next tick the test does not run."""
    from bot import jobs

    rt = runtime_of(app.bot_data)
    done = await jobs.tick(rt, budget_seconds=120.0)
    await deliver(app)
    return done


async def deliver(app: App) -> int:
    """Send every due outbox message now (instead of waiting for the sender to wake)."""
    rt = runtime_of(app.bot_data)
    assert rt.sender is not None
    total = 0
    while sent := await rt.sender.send_due(rt.clock.now()):
        total += sent
    return total


async def eventually(condition: Callable[[], Awaitable[bool]], within: float = 5.0) -> None:
    """Wait until the polling bot has handled an update that sends no message back (its effect
    is in the database): a wait for an event, with a deadline, never for time to pass."""
    async with asyncio.timeout(within):
        while not await condition():  # noqa: ASYNC110 (the condition is in the database)
            await asyncio.sleep(0.01)
