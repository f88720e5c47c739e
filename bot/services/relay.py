"""A mentee's own words reach people: a text, voice note, photo, document or location a
mentee sends outside any conversation is offered to them to pass on ("Send this to Tom and
Marta?") to the mentors of their family's active match, or to its referring worker ("to the
office"); a mentor (or that worker) answers with the Reply button and the answer goes back
to the mentee.

Relayed messages are copied (`copyMessage`, see bot/delivery.py), never forwarded: nobody
sees anybody's Telegram account or number, and the content is not stored here (a `Relay` row
keeps ids only). Each copy comes after a line, in the reader's language, saying who wrote and
in which language. The sender is told what became of their message: who has it, who could
not be reached (and how to reach them instead), or that it was not sent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import N_, isolate
from bot.services import audit, outbox, people
from bot.services.appointments import reminders
from bot.services.errors import Invalid, NotFound
from storage.models import Family, Match, MatchMentor, MatchStatus, Person, Relay, Role

REF = "relay"
PREFIX = "rl"
# The buttons of the feature, drawn and routed from here: rl:<action>:<relay id>
SEND_MENTORS, SEND_OFFICE, DONT_SEND, ANSWER = "m", "o", "x", "a"
ACTIONS = frozenset({SEND_MENTORS, SEND_OFFICE, DONT_SEND, ANSWER})

# What can be passed on (a Telegram message with one of these); other kinds are refused
# with a word on what can be sent.
KINDS = ("text", "voice", "photo", "document", "location", "video", "audio", "video_note")

OFFERED, SENT, DECLINED = "offered", "sent", "declined"
MENTORS, OFFICE, SENDER = "mentors", "office", "sender"

HEADER = N_("Message from %(name)s, in %(language)s:")
HEADER_SHARED = N_("Message from %(name)s to you and %(others)s, in %(language)s:")
HEADER_OFFICE = N_("Message from %(name)s (%(family)s family) to the office, in %(language)s:")
ANSWER_HEADER = N_("Answer from %(name)s, in %(language)s:")
REPLY_LABEL = N_("Reply to %(name)s")
CO_ANSWERED = N_("%(mentor)s answered %(name)s's message.")


def data(action: str, relay_id: int) -> str:
    """The callback data of a relay button (one place draws and routes them)."""
    return f"{PREFIX}:{action}:{relay_id}"


@dataclass(frozen=True)
class Offer:
    relay_id: int
    mentors: list[str]  # names of the mentors it would reach
    office: str | None  # the referring worker's name, when there is one


@dataclass(frozen=True)
class Delivery:
    """What became of a relayed message: who will get it and who could not be reached."""

    reached: list[str]
    unreached: list[tuple[str, str | None]] = field(default_factory=list)  # (name, phone)
    already: str | None = None  # the offer had been decided before: its status
    later: list[tuple[str, datetime]] = field(default_factory=list)  # held by quiet hours


async def _family_match(session: AsyncSession, mentee: Person) -> Match | None:
    if mentee.role != Role.MENTEE or mentee.family_id is None:
        return None
    found = await session.execute(
        select(Match)
        .where(
            Match.family_id == mentee.family_id,
            Match.organisation_id == mentee.organisation_id,
            Match.status == MatchStatus.ACTIVE,
        )
        .order_by(Match.started_on.desc(), Match.id.desc())
        .limit(1)
    )
    return found.scalar_one_or_none()


async def _mentors(session: AsyncSession, match_id: int) -> list[Person]:
    found = await session.execute(
        select(Person)
        .join(MatchMentor, MatchMentor.mentor_id == Person.id)
        .where(MatchMentor.match_id == match_id, Person.active.is_(True))
        .order_by(Person.name, Person.id)
    )
    return list(found.scalars())


async def _worker(session: AsyncSession, match: Match) -> Person | None:
    worker = await session.get(Person, match.worker_id)
    return worker if worker is not None and worker.active else None


async def offer(
    session: AsyncSession,
    now: datetime,
    mentee: Person,
    *,
    chat_id: int,
    message_id: int,
    kind: str,
) -> Offer | None:
    """Keep the ids of a mentee's message to offer passing it on. None: the mentee has no
    active match (nobody to pass it to)."""
    if kind not in KINDS:
        raise Invalid("relay_kind")
    match = await _family_match(session, mentee)
    if match is None:
        return None
    locale = (await people.reader(session, mentee)).locale
    relay = Relay(
        organisation_id=mentee.organisation_id,
        sender_id=mentee.id,
        match_id=match.id,
        chat_id=chat_id,
        message_id=message_id,
        kind=kind,
        locale=locale,
        status=OFFERED,
        created_at=now,
    )
    session.add(relay)
    await session.flush()
    worker = await _worker(session, match)
    return Offer(
        relay.id,
        [m.name for m in await _mentors(session, match.id)],
        worker.name if worker is not None else None,
    )


async def _own_offer(session: AsyncSession, mentee: Person, relay_id: int) -> Relay:
    relay = await session.get(Relay, relay_id)
    if relay is None or relay.sender_id != mentee.id or relay.answer_to_id is not None:
        raise NotFound("no such relay")
    return relay


async def _copy(
    session: AsyncSession,
    now: datetime,
    relay: Relay,
    sender: Person,
    recipient: Person,
    header: str,
    reply_label: str | None,
) -> datetime | None:
    """The header line, then the copy (with a Reply button when `reply_label`), out of the
    recipient's quiet hours (a relay is never urgent: the help lines are). Returns when it
    goes (None: the recipient cannot be reached)."""
    at = await quiet_end(session, now, recipient)
    first = outbox.enqueue(
        session, now, recipient, "relay", header, ref=(REF, relay.id), origin=sender, not_before=at
    )
    if first is None:
        return None
    buttons = [[(reply_label, data(ANSWER, relay.id))]] if reply_label else None
    outbox.enqueue(
        session,
        now,
        recipient,
        "relay",
        "",
        buttons=buttons,
        ref=(REF, relay.id),
        origin=sender,
        copy_of=(relay.chat_id, relay.message_id),
        not_before=at,
    )
    return at


async def quiet_end(session: AsyncSession, now: datetime, person: Person) -> datetime:
    """`now`, or the end of the person's quiet window when `now` falls inside it."""
    tz = (await people.reader(session, person)).tz
    return reminders.after_quiet_hours(now, tz, person.quiet_start, person.quiet_end) or now


