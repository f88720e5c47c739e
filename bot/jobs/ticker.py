"""The loop that runs a tick every interval of the event loop's monotonic clock."""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import logging
import time
from typing import Any

from bot.jobs.ticks import BATCH, BATCH_SECONDS, BUDGET_SECONDS, state_of, tick
from bot.preflight import classify
from bot.runtime import Runtime

log = logging.getLogger("bot.jobs")


class Ticker:
    """Runs `tick` every `interval` seconds of the event loop's monotonic clock, sooner
    (after `backlog_pause`) while a tick left work; never two at once, never stopped by a tick
    that failed or overran (a tick is cut off after `hard_timeout` seconds and rolled back)."""

    def __init__(
        self,
        rt: Runtime,
        interval: float,
        *,
        first: float = 1.0,
        budget_seconds: float = BUDGET_SECONDS,
        batch: int = BATCH,
        batch_seconds: float | None = BATCH_SECONDS,
        backlog_pause: float = 1.0,
        hard_timeout: float | None = None,
    ) -> None:
        self.rt = rt
        self.interval = interval
        self.first = first
        self.budget_seconds = budget_seconds
        self.batch = batch
        self.batch_seconds = batch_seconds
        self.backlog_pause = min(backlog_pause, interval)
        self.hard_timeout = hard_timeout or max(budget_seconds * 10, 60.0)
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self._task is None:
            self._stop.clear()
            self._task = asyncio.create_task(self._run(), name="scheduler-tick")

    async def stop(self) -> None:
        """Stop at once: a tick in progress is cancelled (its open transaction rolls back; what
        it committed stands, and the rest is due again at the next start)."""
        if self._task is None:
            return
        self._stop.set()
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self._task = None

    async def _run(self) -> None:
        delay = self.first
        while not self._stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), max(delay, 0.0))
            if self._stop.is_set():
                return
            started = time.monotonic()
            try:
                async with asyncio.timeout(self.hard_timeout):
                    await tick(
                        self.rt,
                        budget_seconds=self.budget_seconds,
                        batch=self.batch,
                        batch_seconds=self.batch_seconds,
                    )
            except TimeoutError:
                log.error("tick cut off after %.0f s; the next one goes on", self.hard_timeout)
                state_of(self.rt).last_left_work = True
            except Exception as exc:
                fault = classify(exc)
                if not fault.transient:
                    self.rt.fatal(f"scheduler stopped: {fault.line}")
                    return
                log.error("tick failed (%s); the next one goes on", type(exc).__name__)
            _trim()
            if state_of(self.rt).last_left_work:
                delay = self.backlog_pause
            else:
                delay = self.interval - (time.monotonic() - started)


def _trim() -> None:
    """Give the memory a tick freed back to the system (glibc keeps freed heap pages for
    reuse; after the start-up walk over a big programme that is a few MiB of resident memory
    held for nothing). A no-op where the C library has no `malloc_trim`."""
    global _MALLOC_TRIM
    if _MALLOC_TRIM is None:
        try:
            _MALLOC_TRIM = ctypes.CDLL(None).malloc_trim
        except (OSError, AttributeError):
            _MALLOC_TRIM = False
    if _MALLOC_TRIM:
        _MALLOC_TRIM(0)


_MALLOC_TRIM: Any = None
