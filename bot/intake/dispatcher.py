"""The dispatcher: stored updates fed to PTB, in order per chat, several chats at once
(see `bot.intake`)."""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from telegram import Update
from telegram.ext import Application

from bot import replies
from bot.clock import Clock
from bot.services import inbox
from bot.services.inbox import OpenUpdate
from storage.db import UPDATE_CONCURRENCY, Database
from storage.models import InboxStatus

log = logging.getLogger("bot.intake")

T = TypeVar("T")
App = Application[Any, Any, Any, Any, Any, Any]


@dataclass
class IntakeStats:
    stored: int = 0  # new updates committed to the inbox
    handled: int = 0
    set_aside: int = 0  # failed repeatedly
    reply_failed: int = 0
    handler_errors: int = 0
    database_waits: int = 0  # times the database was found down


async def _backoff(attempt: int, base: float = 0.5, cap: float = 10.0) -> None:
    await asyncio.sleep(min(cap, base * 2 ** min(attempt, 10)))


class Dispatcher:
    def __init__(
        self,
        app: App,
        db: Database,
        clock: Clock,
        *,
        concurrency: int = UPDATE_CONCURRENCY,
        batch_size: int = 200,
        max_attempts: int = 3,
        retry_seconds: float = 0.5,
        poll_seconds: float = 5.0,
        reply_policy: replies.Policy | None = None,
    ) -> None:
        self.app, self.db, self.clock = app, db, clock
        self.concurrency = concurrency
        self.batch_size = batch_size
        self.max_attempts = max_attempts
        self.retry_seconds = retry_seconds
        self.poll_seconds = poll_seconds
        self.reply_policy = reply_policy or replies.Policy()
        self.stats = IntakeStats()
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._lanes: dict[int, asyncio.Task[None]] = {}
        self._queues: dict[int, collections.deque[OpenUpdate]] = {}
        self._known: set[int] = set()  # update ids queued or in progress here
        self._refetch: set[int] = set()  # chats whose stored rows a fetch left out
        self._finished: set[int] = set()  # update ids finished while the inbox is read
        self._gate = asyncio.Semaphore(concurrency)
        self._stopping = False

    def wake(self) -> None:
        """Look in the inbox now (the webhook stored something, or the database is back)."""
        self._wake.set()

    def offer(self, rows: list[OpenUpdate]) -> None:
        """Updates the poller has just committed to the inbox: queued at once, without reading
        them back (the inbox is still read at start, after an outage, and every
        `poll_seconds`, for anything this misses)."""
        if self._task is None or self._stopping:
            return
        self._enqueue(rows)

    def start(self) -> None:
        if self._task is None:
            self._stopping = False
            self._task = asyncio.create_task(self._run(), name="inbox-dispatcher")

    async def stop(self, grace_seconds: float = 5.0) -> None:
        """Stop taking updates; let the ones in progress finish (or cancel them after
        `grace_seconds`: what was not committed is handled again after the restart)."""
        if self._task is None:
            return
        self._stopping = True
        self._wake.set()
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self._task = None
        lanes = list(self._lanes.values())
        if lanes:
            _, late = await asyncio.wait(lanes, timeout=grace_seconds)
            for task in late:
                task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.gather(*late, return_exceptions=True)
        self._lanes.clear()
        self._queues.clear()
        self._known.clear()
        self._refetch.clear()

    async def idle(self) -> bool:
        """True when nothing is stored and unhandled and no chat is in progress (tests)."""
        if self._lanes:
            return False
        async with self.db.transaction() as session:
            return not await inbox.open_updates(session, limit=1)

    # --- the loop ---------------------------------------------------------------------------

    async def _run(self) -> None:
        failures = 0
        while not self._stopping:
            self._wake.clear()
            busy = set(self._lanes)
            # The chats left out may have stored rows nobody queued: read again when they end
            # (marked before the read, which a lane may end during).
            self._refetch |= busy
            self._finished.clear()
            try:
                async with self.db.transaction() as session:
                    rows = await inbox.open_updates(
                        session, limit=self.batch_size, exclude_chats=busy
                    )
                failures = 0
                # A row a lane finished while this read was under way may be read as it was.
                rows = [r for r in rows if r.update_id not in self._finished]
            except Exception as exc:
                failures += 1
                self.stats.database_waits += 1
                log.warning("inbox unavailable (%s); waiting", type(exc).__name__)
                # Back off, but try at once when the poller or the webhook stored something
                # (the database is back).
                with contextlib.suppress(TimeoutError):
                    delay = min(10.0, self.retry_seconds * 2 ** min(failures, 10))
                    await asyncio.wait_for(self._wake.wait(), delay)
                continue
            fresh = self._enqueue(rows)
            # More to fetch when the batch was full; else wait for news.
            if len(rows) < self.batch_size or not fresh:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self.poll_seconds)

    def _enqueue(self, rows: list[OpenUpdate]) -> int:
        """Queue rows on their chats' lanes, in order, each once; start the lanes that are
        not running. Returns how many were new here."""
        fresh = 0
        for row in rows:
            if row.update_id in self._known:
                continue
            self._known.add(row.update_id)
            self._queues.setdefault(row.chat_id, collections.deque()).append(row)
            fresh += 1
            if row.chat_id not in self._lanes:
                self._lanes[row.chat_id] = asyncio.create_task(
                    self._lane(row.chat_id), name=f"inbox-chat-{row.chat_id}"
                )
        return fresh

    async def _lane(self, chat_id: int) -> None:
        queue = self._queues[chat_id]
        stopped_early = False
        try:
            while queue:
                # One slot per update, FIFO among the chats waiting (asyncio.Semaphore is fair
                # since Python 3.11): this chat queues again behind the others.
                async with self._gate:
                    row = queue[0]
                    if self._stopping or not await self._one(row):
                        stopped_early = True
                        return
                queue.popleft()
                self._known.discard(row.update_id)
                self._finished.add(row.update_id)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a bug here must not stop the other chats
            stopped_early = True
            log.error("inbox: chat lane failed (%s)", type(exc).__name__, exc_info=exc)
        finally:
            # What is left of the queue is read again from the inbox, in order.
            for row in queue:
                self._known.discard(row.update_id)
            self._queues.pop(chat_id, None)
            self._lanes.pop(chat_id, None)
            if stopped_early or chat_id in self._refetch:
                self._refetch.discard(chat_id)
                self._wake.set()

    async def _database_up(self) -> bool:
        try:
            await self.db.ping()
        except Exception:
            return False
        return True

    async def _write(self, fn: Callable[[Any], Awaitable[T]]) -> T:
        """One short write, retried until the database takes it (or the dispatcher stops)."""
        attempt = 0
        while True:
            try:
                async with self.db.transaction() as session:
                    return await fn(session)
            except Exception as exc:
                if self._stopping:
                    raise
                attempt += 1
                self.stats.database_waits += 1
                log.warning("inbox: write failed (%s); retrying", type(exc).__name__)
                await _backoff(attempt, self.retry_seconds)

    async def _one(self, row: OpenUpdate) -> bool:
        """Handle one stored update and deliver its replies. False: stop this chat's lane
        for now (the database is down; the update stays and is taken up again)."""
        if row.status == InboxStatus.PENDING:
            handling = await self._handle(row)
            if handling is None:
                return False
            planned, start, deferred = handling.replies, 0, handling.deferred
        else:
            planned, start, deferred = row.replies, row.replies_sent, []
        if planned:
            await self._reply(row.update_id, planned, start)
        for fn in deferred:
            try:
                await fn()
            except Exception as exc:
                log.warning("inbox: deferred step failed (%s)", type(exc).__name__)
        return True

    async def _handle(self, row: OpenUpdate) -> replies.Handling | None:
        """Run the handlers on a stored update. None: not handled now (the lane stops and the
        row is read again, so a commit whose answer was lost is not handled twice)."""
        handling = replies.Handling(row.update_id)
        token = replies.current.set(handling)
        try:
            update = Update.de_json(row.payload or {"update_id": row.update_id}, self.app.bot)
            await self.app.process_update(update)
        except Exception as exc:  # de_json of a malformed payload
            handling.error = type(exc).__name__
        finally:
            replies.current.reset(token)
        if handling.error is None:
            if not handling.recorded:
                # No handler of ours took it (nothing to answer): it is done.
                await self._write(lambda s: inbox.handled(s, self.clock.now(), row.update_id, []))
            self.stats.handled += 1
            return handling
        self.stats.handler_errors += 1
        if not await self._database_up():
            self.stats.database_waits += 1
            log.warning("inbox: database unavailable while handling; the update waits")
            return None  # not the update's fault: not counted
        code = handling.error
        set_aside = await self._write(
            lambda s: inbox.attempt_failed(
                s, self.clock.now(), row.update_id, code, self.max_attempts
            )
        )
        if set_aside:
            self.stats.set_aside += 1
            log.error("update %d set aside after failing repeatedly (%s)", row.update_id, code)
            return replies.Handling(row.update_id)
        await _backoff(row.attempts, self.retry_seconds)
        return None

    async def _reply(self, update_id: int, planned: list[replies.Reply], start: int) -> None:
        async def progress(sent: int) -> None:
            with contextlib.suppress(Exception):  # best effort; the close below is retried
                async with self.db.transaction() as session:
                    await inbox.replies_progress(session, update_id, sent)

        result = await replies.deliver(
            self.app.bot, planned, start=start, policy=self.reply_policy, progress=progress
        )
        if result.error is not None and result.error != "403":
            self.stats.reply_failed += 1
        error = result.error
        await self._write(lambda s: inbox.replied(s, update_id, error))