def _phone(person: Person) -> str | None:
    return people.international_phone(person.phone) if person.phone else None


async def send(
    session: AsyncSession, now: datetime, mentee: Person, relay_id: int, audience: str
) -> Delivery:
    """Pass an offered message on to the mentors (`MENTORS`) or the referring worker
    (`OFFICE`). A press on an offer decided before changes nothing (`already`)."""
    relay = await _own_offer(session, mentee, relay_id)
    if relay.status != OFFERED:
        return Delivery([], already=relay.status)
    match = await session.get(Match, relay.match_id) if relay.match_id is not None else None
    if match is None or match.status != MatchStatus.ACTIVE:
        raise Invalid("relay_no_match")
    if audience == MENTORS:
        recipients = await _mentors(session, match.id)
    else:
        worker = await _worker(session, match)
        recipients = [worker] if worker is not None else []
    language_code = relay.locale
    reached: list[str] = []
    unreached: list[tuple[str, str | None]] = []
    later: list[tuple[str, datetime]] = []
    family = mentee.family_id
    family_name = ""
    if audience == OFFICE and family is not None:
        fam = await session.get(Family, family)
        family_name = fam.name if fam is not None else ""
    for recipient in recipients:
        rd = await people.reader(session, recipient)
        tr = rd.tr
        others = [p.name for p in recipients if p.id != recipient.id]
        values = {
            "name": isolate(mentee.name),
            "language": tr.language(language_code),
            "others": tr.join([isolate(o) for o in others]),
            "family": isolate(family_name),
        }
        if audience == OFFICE:
            header = tr.gettext(HEADER_OFFICE) % values
        elif others:
            header = tr.gettext(HEADER_SHARED) % values
        else:
            header = tr.gettext(HEADER) % values
        label = tr.gettext(REPLY_LABEL) % {"name": mentee.name}
        at = await _copy(session, now, relay, mentee, recipient, header, label)
        if at is not None:
            reached.append(recipient.name)
            if at > now:
                later.append((recipient.name, at))
        else:
            unreached.append((recipient.name, _phone(recipient) if recipient.share_phone else None))
    relay.status, relay.audience, relay.decided_at = SENT, audience, now
    audit.record(
        session,
        now,
        "relay.sent",
        actor_id=mentee.id,
        organisation_id=mentee.organisation_id,
        target=(REF, relay.id),
        audience=audience,
        kind=relay.kind,
        reached=len(reached),
        unreached=len(unreached),
    )
    return Delivery(reached, unreached, later=later)


async def decline(session: AsyncSession, now: datetime, mentee: Person, relay_id: int) -> str:
    """The mentee chose not to send it. Returns the offer's status before the press."""
    relay = await _own_offer(session, mentee, relay_id)
    before = relay.status
    if before == OFFERED:
        relay.status, relay.decided_at = DECLINED, now
    return before


