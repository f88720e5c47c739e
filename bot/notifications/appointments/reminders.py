"""What a batch of the reminders job sends (`RemindersDue`, from
`bot.services.appointments.reminders`): each reminder, the mentee's card with its answer
buttons in their language and timezone, and each no-answer alert to the match's mentors; all
queued with one INSERT, in the order the job took them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.notifications.appointments.cards import answer_buttons, mentee_card, no_answer_notice
from bot.services import outbox, people
from bot.services.appointments import reminders
from bot.services.appointments.reminders import Batch
from domain.events import RemindersDue
from storage.models import ReminderKind


async def on_reminders_due(session: AsyncSession, now: datetime, event: RemindersDue) -> None:
    rows, batch = await reminders.batch_of(session, event.reminders)
    queue = outbox.Bulk(now)
    # Rendered once per language, zone, appointment and answer (a family's members share one).
    cards: dict[tuple[Any, ...], tuple[str, Any]] = {}
    for reminder in rows:
        if reminder.kind == ReminderKind.NO_ANSWER:
            _alert(queue, batch, reminder)
        else:
            _remind(queue, batch, reminder, cards)
    await queue.flush(session)


def _remind(
    queue: outbox.Bulk, batch: Batch, reminder: Any, cards: dict[tuple[Any, ...], tuple[str, Any]]
) -> None:
    appointment = batch.appointments[reminder.appointment_id]
    match = batch.matches[appointment.match_id]
    person = batch.people[reminder.person_id]
    reader = people.Reader(person, batch.orgs[match.organisation_id])
    view = batch.view(appointment)
    answer = view.answer_of(person.id)
    key = (reader.tr, reader.tz, appointment.id, answer)
    rendered = cards.get(key)
    if rendered is None:
        rendered = cards[key] = (
            mentee_card(reader.tr, reader.tz, view, "reminder", answer),
            answer_buttons(reader.tr, view, answer),
        )
    queue.add(
        person,
        "reminder",
        rendered[0],
        buttons=rendered[1],
        ref=("appointment", appointment.id),
        dedupe_key=f"reminder:{reminder.id}",
    )


def _alert(queue: outbox.Bulk, batch: Batch, reminder: Any) -> None:
    appointment = batch.appointments[reminder.appointment_id]
    match = batch.matches[appointment.match_id]
    org = batch.orgs[match.organisation_id]
    view = batch.view(appointment)
    for mentor in batch.mentors.get(match.id, []):
        reader = people.Reader(mentor, org)
        queue.add(
            mentor,
            "no_answer",
            no_answer_notice(reader.tr, reader.tz, view),
            ref=("appointment", view.id),
            dedupe_key=f"noanswer:{reminder.id}:{mentor.id}",
        )
