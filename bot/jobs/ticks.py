"""One tick: the due jobs take turns, a bounded batch each, until nothing is due or the
tick's budget is spent (see `bot.jobs`)."""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from datetime import datetime

from bot import metrics
from bot.jobs.due import REST_BETWEEN_WALKS, Cursor, DueJob, due_jobs
from bot.preflight import classify
from bot.runtime import Runtime

log = logging.getLogger("bot.jobs")


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
    run = _Tick(
        rt,
        state_of(rt),
        now or rt.clock.now(),
        BUDGET_SECONDS if budget_seconds is None else budget_seconds,
        batch,
        batch_seconds,
        max_batches,
    )
    run.choose(due_jobs())
    if run.active:
        batches, did_any = await _first_round(
            rt,
            run.state,
            run.by_name,
            run.active,
            run.now,
            batch,
            batch_seconds,
            run.done,
            max_batches,
        )
        run.batches = batches
        if did_any:
            rt.wake_sender()
        await asyncio.sleep(0)
    while run.active and not run.spent():
        for name in list(run.active):
            await run.one_batch(name)
            # Let the updates that arrived meanwhile through before the next batch.
            await asyncio.sleep(0)
            if run.spent():
                break
    run.finish()
    return run.done


@dataclass
class _Tick:
    """One tick in progress: which jobs still have work, what each did, the budget."""

    rt: Runtime
    state: TickState
    now: datetime
    budget: float
    batch: int
    batch_seconds: float | None
    max_batches: int | None
    started: float = field(default_factory=time.monotonic)
    done: dict[str, int] = field(default_factory=dict)
    active: list[str] = field(default_factory=list)
    by_name: dict[str, DueJob] = field(default_factory=dict)
    batches: int = 0

    def choose(self, jobs: list[tuple[str, DueJob]]) -> None:
        """The jobs that take part: those a last tick left unfinished, and those starting
        afresh, except a walk that started lately (`REST_BETWEEN_WALKS`)."""
        self.state.last_started = self.started
        self.by_name = dict(jobs)
        for name, _job in jobs:
            self.done[name] = 0
            cursor = self.state.cursors.setdefault(name, Cursor())
            if not cursor.more:  # the last tick finished this job: start afresh
                rest, walked = REST_BETWEEN_WALKS.get(name), self.state.walks_started.get(name)
                if rest is not None and walked is not None and walked <= self.now < walked + rest:
                    continue  # walked lately: rests
                if rest is not None:
                    self.state.walks_started[name] = self.now
                self.state.cursors[name] = Cursor()
            self.active.append(name)

    def spent(self) -> bool:
        return time.monotonic() - self.started >= self.budget or (
            self.max_batches is not None and self.batches >= self.max_batches
        )

    async def one_batch(self, name: str) -> None:
        """A batch of one job in a transaction of its own. A transient fault stops that job
        until the next tick; any other stops the bot (the Ticker's caller)."""
        state, cursor = self.state, self.state.cursors[name]
        size = state.sizes.get(name, self.batch) if self.batch_seconds else self.batch
        began = time.monotonic()
        try:
            async with self.rt.db.transaction() as session:
                did = await self.by_name[name](session, self.now, size, cursor)
            self.done[name] += did
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            if not classify(exc).transient:
                raise  # the Ticker stops the bot: waiting does not mend it
            # Type only: database errors carry statement parameters.
            log.error("job %s failed (%s); it runs again next tick", name, type(exc).__name__)
            log.debug("job %s failed", name, exc_info=True)
            self.done[name] = -1
            cursor.more = False
            self.active.remove(name)
            state.failures += 1
            return
        if not cursor.more:
            self.active.remove(name)
        if did or cursor.more:
            self.batches += 1
            if self.batch_seconds:
                took = time.monotonic() - began
                state.sizes[name] = next_size(size, took, self.batch_seconds, self.batch)
        if did:
            self.rt.wake_sender()

    def finish(self) -> None:
        state, left = self.state, bool(self.active)
        if left:
            log.info(
                "tick stopped after %.1f s with work left (%s); the next tick goes on",
                time.monotonic() - self.started,
                ", ".join(self.active),
            )
        state.ticks += 1
        state.last_finished = time.monotonic()
        state.last_seconds = state.last_finished - self.started
        state.last_left_work = left
        metrics.TICK_SECONDS.observe(state.last_seconds)
        metrics.TICK_LEFT_WORK.set(1 if left else 0)
        observe = self.rt.extras.get("metrics.tick")
        if callable(observe):
            observe(state.last_seconds)


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