@dataclass(frozen=True)
class Answering:
    relay_id: int
    name: str  # whom the answer goes to


async def _answerable(session: AsyncSession, staff: Person, relay_id: int) -> tuple[Relay, Person]:
    """A relayed message `staff` may answer: one that was sent to them (a mentor of the
    match, for a message to the mentors; its worker, for one to the office)."""
    relay = await session.get(Relay, relay_id)
    if relay is None or relay.status != SENT or relay.answer_to_id is not None:
        raise NotFound("no such relay")
    if relay.organisation_id != staff.organisation_id or relay.match_id is None:
        raise NotFound("no such relay")
    match = await session.get(Match, relay.match_id)
    if match is None:
        raise NotFound("no such relay")
    if relay.audience == MENTORS:
        allowed = staff.id in {m.id for m in await _mentors(session, match.id)}
    else:
        allowed = staff.id == match.worker_id
    if not allowed:
        raise NotFound("not a recipient of this relay")
    if match.status != MatchStatus.ACTIVE:
        raise Invalid("relay_closed")
    sender = await session.get(Person, relay.sender_id)
    if sender is None or not sender.active:
        raise Invalid("relay_closed")
    return relay, sender


async def start_answer(session: AsyncSession, staff: Person, relay_id: int) -> Answering:
    relay, sender = await _answerable(session, staff, relay_id)
    return Answering(relay.id, sender.name)


@dataclass(frozen=True)
class Answered:
    name: str
    reached: bool
    phone: str | None  # the mentee's number, to phone when the bot could not reach them
    later: datetime | None = None  # when it reaches them, if their quiet hours hold it


async def answer(
    session: AsyncSession,
    now: datetime,
    staff: Person,
    relay_id: int,
    *,
    chat_id: int,
    message_id: int,
    kind: str,
) -> Answered:
    """Pass `staff`'s answer back to the mentee who wrote; the other mentors hear that it was
    answered (so that they do not all answer)."""
    if kind not in KINDS:
        raise Invalid("relay_kind")
    original, mentee = await _answerable(session, staff, relay_id)
    locale = (await people.reader(session, staff)).locale
    relay = Relay(
        organisation_id=staff.organisation_id,
        sender_id=staff.id,
        match_id=original.match_id,
        chat_id=chat_id,
        message_id=message_id,
        kind=kind,
        locale=locale,
        answer_to_id=original.id,
        status=SENT,
        audience=SENDER,
        created_at=now,
        decided_at=now,
    )
    session.add(relay)
    await session.flush()
    tr = (await people.reader(session, mentee)).tr
    header = tr.gettext(ANSWER_HEADER) % {
        "name": isolate(staff.name),
        "language": tr.language(locale),
    }
    at = await _copy(session, now, relay, staff, mentee, header, None)
    reached = at is not None
    if original.audience == MENTORS and original.match_id is not None:
        for other in await _mentors(session, original.match_id):
            if other.id == staff.id:
                continue
            otr = (await people.reader(session, other)).tr
            outbox.enqueue(
                session,
                now,
                other,
                "relay_answered",
                otr.gettext(CO_ANSWERED)
                % {"mentor": isolate(staff.name), "name": isolate(mentee.name)},
                ref=(REF, relay.id),
                not_before=await quiet_end(session, now, other),
            )
    audit.record(
        session,
        now,
        "relay.answered",
        actor_id=staff.id,
        organisation_id=staff.organisation_id,
        target=(REF, original.id),
        kind=kind,
        reached=reached,
    )
    return Answered(
        mentee.name,
        reached,
        None if reached else _phone(mentee),
        at if at is not None and at > now else None,
    )


# --- a mentor writes to the family ---------------------------------------------------------

FAMILY = "family"  # audience of a mentor's message to the family
# rl:f:<match id> (the family chosen), rl:p:<phrase number> (a ready-made phrase),
# rl:w:<match id> (write freely)
TO_FAMILY, PHRASE, FREE = "f", "p", "w"
ACTIONS = ACTIONS | {TO_FAMILY, PHRASE, FREE}

# Ready-made phrases a mentor may send to the family: each member reads it in their own
# language. Short, plain, one idea each.
PHRASES: tuple[str, ...] = (
    N_("I am running about 10 minutes late. Sorry!"),
    N_("I am on my way."),
    N_("How are you? I am thinking of you."),
    N_("Please bring your papers to our next meeting."),
    N_("Can you send me a photo of the letter?"),
    N_("I will phone you today."),
    N_("Thank you for today. See you soon!"),
)
PHRASE_HEADER = N_("Message from %(name)s:")


