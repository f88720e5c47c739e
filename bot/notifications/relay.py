"""What a relayed message looks like to those who get it (`bot.services.relay` decides who,
and records `RelaySent`, `RelayAnswered`, `RelayedToFamily`): a header line in the reader's
language saying who wrote and in which language, then the copy (with a Reply button for the
mentors or the office); the ready-made phrases a mentor sends the family; the notice to the
other mentors that a message was answered. Each goes after the reader's quiet hours."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import N_, Translator, isolate
from bot.services import outbox, people
from bot.services.relay import OFFICE, PHRASE_COUNT, REF, quiet_end
from bot.services.relay.presses import Answer
from domain.events import RelayAnswered, RelayedToFamily, RelaySent
from storage.models import Family, Person, Relay

HEADER = N_("Message from %(name)s, in %(language)s:")
HEADER_SHARED = N_("Message from %(name)s to you and %(others)s, in %(language)s:")
HEADER_OFFICE = N_("Message from %(name)s (%(family)s family) to the office, in %(language)s:")
ANSWER_HEADER = N_("Answer from %(name)s, in %(language)s:")
REPLY_LABEL = N_("Reply to %(name)s")
CO_ANSWERED = N_("%(mentor)s answered %(name)s's message.")

# Ready-made phrases a mentor may send to the family (numbered as `rl:p:<number>`): each
# member reads it in their own language. Short, plain, one idea each.
PHRASES: tuple[str, ...] = (
    N_("I am running about 10 minutes late. Sorry!"),
    N_("I am on my way."),
    N_("How are you? I am thinking of you."),
    N_("Please bring your papers to our next meeting."),
    N_("Can you send me a photo of the letter?"),
    N_("I will phone you today."),
    N_("Thank you for today. See you soon!"),
)
assert len(PHRASES) == PHRASE_COUNT
PHRASE_HEADER = N_("Message from %(name)s:")


def header(
    tr: Translator,
    audience: str | None,
    sender: Person,
    others: list[str],
    language_code: str,
    family_name: str,
) -> str:
    """The line in front of a mentee's message, in the recipient's language."""
    values = {
        "name": isolate(sender.name),
        "language": tr.language(language_code),
        "others": tr.join([isolate(o) for o in others]),
        "family": isolate(family_name),
    }
    if audience == OFFICE:
        return tr.gettext(HEADER_OFFICE) % values
    if others:
        return tr.gettext(HEADER_SHARED) % values
    return tr.gettext(HEADER) % values


async def copy(
    session: AsyncSession,
    now: datetime,
    relay: Relay,
    sender: Person,
    recipient: Person,
    text: str,
    reply_label: str | None,
) -> None:
    """The header line, then the copy (with a Reply button when `reply_label`), out of the
    recipient's quiet hours (a relay is never urgent: the help lines are)."""
    at = await quiet_end(session, now, recipient)
    first = outbox.enqueue(
        session, now, recipient, "relay", text, ref=(REF, relay.id), origin=sender, not_before=at
    )
    if first is None:
        return
    buttons = [[(reply_label, Answer(relay.id).pack())]] if reply_label else None
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


async def _person(session: AsyncSession, person_id: int) -> Person:
    person = await session.get(Person, person_id)
    assert person is not None
    return person


async def _relay(session: AsyncSession, relay_id: int) -> Relay:
    relay = await session.get(Relay, relay_id)
    assert relay is not None
    return relay


async def _family_name(session: AsyncSession, mentee: Person, audience: str | None) -> str:
    """The mentee's family name, named in a message to the office."""
    if audience != OFFICE or mentee.family_id is None:
        return ""
    family = await session.get(Family, mentee.family_id)
    return family.name if family is not None else ""


async def on_sent(session: AsyncSession, now: datetime, event: RelaySent) -> None:
    """A mentee's message passed on: each recipient reached gets the header naming the others
    it went to, and the copy with the Reply button."""
    relay = await _relay(session, event.relay_id)
    mentee = await _person(session, relay.sender_id)
    addressed = [await _person(session, pid) for pid in event.addressed]
    family_name = await _family_name(session, mentee, relay.audience)
    for recipient_id in event.told:
        recipient = await _person(session, recipient_id)
        tr = (await people.reader(session, recipient)).tr
        others = [p.name for p in addressed if p.id != recipient.id]
        text = header(tr, relay.audience, mentee, others, relay.locale, family_name)
        label = tr.gettext(REPLY_LABEL) % {"name": mentee.name}
        await copy(session, now, relay, mentee, recipient, text, label)


async def on_answered(session: AsyncSession, now: datetime, event: RelayAnswered) -> None:
    """An answer goes back to the mentee, after a line naming who answered and in which
    language; the other mentors hear that it was answered."""
    relay = await _relay(session, event.relay_id)
    staff = await _person(session, relay.sender_id)
    assert relay.answer_to_id is not None
    original = await _relay(session, relay.answer_to_id)
    mentee = await _person(session, original.sender_id)
    if event.mentee_told:
        tr = (await people.reader(session, mentee)).tr
        text = tr.gettext(ANSWER_HEADER) % {
            "name": isolate(staff.name),
            "language": tr.language(relay.locale),
        }
        await copy(session, now, relay, staff, mentee, text, None)
    for other_id in event.mentors:
        other = await _person(session, other_id)
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


async def on_to_family(session: AsyncSession, now: datetime, event: RelayedToFamily) -> None:
    """A mentor's own message, copied after a line naming its language, or a ready-made
    phrase in each member's own language."""
    mentor = await _person(session, event.mentor_id)
    relay = await _relay(session, event.relay_id) if event.relay_id is not None else None
    for member_id in event.told:
        member = await _person(session, member_id)
        tr = (await people.reader(session, member)).tr
        if relay is not None:
            text = tr.gettext(HEADER) % {
                "name": isolate(mentor.name),
                "language": tr.language(relay.locale),
            }
            await copy(session, now, relay, mentor, member, text, None)
            continue
        assert event.phrase is not None
        text = (
            tr.gettext(PHRASE_HEADER) % {"name": isolate(mentor.name)}
            + "\n"
            + tr.gettext(PHRASES[event.phrase])
        )
        outbox.enqueue(
            session,
            now,
            member,
            "relay_phrase",
            text,
            origin=mentor,
            not_before=await quiet_end(session, now, member),
        )
