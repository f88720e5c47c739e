"""`/healthz` and `/metrics` on a port of their own."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from bot import health, jobs
from bot.clock import ManualClock
from bot.config import Settings
from bot.runtime import Runtime
from bot.services import outbox
from storage.db import Database
from storage.models import InboxUpdate, Person, Role
from tests.conftest import TOKEN
from tests.factories import building


async def serve(rt: Runtime) -> AsyncIterator[httpx.AsyncClient]:
    server = health.HealthServer(rt, "127.0.0.1", 0)
    await server.start()
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{server.port}") as client:
            yield client
    finally:
        await server.stop()


@pytest.fixture
async def client(db: Database, clock: ManualClock) -> AsyncIterator[httpx.AsyncClient]:
    rt = Runtime(Settings(token=TOKEN, database_url=db.url), db, clock)  # type: ignore[arg-type]
    async for c in serve(rt):
        c.rt = rt  # type: ignore[attr-defined]
        yield c


async def test_healthz_reports_database_tick_and_outbox(
    client: httpx.AsyncClient, db: Database, clock: ManualClock
) -> None:
    rt: Runtime = client.rt  # type: ignore[attr-defined]
    async with building(db, clock.now()) as b:
        org = await b.org()
        ana = await b.person(org, Role.MENTOR, "Ana", telegram_id=4001)
    async with db.transaction() as s:
        person = await s.get(Person, ana.id)
        assert person is not None
        for _ in range(3):
            outbox.enqueue(s, clock.now(), person, "test", "hello")
    await jobs.tick(rt)
    answer = await client.get("/healthz")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["status"] == "ok" and body["database"] == "ok"
    assert body["outbox"]["backlog"] >= 3
    assert body["inbox"]["pending"] == 0 and body["inbox"]["failed"] == 0 and body["inbox"]["ok"]
    assert body["scheduler"]["ticks"] == 1 and body["scheduler"]["ok"]

    metrics = (await client.get("/metrics")).text
    assert "mentorbot_tick_seconds_count" in metrics
    assert "mentorbot_outbox_backlog 3.0" in metrics
    for name in (
        "mentorbot_updates_handled_total",
        "mentorbot_updates_failed_total",
        "mentorbot_telegram_429_total",
        "mentorbot_last_tick_age_seconds",
    ):
        assert name in metrics


async def test_healthz_fails_when_the_database_does_not_answer(
    tmp_path: Path, clock: ManualClock
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'missing' / 'x.sqlite3'}"
    db = Database(url)
    rt = Runtime(Settings(token=TOKEN, database_url=url), db, clock)  # type: ignore[arg-type]
    async for client in serve(rt):
        answer = await client.get("/healthz")
        assert answer.status_code == 503
        assert answer.json()["status"] == "fail"
        assert "cannot be opened" in answer.json()["database"]
    await db.dispose()


async def test_healthz_shows_what_probes_add(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def inbox(_session: object, _now: object) -> dict[str, object]:
        return {"backlog": 7, "oldest_unhandled_seconds": 120.0, "ok": False}

    monkeypatch.setattr(health, "_probes", {"inbox": inbox})
    answer = await client.get("/healthz")
    assert answer.status_code == 503
    assert answer.json()["inbox"]["backlog"] == 7


async def test_healthz_fails_when_an_update_waits_unhandled(
    client: httpx.AsyncClient, db: Database, clock: ManualClock
) -> None:
    rt: Runtime = client.rt  # type: ignore[attr-defined]
    await jobs.tick(rt)
    async with db.transaction() as s:
        s.add(
            InboxUpdate(
                update_id=7,
                chat_id=4001,
                payload={"update_id": 7},
                received_at=clock.now() - timedelta(seconds=health.INBOX_STALE_SECONDS + 60),
            )
        )
    answer = await client.get("/healthz")
    assert answer.status_code == 503, answer.text
    inbox = answer.json()["inbox"]
    assert inbox["pending"] == 1 and not inbox["ok"]
    assert inbox["oldest_pending_seconds"] >= health.INBOX_STALE_SECONDS
