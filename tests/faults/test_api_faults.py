"""The Bot API misbehaves between the bot and Telegram (a proxy in front of the emulator):
500s, 429s, answers after the client's timeout, cut and refused connections. Nothing a person
types is lost, and only an ambiguous call (its answer lost or too late) may be repeated."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import pytest

from bot.app import App, build_application
from bot.clock import ManualClock
from bot.config import Settings
from bot.intake import intake_of, start_bot, stop_bot
from emulator import Emulator
from storage.db import Database
from tests.conftest import TOKEN, eventually
from tests.faults.common import all_answered, people, tally
from tests.faults.conftest import FULL, report
from tests.faults.proxies import FaultProxy, random_plan

API_TIMEOUT = 1.0  # the client's timeout (15 s in production): a slow answer passes it


async def start_behind(
    proxy: FaultProxy, database_url: str, db: Database, clock: ManualClock
) -> App:
    await proxy.start()
    settings = Settings(
        token=TOKEN,  # type: ignore[arg-type]
        database_url=database_url,
        api_url=proxy.base_url,  # type: ignore[arg-type]
        tick_seconds=3600,
    )
    app = build_application(
        settings, db, clock, tick=False, set_menus=False, api_timeout=API_TIMEOUT
    )
    await start_bot(app, db, clock, poll_timeout=1)
    return app


@pytest.fixture
async def behind() -> AsyncIterator[Callable[[FaultProxy, App], None]]:
    """Stops what a test started, in order."""
    started: list[tuple[FaultProxy, App]] = []
    yield lambda proxy, app: started.append((proxy, app))
    for proxy, app in started:
        await stop_bot(app)
        await proxy.stop()


async def test_500s_429s_timeouts_and_cut_connections_lose_nothing(
    emulator: Emulator,
    database_url: str,
    db: Database,
    clock: ManualClock,
    behind: Callable[[FaultProxy, App], None],
) -> None:
    n = 100 if FULL else 30
    plan = random_plan(12, p500=0.10, p429=0.05, pslow=0.02, pcut=0.02)
    proxy = FaultProxy(emulator.base_url, plan, slow_seconds=API_TIMEOUT + 0.5)
    app = await start_behind(proxy, database_url, db, clock)
    behind(proxy, app)
    users = people(emulator, n)
    for user in users:
        await user.send("hello")
    assert await all_answered(users, within=120)
    await eventually(intake_of(app).dispatcher.idle, within=30)
    result = tally(users)
    ambiguous = proxy.ambiguous("sendMessage")
    report(
        "api 10% 500, 5% 429, 2% slow, 2% cut",
        people=n,
        lost=result.lost,
        duplicated=result.duplicated,
        ambiguous=ambiguous,
        faults={f"{m}:{f}": c for (m, f), c in proxy.faults.items()},
    )
    assert result.lost == 0
    assert result.duplicated <= ambiguous and result.most <= 2
    assert sum(proxy.faults.values()) > 0  # the faults did happen


async def test_refused_connections_lose_nothing(
    emulator: Emulator,
    database_url: str,
    db: Database,
    clock: ManualClock,
    behind: Callable[[FaultProxy, App], None],
) -> None:
    seconds = 8.0 if FULL else 2.0
    first: list[str] = []

    def plan(method: str) -> str:
        if method == "sendMessage" and not first:
            first.append(method)
            return "refuse"  # from the first reply on, the API refuses connections
        return "pass"

    proxy = FaultProxy(emulator.base_url, plan, refuse_seconds=seconds)
    app = await start_behind(proxy, database_url, db, clock)
    behind(proxy, app)
    n = 100 if FULL else 20
    users = people(emulator, n)
    for user in users:
        await user.send("hello")
    assert await all_answered(users, within=seconds + 60)
    await eventually(intake_of(app).dispatcher.idle, within=30)
    result = tally(users)
    report(f"api refuses connections for {seconds:.0f} s", people=n, lost=result.lost,
           duplicated=result.duplicated)  # fmt: skip
    assert first  # the refusal did happen
    assert result.lost == 0 and result.duplicated == 0
