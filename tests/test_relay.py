"""A mentee's message reaches people, through the Bot API emulator: text, voice notes, photos
and locations sent outside a conversation are offered ("Send this to …?"), copied to the
mentors (or the office) with the language named, answered with the Reply button and copied
back; never forwarded, so nobody sees anybody's account. In Arabic and in English."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from bot.app import App
from bot.clock import ManualClock
from bot.i18n import FSI, PDI, Translator, translator
from bot.services import relay
from emulator import Emulator, MessageView
from storage.db import Database
from storage.models import OutboxMessage, Relay, Role
from tests.conftest import deliver
from tests.factories import building
from tests.harness import Person as TgPerson
from tests.harness import Telegram

EN, CA, ES, AR = translator("en", "ES"), translator("ca", "ES"), translator("es"), translator("ar")
OGG = b"OggS\x00\x02voice-of-amal" + bytes(40)
JPEG = b"\xff\xd8\xff\xe0letter" + bytes(100)


def plain(text: str) -> str:
    return text.replace(FSI, "").replace(PDI, "")


@dataclass
class Cast:
    amal: TgPerson  # mentee, Arabic (or English)
    tom: TgPerson  # mentor, English
    marta: TgPerson  # mentor, Catalan
    laura: TgPerson  # referring worker, Spanish
    zed: TgPerson  # a mentee of another family
    other: TgPerson  # a mentor of another family
    tr: Translator  # the mentee's language


async def _cast(tg: Telegram, db: Database, clock: ManualClock, locale: str) -> Cast:
    amal = tg.user("Amal", language_code=locale, username="amal_private")
    tom = tg.user("Tom", language_code="en")
    marta = tg.user("Marta", language_code="ca")
    laura = tg.user("Laura", language_code="es")
    zed = tg.user("Zed", language_code="en")
    other = tg.user("Otto", language_code="en")
    async with building(db, clock.now()) as b:
        org = await b.org(office_phone="+34931234567")
        worker = await b.person(
            org, Role.WORKER, "Laura Sánchez", telegram_id=laura.id, locale="es"
        )
        mentor = await b.person(org, Role.MENTOR, "Tom Walker", telegram_id=tom.id)
        co = await b.person(org, Role.MENTOR, "Marta Vidal", telegram_id=marta.id, locale="ca")
        haddad = await b.family(org, "Haddad")
        await b.person(
            org, Role.MENTEE, "Amal Haddad", telegram_id=amal.id, locale=locale, family=haddad,
            phone="+34600000001",
        )  # fmt: skip
        await b.match(haddad, [mentor, co], worker)
        osei = await b.family(org, "Osei")
        await b.person(org, Role.MENTEE, "Zed Osei", telegram_id=zed.id, family=osei)
        otto = await b.person(org, Role.MENTOR, "Otto", telegram_id=other.id)
        await b.match(osei, [otto], worker)
    for person in (amal, tom, marta, laura, zed, other):
        await person.send("/start")
        await person.next_message()
    return Cast(amal, tom, marta, laura, zed, other, translator(locale, "ES"))


@pytest.fixture
async def cast(tg: Telegram, db: Database, clock: ManualClock) -> Cast:
    return await _cast(tg, db, clock, "ar")


def no_account_shown(view: MessageView, sender: TgPerson) -> None:
    """A copy shows the bot as its sender and nothing of the person who wrote it."""
    assert "forward_origin" not in view.raw and "forward_from" not in view.raw
    assert view.raw["from"]["is_bot"] is True
    assert str(sender.id) not in str(view.raw) and "amal_private" not in str(view.raw)


async def _offer_and_send(cast: Cast, app: App, label: str | None = None) -> MessageView:
    tr = cast.tr
    offer = await cast.amal.next_message()
    await cast.amal.press(label or tr.gettext("Yes, send it"), offer)
    done = await cast.amal.next_message()
    assert done.message_id == offer.message_id and not done.keyboard  # the offer, settled
    await deliver(app)
    return done


@pytest.mark.parametrize("locale", ["ar", "en"])
async def test_a_mentees_text_reaches_both_mentors_and_the_answer_comes_back(
    tg: Telegram, db: Database, clock: ManualClock, app: App, emulator: Emulator, locale: str
) -> None:
    cast = await _cast(tg, db, clock, locale)
    tr = cast.tr
    words = "شكراً، هل يمكنني إحضار ابني؟" if locale == "ar" else "Thanks, can I bring my son?"
    await cast.amal.send(words)
    offer = await cast.amal.next_message()
    names = tr.join([f"{FSI}Marta Vidal{PDI}", f"{FSI}Tom Walker{PDI}"])
    assert plain(offer.text) == plain(tr.gettext("Send this to %(names)s?") % {"names": names})
    assert [b for row in offer.buttons for b, _ in row] == [
        tr.gettext("Yes, send it"),
        tr.gettext("Send it to the office"),
        tr.gettext("Do not send"),
    ]
    await cast.amal.press(tr.gettext("Yes, send it"), offer)
    done = await cast.amal.next_message()
    assert plain(done.text) == plain(
        tr.gettext("Sent to %(names)s. The answer will come here.") % {"names": names}
    )
    await deliver(app)
    language = EN.language(locale)
    header, copy = await cast.tom.next_messages(2)
    assert plain(header.text) == EN.gettext(
        "Message from %(name)s to you and %(others)s, in %(language)s:"
    ) % {"name": "Amal Haddad", "others": "Marta Vidal", "language": language}
    assert copy.text == words
    assert copy.button_labels == ["Reply to Amal Haddad"]
    no_account_shown(copy, cast.amal)
    marta_header, marta_copy = await cast.marta.next_messages(2)
    assert CA.language(locale) in marta_header.text and "Tom Walker" in marta_header.text
    assert marta_copy.text == words
    # Tom answers with the Reply button; Amal gets his words, Marta hears it was answered.
    await cast.tom.press("Reply to Amal Haddad", copy)
    prompt = await cast.tom.next_message()
    assert "Amal Haddad" in prompt.text and "/cancel" in prompt.text
    await cast.tom.send("Of course! He is welcome.")
    assert plain((await cast.tom.next_message()).text) == "Sent to Amal Haddad."
    await deliver(app)
    answer_header, answer = await cast.amal.next_messages(2)
    assert plain(answer_header.text) == tr.gettext("Answer from %(name)s, in %(language)s:") % {
        "name": "Tom Walker",
        "language": tr.language("en"),
    }
    assert answer.text == "Of course! He is welcome." and not answer.keyboard
    told = await cast.marta.next_message()
    assert plain(told.text) == CA.gettext("%(mentor)s answered %(name)s's message.") % {
        "mentor": "Tom Walker",
        "name": "Amal Haddad",
    }
    assert emulator.calls_to("forwardMessage") == []
    assert len(emulator.calls_to("copyMessage")) == 3
    # Nothing of the words is stored: the relay rows keep ids only.
    async with db.transaction() as s:
        rows = list((await s.execute(select(Relay))).scalars())
        kept = list((await s.execute(select(OutboxMessage.text))).scalars())
    assert {r.status for r in rows} == {relay.SENT} and len(rows) == 2
    assert not any(words in (t or "") for t in kept)


async def test_voice_photo_and_location_are_copied_and_answered_by_voice(
    cast: Cast, app: App
) -> None:
    await cast.amal.send_voice(OGG, duration=5)
    await _offer_and_send(cast, app)
    header, voice = await cast.tom.next_messages(2)
    assert "Arabic" in header.text
    assert voice.voice is not None and voice.voice.data == OGG
    no_account_shown(voice, cast.amal)
    await cast.amal.send_photo(JPEG, caption="ما هذا؟")
    await _offer_and_send(cast, app)
    _, photo = await cast.tom.next_messages(2)
    assert photo.photo is not None and photo.photo.data == JPEG and photo.caption == "ما هذا؟"
    await cast.amal.send_location(41.3809, 2.1734)
    await _offer_and_send(cast, app)
    _, where = await cast.tom.next_messages(2)
    assert where.location == {"latitude": 41.3809, "longitude": 2.1734}
    # Tom answers the voice note with a voice note of his own.
    await cast.tom.press("Reply to Amal Haddad", voice)
    await cast.tom.next_message()
    await cast.tom.user.send_voice(b"OggS-tom" + bytes(30), duration=2)
    await cast.tom.next_message()
    await deliver(app)
    _, back = await cast.amal.next_messages(2)
    assert back.voice is not None and back.voice.data.startswith(b"OggS-tom")


async def test_to_the_office_reaches_the_referring_worker(cast: Cast, app: App) -> None:
    tr = cast.tr
    await cast.amal.send("أحتاج موعداً مع المكتب")
    await _offer_and_send(cast, app, tr.gettext("Send it to the office"))
    header, copy = await cast.laura.next_messages(2)
    assert plain(header.text) == ES.gettext(
        "Message from %(name)s (%(family)s family) to the office, in %(language)s:"
    ) % {"name": "Amal Haddad", "family": "Haddad", "language": ES.language("ar")}
    assert copy.text == "أحتاج موعداً مع المكتب"
    await cast.tom.expect_no_message()
    await cast.laura.press(ES.gettext("Reply to %(name)s") % {"name": "Amal Haddad"}, copy)
    await cast.laura.next_message()
    await cast.laura.send("Mañana a las 10.")
    await cast.laura.next_message()
    await deliver(app)
    _, answer = await cast.amal.next_messages(2)
    assert answer.text == "Mañana a las 10."
    # A mentor may not answer a message sent to the office only.
    await cast.tom.press_forged(relay.data(relay.ANSWER, 1))
    assert "not available" in (await cast.tom.next_message()).text


async def test_not_sent_is_said_and_a_stale_press_answers_in_words(
    cast: Cast, app: App, db: Database
) -> None:
    tr = cast.tr
    await cast.amal.send("لا شيء")
    offer = await cast.amal.next_message()
    send_data = offer.buttons[0][0][1]
    await cast.amal.press(tr.gettext("Do not send"), offer)
    edited = await cast.amal.next_message()
    assert edited.text == tr.gettext(
        "Not sent. Nobody else has seen it. To send it later, send it to me again."
    )
    assert not edited.keyboard
    # The old "send" button, pressed again from a stale client, changes nothing and says why.
    await cast.amal.press_forged(send_data, offer)  # type: ignore[arg-type]
    again = await cast.amal.next_message()
    assert again.text == tr.gettext(
        "You chose not to send this message. To send it, send it to me again."
    )
    await deliver(app)
    await cast.tom.expect_no_message()
    async with db.transaction() as s:
        assert (await s.execute(select(func.count()).select_from(OutboxMessage))).scalar() == 0


async def test_forged_presses_are_refused(cast: Cast, app: App) -> None:
    await cast.amal.send("سر")
    offer = await cast.amal.next_message()
    send_data = offer.buttons[0][0][1]
    # Another family's mentee cannot send Amal's message, nor a mentor answer what never
    # reached them.
    await cast.zed.press_forged(send_data)  # type: ignore[arg-type]
    assert "not available" in (await cast.zed.next_message()).text
    await cast.other.press_forged(relay.data(relay.ANSWER, int(send_data.split(":")[-1])))  # type: ignore[union-attr]
    assert "not available" in (await cast.other.next_message()).text
    await cast.amal.press_forged("rl:zz:1")
    assert (await cast.amal.next_message()).text
    await deliver(app)
    await cast.tom.expect_no_message()


async def test_an_unreachable_mentor_is_named_to_the_sender(cast: Cast, app: App) -> None:
    tr = cast.tr
    cast.marta.block()
    await deliver(app)
    await cast.amal.send("مرحبا")
    done = await _offer_and_send(cast, app)
    assert plain(
        tr.gettext("%(name)s cannot be reached through the bot.") % {"name": "Marta Vidal"}
    ) in plain(done.text)
    assert "Tom Walker" in done.text
    _, copy = await cast.tom.next_messages(2)
    assert copy.text == "مرحبا"


async def test_a_mentee_without_a_mentor_is_told_whom_to_call(
    tg: Telegram, db: Database, clock: ManualClock, app: App
) -> None:
    alone = tg.user("Sara", language_code="ar")
    async with building(db, clock.now()) as b:
        org = await b.org(office_phone="+34931234567")
        family = await b.family(org, "Nasser")
        await b.person(org, Role.MENTEE, "Sara", telegram_id=alone.id, locale="ar", family=family)
    await alone.send("/start")
    await alone.next_message()
    await alone.send("مرحبا")
    told = await alone.next_message()
    assert AR.gettext("I cannot pass your message on: you have no mentor yet.") in told.text
    assert "93" in told.text and not told.keyboard


async def test_when_a_mentee_blocks_the_bot_the_mentors_are_told(
    cast: Cast, app: App, db: Database
) -> None:
    from storage.models import Person

    cast.amal.block()

    async def unreachable() -> bool:
        async with db.transaction() as s:
            row = (
                await s.execute(select(Person).where(Person.telegram_id == cast.amal.id))
            ).scalar_one()
            return not row.reachable

    from tests.conftest import eventually

    await eventually(unreachable)
    await deliver(app)
    for mentor, tr in ((cast.tom, EN), (cast.marta, CA)):
        told = await mentor.next_message()
        assert plain(told.text) == tr.gettext(
            "%(name)s can no longer be reached through the bot, so they will not see reminders "
            "or messages here. The referring worker was told; please reach them another way."
        ) % {"name": "Amal Haddad"}
    assert "Amal Haddad" in (await cast.laura.next_message()).text


@pytest.mark.parametrize("locale", ["ar", "en"])
async def test_a_mentor_writes_to_the_family_with_a_phrase_or_in_their_own_words(
    tg: Telegram, db: Database, clock: ManualClock, app: App, locale: str
) -> None:
    cast = await _cast(tg, db, clock, locale)
    tr = cast.tr
    await cast.tom.send("/write")
    menu = await cast.tom.next_message()
    assert "Haddad" in menu.text
    labels = [label for row in menu.buttons for label, _ in row]
    assert labels[0] == "I am running about 10 minutes late. Sorry!"
    assert labels[-1] == "Write my own message"
    # A ready-made phrase reaches Amal in her own language, under Tom's name.
    await cast.tom.press("I am running about 10 minutes late. Sorry!", menu)
    done = await cast.tom.next_message()
    assert done.message_id == menu.message_id and not done.keyboard  # the question, settled
    assert plain(done.text).endswith("Sent to Amal Haddad.")
    await deliver(app)
    phrase = await cast.amal.next_message()
    assert plain(phrase.text) == (
        tr.gettext("Message from %(name)s:") % {"name": "Tom Walker"}
        + "\n"
        + tr.gettext("I am running about 10 minutes late. Sorry!")
    )
    # A stale press on the settled question answers in words.
    await cast.tom.press_forged(relay.data(relay.PHRASE, 1), menu)
    stale = await cast.tom.next_message(where=lambda m: "/write" in m.text)
    assert not stale.edited and stale.message_id > menu.message_id
    # Free words go as written, with their language named in the reader's language.
    await cast.tom.send("/write")
    menu = await cast.tom.next_message()
    await cast.tom.press("Write my own message", menu)
    assert "/cancel" in (await cast.tom.next_message()).text
    await cast.tom.send("See you at the library at five.")
    assert plain((await cast.tom.next_message()).text) == "Sent to Amal Haddad."
    await deliver(app)
    header, copy = await cast.amal.next_messages(2)
    assert plain(header.text) == tr.gettext("Message from %(name)s, in %(language)s:") % {
        "name": "Tom Walker",
        "language": tr.language("en"),
    }
    assert copy.text == "See you at the library at five."
    assert "forward_origin" not in copy.raw and copy.raw["from"]["is_bot"] is True
    assert str(cast.tom.id) not in str(copy.raw)  # nothing of Tom's account


async def test_a_mentor_cannot_write_to_another_mentors_family(cast: Cast, app: App) -> None:
    await cast.tom.send("/write")
    menu = await cast.tom.next_message()
    await cast.tom.press_forged(relay.data(relay.TO_FAMILY, 2), menu)  # the Osei family's match
    refused = await cast.tom.next_message()
    assert "Osei" not in refused.text
    # A mentee cannot use the mentors' buttons.
    await cast.zed.press_forged(relay.data(relay.PHRASE, 0))
    assert "not available" in (await cast.zed.answer() or "")
    await deliver(app)
    assert not [m for m in cast.zed.user.messages if "Tom" in m.text]
