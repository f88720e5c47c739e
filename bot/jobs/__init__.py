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

from bot.jobs.due import REST_BETWEEN_WALKS, Cursor, DueJob, due_jobs
from bot.jobs.ticker import Ticker
from bot.jobs.ticks import (
    BATCH,
    BATCH_SECONDS,
    BUDGET_SECONDS,
    MIN_BATCH,
    STATE_KEY,
    TickState,
    next_size,
    state_of,
    tick,
)

__all__ = [
    "BATCH",
    "BATCH_SECONDS",
    "BUDGET_SECONDS",
    "MIN_BATCH",
    "REST_BETWEEN_WALKS",
    "STATE_KEY",
    "Cursor",
    "DueJob",
    "TickState",
    "Ticker",
    "due_jobs",
    "next_size",
    "state_of",
    "tick",
]
