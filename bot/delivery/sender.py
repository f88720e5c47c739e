"""The `Sender`: claims due outbox rows, serves the chats concurrently (within one chat, one
message at a time, in order), paces the calls and records each outcome (see `bot.delivery`)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from bot import metrics
from bot.clock import Clock
from bot.delivery.calls import call
from bot.delivery.loop import Loop
from bot.delivery.outcomes import (
    Outcome,
    Result,
    SenderStats,
    process_id,
    retry_after_seconds,
    unreachable_reason,
)
from bot.delivery.pacing import Pacer
from bot.delivery.recording import record
from bot.services import outbox
from bot.services.outbox import Claimed
from storage.db import SEND_CONCURRENCY, Database

log = logging.getLogger("bot.delivery")


def _lanes(messages: list[Claimed]) -> list[list[Claimed]]:
    """The claimed messages by chat, each chat's in order."""
    lanes: dict[int, list[Claimed]] = {}
    for message in messages:
        lanes.setdefault(message.chat_id, []).append(message)
    return list(lanes.values())


async def _settle(running: set[asyncio.Task[None]], most: int) -> None:
    """Wait until at most `most` of the `running` tasks are left (a finished one's error is
    raised)."""
    while len(running) > most:
        done, _ = await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
        running.difference_update(done)
        for task in done:
            task.result()


