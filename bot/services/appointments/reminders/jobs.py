"""The scheduler's due job: the reminders due at `now`, marked done (or skipped, with the
reason) and recorded as one `RemindersDue` event per batch, which
`bot.notifications.appointments.reminders` renders in each recipient's language and timezone
and queues in the outbox, in the same transaction."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import events, outbox, people
from bot.services.appointments.reminders.batch import Batch, _claim, load_batch
from bot.services.appointments.reminders.quiet_hours import out_of_quiet_hours
from bot.services.appointments.reminders.writing import (
    ANSWERED,
    BATCH,
    CANCELLED,
    MAX_PER_TICK,
    PASSED,
    QUIET,
    SUPERSEDED,
    UNREACHABLE,
)
from domain.events import RemindersDue
from storage.models import (
    AppointmentStatus,
    JobStatus,
    Reminder,
    ReminderKind,
)

log = logging.getLogger(__name__)

# (status, reason) -> ids; ("deferred", the new due time) for those put off.
Outcomes = dict[tuple[Any, Any], list[int]]


def _finish(outcomes: Outcomes, reminder: Reminder, status: JobStatus, reason: str | None) -> None:
    outcomes.setdefault((status, reason), []).append(reminder.id)


async def _record(session: AsyncSession, outcomes: Outcomes, now: datetime) -> None:
    """One UPDATE per outcome (done, skipped and why), not one per reminder. By primary key
    only: the rows are this transaction's (locked on PostgreSQL, one writer on SQLite), and a
    condition on status would let SQLite pick the (status, due_at) index and read every
    pending reminder."""
    for (status, reason), ids in outcomes.items():
        if status == "deferred":  # out of the reader's quiet hours: pending, later
            values: dict[str, Any] = {"due_at": reason}
        else:
            values = {"status": status, "reason": reason, "done_at": now}
        await session.execute(
            update(Reminder)
            .where(Reminder.id.in_(ids))
            .values(**values)
            .execution_options(synchronize_session=False)
        )


async def send_due(session: AsyncSession, now: datetime) -> int:
    """Every reminder due at `now` (up to `MAX_PER_TICK`), in the caller's transaction: tests
    and benchmarks. The scheduler calls `send_batch`, one bounded batch per transaction."""
    handled = 0
    while handled < MAX_PER_TICK:
        done, more = await send_batch(session, now, min(BATCH, MAX_PER_TICK - handled))
        handled += done
        if not more:
            break
    return handled


async def send_batch(session: AsyncSession, now: datetime, limit: int) -> tuple[int, bool]:
    """Up to `limit` reminders due at `now`: those to send recorded (`RemindersDue`, rendered
    and queued in each recipient's language and timezone when the batch is dispatched), and
    all marked done, skipped or deferred in the same transaction. A reminder whose time passed
    while the bot was down (or the clock jumped) is still sent if its appointment is ahead,
    and skipped (with the reason) otherwise. Returns (reminders handled, whether more may be
    due)."""
    rows = await _claim(session, now, limit + 1)  # one more: is another batch due?
    more = len(rows) > limit
    rows = rows[:limit]
    if not rows:
        return 0, False
    batch = await load_batch(session, rows)
    latest = _latest_per_recipient(rows)
    outcomes: Outcomes = {}
    sent: list[int] = []
    for reminder in rows:
        if _handle(batch, reminder, now, latest, outcomes):
            sent.append(reminder.id)
    if sent:
        events.record(session, now, RemindersDue(tuple(sent)))
    await _record(session, outcomes, now)
    return len(rows), more


def _latest_per_recipient(rows: Sequence[Reminder]) -> dict[tuple[int, int], int]:
    """Of several reminders due at once for the same person and appointment (after downtime),
    only the one closest to the appointment is sent."""
    latest: dict[tuple[int, int], Reminder] = {}
    for reminder in rows:
        if reminder.kind != ReminderKind.REMINDER:
            continue
        key = (reminder.appointment_id, reminder.person_id)
        if key not in latest or reminder.offset_minutes < latest[key].offset_minutes:
            latest[key] = reminder
    return {key: reminder.id for key, reminder in latest.items()}


def _handle(
    batch: Batch,
    reminder: Reminder,
    now: datetime,
    latest: dict[tuple[int, int], int],
    outcomes: Outcomes,
) -> bool:
    """The reminder's outcome; True when it is to be sent now."""
    appointment = batch.appointments[reminder.appointment_id]
    if appointment.status != AppointmentStatus.PLANNED:
        _finish(outcomes, reminder, JobStatus.SKIPPED, CANCELLED)
        return False
    if appointment.starts_at <= now:
        _finish(outcomes, reminder, JobStatus.SKIPPED, PASSED)
        log.info("reminder %s skipped: its appointment already passed", reminder.id)
        return False
    match = batch.matches[appointment.match_id]
    if reminder.kind == ReminderKind.NO_ANSWER:
        return _no_answer(batch, reminder, match.id, outcomes)
    if latest.get((reminder.appointment_id, reminder.person_id)) != reminder.id:
        _finish(outcomes, reminder, JobStatus.SKIPPED, SUPERSEDED)
        return False
    person = batch.people.get(reminder.person_id)
    if person is None or person.family_id != match.family_id:
        _finish(outcomes, reminder, JobStatus.SKIPPED, UNREACHABLE)
        return False
    org = batch.orgs[match.organisation_id]
    # Late after downtime, or the person's quiet hours or timezone changed since it was
    # written: never into the night if it can wait for the morning.
    deferred = out_of_quiet_hours(
        now,
        appointment.starts_at,
        people.timezone_of(person, org),
        person.quiet_start,
        person.quiet_end,
    )
    if deferred is None:
        _finish(outcomes, reminder, JobStatus.SKIPPED, QUIET)
        return False
    if deferred > now:
        outcomes.setdefault(("deferred", deferred), []).append(reminder.id)
        return False
    if not outbox.deliverable(person):
        _finish(outcomes, reminder, JobStatus.SKIPPED, UNREACHABLE)
        return False
    late = now - reminder.due_at > timedelta(minutes=15)
    _finish(outcomes, reminder, JobStatus.DONE, "sent late" if late else None)
    return True


def _no_answer(batch: Batch, reminder: Reminder, match_id: int, outcomes: Outcomes) -> bool:
    """The no-answer alert goes to the match's mentors the bot can reach, unless someone of
    the family answered."""
    if batch.answers.get(reminder.appointment_id):
        _finish(outcomes, reminder, JobStatus.SKIPPED, ANSWERED)
        return False
    if any(outbox.deliverable(mentor) for mentor in batch.mentors.get(match_id, [])):
        _finish(outcomes, reminder, JobStatus.DONE, None)
        return True
    _finish(outcomes, reminder, JobStatus.SKIPPED, UNREACHABLE)
    return False
