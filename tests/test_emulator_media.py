"""The emulator's media and reply keyboards, driven by python-telegram-bot: users sending voice
notes, photos, documents and locations; copyMessage, sendVoice, sendPhoto, sendLocation;
ReplyKeyboardMarkup with is_persistent and resize_keyboard."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram import Bot, KeyboardButton, ReplyKeyboardMarkup, ReplyKeyboardRemove, Update
from telegram.error import BadRequest

from emulator import Emulator, FloodLimits

pytestmark = [
    pytest.mark.asyncio,
    pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning"),
]

TOKEN = "4343:emulator-media-token"
OGG = b"OggS\x00\x02" + bytes(range(64))
JPEG = b"\xff\xd8\xff\xe0" + bytes(200)


@pytest.fixture
async def emu() -> AsyncIterator[Emulator]:
    emulator = Emulator(tokens=[TOKEN], flood_limits=FloodLimits.off())
    await emulator.start()
    yield emulator
    await emulator.stop()


@pytest.fixture
async def bot(emu: Emulator) -> AsyncIterator[Bot]:
    async with Bot(
        TOKEN, base_url=f"{emu.base_url}/bot", base_file_url=f"{emu.base_url}/file/bot"
    ) as b:
        yield b


async def updates(bot: Bot, count: int) -> list[Update]:
    got = await bot.get_updates(timeout=2)
    assert len(got) == count, got
    await bot.get_updates(offset=got[-1].update_id + 1, timeout=0)
    return list(got)


async def test_users_send_voice_photo_document_and_location(emu: Emulator, bot: Bot) -> None:
    user = emu.user(first_name="Amal", language_code="ar")
    await user.send_voice(OGG, duration=4)
    await user.send_photo(JPEG, caption="ما هذه الرسالة؟")
    await user.send_document(b"%PDF-1.4", "letter.pdf")
    await user.send_location(41.38, 2.17)
    voice, photo, document, location = [u.message for u in await updates(bot, 4)]
    assert voice is not None and voice.voice is not None
    assert voice.voice.duration == 4 and voice.voice.mime_type == "audio/ogg"
    assert bytes(await (await bot.get_file(voice.voice.file_id)).download_as_bytearray()) == OGG
    assert photo is not None and photo.photo and photo.caption == "ما هذه الرسالة؟"
    assert document is not None and document.document is not None
    assert document.document.file_name == "letter.pdf"
    assert location is not None and location.location is not None
    assert (location.location.latitude, location.location.longitude) == (41.38, 2.17)
    assert location.text is None and voice.text is None
    with pytest.raises(ValueError, match="latitude"):
        await user.send_location(91, 0)


async def test_send_voice_and_location(emu: Emulator, bot: Bot) -> None:
    user = emu.user()
    await user.send("/start")
    sent = await bot.send_voice(user.id, OGG, duration=2, caption="<b>hi</b>", parse_mode="HTML")
    assert sent.voice is not None and sent.voice.duration == 2 and sent.caption == "hi"
    view = user.messages[-1]
    assert view.voice is not None and view.voice.data == OGG and view.caption == "hi"
    where = await bot.send_location(user.id, latitude=41.4, longitude=2.2)
    assert where.location is not None and where.location.latitude == 41.4
    assert user.messages[-1].location == {"latitude": 41.4, "longitude": 2.2}
    with pytest.raises(BadRequest, match="Latitude_invalid"):
        await bot.send_location(user.id, latitude=95, longitude=0)
    with pytest.raises(BadRequest, match="caption is too long"):
        await bot.send_voice(user.id, OGG, caption="c" * 1025)


async def test_copy_message_hides_the_sender(emu: Emulator, bot: Bot) -> None:
    amal = emu.user(first_name="Amal", username="amal_h", language_code="ar")
    tom = emu.user(first_name="Tom", language_code="en")
    await tom.send("/start")
    text = await amal.send("هل يمكنني إحضار ابني؟")
    voice = await amal.send_voice(OGG, duration=3)
    photo = await amal.send_photo(JPEG, caption="letter")
    where = await amal.send_location(41.38, 2.17)
    await updates(bot, 5)
    for original in (text, voice, photo, where):
        copied = await bot.copy_message(tom.id, amal.id, original.message_id)
        view = tom.messages[-1]
        assert view.message_id == copied.message_id
        assert "forward_origin" not in view.raw and view.raw["from"]["is_bot"] is True
        assert "amal_h" not in str(view.raw) and str(amal.id) not in str(view.raw)
    views = tom.messages[-4:]
    assert views[0].text == "هل يمكنني إحضار ابني؟"
    assert views[1].voice is not None and views[1].voice.data == OGG
    assert views[2].photo is not None and views[2].caption == "letter"
    assert views[3].location == {"latitude": 41.38, "longitude": 2.17}
    # A new caption replaces a media's own; a text ignores it.
    await bot.copy_message(
        tom.id, amal.id, photo.message_id, caption="<i>new</i>", parse_mode="HTML"
    )
    assert tom.messages[-1].caption == "new"
    with pytest.raises(BadRequest, match="Message to copy not found"):
        await bot.copy_message(tom.id, amal.id, 999)
    with pytest.raises(BadRequest, match="caption is too long"):
        await bot.copy_message(tom.id, amal.id, photo.message_id, caption="c" * 1025)


async def test_persistent_reply_keyboard(emu: Emulator, bot: Bot) -> None:
    user = emu.user(first_name="Amal", language_code="ar")
    await user.send("/start")
    await updates(bot, 1)
    markup = ReplyKeyboardMarkup(
        [[KeyboardButton("مواعيدي")], [KeyboardButton("جهات الاتصال")]],
        is_persistent=True,
        resize_keyboard=True,
    )
    await bot.send_message(user.id, "أهلاً", reply_markup=markup)
    assert user.reply_keyboard == [["مواعيدي"], ["جهات الاتصال"]]
    shown = user.reply_keyboard_markup
    assert shown is not None and shown["is_persistent"] is True and shown["resize_keyboard"]
    # The keyboard stays while other messages come, and a tap sends its label as text.
    await bot.send_message(user.id, "another")
    await user.press_key("مواعيدي")
    (tap,) = await updates(bot, 1)
    assert tap.message is not None and tap.message.text == "مواعيدي"
    with pytest.raises(LookupError, match="no reply keyboard button"):
        await user.press_key("Contacts")
    await bot.send_message(user.id, "gone", reply_markup=ReplyKeyboardRemove())
    assert user.reply_keyboard is None
    with pytest.raises(BadRequest, match="is_persistent"):
        await bot.send_message(
            user.id, "x", reply_markup={"keyboard": [["a"]], "is_persistent": "yes"}
        )


async def test_one_time_keyboard_hides_after_a_tap(emu: Emulator, bot: Bot) -> None:
    user = emu.user()
    await user.send("/start")
    markup = ReplyKeyboardMarkup([["Yes"], ["No"]], one_time_keyboard=True)
    await bot.send_message(user.id, "Sure?", reply_markup=markup)
    await user.press_key("Yes")
    assert user.reply_keyboard is None
