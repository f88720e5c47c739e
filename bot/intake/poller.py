"""Polling: `getUpdates`, each batch committed to the inbox before its offset is confirmed."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Any

from telegram import Update
from telegram.error import InvalidToken, NetworkError, RetryAfter, TelegramError

from bot.clock import Clock
from bot.delivery import retry_after_seconds
from bot.intake.dispatcher import App, IntakeStats, _backoff
from bot.services import inbox
from bot.services.inbox import OpenUpdate
from storage.db import Database

log = logging.getLogger("bot.intake")


class Poller:
    """`getUpdates`, with the offset advanced only once a batch is in the inbox."""

    def __init__(
        self,
        app: App,
        db: Database,
        clock: Clock,
        on_stored: Callable[[list[OpenUpdate]], None],
        *,
        timeout: float = 30.0,
        retry_seconds: float = 0.5,
    ) -> None:
        self.app, self.db, self.clock = app, db, clock
        self.on_stored = on_stored
        self.timeout = timeout
        self.retry_seconds = retry_seconds
        self.stats = IntakeStats()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        if self._task is not None:
            return
        attempt = 0
        while True:  # a webhook set earlier would make getUpdates fail with 409
            try:
                await self.app.bot.delete_webhook(drop_pending_updates=False)
                break
            except NetworkError as exc:
                attempt += 1
                log.warning("deleteWebhook failed (%s); retrying", type(exc).__name__)
                await _backoff(attempt, self.retry_seconds)
        self._task = asyncio.create_task(self._run(), name="inbox-poller")

    async def stop(self) -> None:
        """Stop at once: a batch being fetched or stored is not confirmed, and comes back."""
        if self._task is None:
            return
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self._task = None

    async def _run(self) -> None:
        offset: int | None = None
        failures = 0
        while True:
            try:
                updates = await self.app.bot.get_updates(
                    offset=offset,
                    timeout=int(self.timeout),
                    read_timeout=self.timeout + 10,
                    allowed_updates=Update.ALL_TYPES,
                )
                failures = 0
            except RetryAfter as exc:
                await asyncio.sleep(retry_after_seconds(exc))
                continue
            except InvalidToken:
                log.error("getUpdates: the token was refused; retrying in a minute")
                await asyncio.sleep(60)
                continue
            except (NetworkError, TelegramError) as exc:
                failures += 1
                log.warning("getUpdates failed (%s); retrying", type(exc).__name__)
                await _backoff(failures, self.retry_seconds)
                continue
            if not updates:
                continue
            payloads = [u.to_dict() for u in updates]
            stored = await self._store(payloads)
            # The next getUpdates confirms this batch: it is in the inbox now.
            offset = max(u.update_id for u in updates) + 1
            self.on_stored(stored)

    async def _store(self, payloads: list[dict[str, Any]]) -> list[OpenUpdate]:
        attempt = 0
        while True:
            try:
                async with self.db.transaction() as session:
                    stored = await inbox.store_new(session, self.clock.now(), payloads)
                self.stats.stored += len(stored)
                return stored
            except Exception as exc:
                attempt += 1
                self.stats.database_waits += 1
                log.warning(
                    "inbox unavailable (%s): %d updates wait, unconfirmed",
                    type(exc).__name__,
                    len(payloads),
                )
                await _backoff(attempt, self.retry_seconds)
