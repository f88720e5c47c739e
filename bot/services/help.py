"""Help requests: a mentor (or a mentee) asks the programme's staff something, and the thread
goes back and forth through the bot until either side closes it.

The request reaches the match's referring worker. Any message in the thread is kept in its
author's words and language and shown to the reader with that language named; nothing is
machine-translated. Staff who may answer: the assigned worker, plus coordinators and admins of
the same organisation. If no staff answer before `answer_due_at` (the organisation's
`help_target_hours`), the coordinators are told, once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from babel import UnknownLocaleError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import CLDR_LOCALES, N_, Translator, cldr_locale, isolate
from bot.services import access, audit, outbox, people, texts
from bot.services.errors import Invalid, NotAllowed, NotFound
from storage.models import (
    Family,
    HelpKind,
    HelpMessage,
    HelpRequest,
    Match,
    MatchMentor,
    MatchStatus,
    Organisation,
    Person,
    Role,
    ThreadStatus,
)

REF = "help_request"
MAX_TEXT = 3000  # UTF-16 units; a longer card is cut, with a button for the whole text

# Callback data of the buttons on cards and relayed messages: "hp:<action>:<request id>".
PREFIX = "hp"


def reply_data(request_id: int) -> str:
    return f"{PREFIX}:r:{request_id}"


def close_data(request_id: int) -> str:
    return f"{PREFIX}:c:{request_id}"


NEED_HELP_DATA = f"{PREFIX}:n"  # starts a mentee's "I need help"
NEED_HELP_LABEL = N_("I need help")


MENTOR_KINDS = (HelpKind.PRACTICAL, HelpKind.RELATIONSHIP, HelpKind.SUPPORT)

# What a mentor picks from.
ASK_LABELS: dict[HelpKind, str] = {
    HelpKind.PRACTICAL: N_("A practical question (a form, an appointment)"),
    HelpKind.RELATIONSHIP: N_("About the relationship (how far to go, boundaries)"),
    HelpKind.SUPPORT: N_("I need more support as a mentor"),
}

# What staff read.
KIND_LABELS: dict[HelpKind, str] = {
    HelpKind.PRACTICAL: N_("Practical question (a form, an appointment)"),
    HelpKind.RELATIONSHIP: N_(
        "Question about the relationship (how far the link should go, boundaries)"
    ),
    HelpKind.SUPPORT: N_("Request for more support for the mentor"),
    HelpKind.MENTEE: N_("A mentee asks for help"),
}

# Ready-made messages a mentee can send with one tap.
PRESETS: dict[str, str] = {
    "talk": N_("I need to talk to my worker."),
    "call": N_("Please call me."),
    "paper": N_("I got a letter or a form that I do not understand."),
}


@dataclass(frozen=True)
class MatchChoice:
    id: int
    family_name: str
    worker_name: str


@dataclass(frozen=True)
class Sent:
    """A message stored in a thread and queued for the other side."""

    request_id: int
    message_id: int
    recipients: int  # how many people it was queued for
    worker_name: str


@dataclass(frozen=True)
class Thread:
    """A help request as one participant sees it."""

    id: int
    kind: HelpKind
    status: ThreadStatus
    requester_id: int
    requester_name: str
    as_staff: bool  # the viewer answers for the programme


@dataclass(frozen=True)
class Closed:
    request_id: int
    already: bool  # it was closed before this press; nothing changed
    told: int  # how many people were told


@dataclass(frozen=True)
class OpenHelp:
    """An open help request, for staff lists."""

    id: int
    kind: HelpKind
    requester_name: str
    created_at: datetime
    answer_due_at: datetime | None
    requester_id: int
    worker_id: int
    match_id: int | None


# --- queries ---------------------------------------------------------------------------------


async def mentor_matches(session: AsyncSession, mentor: Person) -> list[MatchChoice]:
    """The active matches a mentor can ask about, oldest first."""
    if mentor.role != Role.MENTOR:
        raise NotAllowed("only mentors ask about a match")
    rows = await session.execute(
        select(Match.id, Family.name, Person.name)
        .join(MatchMentor, MatchMentor.match_id == Match.id)
        .join(Family, Family.id == Match.family_id)
        .join(Person, Person.id == Match.worker_id)
        .where(
            MatchMentor.mentor_id == mentor.id,
            Match.organisation_id == mentor.organisation_id,
            Match.status == MatchStatus.ACTIVE,
        )
        .order_by(Match.id)
    )
    return [MatchChoice(mid, family, worker) for mid, family, worker in rows.all()]


async def mentor_match(session: AsyncSession, mentor: Person, match_id: int) -> MatchChoice:
    """One of the mentor's active matches; NotFound for any other."""
    for choice in await mentor_matches(session, mentor):
        if choice.id == match_id:
            return choice
    raise NotFound("not one of this mentor's active matches")


