"""The scheduler's due job: the reminders due at `now`, rendered in each recipient's language
and timezone and queued in the outbox, and marked done (or skipped, with the reason) in the
same transaction."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.notifications.appointments import (
    AppointmentView,
    answer_buttons,
    mentee_card,
    no_answer_notice,
)
from bot.services import outbox, people
from bot.services.appointments.reminders.batch import _Batch, _claim, _load
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
from storage.models import (
    AppointmentStatus,
    JobStatus,
    Match,
    Organisation,
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
    """Render and queue up to `limit` reminders due at `now`, each in its recipient's language
    and timezone, and mark them done in the same transaction. A reminder whose time passed
    while the bot was down (or the clock jumped) is still sent if its appointment is ahead,
    and skipped (with the reason) otherwise. Returns (reminders handled, whether more may be
    due)."""
    rows = await _claim(session, now, limit + 1)  # one more: is another batch due?
    more = len(rows) > limit
    rows = rows[:limit]
    if not rows:
        return 0, False
    batch = await _load(session, rows)
    latest = _latest_per_recipient(rows)
    outcomes: Outcomes = {}
    queue = outbox.Bulk(now)
    for reminder in rows:
        _handle(queue, batch, reminder, now, latest, outcomes)
    await queue.flush(session)
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
    queue: outbox.Bulk,
    batch: _Batch,
    reminder: Reminder,
    now: datetime,
    latest: dict[tuple[int, int], int],
    outcomes: Outcomes,
) -> None:
    appointment = batch.appointments[reminder.appointment_id]
    if appointment.status != AppointmentStatus.PLANNED:
        _finish(outcomes, reminder, JobStatus.SKIPPED, CANCELLED)
        return
    if appointment.starts_at <= now:
        _finish(outcomes, reminder, JobStatus.SKIPPED, PASSED)
        log.info("reminder %s skipped: its appointment already passed", reminder.id)
        return
    view = batch.view(appointment)
    match = batch.matches[appointment.match_id]
    org = batch.orgs[match.organisation_id]
    if reminder.kind == ReminderKind.NO_ANSWER:
        _no_answer(queue, batch, reminder, view, match, org, outcomes)
        return
    if latest.get((reminder.appointment_id, reminder.person_id)) != reminder.id:
        _finish(outcomes, reminder, JobStatus.SKIPPED, SUPERSEDED)
        return
    person = batch.people.get(reminder.person_id)
    if person is None or person.family_id != match.family_id:
        _finish(outcomes, reminder, JobStatus.SKIPPED, UNREACHABLE)
        return
    reader = people.Reader(person, org)
    # Late after downtime, or the person's quiet hours or timezone changed since it was
    # written: never into the night if it can wait for the morning.
    deferred = out_of_quiet_hours(
        now, appointment.starts_at, reader.tz, person.quiet_start, person.quiet_end
    )
    if deferred is None:
        _finish(outcomes, reminder, JobStatus.SKIPPED, QUIET)
        return
    if deferred > now:
        outcomes.setdefault(("deferred", deferred), []).append(reminder.id)
        return
    answer = view.answer_of(person.id)
    # Rendered once per language, zone and answer (a family's members share a card).
    key = (reader.tr, reader.tz, appointment.id, answer)
    rendered = batch.cards.get(key)
    if rendered is None:
        rendered = batch.cards[key] = (
            mentee_card(reader.tr, reader.tz, view, "reminder", answer),
            answer_buttons(reader.tr, view, answer),
        )
    queued = queue.add(
        person,
        "reminder",
        rendered[0],
        buttons=rendered[1],
        ref=("appointment", appointment.id),
        dedupe_key=f"reminder:{reminder.id}",
    )
    if not queued:
        _finish(outcomes, reminder, JobStatus.SKIPPED, UNREACHABLE)
        return
    late = now - reminder.due_at > timedelta(minutes=15)
    _finish(outcomes, reminder, JobStatus.DONE, "sent late" if late else None)


def _no_answer(
    queue: outbox.Bulk,
    batch: _Batch,
    reminder: Reminder,
    view: AppointmentView,
    match: Match,
    org: Organisation,
    outcomes: Outcomes,
) -> None:
    if any(a.answer is not None for a in view.attendees) or batch.answers.get(view.id):
        _finish(outcomes, reminder, JobStatus.SKIPPED, ANSWERED)
        return
    queued = 0
    for mentor in batch.mentors.get(match.id, []):
        reader = people.Reader(mentor, org)
        if queue.add(
            mentor,
            "no_answer",
            no_answer_notice(reader.tr, reader.tz, view),
            ref=("appointment", view.id),
            dedupe_key=f"noanswer:{reminder.id}:{mentor.id}",
        ):
            queued += 1
    if queued:
        _finish(outcomes, reminder, JobStatus.DONE, None)
    else:
        _finish(outcomes, reminder, JobStatus.SKIPPED, UNREACHABLE)
