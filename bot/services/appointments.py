"""Appointments: planned meetings of a match. A mentor (or the match's staff) plans, moves or
cancels one; the family's members who use the bot are told (with a calendar file) and
reminded; they answer with one tap and the mentors are told at once.

Times are entered in the planner's timezone and stored in UTC."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Select, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import Translator
from bot.services import access, actors, audit, ics, outbox, people, reminders, texts
from bot.services.appointment_texts import (
    AppointmentView,
    Attendee,
    answer_buttons,
    answer_notice,
    cancelled_notice,
    co_mentor_notice,
    mentee_card,
)
from bot.services.dates import read_day, word_languages
from bot.services.errors import Invalid, NotFound
from domain.values import Actor
from storage.match_life import MatchStage
from storage.models import (
    Answer,
    Appointment,
    AppointmentAnswer,
    AppointmentStatus,
    Consent,
    Family,
    Match,
    MatchMentor,
    MatchStatus,
    Organisation,
    Person,
    Role,
)

PLACE_MAX = 300  # UTF-16 units, as Telegram counts them
NOTE_MAX = 1000
HORIZON_DAYS = 366
DEFAULT_DURATION = 60

# Callback data of the mentors' buttons on appointment notices: "ap:<action>:<id>".
MANAGE_PREFIX = "ap"


@dataclass(frozen=True)
class MatchChoice:
    id: int
    family_name: str


# Reading what people type -----------------------------------------------------------------------


def local_now(now: datetime, tz: str) -> datetime:
    return now.astimezone(ZoneInfo(tz))


def at_local(day: date, moment: time, tz: str) -> datetime:
    """A wall-clock date and time in `tz`, as an aware UTC datetime."""
    return datetime.combine(day, moment, tzinfo=ZoneInfo(tz)).astimezone(UTC)


def parse_day(text: str, locale: str, tz: str, now: datetime) -> date:
    """A date typed in the person's language ("jueves", "5 de marzo", "tomorrow", "12/3",
    "05.04"). Raises Invalid("date_unreadable" | "date_past" | "date_too_far")."""
    today = local_now(now, tz).replace(tzinfo=None)
    parsed = read_day(text, locale, today, "future")
    if parsed is None:
        raise Invalid("date_unreadable")
    day = parsed
    if day < today.date():
        raise Invalid("date_past")
    if day > today.date() + timedelta(days=HORIZON_DAYS):
        raise Invalid("date_too_far")
    return day


_HOURS_H = re.compile(r"^\s*(\d{1,2})\s*(?:h\s*(\d{2})?)?\s*$", re.IGNORECASE)


def parse_time(text: str, locale: str) -> time:
    """A time typed in the person's way ("17:30", "5pm", "17.30", "17h", "17h30", "17").
    Raises Invalid("time_unreadable")."""
    cleaned = _HOURS_H.sub(lambda m: f"{m.group(1)}:{m.group(2) or '00'}", text.strip())
    base = datetime(2000, 1, 3, 0, 0)
    import dateparser  # its language data: imported when a time is first typed

    parsed = dateparser.parse(
        cleaned,
        languages=word_languages(locale),
        settings={"RELATIVE_BASE": base, "PREFER_DATES_FROM": "current_period"},
    )
    # A time alone keeps the base day; "tomorrow" or "the 5th" do not; "today" has no time.
    if parsed is None or parsed.date() != base.date() or parsed == base:
        raise Invalid("time_unreadable")
    return parsed.time().replace(second=0, microsecond=0)


def check_start(starts_at: datetime, now: datetime) -> None:
    if starts_at <= now:
        raise Invalid("time_past")
    if starts_at > now + timedelta(days=HORIZON_DAYS):
        raise Invalid("date_too_far")


def clean_place(place: str) -> str:
    place = " ".join(place.split())
    if not place:
        raise Invalid("place_empty")
    return texts.check(place, PLACE_MAX, "place_too_long")


def clean_note(note: str | None) -> str | None:
    note = (note or "").strip()
    return texts.check(note, NOTE_MAX, "note_too_long") or None


# Who may do what ---------------------------------------------------------------------------------


async def _is_mentor_of(session: AsyncSession, person: Person, match_id: int) -> bool:
    row = await session.get(MatchMentor, (match_id, person.id))
    return row is not None


async def _may_manage(session: AsyncSession, person: Person, match: Match) -> bool:
    """The match's mentors, its referring worker, the organisation's coordinators, and an
    admin one of its concerns was escalated to (`bot.services.access`)."""
    if person.organisation_id != match.organisation_id or not person.active:
        return False
    if person.role == Role.MENTOR:
        return await _is_mentor_of(session, person, match.id)
    return await access.may_see_match(session, person, match)


async def _managed_match(session: AsyncSession, person: Person, match_id: int) -> Match:
    match = await session.get(Match, match_id)
    if match is None or not await _may_manage(session, person, match):
        raise NotFound("match")
    if not _plannable(match):
        raise Invalid("match_not_active")
    return match


def _plannable(match: Match) -> bool:
    """Active matches, and a forming one at its three-party first meeting."""
    return match.status == MatchStatus.ACTIVE or (
        match.status == MatchStatus.PROPOSED and match.stage == MatchStage.FIRST_MEETING
    )


async def _managed_appointment(
    session: AsyncSession, person: Person, appointment_id: int
) -> tuple[Appointment, Match]:
    appointment = await session.get(Appointment, appointment_id)
    if appointment is None:
        raise NotFound("appointment")
    match = await session.get(Match, appointment.match_id)
    if match is None or not await _may_manage(session, person, match):
        raise NotFound("appointment")
    return appointment, match


async def _family_appointment(
    session: AsyncSession, person: Person, appointment_id: int
) -> tuple[Appointment, Match, str]:
    """An appointment of the person's own family (mentees only), its match and the family's
    name, in one query."""
    if person.role != Role.MENTEE or person.family_id is None:
        raise NotFound("appointment")
    row = (
        await session.execute(
            select(Appointment, Match, Family.name)
            .join(Match, Match.id == Appointment.match_id)
            .outerjoin(Family, Family.id == Match.family_id)
            .where(Appointment.id == appointment_id)
        )
    ).one_or_none()
    if row is None:
        raise NotFound("appointment")
    appointment, match, family_name = row
    if match.family_id != person.family_id or match.organisation_id != person.organisation_id:
        raise NotFound("appointment")
    return appointment, match, family_name or ""


# Views -------------------------------------------------------------------------------------------


async def _mentors(session: AsyncSession, match_id: int) -> list[Person]:
    result = await session.execute(
        select(Person)
        .join(MatchMentor, MatchMentor.mentor_id == Person.id)
        .where(MatchMentor.match_id == match_id, Person.active.is_(True))
        .order_by(Person.id)
    )
    return list(result.scalars())


async def view_of(
    session: AsyncSession,
    appointment: Appointment,
    match: Match,
    family_name: str | None = None,
) -> AppointmentView:
    """What a card shows: the mentors' names, and the family's members with their answers
    (one query each; the family's name too unless the caller loaded it). The members who use
    the bot (`reminders.recipients_of_family`) are its attendees; the others, and those who
    blocked the bot, are named as not reached."""
    if family_name is None:
        family_name = (
            await session.execute(select(Family.name).where(Family.id == match.family_id))
        ).scalar_one_or_none() or ""
    mentor_names = (
        await session.execute(
            select(Person.name)
            .join(MatchMentor, MatchMentor.mentor_id == Person.id)
            .where(MatchMentor.match_id == match.id, Person.active.is_(True))
            .order_by(Person.id)
        )
    ).scalars()
    members = (
        await session.execute(
            select(
                Person.id,
                Person.name,
                Person.telegram_id.is_not(None) & (Person.consent == Consent.GIVEN),
                Person.reachable,
                AppointmentAnswer.answer,
            )
            .outerjoin(
                AppointmentAnswer,
                (AppointmentAnswer.appointment_id == appointment.id)
                & (AppointmentAnswer.person_id == Person.id),
            )
            .where(
                Person.family_id == match.family_id,
                Person.role == Role.MENTEE,
                Person.active.is_(True),
            )
            .order_by(Person.id)
        )
    ).all()
    attendees = [
        Attendee(pid, name, given, bool(reachable))
        for pid, name, uses_bot, reachable, given in members
        if uses_bot
    ]
    using = {a.person_id for a in attendees}
    unreached = [
        name for pid, name, _, reachable, _ in members if pid not in using or not reachable
    ]
    return AppointmentView(
        id=appointment.id,
        match_id=match.id,
        family_name=family_name,
        starts_at=appointment.starts_at,
        duration_minutes=appointment.duration_minutes,
        place=appointment.place,
        note=appointment.note,
        status=appointment.status,
        sequence=appointment.sequence,
        mentor_names=list(mentor_names),
        attendees=attendees,
        unreached=unreached,
    )


async def matches_of(session: AsyncSession, person: Actor) -> list[MatchChoice]:
    """The active matches a mentor may plan for, with their family's name."""
    if person.role != Role.MENTOR:
        return []
    result = await session.execute(
        select(Match.id, Family.name)
        .join(MatchMentor, MatchMentor.match_id == Match.id)
        .join(Family, Family.id == Match.family_id)
        .where(
            MatchMentor.mentor_id == person.id,
            Match.status == MatchStatus.ACTIVE,
            Match.organisation_id == person.organisation_id,
        )
        .order_by(Family.name, Match.id)
    )
    return [MatchChoice(mid, name) for mid, name in result.all()]


async def last_place(session: AsyncSession, person: Actor, match_id: int) -> str | None:
    """The place of the match's latest appointment, offered again as one tap."""
    person = await actors.row(session, person)
    await _managed_match(session, person, match_id)
    result = await session.execute(
        select(Appointment.place)
        .where(Appointment.match_id == match_id)
        .order_by(Appointment.starts_at.desc())
        .limit(1)
    )
    return result.scalar_one_or_none()


async def _upcoming(
    session: AsyncSession, query: Select[Appointment, Match], now: datetime, limit: int
) -> list[AppointmentView]:
    result = await session.execute(
        query.add_columns(Family.name)
        .outerjoin(Family, Family.id == Match.family_id)
        .where(Appointment.status == AppointmentStatus.PLANNED, Appointment.starts_at > now)
        .order_by(Appointment.starts_at)
        .limit(limit)
    )
    return [await view_of(session, a, m, name or "") for a, m, name in result.all()]


async def upcoming_for_manager(
    session: AsyncSession, person: Actor, now: datetime, limit: int = 10
) -> list[AppointmentView]:
    """A mentor's coming appointments, over all their matches."""
    query = (
        select(Appointment, Match)
        .join(Match, Match.id == Appointment.match_id)
        .join(MatchMentor, MatchMentor.match_id == Match.id)
        .where(
            MatchMentor.mentor_id == person.id,
            Match.organisation_id == person.organisation_id,
        )
    )
    return await _upcoming(session, query, now, limit)


async def upcoming_for_mentee(
    session: AsyncSession, person: Actor, now: datetime, limit: int = 10
) -> list[AppointmentView]:
    """The coming appointments of the person's family."""
    if person.role != Role.MENTEE or person.family_id is None:
        return []
    query = (
        select(Appointment, Match)
        .join(Match, Match.id == Appointment.match_id)
        .where(
            Match.family_id == person.family_id,
            Match.organisation_id == person.organisation_id,
        )
    )
    return await _upcoming(session, query, now, limit)


async def get_for_family(
    session: AsyncSession, person: Actor, appointment_id: int
) -> AppointmentView:
    person = await actors.row(session, person)
    appointment, match, family_name = await _family_appointment(session, person, appointment_id)
    return await view_of(session, appointment, match, family_name)


async def get_for_manager(
    session: AsyncSession, person: Actor, appointment_id: int
) -> AppointmentView:
    person = await actors.row(session, person)
    appointment, match = await _managed_appointment(session, person, appointment_id)
    return await view_of(session, appointment, match)


# Use cases ---------------------------------------------------------------------------------------


AUDIT_ACTIONS = {
    "planned": "appointment.created",
    "moved": "appointment.moved",
    "cancelled": "appointment.cancelled",
}


async def _announce(
    session: AsyncSession,
    person: Person,
    appointment: Appointment,
    match: Match,
    org: Organisation,
    kind: str,
    now: datetime,
) -> AppointmentView:
    """After a plan, a move or a cancellation: tell the family and the other mentors, and
    audit it."""
    view = await view_of(session, appointment, match)
    asleep = await _tell_family(session, appointment, view, org, kind, now)
    if asleep:
        view = replace(view, asleep=asleep)
    await _tell_co_mentors(session, person, view, org, kind, now)
    audit.record(
        session,
        now,
        AUDIT_ACTIONS[kind],
        actor_id=person.id,
        organisation_id=match.organisation_id,
        target=("appointment", appointment.id),
        sequence=appointment.sequence,
    )
    return view


async def create(
    session: AsyncSession,
    person: Actor,
    match_id: int,
    starts_at: datetime,
    place: str,
    note: str | None,
    now: datetime,
    duration_minutes: int = DEFAULT_DURATION,
) -> AppointmentView:
    """Plan an appointment: stored, reminders written, the family told (with a calendar
    file), the other mentors told."""
    person = await actors.row(session, person)
    match = await _managed_match(session, person, match_id)
    check_start(starts_at, now)
    appointment = Appointment(
        match_id=match.id,
        created_by_id=person.id,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        place=clean_place(place),
        note=clean_note(note),
        status=AppointmentStatus.PLANNED,
        sequence=0,
        created_at=now,
        updated_at=now,
    )
    session.add(appointment)
    await session.flush()
    org = await _org(session, match)
    await reminders.schedule(session, appointment, match, org, now)
    view = await _announce(session, person, appointment, match, org, "planned", now)
    if match.stage == MatchStage.FIRST_MEETING:
        from bot.services import match_cycle

        await match_cycle.first_meeting_planned(session, appointment, view, match, org, now)
    return view


async def move(
    session: AsyncSession,
    person: Actor,
    appointment_id: int,
    starts_at: datetime,
    now: datetime,
    place: str | None = None,
) -> AppointmentView:
    """A new date and time (and optionally place): pending reminders are withdrawn and written
    again, earlier answers no longer hold, the family gets the new time and calendar file."""
    person = await actors.row(session, person)
    appointment, match = await _managed_appointment(session, person, appointment_id)
    if appointment.status != AppointmentStatus.PLANNED:
        raise Invalid("appointment_cancelled")
    if not _plannable(match):
        raise Invalid("match_not_active")
    check_start(starts_at, now)
    appointment.starts_at = starts_at
    if place is not None:
        appointment.place = clean_place(place)
    appointment.sequence += 1
    appointment.updated_at = now
    await reminders.withdraw(session, appointment.id, reminders.MOVED, now)
    await session.execute(
        delete(AppointmentAnswer).where(AppointmentAnswer.appointment_id == appointment.id)
    )
    await session.flush()
    org = await _org(session, match)
    await reminders.schedule(session, appointment, match, org, now)
    return await _announce(session, person, appointment, match, org, "moved", now)


async def cancel(
    session: AsyncSession, person: Actor, appointment_id: int, now: datetime
) -> AppointmentView:
    """Cancel: pending reminders withdrawn with the reason, the family told (with a
    cancelling calendar file), the other mentors told."""
    person = await actors.row(session, person)
    appointment, match = await _managed_appointment(session, person, appointment_id)
    if appointment.status != AppointmentStatus.PLANNED:
        raise Invalid("appointment_cancelled")
    if appointment.starts_at <= now:
        raise Invalid("appointment_passed")
    appointment.status = AppointmentStatus.CANCELLED
    appointment.sequence += 1
    appointment.updated_at = now
    await reminders.withdraw(session, appointment.id, reminders.CANCELLED, now)
    await session.flush()
    org = await _org(session, match)
    return await _announce(session, person, appointment, match, org, "cancelled", now)


@dataclass(frozen=True)
class Answered:
    view: AppointmentView
    answer: Answer
    changed: bool  # False when the same answer was given again


async def answer(
    session: AsyncSession,
    person: Actor,
    appointment_id: int,
    given: Answer,
    now: datetime,
    sequence: int | None = None,
) -> Answered:
    """A family member's one-tap answer. Only a member of the appointment's family may answer;
    the mentors are told at once, each in their own language. `sequence` is the version of
    the appointment the person saw: an answer to an earlier time is refused."""
    person = await actors.row(session, person)
    appointment, match, family_name = await _family_appointment(session, person, appointment_id)
    if appointment.status != AppointmentStatus.PLANNED:
        raise Invalid("appointment_cancelled")
    if sequence is not None and sequence != appointment.sequence:
        raise Invalid("appointment_moved")
    if appointment.starts_at <= now:
        raise Invalid("appointment_passed")
    view = await view_of(session, appointment, match, family_name)
    if any(a.person_id == person.id for a in view.attendees):
        # The card's query read this person's answer already: the row is not read again,
        # and the same answer given again writes nothing.
        previous = view.answer_of(person.id)
        changed = previous != given
        if changed and previous is None:
            session.add(
                AppointmentAnswer(
                    appointment_id=appointment.id,
                    person_id=person.id,
                    answer=given,
                    answered_at=now,
                )
            )
            await session.flush()
        elif changed:
            await session.execute(
                update(AppointmentAnswer)
                .where(
                    AppointmentAnswer.appointment_id == appointment.id,
                    AppointmentAnswer.person_id == person.id,
                )
                .values(answer=given, answered_at=now)
                .execution_options(synchronize_session=False)
            )
        if changed:
            view = replace(
                view,
                attendees=[
                    replace(a, answer=given) if a.person_id == person.id else a
                    for a in view.attendees
                ],
            )
    else:
        # Not among the members the bot writes to (cannot happen through a linked,
        # agreeing mentee): the row itself decides.
        row = await session.get(AppointmentAnswer, (appointment.id, person.id))
        changed = row is None or row.answer != given
        if row is None:
            session.add(
                AppointmentAnswer(
                    appointment_id=appointment.id,
                    person_id=person.id,
                    answer=given,
                    answered_at=now,
                )
            )
        elif changed:
            row.answer, row.answered_at = given, now
        await session.flush()
    if changed:
        org = await _org(session, match)
        for mentor in await _mentors(session, match.id):
            reader = people.Reader(mentor, org)
            # Held until the end of the mentor's quiet hours; a meeting that itself falls in
            # them (None: the window lasts past its start) is news they need now.
            at = reminders.after_quiet_hours(
                now, reader.tz, mentor.quiet_start, mentor.quiet_end, before=view.starts_at
            )
            buttons = None
            if given != Answer.COMING:
                # Translators: button: move the appointment to another day or time.
                move = reader.tr.pgettext("appointment button", "Move")
                buttons = [[(move, f"{MANAGE_PREFIX}:m:{appointment.id}")]]
            outbox.enqueue(
                session,
                now,
                mentor,
                "appointment_answer",
                answer_notice(reader.tr, reader.tz, view, person.name, given),
                buttons=buttons,
                ref=("appointment", appointment.id),
                not_before=at or now,
            )
        audit.record(
            session,
            now,
            "appointment.answered",
            actor_id=person.id,
            organisation_id=match.organisation_id,
            target=("appointment", appointment.id),
            answer=given.value,
        )
    return Answered(view, given, changed)


# Telling people -----------------------------------------------------------------------------------


async def _org(session: AsyncSession, match: Match) -> Organisation:
    org = await session.get(Organisation, match.organisation_id)
    assert org is not None
    return org


def calendar_file(
    tr: Translator, appointment: Appointment, view: AppointmentView, now: datetime
) -> outbox.Document:
    summary = tr.gettext("Meeting with %(who)s") % {"who": tr.join(view.mentor_names)}
    content = ics.build(appointment, summary=summary, now=now, description=view.note)
    return outbox.Document(ics.filename(appointment.id), content, ics.MIME)


async def _tell_family(
    session: AsyncSession,
    appointment: Appointment,
    view: AppointmentView,
    org: Organisation,
    kind: str,
    now: datetime,
) -> list[str]:
    """The card (and calendar file) to each member who uses the bot, out of their quiet
    hours; a member whose quiet hours last until after the meeting is not told through the
    bot. Returns their names."""
    asleep: list[str] = []
    for person in await reminders.recipients(session, await _match(session, view.match_id)):
        reader = people.Reader(person, org)
        at = reminders.after_quiet_hours(
            now, reader.tz, person.quiet_start, person.quiet_end, before=appointment.starts_at
        )
        if at is None:
            if person.reachable and person.telegram_id is not None:
                asleep.append(person.name)
            continue
        key = f"appointment:{appointment.id}:{appointment.sequence}:{person.id}"
        if kind == "cancelled":
            text, buttons = cancelled_notice(reader.tr, reader.tz, view), None
        else:
            text = mentee_card(reader.tr, reader.tz, view, kind, None)
            buttons = answer_buttons(reader.tr, view, None, kind)
        outbox.enqueue(
            session,
            now,
            person,
            f"appointment_{kind}",
            text,
            buttons=buttons,
            ref=("appointment", appointment.id),
            dedupe_key=key,
            not_before=at,
        )
        outbox.enqueue(
            session,
            now,
            person,
            "appointment_ics",
            reader.tr.gettext("Add it to your phone's calendar: open this file."),
            document=calendar_file(reader.tr, appointment, view, now),
            ref=("appointment", appointment.id),
            dedupe_key=f"ics:{key}",
            not_before=at,
        )
    return asleep


async def _match(session: AsyncSession, match_id: int) -> Match:
    match = await session.get(Match, match_id)
    assert match is not None
    return match


async def _tell_co_mentors(
    session: AsyncSession,
    actor: Person,
    view: AppointmentView,
    org: Organisation,
    kind: str,
    now: datetime,
) -> None:
    for mentor in await _mentors(session, view.match_id):
        if mentor.id == actor.id:
            continue
        reader = people.Reader(mentor, org)
        at = reminders.after_quiet_hours(
            now, reader.tz, mentor.quiet_start, mentor.quiet_end, before=view.starts_at
        )
        if at is None:  # it would come after the meeting
            continue
        outbox.enqueue(
            session,
            now,
            mentor,
            f"appointment_{kind}",
            co_mentor_notice(reader.tr, reader.tz, view, actor.name, kind),
            ref=("appointment", view.id),
            not_before=at,
        )