async def mentee_match(session: AsyncSession, mentee: Person) -> MatchChoice | None:
    """The match a mentee's request goes to: their family's active match (the latest when
    there are several), or None."""
    if mentee.role != Role.MENTEE:
        raise NotAllowed("only mentees ask as mentees")
    match = await _family_match(session, mentee)
    if match is None:
        return None
    family = await session.get(Family, match.family_id)
    worker = await session.get(Person, match.worker_id)
    assert family is not None and worker is not None
    return MatchChoice(match.id, family.name, worker.name)


async def open_requests(session: AsyncSession, org_id: int) -> list[OpenHelp]:
    """The organisation's open help requests: unanswered ones first, by deadline, then the
    rest by age."""
    rows = await session.execute(
        select(HelpRequest, Person.name)
        .join(Person, Person.id == HelpRequest.requester_id)
        .where(
            HelpRequest.organisation_id == org_id,
            HelpRequest.status == ThreadStatus.OPEN,
        )
        .order_by(HelpRequest.created_at, HelpRequest.id)
    )
    found = [
        OpenHelp(
            id=hr.id,
            kind=hr.kind,
            requester_name=name,
            created_at=hr.created_at,
            answer_due_at=hr.answer_due_at,
            requester_id=hr.requester_id,
            worker_id=hr.worker_id,
            match_id=hr.match_id,
        )
        for hr, name in rows.all()
    ]
    return sorted(found, key=lambda h: (h.answer_due_at is None, h.answer_due_at or h.created_at))


async def open_requests_for(session: AsyncSession, actor: Person) -> list[OpenHelp]:
    """The open help requests `actor` (staff) may see: a worker's own, the organisation's
    for a coordinator, those escalation brought to an admin."""
    if not actor.role.is_staff or not actor.active:
        raise NotAllowed("staff only")
    found = await open_requests(session, actor.organisation_id)
    if actor.role == Role.COORDINATOR:
        return found
    if actor.role == Role.WORKER:
        return [h for h in found if h.worker_id == actor.id]
    kept = []
    for h in found:
        hr = await session.get(HelpRequest, h.id)
        if hr is not None and await access.may_see_help(session, actor, hr):
            kept.append(h)
    return kept


# --- asking ----------------------------------------------------------------------------------


def clean_text(text: str, limit: int = MAX_TEXT) -> str:
    """A typed message without its surrounding blanks, or Invalid("empty" / "too_long")."""
    text = (text or "").strip()
    if not text:
        raise Invalid("empty")
    return texts.check(text, limit)


async def _add_message(
    session: AsyncSession,
    hr: HelpRequest,
    author: Person,
    text: str,
    language: str,
    now: datetime,
) -> HelpMessage:
    """A message of a thread, kept in its author's words and language."""
    message = HelpMessage(
        help_request_id=hr.id, author_id=author.id, text=text, language=language, created_at=now
    )
    session.add(message)
    await session.flush()
    return message


