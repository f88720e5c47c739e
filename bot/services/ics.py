"""The calendar file (.ics) of an appointment, so it lands in the mentee's phone calendar.

One UID per appointment, SEQUENCE from the appointment (bumped on every change), so a calendar
replaces the event when it is moved and removes it on cancellation (METHOD:CANCEL)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from storage.models import Appointment, AppointmentStatus

MIME = "text/calendar"


def uid(appointment_id: int) -> str:
    return f"appointment-{appointment_id}@mentorbot"


def filename(appointment_id: int) -> str:
    return f"meeting-{appointment_id}.ics"


def build(
    appointment: Appointment, *, summary: str, now: datetime, description: str | None = None
) -> bytes:
    """The appointment as an iCalendar file; a cancelling one when it is cancelled.
    `summary` and `description` are already in the reader's language (plain text)."""
    from icalendar import Calendar, Event  # a few MiB, imported when a file is first made

    cancelled = appointment.status == AppointmentStatus.CANCELLED
    cal = Calendar()
    cal.add("prodid", "-//mentorbot//appointments//EN")
    cal.add("version", "2.0")
    cal.add("method", "CANCEL" if cancelled else "PUBLISH")
    event = Event()
    start = appointment.starts_at.astimezone(UTC)
    event.add("uid", uid(appointment.id))
    event.add("sequence", appointment.sequence)
    event.add("dtstamp", now.astimezone(UTC))
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(minutes=appointment.duration_minutes))
    event.add("summary", summary)
    event.add("location", appointment.place)
    if description:
        event.add("description", description)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    cal.add_component(event)
    return bytes(cal.to_ical())
