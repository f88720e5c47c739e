"""The outbox sender: delivers queued messages to Telegram, within its flood limits.

How a message travels:

1. **Claim** (one short transaction): due rows (QUEUED, `not_before` ≤ now) become SENDING with
   `claimed_by` = this process's id and `claimed_at`. On PostgreSQL the rows are selected with
   `FOR UPDATE SKIP LOCKED`, so several bot processes can share one database and never claim
   the same row. On SQLite run ONE bot process per database: SQLite has no row locks, and at
   start the sender takes back every row left in SENDING, which is only safe with one process.
2. **Send**, outside any transaction (the SQLite write lock is never held across network I/O).
   Chats are served concurrently (a bounded number at a time) so that the overall rate is
   actually reached; within one chat, messages go one at a time, in order. Two
   `aiolimiter.AsyncLimiter`s pace the calls: one overall (`rate_overall`, default 25/s, with a
   bucket of 3: about 28 calls at most in any second, where Telegram allows about 30) and one
   per chat (`rate_per_chat`, about 1/s, with a burst of 3, kept in a bounded LRU dict).
   The limits are per process: with several processes on one PostgreSQL, divide
   `rate_overall` between them.
3. **Record** each outcome in its own short transaction:
   - sent → SENT, with the Telegram chat and message ids;
   - 429 `RetryAfter` → the whole sender pauses for `retry_after`; a short one (≤ 10 s) is
     waited out and the message sent again, a longer one puts the row back to QUEUED with
     `not_before` = now + `retry_after`; never counted as an attempt, never a failure;
   - network error, timeout, 5xx → back to QUEUED with exponential backoff; FAILED with the
     reason after `max_attempts`;
   - 403 `Forbidden` (blocked, never started, deactivated) → FAILED; the person is marked
     unreachable, their other messages are withdrawn, the event is audited and the referring
     worker of their active matches is told through the outbox;
   - 400 `BadRequest` → FAILED with the reason (retrying would not help), except "too long":
     sent again cut to Telegram's limit, then to half of it. A message that passed on
     someone's words (`origin_person_id`) and finally failed is reported to that someone.
   When a message is put back, the rest of that chat's batch is put back behind it (order).

Crashes: a row stays SENDING while its process sends it. If the process dies, the row goes back
to QUEUED when its lease (default 2 minutes) has run out (PostgreSQL), or at the next start
(SQLite). A message that was on the wire at the moment of the crash may therefore be delivered
twice: at most one duplicate per message in flight, never a lost message. That is the trade-off.
A normal stop (`stop()`) lets the calls on the wire finish and be recorded, and gives back what
was claimed but not tried, so a deploy or restart sends nothing twice.

Edits (`edit_of_id`) change the original message once it has been sent (they wait for it);
documents go out with `send_document`. Logs carry ids and error codes only.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import socket
import warnings
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import Enum

from aiolimiter import AsyncLimiter
from telegram import Bot, Message
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from bot import metrics
from bot.clock import Clock
from bot.markup import keyboard
from bot.preflight import classify
from bot.services import outbox, texts
from bot.services.outbox import Claimed
from storage.db import Database

log = logging.getLogger(__name__)


class Result(Enum):
    SENT = "sent"
    RETRY_AFTER = "retry_after"  # 429: wait, not a failure
    RETRY = "retry"  # network error, timeout, 5xx: back off
    FAILED = "failed"  # bad request, or too many attempts
    UNREACHABLE = "unreachable"  # 403


@dataclass
class Outcome:
    result: Result
    telegram_message_id: int | None = None
    delay: float = 0.0  # seconds before the next try
    code: str = ""  # short code for logs
    error: str = ""  # Telegram's description, kept on the row
    reason: str = ""  # why a person is unreachable


@dataclass
class SenderStats:
    """Counters since start (for benchmarks and health checks)."""

    claimed: int = 0
    sent: int = 0
    retry_after: int = 0
    retries: int = 0
    failed: int = 0
    unreachable: int = 0
    recovered: int = 0
    held_back: int = 0
    codes: dict[str, int] = field(default_factory=dict)


def process_id() -> str:
    """Who claims: host, pid and a random part (a restarted process is someone else)."""
    return f"{socket.gethostname()[:32]}:{os.getpid()}:{secrets.token_hex(3)}"


def unreachable_reason(error: Forbidden) -> str:
    text = error.message.lower()
    if "blocked" in text:
        return "blocked"
    if "deactivated" in text:
        return "deactivated"
    if "initiate" in text or "chat not found" in text:
        return "not_started"
    return "forbidden"


def retry_after_seconds(error: RetryAfter) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = error.retry_after
    if isinstance(value, timedelta):
        return max(value.total_seconds(), 0.0)
    return max(float(value), 0.0)


class Sender:
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
        concurrency: int = 8,
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
        self.db = db
        self.bot = bot
        self.clock = clock
        self.poll_seconds = poll_seconds
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
        self.recover_on_start = db.is_sqlite if recover_on_start is None else recover_on_start
        self.inline_429_seconds = inline_429_seconds
        self.max_inline_429 = max_inline_429
        self.stats = SenderStats()
        self.on_fatal = on_fatal
        self.fault_backoff_cap = fault_backoff_cap
        self.fatal: str | None = None  # the permanent fault that stopped the sender
        # A small bucket: a second holds at most about rate + burst calls, and a call that
        # starts a little late (a busy event loop) is made up for instead of lost.
        burst = max(1, overall_burst)
        self._overall = AsyncLimiter(burst, burst / rate_overall)
        self._chats: OrderedDict[int, AsyncLimiter] = OrderedDict()
        self._max_chat_limiters = max_chat_limiters
        self._paused_until = 0.0  # event-loop time; set by a 429
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self._batch = asyncio.Lock()  # one batch at a time in this process
        self._writes = asyncio.Lock()  # our own write transactions, one at a time

    # --- running ---------------------------------------------------------------------------

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
        pause = self._paused_until - asyncio.get_running_loop().time()
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
                    lanes: dict[int, list[Claimed]] = {}
                    for message in claim.messages:
                        lanes.setdefault(message.chat_id, []).append(message)
                    for lane in lanes.values():
                        busy.add(lane[0].person_id)
                        running.add(asyncio.create_task(run(lane[0].person_id, lane)))
                    # Claim again once every remaining chat is being served.
                    while len(running) > self.concurrency:
                        done, _ = await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
                        running -= done
                        for task in done:
                            task.result()
                    if not claim.messages:
                        continue
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
        limiter = self._chat_limiter(message.chat_id)
        await self._wait_pause()
        async with limiter:
            await self._wait_pause()
            async with self._overall:
                await self._wait_pause()
                try:
                    sent = await self._call(message)
                except RetryAfter as exc:
                    # Telegram does not say whether the limit hit was the chat's or the bot's:
                    # the whole sender waits.
                    delay = retry_after_seconds(exc)
                    metrics.TOO_MANY.inc()
                    loop_now = asyncio.get_running_loop().time()
                    self._paused_until = max(self._paused_until, loop_now + delay)
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

    async def _call(self, message: Claimed) -> int:
        """Send (or edit) one message. One that Telegram finds too long is sent again cut to
        its limit, then to half of it (visible text, tags kept whole), before it fails."""
        caption = message.document is not None or message.edit_caption
        limit = texts.CAPTION_MAX if caption else texts.MESSAGE_MAX
        for cut in (None, limit, limit // 2):
            text = message.text if cut is None else texts.html_clip(message.text, cut)
            try:
                return await self._call_with(message, text)
            except BadRequest as exc:
                if "too long" not in exc.message.lower() or cut == limit // 2:
                    raise
                log.info("outbox %d: too long, sent again shorter", message.id)
        raise AssertionError("unreachable")

    async def _call_with(self, message: Claimed, text: str) -> int:
        markup = keyboard(message.buttons)
        if message.edit_message_id is not None:
            edited: Message | bool
            if message.edit_caption:
                edited = await self.bot.edit_message_caption(
                    chat_id=message.chat_id,
                    message_id=message.edit_message_id,
                    caption=text,
                    parse_mode=ParseMode.HTML,
                    reply_markup=markup,
                )
            else:
                edited = await self.bot.edit_message_text(
                    text,
                    chat_id=message.chat_id,
                    message_id=message.edit_message_id,
                    parse_mode=ParseMode.HTML,
                    reply_markup=markup,
                )
            return edited.message_id if isinstance(edited, Message) else message.edit_message_id
        if message.document is not None and message.document.mime.startswith("image/"):
            # A picture (the digest's chart) is shown in the chat, not offered as a file.
            sent = await self.bot.send_photo(
                message.chat_id,
                photo=message.document.content,
                caption=text or None,
                parse_mode=ParseMode.HTML,
                reply_markup=markup,
            )
            return sent.message_id
        if message.document is not None:
            sent = await self.bot.send_document(
                message.chat_id,
                document=message.document.content,
                filename=message.document.name,
                caption=text or None,
                parse_mode=ParseMode.HTML,
                reply_markup=markup,
            )
            return sent.message_id
        sent = await self.bot.send_message(
            message.chat_id, text, parse_mode=ParseMode.HTML, reply_markup=markup
        )
        return sent.message_id

    async def _record(self, message: Claimed, outcome: Outcome, rest: list[int]) -> None:
        """Store one outcome (and hold back the rest of the chat's lane if it must wait)."""
        now = self.clock.now()
        stats = self.stats
        stats.codes[outcome.code] = stats.codes.get(outcome.code, 0) + 1
        metrics.SENDS.labels(outcome=outcome.result.value).inc()
        async with self._writes, self.db.transaction() as session:
            match outcome.result:
                case Result.SENT:
                    assert outcome.telegram_message_id is not None
                    await outbox.mark_sent(
                        session,
                        now,
                        message.id,
                        chat_id=message.chat_id,
                        telegram_message_id=outcome.telegram_message_id,
                    )
                    stats.sent += 1
                case Result.RETRY_AFTER | Result.RETRY:
                    counted = outcome.result == Result.RETRY
                    until = now + timedelta(seconds=outcome.delay)
                    await outbox.retry_later(
                        session,
                        [message.id],
                        claimer=self.id,
                        until=until,
                        error=outcome.code,
                        counted=counted,
                    )
                    if rest:
                        await outbox.retry_later(
                            session, rest, claimer=self.id, until=until, error=None, counted=False
                        )
                        stats.held_back += len(rest)
                    if counted:
                        stats.retries += 1
                    else:
                        stats.retry_after += 1
                    log.info(
                        "outbox %d: %s, retry in %.1fs", message.id, outcome.code, outcome.delay
                    )
                case Result.FAILED:
                    error = f"{outcome.code} {outcome.error}".strip()
                    await outbox.fail(session, now, message.id, claimer=self.id, reason=error)
                    stats.failed += 1
                    log.warning("outbox %d failed: %s", message.id, outcome.code)
                case Result.UNREACHABLE:
                    done = await outbox.mark_unreachable(
                        session,
                        now,
                        message.id,
                        claimer=self.id,
                        reason=outcome.reason,
                        error=f"{outcome.code} {outcome.error}"[:300],
                    )
                    stats.unreachable += 1
                    if done is not None and done.newly:
                        log.warning(
                            "person %d unreachable (%s): %d messages withdrawn, %d workers told",
                            done.person_id,
                            outcome.code,
                            done.cancelled,
                            len(done.notified),
                        )
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

    # --- pacing ----------------------------------------------------------------------------

    def _chat_limiter(self, chat_id: int) -> AsyncLimiter:
        limiter = self._chats.get(chat_id)
        if limiter is None:
            burst = self.per_chat_burst
            limiter = AsyncLimiter(burst, burst / self.rate_per_chat)
            self._chats[chat_id] = limiter
            while len(self._chats) > self._max_chat_limiters:
                self._chats.popitem(last=False)
        else:
            self._chats.move_to_end(chat_id)
        return limiter

    async def _wait_pause(self) -> None:
        """Sleep out a pause set by a 429 (the callers check again after each limiter)."""
        wait = self._paused_until - asyncio.get_running_loop().time()
        if wait > 0:
            await asyncio.sleep(wait)
