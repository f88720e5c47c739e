"""The sender's run loop: batches until stopped, a pause when nothing is due, a growing pause
after a passing fault, and a stop (said once, through `on_fatal`) on a permanent one."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import datetime

from bot.preflight import classify

log = logging.getLogger("bot.delivery")


class Loop:
    """Runs `send_due` in a task of its own until `stop()`; the sender fills in the batch."""

    def __init__(
        self,
        *,
        poll_seconds: float,
        recover_on_start: bool,
        on_fatal: Callable[[str], None] | None,
        fault_backoff_cap: float,
    ) -> None:
        self.poll_seconds = poll_seconds
        self.recover_on_start = recover_on_start
        self.on_fatal = on_fatal
        self.fault_backoff_cap = fault_backoff_cap
        self.fatal: str | None = None  # the permanent fault that stopped the sender
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False

    async def send_due(self, now: datetime | None = None, limit: int | None = None) -> int:
        raise NotImplementedError

    async def recover(self) -> int:
        raise NotImplementedError

    async def _idle_delay(self) -> float:
        raise NotImplementedError

    def wake(self) -> None:
        self._wake.set()

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="outbox-sender")

    async def stop(self, grace_seconds: float = 5.0) -> None:
        """Stop claiming, let the calls on the wire finish and be recorded, and give back what
        was claimed but not tried (so a normal restart sends nothing twice); after
        `grace_seconds`, cancel."""
        if self._task is None:
            return
        self._stopping = True
        self._wake.set()
        try:
            await asyncio.wait_for(asyncio.shield(self._task), grace_seconds)
        except TimeoutError:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        except asyncio.CancelledError:
            self._task.cancel()
            raise
        finally:
            self._task = None
            self._stopping = False

    async def _run(self) -> None:
        if self.recover_on_start:
            with contextlib.suppress(Exception):
                await self.recover()
        failing = 0.0  # the pause after the last failure; 0 while all is well
        while not self._stopping:
            delay = self.poll_seconds
            try:
                while await self.send_due():
                    pass
                delay = await self._idle_delay()
                failing = 0.0
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                fault = classify(exc)
                if not fault.transient:
                    # A read-only database or a refused token does not mend itself: stop, and
                    # let the process say so and exit, instead of failing every second.
                    self.fatal = f"outbox sender stopped: {fault.line}"
                    log.critical("%s", self.fatal)
                    if self.on_fatal is not None:
                        self.on_fatal(self.fatal)
                    return
                failing = min(max(failing * 2, 1.0), self.fault_backoff_cap)
                delay = failing
                # Type only: database errors carry statement parameters (message texts).
                log.error(
                    "outbox sender failed (%s: %s); trying again in %.0f s",
                    type(exc).__name__,
                    fault.line,
                    delay,
                )
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), delay)
            self._wake.clear()
