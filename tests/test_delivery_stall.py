"""The scheduler tick survives a stalled event loop and a wall clock that jumps: it is not a
job of PTB's job queue (APScheduler, whose default misfire grace skips a tick that runs late,
whose "maximum number of running instances reached" skips one while the last still runs, and
whose wall-clock trigger stops firing when the clock jumps back) but `bot.jobs.Ticker`, which
waits on the event loop's monotonic clock and starts the next tick after the last one, however
late. The loop itself is tested in `tests/test_scheduler.py`."""

from __future__ import annotations

from bot import jobs
from bot.app import build_application
from bot.clock import ManualClock
from bot.config import Settings
from bot.runtime import runtime_of
from storage.db import Database


async def test_the_bot_ticks_with_its_own_loop_not_the_job_queue(
    settings: Settings, db: Database, clock: ManualClock
) -> None:
    app = build_application(settings.replaced(tick_seconds=30.0), db, clock, set_menus=False)
    await app.initialize()
    assert app.post_init is not None
    await app.post_init(app)  # starts the ticker (first tick a second later)
    try:
        ticker = runtime_of(app.bot_data).extras["ticker"]
        assert isinstance(ticker, jobs.Ticker) and ticker.interval == 30.0
        assert app.job_queue is None or not app.job_queue.jobs()
    finally:
        if app.post_stop is not None:
            await app.post_stop(app)
        await app.shutdown()
    assert "ticker" not in runtime_of(app.bot_data).extras  # stopped with the bot