@dataclass(frozen=True)
class FamilyChoice:
    match_id: int
    family_name: str


@dataclass(frozen=True)
class FamilyDelivery:
    family_name: str
    reached: list[str]
    unreached: list[tuple[str, str | None]] = field(default_factory=list)  # (name, phone)
    later: list[tuple[str, datetime]] = field(default_factory=list)  # held by quiet hours


async def mentor_families(session: AsyncSession, mentor: Person) -> list[FamilyChoice]:
    """The families of the mentor's active matches."""
    if mentor.role != Role.MENTOR:
        return []
    found = await session.execute(
        select(Match.id, Family.name)
        .join(MatchMentor, MatchMentor.match_id == Match.id)
        .join(Family, Family.id == Match.family_id)
        .where(
            MatchMentor.mentor_id == mentor.id,
            Match.status == MatchStatus.ACTIVE,
            Match.organisation_id == mentor.organisation_id,
        )
        .order_by(Family.name, Match.id)
    )
    return [FamilyChoice(mid, name) for mid, name in found.all()]


async def _mentor_match(session: AsyncSession, mentor: Person, match_id: int) -> FamilyChoice:
    for choice in await mentor_families(session, mentor):
        if choice.match_id == match_id:
            return choice
    raise NotFound("not a match of this mentor")


async def family_choice(session: AsyncSession, mentor: Person, match_id: int) -> FamilyChoice:
    """One of the mentor's families (refused for anyone else's)."""
    return await _mentor_match(session, mentor, match_id)


async def _members(session: AsyncSession, match_id: int) -> list[Person]:
    match = await session.get(Match, match_id)
    assert match is not None
    found = await session.execute(
        select(Person)
        .where(
            Person.family_id == match.family_id,
            Person.role == Role.MENTEE,
            Person.active.is_(True),
        )
        .order_by(Person.name, Person.id)
    )
    return list(found.scalars())


async def to_family(
    session: AsyncSession,
    now: datetime,
    mentor: Person,
    match_id: int,
    *,
    phrase: int | None = None,
    message: tuple[int, int, str] | None = None,
) -> FamilyDelivery:
    """A mentor's message to every member of a family: a ready-made phrase (`phrase`, its
    number), sent in each member's own language, or their own message (`message`: chat id,
    message id, kind), copied as written after a line naming its language. Out of each
    member's quiet hours."""
    choice = await _mentor_match(session, mentor, match_id)
    if phrase is not None and not 0 <= phrase < len(PHRASES):
        raise NotFound("no such phrase")
    if message is not None and message[2] not in KINDS:
        raise Invalid("relay_kind")
    relay: Relay | None = None
    if message is not None:
        relay = Relay(
            organisation_id=mentor.organisation_id,
            sender_id=mentor.id,
            match_id=match_id,
            chat_id=message[0],
            message_id=message[1],
            kind=message[2],
            locale=(await people.reader(session, mentor)).locale,
            status=SENT,
            audience=FAMILY,
            created_at=now,
            decided_at=now,
        )
        session.add(relay)
        await session.flush()
    reached: list[str] = []
    unreached: list[tuple[str, str | None]] = []
    later: list[tuple[str, datetime]] = []
    for member in await _members(session, match_id):
        rd = await people.reader(session, member)
        if relay is not None:
            header = rd.tr.gettext(HEADER) % {
                "name": isolate(mentor.name),
                "language": rd.tr.language(relay.locale),
            }
            at = await _copy(session, now, relay, mentor, member, header, None)
        else:
            assert phrase is not None
            text = (
                rd.tr.gettext(PHRASE_HEADER) % {"name": isolate(mentor.name)}
                + "\n"
                + rd.tr.gettext(PHRASES[phrase])
            )
            when = await quiet_end(session, now, member)
            sent = outbox.enqueue(
                session, now, member, "relay_phrase", text, origin=mentor, not_before=when
            )
            at = when if sent is not None else None
        if at is not None:
            reached.append(member.name)
            if at > now:
                later.append((member.name, at))
        else:
            unreached.append((member.name, _phone(member)))
    audit.record(
        session,
        now,
        "relay.to_family",
        actor_id=mentor.id,
        organisation_id=mentor.organisation_id,
        target=("match", match_id),
        phrase=phrase,
        kind=message[2] if message else None,
        reached=len(reached),
    )
    return FamilyDelivery(choice.family_name, reached, unreached, later)
