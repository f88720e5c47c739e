"""What the scheduler runs, and the loop that runs it.

The scheduler only ticks; each job asks the database "what is due?", so a restart loses nothing
and a late tick catches up. A tick works in bounded batches, taking turns between the jobs,
until nothing is due or its time budget is spent; what is left waits for the next tick, which
then comes sooner. The jobs' first batches share one short transaction (most ticks find little
or nothing due); every later batch has a transaction of its own. Between batches the event loop serves
updates, so nobody waits behind scheduled work.

The loop (`Ticker`) is an asyncio task timed by the event loop's monotonic clock, not by the
wall clock: a wall clock that jumps forward or back neither stops nor bunches the ticks, and
each job decides from the database, at the clock's `now`, what is due (sent once, or marked
skipped with its reason). A tick that fails or overruns is logged and cut short; the next one
runs all the same.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot import metrics
from bot.preflight import classify
from bot.runtime import Runtime

log = logging.getLogger(__name__)

BATCH = 100  # rows one batch of one job claims (a batch of reminders: ~30-60 ms)
BUDGET_SECONDS = 2.0  # work of one tick before it stops and leaves the rest to the next
BATCH_SECONDS = 0.1  # what one batch should take: the longest an update waits behind it
MIN_BATCH = 20  # below this, the per-transaction cost would stall the drain


def next_size(size: int, seconds: float, target: float, maximum: int) -> int:
    """The next batch size of a job whose last batch of `size` rows took `seconds`: halved
    while batches take longer than `target` (a slow or busy machine), doubled back up to
    `maximum` while they take less than half of it."""
    if seconds > target:
        return max(MIN_BATCH, size // 2)
    if seconds < target / 2:
        return min(maximum, size * 2)
    return size


@dataclass
class Cursor:
    """What a due job remembers between its batches (within a tick and, when the budget ran
    out, into the next one): `position` is the job's own (e.g. the last id it looked at);
    `more` is set by the job when another batch may find work."""

    position: int = 0
    more: bool = False


DueJob = Callable[[AsyncSession, datetime, int, Cursor], Awaitable[int]]


async def _escalation(session: AsyncSession, now: datetime, limit: int, cursor: Cursor) -> int:
    from bot.services import concerns

    moved, cursor.more = await concerns.escalate_batch(session, now, limit)
    return moved


async def _help_overdue(session: AsyncSession, now: datetime, limit: int, cursor: Cursor) -> int:
    from bot.services import help as help_requests

    done = await help_requests.notify_overdue(session, now, limit)
    cursor.more = done >= limit
    return done


async def _reminders(session: AsyncSession, now: datetime, limit: int, cursor: Cursor) -> int:
    from bot.services.appointments import reminders

    done, cursor.more = await reminders.send_batch(session, now, limit)
    return done


async def _report_requests(session: AsyncSession, now: datetime, limit: int, cursor: Cursor) -> int:
    """Walks the active matches by id, a batch at a time; a walk cut short by the budget goes
    on where it stopped at the next tick."""
    from bot.services import progress

    done, last = await progress.request_batch(session, now, cursor.position, limit)
    cursor.more = last is not None
    cursor.position = last if last is not None else 0
    return done


async def _report_reminders(
    session: AsyncSession, now: datetime, limit: int, cursor: Cursor
) -> int:
    from bot.services import progress

    done, cursor.more = await progress.remind_batch(session, now, limit)
    return done


async def _quiet_matches(session: AsyncSession, now: datetime, limit: int, cursor: Cursor) -> int:
    """Walks the active matches by id, like the report requests."""
    from bot.services import quiet

    done, last = await quiet.quiet_batch(session, now, cursor.position, limit)
    cursor.more = last is not None
    cursor.position = last if last is not None else 0
    return done


async def _digests(session: AsyncSession, now: datetime, limit: int, cursor: Cursor) -> int:
    """Walks the linked staff by id; a digest (and its chart) is composed for those due."""
    from bot.services import digest

    done, last = await digest.digest_batch(session, now, cursor.position, limit)
    cursor.more = last is not None
    cursor.position = last if last is not None else 0
    return done


def _retention(purge: str) -> DueJob:
    """A retention batch (bot/services/retention.py): what is past its period goes."""

    async def job(session: AsyncSession, now: datetime, limit: int, cursor: Cursor) -> int:
        from bot.services import retention

        done: int = await getattr(retention, purge)(session, now, limit)
        cursor.more = done >= limit
        return done

    return job


# Jobs that walk a whole table (every active match) or whose periods are counted in days
# start afresh at most this often, by the clock's time; between walks a tick costs them
# nothing. Report periods are 7-180 days, so a request goes out at most an hour after its
# period ends; quiet-match thresholds and evaluation points are days, retention periods
# weeks. (Digests, due at an hour of the reader's day, walk every tick.)
REST_BETWEEN_WALKS = {
    name: timedelta(hours=1)
    for name in (
        "report_requests",
        "evaluations",
        "quiet_matches",
        "retention_outbox",
        "retention_inbox",
        "retention_drafts",
        "retention_closed_matches",
    )
}


async def _request_overdue(session: AsyncSession, now: datetime, limit: int, cursor: Cursor) -> int:
    from bot.services import match_requests

    done = await match_requests.flag_overdue_batch(session, now, limit)
    cursor.more = done >= limit
    return done


async def _evaluations(session: AsyncSession, now: datetime, limit: int, cursor: Cursor) -> int:
    """Walks the active matches by id, like the report requests."""
    from bot.services import match_cycle

    done, last = await match_cycle.evaluation_batch(session, now, cursor.position, limit)
    cursor.more = last is not None
    cursor.position = last if last is not None else 0
    return done


def due_jobs() -> list[tuple[str, DueJob]]:
    """Each feature's "what is due at `now`?" batch, in the order they take turns."""
    return [
        ("concern_escalation", _escalation),
        ("help_overdue", _help_overdue),
        ("reminders", _reminders),
        ("report_requests", _report_requests),
        ("report_reminders", _report_reminders),
        ("request_overdue", _request_overdue),
        ("evaluations", _evaluations),
        ("quiet_matches", _quiet_matches),
        ("digests", _digests),
        ("retention_outbox", _retention("purge_outbox")),
        ("retention_inbox", _retention("purge_inbox")),
        ("retention_drafts", _retention("purge_drafts")),
        ("retention_closed_matches", _retention("anonymise_closed")),
    ]