async def ask(
    session: AsyncSession,
    now: datetime,
    requester: Person,
    kind: HelpKind,
    text: str | None = None,
    *,
    match_id: int | None = None,
    preset: str | None = None,
) -> Sent:
    """Store a new help request with its first message and queue the card for the worker.

    Mentors ask one of the mentor kinds about one of their active matches (`match_id`, which
    may be left out when they have exactly one). Mentees ask with `HelpKind.MENTEE`, about
    their family's active match, with typed `text` or a ready-made `preset`."""
    org = await people.organisation_of(session, requester)
    if requester.role == Role.MENTOR:
        if kind not in MENTOR_KINDS:
            raise NotAllowed("mentors ask one of the mentor kinds")
        if preset is not None:
            raise NotAllowed("ready-made messages are for mentees")
        if match_id is None:
            choices = await mentor_matches(session, requester)
            if len(choices) != 1:
                raise Invalid("no_match" if not choices else "which_match")
            match_id = choices[0].id
        else:
            await mentor_match(session, requester, match_id)
        match = await session.get(Match, match_id)
        assert match is not None
    elif requester.role == Role.MENTEE:
        if kind != HelpKind.MENTEE:
            raise NotAllowed("mentees ask as mentees")
        if match_id is not None:
            raise NotAllowed("a mentee's request goes to their family's match")
        found = await _family_match(session, requester)
        if found is None:
            raise Invalid("no_match")
        match = found
    else:
        raise NotAllowed("staff do not ask for help here")

    author_reader = await people.reader(session, requester)
    if preset is not None:
        if preset not in PRESETS:
            raise Invalid("preset")
        text = author_reader.tr.gettext(PRESETS[preset])
    text = clean_text(text or "")

    worker = await session.get(Person, match.worker_id)
    assert worker is not None
    hr = HelpRequest(
        organisation_id=org.id,
        match_id=match.id,
        requester_id=requester.id,
        worker_id=worker.id,
        kind=kind,
        status=ThreadStatus.OPEN,
        created_at=now,
        answer_due_at=now + timedelta(hours=org.help_target_hours),
    )
    session.add(hr)
    await session.flush()
    message = await _add_message(session, hr, requester, text, author_reader.locale, now)

    family = await _family_name(session, hr)
    queued = 0
    for staff in await _staff_side(session, hr, org, exclude=None):
        rd = await people.reader(session, staff)
        card = _staff_card(
            rd.tr,
            rd.tz,
            hr,
            requester,
            requester,
            message,
            family,
            title=rd.tr.gettext("New help request"),
            preset=preset,
        )
        if _enqueue(
            session, now, staff, rd.tr, hr, card.text, kind="help_request",
            whole=message.id if card.clipped else None, origin=requester,
        ):  # fmt: skip
            queued += 1
    audit.record(
        session,
        now,
        "help.asked",
        actor_id=requester.id,
        organisation_id=org.id,
        target=(REF, hr.id),
        kind=kind.value,
        match_id=match.id,
        message_id=message.id,
        preset=preset,
        recipients=queued,
    )
    return Sent(hr.id, message.id, queued, worker.name)


# --- the thread ------------------------------------------------------------------------------


async def thread(session: AsyncSession, person: Person, request_id: int) -> Thread:
    """A help request this person may write in (NotAllowed otherwise), open or not."""
    hr = await _get(session, request_id)
    as_staff = await _authorise(session, person, hr)
    requester = await session.get(Person, hr.requester_id)
    assert requester is not None
    return Thread(hr.id, hr.kind, hr.status, hr.requester_id, requester.name, as_staff)