class Sender(Loop):
    def __init__(
        self,
        db: Database,
        bot: Bot,
        clock: Clock,
        *,
        poll_seconds: float = 5.0,
        rate_overall: float = 25.0,
        rate_per_chat: float = 1.0,
        per_chat_burst: int = 3,
        overall_burst: int = 3,
        concurrency: int = SEND_CONCURRENCY,
        batch_size: int = 100,
        per_person: int = 10,
        lease: timedelta = timedelta(minutes=2),
        max_attempts: int = 6,
        backoff_seconds: float = 2.0,
        backoff_cap_seconds: float = 600.0,
        claimer: str | None = None,
        recover_on_start: bool | None = None,
        max_chat_limiters: int = 10_000,
        inline_429_seconds: float = 10.0,
        max_inline_429: int = 3,
        on_fatal: Callable[[str], None] | None = None,
        fault_backoff_cap: float = 30.0,
    ) -> None:
        super().__init__(
            poll_seconds=poll_seconds,
            recover_on_start=db.is_sqlite if recover_on_start is None else recover_on_start,
            on_fatal=on_fatal,
            fault_backoff_cap=fault_backoff_cap,
        )
        self.db = db
        self.bot = bot
        self.clock = clock
        self.rate_per_chat = rate_per_chat
        self.per_chat_burst = max(1, per_chat_burst)
        self.concurrency = max(1, concurrency)
        self.batch_size = batch_size
        self.per_person = per_person
        self.lease = lease
        self.max_attempts = max_attempts
        self.backoff_seconds = backoff_seconds
        self.backoff_cap_seconds = backoff_cap_seconds
        self.id = claimer or process_id()
        self.inline_429_seconds = inline_429_seconds
        self.max_inline_429 = max_inline_429
        self.stats = SenderStats()
        self._pacer = Pacer(
            rate_overall=rate_overall,
            overall_burst=overall_burst,
            rate_per_chat=rate_per_chat,
            per_chat_burst=per_chat_burst,
            max_chat_limiters=max_chat_limiters,
        )
        self._batch = asyncio.Lock()  # one batch at a time in this process
        self._writes = asyncio.Lock()  # our own write transactions, one at a time

    # --- running (the loop itself: `Loop`) ------------------------------------------------

    async def recover(self) -> int:
        """Take back every row left in SENDING (SQLite, at start: one process only)."""
        async with self._writes, self.db.transaction() as session:
            count = await outbox.recover_stuck(session, self.clock.now(), None)
        if count:
            self.stats.recovered += count
            log.warning("outbox: %d messages left in sending were queued again", count)
        return count

    async def _idle_delay(self) -> float:
        async with self.db.transaction() as session:
            due = await outbox.next_due_at(session)
        delay = self.poll_seconds
        if due is not None:
            delay = min(delay, (due - self.clock.now()).total_seconds())
        pause = self._pacer.pause_left()
        return max(delay, pause, 0.2)

    # --- one batch -------------------------------------------------------------------------

    async def send_due(self, now: datetime | None = None, limit: int | None = None) -> int:
        """Send everything due at `now` (default: the clock's time), within the rate limits;
        returns how many messages were handled (0: nothing was due). Waits only when a limit
        makes it wait.

        Claims go in batches of `limit`; the next batch is claimed while the last chats of the
        current one are still being served, so the overall limit stays busy. A person whose
        messages are being sent is left out of the next claim (their order is kept)."""
        async with self._batch:
            gate = asyncio.Semaphore(self.concurrency)
            running: set[asyncio.Task[None]] = set()
            busy: set[int] = set()  # people with a lane in progress
            handled = 0

            async def run(person_id: int, lane: list[Claimed]) -> None:
                try:
                    async with gate:
                        await self._send_lane(lane)
                finally:
                    busy.discard(person_id)

            try:
                while not self._stopping:
                    claim = await self._claim(now or self.clock.now(), limit, busy)
                    handled += len(claim.messages) + claim.resolved
                    if not claim.messages and not claim.resolved:
                        break
                    for lane in _lanes(claim.messages):
                        busy.add(lane[0].person_id)
                        running.add(asyncio.create_task(run(lane[0].person_id, lane)))
                    # Claim again once every remaining chat is being served.
                    await _settle(running, self.concurrency)
                if running:
                    await asyncio.gather(*running)
            except BaseException:
                for task in running:
                    task.cancel()
                raise
            return handled

    async def _claim(self, now: datetime, limit: int | None, busy: set[int]) -> outbox.Claim:
        async with self._writes, self.db.transaction() as session:
            claim = await outbox.claim(
                session,
                now,
                claimer=self.id,
                limit=limit or self.batch_size,
                lease=self.lease,
                per_person=self.per_person,
                skip_locked=self.db.supports_skip_locked,
                exclude_people=busy,
            )
        if claim.recovered:
            self.stats.recovered += claim.recovered
            log.warning("outbox: %d messages past their lease queued again", claim.recovered)
        self.stats.claimed += len(claim.messages)
        return claim

    async def _send_lane(self, lane: list[Claimed]) -> None:
        """One chat's messages, in order; stops at the first that must wait or cannot go."""
        for index, message in enumerate(lane):
            if self._stopping:  # shutting down: give back what was not tried
                await self._hold_back([m.id for m in lane[index:]], 0.0)
                return
            outcome = await self._attempt(message)
            rest = [m.id for m in lane[index + 1 :]]
            try:
                await self._record(message, outcome, rest)
            except Exception as exc:
                # The outcome could not be stored: the row stays SENDING and comes back after
                # its lease. Give back the rest of the lane now.
                log.error(
                    "outbox %d: could not record outcome %s (%s)",
                    message.id,
                    outcome.code,
                    type(exc).__name__,
                )
                if rest:
                    with contextlib.suppress(Exception):
                        await self._hold_back(rest, 0.0)
                return
            if outcome.result in (Result.RETRY, Result.RETRY_AFTER, Result.UNREACHABLE):
                return  # the rest was held back or withdrawn with it

    async def _attempt(self, message: Claimed) -> Outcome:
        """Send one message; a short 429 is waited out here (the row stays claimed), a long
        one puts the row back in the queue until then."""
        for _ in range(self.max_inline_429):
            outcome = await self._attempt_once(message)
            if outcome.result != Result.RETRY_AFTER or outcome.delay > self.inline_429_seconds:
                return outcome
            self.stats.retry_after += 1
            self.stats.codes["429"] = self.stats.codes.get("429", 0) + 1
            log.info("outbox %d: 429, waiting %.1fs", message.id, outcome.delay)
        return await self._attempt_once(message)

    async def _attempt_once(self, message: Claimed) -> Outcome:
        pacer = self._pacer
        limiter = pacer.chat(message.chat_id)
        await pacer.wait_pause()
        async with limiter:
            await pacer.wait_pause()
            async with pacer.overall:
                await pacer.wait_pause()
                try:
                    sent = await call(self.bot, message)
                except RetryAfter as exc:
                    # Telegram does not say whether the limit hit was the chat's or the bot's:
                    # the whole sender waits.
                    delay = retry_after_seconds(exc)
                    metrics.TOO_MANY.inc()
                    pacer.pause(delay)
                    return Outcome(Result.RETRY_AFTER, delay=delay, code="429", error=str(exc))
                except Forbidden as exc:
                    reason = unreachable_reason(exc)
                    return Outcome(
                        Result.UNREACHABLE, code=f"403:{reason}", error=exc.message, reason=reason
                    )
                except BadRequest as exc:
                    if message.edit_message_id is not None and "not modified" in exc.message:
                        return Outcome(Result.SENT, message.edit_message_id, code="200")
                    return Outcome(Result.FAILED, code="400", error=exc.message)
                except NetworkError as exc:  # timeouts, connection errors, 5xx
                    return self._backoff(message, f"network:{type(exc).__name__}", exc.message)
                except TelegramError as exc:  # e.g. InvalidToken, ChatMigrated
                    return self._backoff(message, f"telegram:{type(exc).__name__}", exc.message)
                except Exception as exc:  # a message that cannot even be built
                    return Outcome(Result.FAILED, code=f"error:{type(exc).__name__}", error="")
        return Outcome(Result.SENT, sent, code="200")

    def _backoff(self, message: Claimed, code: str, error: str) -> Outcome:
        if message.attempts >= self.max_attempts:
            return Outcome(Result.FAILED, code=code, error=f"{code} after {message.attempts}")
        delay = min(self.backoff_cap_seconds, self.backoff_seconds * 2 ** (message.attempts - 1))
        return Outcome(Result.RETRY, delay=delay, code=code, error=error or code)

    async def _record(self, message: Claimed, outcome: Outcome, rest: list[int]) -> None:
        """Store one outcome (and hold back the rest of the chat's lane if it must wait)."""
        now = self.clock.now()
        stats = self.stats
        stats.codes[outcome.code] = stats.codes.get(outcome.code, 0) + 1
        metrics.SENDS.labels(outcome=outcome.result.value).inc()
        async with self._writes, self.db.transaction() as session:
            await record(session, now, message, outcome, rest, claimer=self.id, stats=stats)
        if outcome.result == Result.UNREACHABLE:
            self.wake()  # the workers' notices are queued

    async def _hold_back(self, ids: list[int], seconds: float) -> None:
        now = self.clock.now()
        async with self._writes, self.db.transaction() as session:
            await outbox.retry_later(
                session,
                ids,
                claimer=self.id,
                until=now + timedelta(seconds=seconds),
                error=None,
                counted=False,
            )