@dataclass
class TickState:
    """What the scheduler knows of itself, for the next tick, `/healthz` and `/metrics`."""

    cursors: dict[str, Cursor] = field(default_factory=dict)
    walks_started: dict[str, datetime] = field(default_factory=dict)  # REST_BETWEEN_WALKS
    sizes: dict[str, int] = field(default_factory=dict)  # adapted batch sizes
    ticks: int = 0
    last_started: float | None = None  # time.monotonic()
    last_finished: float | None = None
    last_seconds: float = 0.0
    last_left_work: bool = False
    failures: int = 0


STATE_KEY = "mentorbot.tick"


def state_of(rt: Runtime) -> TickState:
    state = rt.extras.get(STATE_KEY)
    if not isinstance(state, TickState):
        state = rt.extras[STATE_KEY] = TickState()
    return state


async def tick(
    rt: Runtime,
    now: datetime | None = None,
    *,
    budget_seconds: float | None = None,
    batch: int = BATCH,
    max_batches: int | None = None,
    batch_seconds: float | None = None,
) -> dict[str, int]:
    """One tick: the jobs take turns, a batch each in a transaction of its own, until none has
    work left, `budget_seconds` of work are done or `max_batches` batches that found work ran
    (tests use it for a bound that does not depend on the machine's speed). With
    `batch_seconds`, each job's batch size adapts (`next_size`, at most `batch`) so that a
    batch takes about that long. Returns how much each job did (-1 for a job that failed; it
    runs again next tick)."""
    now = now or rt.clock.now()
    state = state_of(rt)
    budget = BUDGET_SECONDS if budget_seconds is None else budget_seconds
    started = time.monotonic()
    state.last_started = started
    done: dict[str, int] = {}
    jobs = due_jobs()
    active: list[str] = []
    for name, _job in jobs:
        done[name] = 0
        cursor = state.cursors.setdefault(name, Cursor())
        if not cursor.more:  # the last tick finished this job: start afresh
            rest, walked = REST_BETWEEN_WALKS.get(name), state.walks_started.get(name)
            if rest is not None and walked is not None and walked <= now < walked + rest:
                continue  # walked lately: rests
            if rest is not None:
                state.walks_started[name] = now
            state.cursors[name] = Cursor()
        active.append(name)
    by_name = dict(jobs)
    batches = 0
    out_of_budget = False
    if active:
        batches, did_any = await _first_round(
            rt, state, by_name, active, now, batch, batch_seconds, done, max_batches
        )
        if did_any:
            rt.wake_sender()
        await asyncio.sleep(0)
        out_of_budget = time.monotonic() - started >= budget or (
            max_batches is not None and batches >= max_batches
        )
    while active and not out_of_budget:
        for name in list(active):
            cursor = state.cursors[name]
            size = state.sizes.get(name, batch) if batch_seconds else batch
            began = time.monotonic()
            try:
                async with rt.db.transaction() as session:
                    did = await by_name[name](session, now, size, cursor)
                done[name] += did
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                if not classify(exc).transient:
                    raise  # the Ticker stops the bot: waiting does not mend it
                # Type only: database errors carry statement parameters.
                log.error("job %s failed (%s); it runs again next tick", name, type(exc).__name__)
                log.debug("job %s failed", name, exc_info=True)
                done[name] = -1
                cursor.more = False
                active.remove(name)
                state.failures += 1
                continue
            if not cursor.more:
                active.remove(name)
            if did or cursor.more:
                batches += 1
                if batch_seconds:
                    took = time.monotonic() - began
                    state.sizes[name] = next_size(size, took, batch_seconds, batch)
            if did:
                rt.wake_sender()
            # Let the updates that arrived meanwhile through before the next batch.
            await asyncio.sleep(0)
            if time.monotonic() - started >= budget or (
                max_batches is not None and batches >= max_batches
            ):
                out_of_budget = True
                break
    left = bool(active)
    if left:
        log.info(
            "tick stopped after %.1f s with work left (%s); the next tick goes on",
            time.monotonic() - started,
            ", ".join(active),
        )
    state.ticks += 1
    state.last_finished = time.monotonic()
    state.last_seconds = state.last_finished - started
    state.last_left_work = left
    metrics.TICK_SECONDS.observe(state.last_seconds)
    metrics.TICK_LEFT_WORK.set(1 if left else 0)
    observe = rt.extras.get("metrics.tick")
    if callable(observe):
        observe(state.last_seconds)
    return done