async def reply(
    session: AsyncSession, now: datetime, author: Person, request_id: int, text: str
) -> Sent:
    """Add a message to an open thread and queue it for the other side. Staff answering
    clears the request's answer deadline."""
    hr = await _get(session, request_id, lock=True)
    as_staff = await _authorise(session, author, hr)
    if hr.status != ThreadStatus.OPEN:
        raise Invalid("closed")
    text = clean_text(text)
    author_reader = await people.reader(session, author)
    message = await _add_message(session, hr, author, text, author_reader.locale, now)
    first_answer = as_staff and hr.answer_due_at is not None
    if as_staff:
        hr.answer_due_at = None

    org = await people.organisation_of(session, author)
    requester = await session.get(Person, hr.requester_id)
    worker = await session.get(Person, hr.worker_id)
    assert requester is not None and worker is not None
    family = await _family_name(session, hr)
    queued = 0
    if as_staff:
        rd = await people.reader(session, requester)
        relay = _requester_relay(rd.tr, rd.tz, hr, author, message)
        if _enqueue(
            session, now, requester, rd.tr, hr, relay.text, kind="help_answer",
            whole=message.id if relay.clipped else None, origin=author,
        ):  # fmt: skip
            queued += 1
    for staff in await _staff_side(session, hr, org, exclude=author.id, fallback=not as_staff):
        rd = await people.reader(session, staff)
        card = _staff_card(
            rd.tr,
            rd.tz,
            hr,
            requester,
            author,
            message,
            family,
            title=rd.tr.gettext("New message in a help request"),
        )
        if _enqueue(
            session, now, staff, rd.tr, hr, card.text, kind="help_message",
            whole=message.id if card.clipped else None, origin=author,
        ):  # fmt: skip
            queued += 1
    audit.record(
        session,
        now,
        "help.answered" if as_staff else "help.followed_up",
        actor_id=author.id,
        organisation_id=hr.organisation_id,
        target=(REF, hr.id),
        message_id=message.id,
        first_answer=first_answer,
        recipients=queued,
    )
    return Sent(hr.id, message.id, queued, worker.name)


async def close(session: AsyncSession, now: datetime, person: Person, request_id: int) -> Closed:
    """Close a thread; everyone else in it is told. Closing a closed thread changes nothing."""
    hr = await _get(session, request_id, lock=True)
    await _authorise(session, person, hr)
    if hr.status == ThreadStatus.CLOSED:
        return Closed(hr.id, already=True, told=0)
    hr.status, hr.closed_at, hr.closed_by_id = ThreadStatus.CLOSED, now, person.id
    hr.answer_due_at = None

    org = await people.organisation_of(session, person)
    requester = await session.get(Person, hr.requester_id)
    assert requester is not None
    family = await _family_name(session, hr)
    others: list[Person] = []
    if requester.id != person.id:
        others.append(requester)
    others.extend(await _staff_side(session, hr, org, exclude=person.id, fallback=False))
    told = 0
    for other in others:
        rd = await people.reader(session, other)
        tr = rd.tr
        if other.id == requester.id:
            # About the person who closed it, in the form they asked for (bot/gendered.py).
            text = tr.about(person.address, "%(name)s closed your help request of %(when)s.") % {
                "name": isolate(person.name),
                "when": tr.when(hr.created_at, rd.tz),
            }
        else:
            text = tr.gettext(
                "%(name)s closed the help request of %(when)s from %(requester)s "
                "(family %(family)s)."
            ) % {
                "name": isolate(person.name),
                "when": tr.when(hr.created_at, rd.tz),
                "requester": isolate(requester.name),
                "family": isolate(family),
            }
        buttons: outbox.Buttons | None = None
        if other.role == Role.MENTEE:  # a new request is one tap away
            buttons = [[(tr.gettext(NEED_HELP_LABEL), NEED_HELP_DATA)]]
        if outbox.enqueue(
            session, now, other, "help_closed", text, buttons=buttons, ref=(REF, hr.id)
        ):
            told += 1
    audit.record(
        session,
        now,
        "help.closed",
        actor_id=person.id,
        organisation_id=hr.organisation_id,
        target=(REF, hr.id),
        told=told,
    )
    return Closed(hr.id, already=False, told=told)


