"""The scheduler tick survives a stalled event loop: APScheduler's default misfire grace of one
second would skip a tick that runs late. Checked without blocking the loop or waiting on real
time: the tick's job carries the settings that make APScheduler run it however late, and
APScheduler's own executor step runs such a job an hour late and skips one with the defaults."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from apscheduler.events import EVENT_JOB_EXECUTED, EVENT_JOB_MISSED
from apscheduler.executors.base import run_coroutine_job
from apscheduler.job import Job
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.app import build_application
from bot.clock import ManualClock
from bot.config import Settings
from storage.db import Database


async def test_the_tick_runs_however_late_and_once_after_a_stall(
    settings: Settings, db: Database, clock: ManualClock
) -> None:
    app = build_application(
        settings.model_copy(update={"tick_seconds": 30.0}), db, clock, set_menus=False
    )
    await app.initialize()
    assert app.post_init is not None and app.job_queue is not None
    await app.post_init(app)  # schedules the tick
    try:
        (tick,) = app.job_queue.get_jobs_by_name("tick")
        job = tick.job
        assert job.misfire_grace_time is None  # a late tick still runs
        assert job.coalesce is True  # ticks that piled up during a stall run once
        assert job.max_instances == 1
    finally:
        if app.post_stop is not None:
            await app.post_stop(app)
        await app.shutdown()


def _job(grace: int | None) -> tuple[Job, list[bool]]:
    ran: list[bool] = []

    async def work() -> None:
        ran.append(True)

    scheduler = AsyncIOScheduler(timezone=UTC)  # never started: it only makes the job
    job = scheduler.add_job(
        work, "interval", seconds=30, misfire_grace_time=grace, coalesce=True, max_instances=1
    )
    return job, ran


async def test_apscheduler_runs_a_late_job_only_without_a_grace_limit() -> None:
    an_hour_late = [datetime.now(UTC) - timedelta(hours=1)]
    unlimited, ran = _job(None)
    events = await run_coroutine_job(unlimited, "default", an_hour_late, "test")
    assert ran == [True] and [e.code for e in events] == [EVENT_JOB_EXECUTED]
    default, ran = _job(1)  # APScheduler's default grace: one second
    events = await run_coroutine_job(default, "default", an_hour_late, "test")
    assert ran == [] and [e.code for e in events] == [EVENT_JOB_MISSED]