async def _first_round(
    rt: Runtime,
    state: TickState,
    by_name: dict[str, DueJob],
    active: list[str],
    now: datetime,
    batch: int,
    batch_seconds: float | None,
    done: dict[str, int],
    max_batches: int | None,
) -> tuple[int, bool]:
    """The first batch of every job in one shared transaction: most ticks find little or
    nothing due, and one transaction instead of one per job is most of their cost. The jobs
    join it in turn until it has taken `batch_seconds` (or `BATCH_SECONDS`), so it holds the
    writer no longer than one batch; those left run in the usual loop. If a job fails, the
    shared transaction is rolled back and everything runs again in the usual loop, each job
    in a transaction of its own (a failing job then stops only itself). Removes the jobs that
    finished from `active`; returns (batches that found work, whether any did)."""
    target = batch_seconds or BATCH_SECONDS
    saved = {name: Cursor(c.position, c.more) for name, c in state.cursors.items()}
    results: dict[str, int] = {}
    batches = 0
    began = time.monotonic()
    try:
        async with rt.db.transaction() as session:
            for name in active:
                if time.monotonic() - began >= target or (
                    max_batches is not None and batches >= max_batches
                ):
                    break
                cursor = state.cursors[name]
                size = state.sizes.get(name, batch) if batch_seconds else batch
                job_began = time.monotonic()
                did = await by_name[name](session, now, size, cursor)
                results[name] = did
                if did or cursor.more:
                    batches += 1
                    if batch_seconds:
                        took = time.monotonic() - job_began
                        state.sizes[name] = next_size(size, took, batch_seconds, batch)
    except asyncio.CancelledError:
        raise
    except Exception as exc:
        if not classify(exc).transient:
            raise
        log.info("the shared first round failed (%s); each job runs alone", type(exc).__name__)
        state.cursors.update(saved)
        return 0, False
    for name, did in results.items():
        done[name] += did
        if not state.cursors[name].more:
            active.remove(name)
    return batches, any(results.values())


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
            if state_of(self.rt).last_left_work:
                delay = self.backlog_pause
            else:
                delay = self.interval - (time.monotonic() - started)