# --- the deadline ----------------------------------------------------------------------------


async def notify_overdue(session: AsyncSession, now: datetime, limit: int = 200) -> int:
    """Tell the coordinators (admins when there are none) of each open request whose answer
    deadline has come without a staff answer, once. Returns how many requests were overdue."""
    result = await session.execute(
        select(HelpRequest)
        .where(
            HelpRequest.status == ThreadStatus.OPEN,
            HelpRequest.answer_due_at.is_not(None),
            HelpRequest.answer_due_at <= now,
            HelpRequest.overdue_notified_at.is_(None),
        )
        .order_by(HelpRequest.answer_due_at, HelpRequest.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    overdue = list(result.scalars())
    for hr in overdue:
        hr.overdue_notified_at = now
        org = await session.get(Organisation, hr.organisation_id)
        requester = await session.get(Person, hr.requester_id)
        worker = await session.get(Person, hr.worker_id)
        assert org is not None and requester is not None and worker is not None
        first = await _first_message(session, hr.id)
        family = await _family_name(session, hr)
        told = 0
        for coordinator in await _coordinators(session, org.id, exclude=hr.worker_id):
            rd = await people.reader(session, coordinator)
            tr = rd.tr
            card = _staff_card(
                tr,
                rd.tz,
                hr,
                requester,
                requester,
                first,
                family,
                title=tr.gettext("Help request not answered in time"),
                worker=worker,
            )
            if _enqueue(
                session,
                now,
                coordinator,
                tr,
                hr,
                card.text,
                kind="help_overdue",
                whole=first.id if card.clipped else None,
                dedupe_key=f"help-overdue:{hr.id}:{coordinator.id}",
            ):
                told += 1
        audit.record(
            session,
            now,
            "help.overdue",
            actor_id=None,
            organisation_id=hr.organisation_id,
            target=(REF, hr.id),
            worker_id=hr.worker_id,
            told=told,
        )
    return len(overdue)


# --- rules -----------------------------------------------------------------------------------


def may_write(person: Person, hr: HelpRequest) -> bool:
    """Who may read, answer and close a thread, from the request alone: its requester; its
    assigned worker; the coordinators of its organisation. An admin only when escalation
    brought it to them, which `bot.services.access.may_see_help` looks up."""
    if not person.active or person.organisation_id != hr.organisation_id:
        return False
    if person.id == hr.requester_id:
        return True
    if person.id == hr.worker_id and person.role.is_staff:
        return True
    return person.role == Role.COORDINATOR


async def _authorise(session: AsyncSession, person: Person, hr: HelpRequest) -> bool:
    """Raises NotAllowed unless `person` may write in the thread; True when they write for
    the programme (staff), False when they are the requester."""
    if not may_write(person, hr) and not await access.may_see_help(session, person, hr):
        raise NotAllowed("not a participant of this help request")
    return person.id != hr.requester_id


# --- internals -------------------------------------------------------------------------------


async def _get(session: AsyncSession, request_id: int, *, lock: bool = False) -> HelpRequest:
    query = select(HelpRequest).where(HelpRequest.id == request_id)
    if lock:
        query = query.with_for_update()
    hr = (await session.execute(query)).scalar_one_or_none()
    if hr is None:
        raise NotFound("no such help request")
    return hr


async def _family_match(session: AsyncSession, mentee: Person) -> Match | None:
    if mentee.family_id is None:
        return None
    result = await session.execute(
        select(Match)
        .where(
            Match.family_id == mentee.family_id,
            Match.organisation_id == mentee.organisation_id,
            Match.status == MatchStatus.ACTIVE,
        )
        .order_by(Match.started_on.desc(), Match.id.desc())
        .limit(1)
    )
    return result.scalar_one_or_none()


async def _family_name(session: AsyncSession, hr: HelpRequest) -> str:
    if hr.match_id is None:
        return ""
    result = await session.execute(
        select(Family.name).join(Match, Match.family_id == Family.id).where(Match.id == hr.match_id)
    )
    return result.scalar_one_or_none() or ""


async def _first_message(session: AsyncSession, request_id: int) -> HelpMessage:
    result = await session.execute(
        select(HelpMessage)
        .where(HelpMessage.help_request_id == request_id)
        .order_by(HelpMessage.created_at, HelpMessage.id)
        .limit(1)
    )
    return result.scalar_one()


async def _coordinators(session: AsyncSession, org_id: int, *, exclude: int | None) -> list[Person]:
    """The organisation's active coordinators, or its admins when it has no coordinator."""
    for role in (Role.COORDINATOR, Role.ADMIN):
        result = await session.execute(
            select(Person)
            .where(Person.organisation_id == org_id, Person.role == role, Person.active)
            .order_by(Person.id)
        )
        found = [p for p in result.scalars() if p.id != exclude]
        if found:
            return found
    return []


async def _staff_side(
    session: AsyncSession,
    hr: HelpRequest,
    org: Organisation,
    *,
    exclude: int | None,
    fallback: bool = True,
) -> list[Person]:
    """The staff a requester's message goes to: the assigned worker and any other staff who
    wrote in the thread. When none of them can be reached through the bot (no Telegram,
    blocked, left), the coordinators instead, so that the message never lands nowhere."""
    result = await session.execute(
        select(Person)
        .where(
            Person.organisation_id == org.id,
            Person.active,
            (Person.id == hr.worker_id)
            | Person.id.in_(
                select(HelpMessage.author_id).where(HelpMessage.help_request_id == hr.id)
            ),
        )
        .order_by(Person.id)
    )
    staff = [p for p in result.scalars() if p.role.is_staff and p.id != exclude]
    staff.sort(key=lambda p: p.id != hr.worker_id)
    if fallback and not any(_reachable(p) for p in staff):
        known = {p.id for p in staff}
        staff.extend(
            p for p in await _coordinators(session, org.id, exclude=exclude) if p.id not in known
        )
    return staff


def _reachable(person: Person) -> bool:
    return person.telegram_id is not None and person.reachable


def _buttons(tr: Translator, hr: HelpRequest) -> outbox.Buttons:
    # Translators: buttons under a help request: answer it; close it (the question is settled).
    reply = tr.pgettext("help request button", "Reply")
    return [
        [
            (reply, reply_data(hr.id)),
            (tr.pgettext("help request button", "Close"), close_data(hr.id)),
        ]
    ]


def _enqueue(
    session: AsyncSession,
    now: datetime,
    recipient: Person,
    tr: Translator,
    hr: HelpRequest,
    text: str,
    *,
    kind: str,
    dedupe_key: str | None = None,
    whole: int | None = None,
    origin: Person | None = None,
) -> bool:
    buttons = _buttons(tr, hr)
    if whole is not None:  # the card was cut: offer the whole message
        buttons = [[(tr.gettext(WHOLE_TEXT), whole_data(whole))], *buttons]
    queued = outbox.enqueue(
        session,
        now,
        recipient,
        kind,
        text,
        buttons=buttons,
        ref=(REF, hr.id),
        dedupe_key=dedupe_key,
        origin=origin,
    )
    return queued is not None


def language_label(code: str | None, reader_locale: str) -> str | None:
    """A language's name in the reader's language ("árabe" for a Spanish reader)."""
    if not code:
        return None
    try:
        reader = cldr_locale(reader_locale)
        # CLDR's name of a catalog code first ("fa_AF": "darí" for a Spanish reader).
        found = reader.languages.get(code) or reader.languages.get(CLDR_LOCALES.get(code, ""))
        return found or cldr_locale(code).get_display_name(reader) or code
    except (UnknownLocaleError, ValueError):
        return code


WHOLE_TEXT = N_("Show the whole text")
CARD_MAX = texts.MESSAGE_MAX  # a card longer than this is cut (UTF-16 units, as Telegram)


def whole_data(message_id: int) -> str:
    return f"whole:hm:{message_id}"


async def whole_text(session: AsyncSession, person: Person, message_id: int) -> str:
    """One message of a help thread, whole, for someone who may read the thread."""
    message = await session.get(HelpMessage, message_id)
    if message is None:
        raise NotFound("no such help message")
    await _authorise(session, person, await _get(session, message.help_request_id))
    return message.text


def _quoted(tr: Translator, message: HelpMessage, text: str) -> str:
    name = language_label(message.language, tr.locale)
    head = (
        tr.gettext("Written in %(language)s:") % {"language": name}
        if name
        else tr.gettext("Message:")
    )
    return f"{head}\n<blockquote>{isolate(text)}</blockquote>"


def _staff_card(
    tr: Translator,
    tz: str,
    hr: HelpRequest,
    requester: Person,
    author: Person,
    message: HelpMessage,
    family: str,
    *,
    title: str,
    preset: str | None = None,
    worker: Person | None = None,
) -> texts.Fitted:
    """A help request (or a new message in one) as staff read it, in the reader's language;
    a very long message is cut to fit (see `whole_text`)."""

    def render(text: str) -> str:
        return "\n".join([*lines, "", _quoted(tr, message, text)])

    lines = [f"<b>{title}</b>", tr.gettext(KIND_LABELS[hr.kind])]
    if author.role == Role.MENTOR:
        who = tr.gettext("From: %(name)s (mentor)")
    elif author.role == Role.MENTEE:
        who = tr.gettext("From: %(name)s (mentee)")
    else:
        who = tr.gettext("From: %(name)s (staff)")
    lines.append(who % {"name": isolate(author.name)})
    if author.id != requester.id:
        lines.append(tr.gettext("Asked by: %(name)s") % {"name": isolate(requester.name)})
    if family:
        lines.append(tr.gettext("Family: %(family)s") % {"family": isolate(family)})
    if requester.phone and author.id == requester.id:
        phone = people.international_phone(requester.phone)
        lines.append(tr.gettext("Phone: %(phone)s") % {"phone": isolate(phone)})
    if worker is not None:
        lines.append(tr.gettext("Assigned worker: %(name)s") % {"name": isolate(worker.name)})
    lines.append(tr.gettext("Sent: %(when)s") % {"when": tr.when(message.created_at, tz)})
    if hr.answer_due_at is not None:
        lines.append(
            tr.gettext("Answer expected by: %(when)s") % {"when": tr.when(hr.answer_due_at, tz)}
        )
    if preset is not None:
        lines.append(
            tr.gettext("Chosen with a button: “%(message)s”")
            % {"message": tr.gettext(PRESETS[preset])}
        )
    return texts.fit(render, message.text, CARD_MAX)


def _requester_relay(
    tr: Translator, tz: str, hr: HelpRequest, author: Person, message: HelpMessage
) -> texts.Fitted:
    """A staff answer as the requester reads it, in the requester's language."""
    return texts.fit(partial(_relay_text, tr, tz, hr, author, message), message.text, CARD_MAX)


def _relay_text(
    tr: Translator, tz: str, hr: HelpRequest, author: Person, message: HelpMessage, text: str
) -> str:
    lines = [
        "<b>"
        + tr.gettext("Answer from %(name)s to your help request") % {"name": isolate(author.name)}
        + "</b>",
        tr.gettext("Your request of %(when)s") % {"when": tr.when(hr.created_at, tz)},
        "",
        _quoted(tr, message, text),
        "",
        tr.gettext("To answer, press Reply. When you need nothing more, press Close."),
    ]
    return "\n".join(lines)
