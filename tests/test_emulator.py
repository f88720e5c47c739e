"""The Bot API emulator driven by real python-telegram-bot code: rules, errors, polling, users."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, Conflict, Forbidden, RetryAfter
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from emulator import Emulator, FloodLimits
from tests.harness import Telegram

pytestmark = [
    pytest.mark.asyncio,
    pytest.mark.filterwarnings("ignore:.*retry_after.*:telegram.warnings.PTBDeprecationWarning"),
]

TOKEN = "4242:emulator-test-token"


class FakeClock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def emu(clock: FakeClock) -> AsyncIterator[Emulator]:
    emulator = Emulator(tokens=[TOKEN], clock=clock)
    await emulator.start()
    yield emulator
    await emulator.stop()


def make_bot(emu: Emulator, token: str = TOKEN) -> Bot:
    return Bot(token, base_url=f"{emu.base_url}/bot", base_file_url=f"{emu.base_url}/file/bot")


@pytest.fixture
async def bot(emu: Emulator) -> AsyncIterator[Bot]:
    async with make_bot(emu) as b:
        yield b


def keyboard(*labels_and_data: tuple[str, str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(t, callback_data=d)] for t, d in labels_and_data]
    )


# --- a tiny bot -------------------------------------------------------------------------


async def on_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_text(
        "<b>Welcome!</b> Choose a language:",
        parse_mode=ParseMode.HTML,
        reply_markup=keyboard(("English", "lang:en"), ("Español", "lang:es")),
    )


async def on_language(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None
    await query.answer("Saved")
    greeting = {"lang:en": "Hello", "lang:es": "Hola"}[query.data]
    await query.edit_message_text(
        f"{greeting}, {query.from_user.first_name} &amp; co", parse_mode=ParseMode.HTML
    )


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None and update.effective_message.text is not None
    await update.effective_message.reply_text(f"echo: {update.effective_message.text}")


def build_app(emu: Emulator) -> Application:  # type: ignore[type-arg]
    app = (
        ApplicationBuilder()
        .token(TOKEN)
        .base_url(f"{emu.base_url}/bot")
        .base_file_url(f"{emu.base_url}/file/bot")
        .build()
    )
    app.add_handler(CommandHandler("start", on_start))
    app.add_handler(CallbackQueryHandler(on_language, pattern="^lang:"))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, on_text))
    return app


@pytest.fixture
async def polling_app(emu: Emulator) -> AsyncIterator[Application]:  # type: ignore[type-arg]
    app = build_app(emu)
    await app.initialize()
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0, timeout=10)
    yield app
    await app.updater.stop()
    await app.stop()
    await app.shutdown()


# --- end to end -------------------------------------------------------------------------


async def test_conversation_with_polling_bot(emu: Emulator, polling_app: Application) -> None:  # type: ignore[type-arg]
    tg = Telegram(emu)
    alice = tg.user("Alice", language_code="es")
    await alice.send("/start")
    welcome = await alice.next_message()
    assert welcome.text == "Welcome! Choose a language:"
    assert welcome.html == "<b>Welcome!</b> Choose a language:"
    assert welcome.entities[0] == {"type": "bold", "offset": 0, "length": 8}
    assert welcome.buttons == [[("English", "lang:en")], [("Español", "lang:es")]]

    await alice.press("Español")
    assert await alice.answer() == "Saved"
    edited = await alice.next_message()
    assert edited.message_id == welcome.message_id
    assert edited.edited and edited.text == "Hola, Alice & co"
    assert edited.buttons == []  # editing the text without reply_markup removes the keyboard

    await alice.send("hi there")
    assert (await alice.next_message()).text == "echo: hi there"
    assert [c.method for c in emu.calls_to("sendMessage")] == ["sendMessage", "sendMessage"]
    assert emu.answers[0].text == "Saved"


async def test_command_entity_and_update_shape(emu: Emulator, bot: Bot) -> None:
    user = emu.user(first_name="Bob", username="bob")
    await user.send("/start abc")
    (update,) = await bot.get_updates()
    assert update.message is not None
    assert update.message.text == "/start abc"
    assert update.message.entities[0].type == "bot_command"
    assert (update.message.entities[0].offset, update.message.entities[0].length) == (0, 6)
    assert update.message.chat.type == "private" and update.message.chat.id == user.id
    assert update.message.from_user is not None and update.message.from_user.username == "bob"
    assert update.message.from_user.language_code == "en"


async def test_next_message_fails_fast_and_lists_what_was_received(
    emu: Emulator,
    polling_app: Application,  # type: ignore[type-arg]
) -> None:
    tg = Telegram(emu, timeout=0.2)
    alice = tg.user("Alice")
    await alice.send("/start")
    await alice.next_message()
    started = time.monotonic()
    with pytest.raises(AssertionError) as err:
        await alice.next_message()
    assert time.monotonic() - started < 1.0
    assert "Welcome! Choose a language" in str(err.value)
    with pytest.raises(AssertionError, match=r"no button labelled 'Deutsch'.*English"):
        await alice.press("Deutsch")


# --- who the bot may write to -------------------------------------------------------------


async def test_unknown_chat_and_user_who_never_wrote(emu: Emulator, bot: Bot) -> None:
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(999, "hello")
    silent = emu.user(first_name="Silent")
    with pytest.raises(Forbidden, match="bot can't initiate conversation with a user"):
        await bot.send_message(silent.id, "hello")
    await silent.send("/start")
    await bot.send_message(silent.id, "hello")
    assert silent.messages[-1].text == "hello"


async def test_blocked_user_and_unblock(emu: Emulator, bot: Bot) -> None:
    user = emu.user(first_name="Carol")
    await user.send("/start")
    user.block()
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(user.id, "hello")
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_chat_action(user.id, "typing")
    user.unblock()
    await bot.send_message(user.id, "welcome back")
    updates = await bot.get_updates()
    kinds = [u.my_chat_member.new_chat_member.status for u in updates if u.my_chat_member]
    assert kinds == ["kicked", "member"]


# --- content rules ------------------------------------------------------------------------


async def test_text_length_counts_utf16_after_entity_parsing(emu: Emulator, bot: Bot) -> None:
    user = emu.user()
    await user.send("/start")
    await bot.send_message(user.id, "a" * 4096)
    with pytest.raises(BadRequest, match="Message is too long"):
        await bot.send_message(user.id, "a" * 4097)
    await bot.send_message(user.id, "<b>" + "a" * 4096 + "</b>", parse_mode=ParseMode.HTML)
    await bot.send_message(user.id, "😀" * 2048)  # 2 UTF-16 units each
    with pytest.raises(BadRequest, match="Message is too long"):
        await bot.send_message(user.id, "😀" * 2048 + "a")
    with pytest.raises(BadRequest, match="Message text is empty"):
        await bot.send_message(user.id, "<b> </b>", parse_mode=ParseMode.HTML)


async def test_callback_data_limit_in_bytes(emu: Emulator, bot: Bot) -> None:
    user = emu.user()
    await user.send("/start")
    await bot.send_message(user.id, "ok", reply_markup=keyboard(("x", "d" * 64)))
    with pytest.raises(BadRequest, match="Button_data_invalid"):
        await bot.send_message(user.id, "no", reply_markup=keyboard(("x", "d" * 65)))
    await bot.send_message(user.id, "ok", reply_markup=keyboard(("x", "é" * 32)))  # 64 bytes
    with pytest.raises(BadRequest, match="Button_data_invalid"):
        await bot.send_message(user.id, "no", reply_markup=keyboard(("x", "é" * 32 + "a")))


async def test_too_many_buttons(emu: Emulator, bot: Bot) -> None:
    user = emu.user()
    await user.send("/start")
    await bot.send_message(
        user.id, "ok", reply_markup=keyboard(*[(str(i), str(i)) for i in range(100)])
    )
    with pytest.raises(BadRequest, match="Reply markup is too long"):
        await bot.send_message(
            user.id, "no", reply_markup=keyboard(*[(str(i), str(i)) for i in range(101)])
        )


@pytest.mark.parametrize(
    ("html", "error"),
    [
        ("<foo>x</foo>", 'Unsupported start tag "foo" at byte offset 0'),
        ("ok <b>x", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("é</b>", "Unexpected end tag at byte offset 2"),
        ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
    ],
)
async def test_bad_html(emu: Emulator, bot: Bot, html: str, error: str) -> None:
    user = emu.user()
    await user.send("/start")
    with pytest.raises(BadRequest) as err:
        await bot.send_message(user.id, html, parse_mode=ParseMode.HTML)
    # PTB applies str.capitalize() to Telegram's description
    assert err.value.message == f"Can't parse entities: {error}".capitalize()
    assert emu.calls[-1].error is not None
    assert emu.calls[-1].error.description == f"Bad Request: can't parse entities: {error}"


async def test_edits(emu: Emulator, bot: Bot) -> None:
    user = emu.user()
    await user.send("/start")
    markup = keyboard(("A", "a"))
    sent = await bot.send_message(user.id, "one", reply_markup=markup)
    with pytest.raises(BadRequest, match="Message is not modified: specified new message content"):
        await bot.edit_message_text(
            "one", chat_id=user.id, message_id=sent.message_id, reply_markup=markup
        )
    edited = await bot.edit_message_text(
        "two", chat_id=user.id, message_id=sent.message_id, reply_markup=markup
    )
    assert not isinstance(edited, bool) and edited.edit_date is not None and edited.text == "two"
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_reply_markup(
            chat_id=user.id, message_id=sent.message_id, reply_markup=markup
        )
    await bot.edit_message_reply_markup(
        chat_id=user.id, message_id=sent.message_id, reply_markup=None
    )
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("x", chat_id=user.id, message_id=12345)
    await bot.delete_message(user.id, sent.message_id)
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("x", chat_id=user.id, message_id=sent.message_id)
    with pytest.raises(BadRequest, match="Message to delete not found"):
        await bot.delete_message(user.id, sent.message_id)
    (view,) = user.messages
    assert view.deleted and view.edited and view.text == "two" and view.buttons == []
    assert [e.kind for e in user.events][-3:] == ["edit", "edit", "delete"]


# --- flood control --------------------------------------------------------------------------


async def test_flood_limit_per_chat(emu: Emulator, bot: Bot, clock: FakeClock) -> None:
    user = emu.user()
    await user.send("/start")
    for i in range(3):  # the burst allowance
        await bot.send_message(user.id, f"m{i}")
    with pytest.raises(RetryAfter):
        await bot.send_message(user.id, "too fast")
    error = emu.calls[-1].error
    assert error is not None and error.to_json()["parameters"] == {"retry_after": 1}
    clock.advance(1.0)
    await bot.send_message(user.id, "after a second")
    with pytest.raises(RetryAfter):
        await bot.send_message(user.id, "too fast again")
    clock.advance(3.0)
    for i in range(3):
        await bot.send_message(user.id, f"burst {i}")


async def test_flood_limit_overall(emu: Emulator, bot: Bot, clock: FakeClock) -> None:
    users = [emu.user(first_name=f"U{i}") for i in range(31)]
    for u in users:
        await u.send("/start")
    for u in users[:30]:
        await bot.send_message(u.id, "news")
        clock.advance(0.01)
    with pytest.raises(RetryAfter):
        await bot.send_message(users[30].id, "news")
    clock.advance(0.8)  # the first message leaves the 1 s window
    await bot.send_message(users[30].id, "news")


async def test_flood_limit_off(emu: Emulator, bot: Bot) -> None:
    emu.set_flood_limits(FloodLimits.off())
    user = emu.user()
    await user.send("/start")
    for i in range(50):
        await bot.send_message(user.id, f"m{i}")
    assert len(user.messages) == 50


async def test_retry_after_value(emu: Emulator, clock: FakeClock) -> None:
    emu.set_flood_limits(FloodLimits(per_chat_per_second=0.25, per_chat_burst=1))
    user = emu.user()
    await user.send("/start")
    await emu.api("sendMessage", chat_id=user.id, text="one")
    with pytest.raises(Exception) as err:
        await emu.api("sendMessage", chat_id=user.id, text="two")
    assert getattr(err.value, "retry_after", None) == 4
    assert str(err.value) == "Too Many Requests: retry after 4"


# --- updates ------------------------------------------------------------------------------


async def test_offset_confirms_updates(emu: Emulator, bot: Bot) -> None:
    user = emu.user()
    for text in ("one", "two", "three"):
        await user.send(text)
    first = await bot.get_updates()
    again = await bot.get_updates()
    assert [u.update_id for u in first] == [u.update_id for u in again]  # not confirmed yet
    assert len(first) == 3
    rest = await bot.get_updates(offset=first[0].update_id + 1)
    assert [u.message.text for u in rest if u.message] == ["two", "three"]
    limited = await bot.get_updates(limit=1)
    assert [u.message.text for u in limited if u.message] == ["two"]
    await user.send("four")
    last = await bot.get_updates(offset=-1)
    assert [u.message.text for u in last if u.message] == ["four"]
    assert [u.message.text for u in await bot.get_updates() if u.message] == ["four"]
    assert await bot.get_updates(offset=last[0].update_id + 1) == ()


async def test_allowed_updates(emu: Emulator, bot: Bot) -> None:
    user = emu.user()
    await user.send("/start")
    sent = await bot.send_message(user.id, "x", reply_markup=keyboard(("A", "a")))
    await user.press(sent.message_id, "a")
    updates = await bot.get_updates(allowed_updates=["callback_query"])
    assert [u.callback_query.data for u in updates if u.callback_query] == ["a"]
    assert all(u.message is None for u in updates)


async def test_long_poll_answers_as_soon_as_an_update_arrives(emu: Emulator, bot: Bot) -> None:
    user = emu.user()
    poll = asyncio.create_task(bot.get_updates(timeout=30))
    await emu.wait_for_call("getUpdates")  # the request reached the emulator and waits
    started = time.monotonic()
    await user.send("ping")
    updates = await asyncio.wait_for(poll, 5)
    assert time.monotonic() - started < 0.5
    assert updates[0].message is not None and updates[0].message.text == "ping"


async def test_long_poll_timeout_and_superseded_poll(emu: Emulator, bot: Bot) -> None:
    assert await bot.get_updates(timeout=0) == ()
    first = asyncio.create_task(bot.get_updates(timeout=30))
    await emu.wait_for_call("getUpdates", count=2)
    async with make_bot(emu) as other:
        second = asyncio.create_task(other.get_updates(timeout=30))
        with pytest.raises(Conflict, match="terminated by other getUpdates request"):
            await asyncio.wait_for(first, 5)
        await emu.user().send("hello")
        assert len(await asyncio.wait_for(second, 5)) == 1


async def test_get_updates_conflicts_with_webhook(emu: Emulator, bot: Bot) -> None:
    await bot.set_webhook("http://127.0.0.1:9/hook", drop_pending_updates=True)
    info = await bot.get_webhook_info()
    assert info.url == "http://127.0.0.1:9/hook"
    with pytest.raises(Conflict, match="can't use getUpdates method while webhook is active"):
        await bot.get_updates()
    await bot.delete_webhook()
    assert (await bot.get_webhook_info()).url == ""
    assert await bot.get_updates() == ()


# --- parameters and methods ---------------------------------------------------------------


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBUserWarning")
async def test_unknown_and_missing_parameters(emu: Emulator, bot: Bot) -> None:
    user = emu.user()
    await user.send("/start")
    with pytest.raises(BadRequest, match="Unknown parameter colour"):
        await bot.send_message(user.id, "x", api_kwargs={"colour": "red"})
    with pytest.raises(BadRequest, match="Message text is empty"):
        await bot.do_api_request("sendMessage", api_kwargs={"chat_id": user.id})
    with pytest.raises(BadRequest, match="Chat_id is empty"):
        await bot.do_api_request("sendMessage", api_kwargs={"text": "x"})
    assert emu.calls_to("sendMessage", ok=False)[-1].error is not None


async def test_unknown_and_unimplemented_methods(emu: Emulator, bot: Bot) -> None:
    from telegram.error import EndPointNotFound

    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("sendTelepathy")
    error = emu.calls[-1].error
    assert error is not None and (error.code, error.description) == (404, "Not Found")
    with pytest.raises(BadRequest, match=r"(?i)method sendDice is not implemented by the emulator"):
        await bot.send_dice(1)


async def test_commands_per_scope_and_language(emu: Emulator, bot: Bot) -> None:
    user = emu.user(language_code="es")
    await user.send("/start")
    await bot.set_my_commands([BotCommand("start", "Start")])
    await bot.set_my_commands([BotCommand("start", "Empezar")], language_code="es")
    await bot.set_my_commands([BotCommand("help", "Help")], scope=BotCommandScopeAllPrivateChats())
    assert [c.description for c in await bot.get_my_commands()] == ["Start"]
    assert [c.description for c in await bot.get_my_commands(language_code="es")] == ["Empezar"]
    assert [
        c.command for c in await bot.get_my_commands(scope=BotCommandScopeAllPrivateChats())
    ] == ["help"]
    assert (
        await bot.get_my_commands(scope=BotCommandScopeAllPrivateChats(), language_code="es") == ()
    )
    assert user.commands == [{"command": "help", "description": "Help"}]
    await bot.set_my_commands([BotCommand("menu", "Menú")], scope=BotCommandScopeChat(user.id))
    assert [c["command"] for c in user.commands] == ["menu"]
    await bot.delete_my_commands(scope=BotCommandScopeChat(user.id))
    await bot.delete_my_commands(scope=BotCommandScopeAllPrivateChats())
    assert user.commands == [{"command": "start", "description": "Empezar"}]
    with pytest.raises(BadRequest, match="Bot_command_invalid"):
        await bot.set_my_commands([BotCommand("Not valid!", "x")])


async def test_send_document_multipart(emu: Emulator, bot: Bot) -> None:
    user = emu.user()
    await user.send("/start")
    data = b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n" + bytes(range(256))
    sent = await bot.send_document(
        user.id, data, filename="meeting.ics", caption="<i>Your</i> meeting", parse_mode="HTML"
    )
    assert sent.document is not None and sent.document.file_name == "meeting.ics"
    assert sent.document.file_size == len(data) and sent.document.mime_type == "text/calendar"
    assert sent.caption == "Your meeting"
    view = user.messages[-1]
    assert (
        view.document is not None
        and view.document.data == data
        and view.document.file_name == "meeting.ics"
    )
    file = await bot.get_file(sent.document.file_id)
    assert bytes(await file.download_as_bytearray()) == data
    again = await bot.send_document(user.id, sent.document.file_id)
    assert again.document is not None and again.document.file_id == sent.document.file_id
    with pytest.raises(BadRequest, match="Message caption is too long"):
        await bot.send_document(user.id, b"x", filename="a.txt", caption="c" * 1025)


async def test_send_photo(emu: Emulator, bot: Bot) -> None:
    import struct
    import zlib

    user = emu.user()
    await user.send("/start")
    png = (
        b"\x89PNG\r\n\x1a\n"
        + struct.pack(">I", 13)
        + b"IHDR"
        + struct.pack(">IIBBBBB", 3, 2, 8, 2, 0, 0, 0)
    )
    png += struct.pack(">I", zlib.crc32(png[12:29]))
    sent = await bot.send_photo(user.id, png, caption="pic")
    assert sent.photo and (sent.photo[-1].width, sent.photo[-1].height) == (3, 2)
    assert user.messages[-1].photo is not None and user.messages[-1].photo.data == png


async def test_unauthorized_token(emu: Emulator) -> None:
    from telegram.error import InvalidToken

    async with make_bot(emu) as good:
        assert (await good.get_me()).username == "mentorbot_demo_bot"
    with pytest.raises(InvalidToken):
        async with make_bot(emu, "1:wrong"):
            pass


async def test_answer_callback_query_once(emu: Emulator, bot: Bot) -> None:
    user = emu.user()
    await user.send("/start")
    sent = await bot.send_message(user.id, "pick", reply_markup=keyboard(("A", "a")))
    query_id = await user.press(sent, "a")
    (update,) = [u for u in await bot.get_updates() if u.callback_query]
    assert update.callback_query is not None and update.callback_query.message is not None
    assert update.callback_query.message.message_id == sent.message_id
    await bot.answer_callback_query(query_id, text="done", show_alert=True)
    with pytest.raises(BadRequest, match="Query is too old"):
        await bot.answer_callback_query(query_id)
    assert emu.answers[-1].show_alert and user.answers[-1].text == "done"
    with pytest.raises(LookupError):
        await user.press(sent, "nope")


# --- groups ---------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["group", "supergroup"])
async def test_a_bot_added_to_a_group_writes_there_until_it_leaves(
    emu: Emulator, bot: Bot, kind: str
) -> None:
    dana = emu.user(first_name="Dana")
    group = emu.group(dana, "Neighbours", kind=kind)
    assert group.id < 0 and group.bot_status == "left"
    with pytest.raises(Forbidden, match=f"bot is not a member of the {kind} chat"):
        await bot.send_message(group.id, "hello")
    await group.send(dana, "nobody hears this")  # the bot is not in the group yet
    group.add_bot(by=dana)
    await group.send(dana, "/mymatches")
    updates = await bot.get_updates()
    added, service, command = updates
    assert added.my_chat_member is not None and added.my_chat_member.chat.type == kind
    assert added.my_chat_member.from_user.id == dana.id
    assert (
        added.my_chat_member.old_chat_member.status,
        added.my_chat_member.new_chat_member.status,
    ) == ("left", "member")
    assert service.message is not None and [u.id for u in service.message.new_chat_members] == [
        bot.id
    ]
    assert command.message is not None and command.message.text == "/mymatches"
    assert command.message.chat.id == group.id and command.message.from_user.id == dana.id  # type: ignore[union-attr]

    sent = await bot.send_message(
        group.id,
        "only in private chats",
        reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="x")]]),
    )
    assert sent.chat.type == kind and group.messages[-1].text == "only in private chats"
    qid = await group.press(dana, group.messages[-1], "x")
    [press] = await bot.get_updates(offset=updates[-1].update_id + 1)
    assert press.callback_query is not None and press.callback_query.message.chat.id == group.id  # type: ignore[union-attr]
    await bot.answer_callback_query(qid, "private only")
    answered = await group.wait_for_event(kinds=("callback_answer",), after=0)
    assert answered.answer is not None and answered.answer.text == "private only"

    assert await bot.leave_chat(group.id) is True
    assert group.bot_status == "left"
    [left] = await bot.get_updates(offset=press.update_id + 1)
    assert left.my_chat_member is not None and left.my_chat_member.from_user.id == bot.id
    assert left.my_chat_member.new_chat_member.status == "left"
    with pytest.raises(Forbidden, match="bot is not a member"):
        await bot.send_message(group.id, "still here?")
    with pytest.raises(Forbidden, match="bot is not a member"):
        await bot.leave_chat(group.id)


async def test_leave_chat_refuses_private_and_unknown_chats(emu: Emulator, bot: Bot) -> None:
    erin = emu.user(first_name="Erin")
    await erin.send("/start")
    with pytest.raises(BadRequest, match="can't be changed in private chats"):
        await bot.leave_chat(erin.id)
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.leave_chat(-42)


async def test_get_me_tells_whether_the_bot_can_join_groups(emu: Emulator, bot: Bot) -> None:
    assert (await bot.get_me()).can_join_groups is True
    emu.bot().can_join_groups = False
    async with make_bot(emu) as fresh:
        assert (await fresh.get_me()).can_join_groups is False
    with pytest.raises(RuntimeError, match="Allow Groups"):
        emu.group(emu.user(first_name="Finn"), "Team").add_bot(by=emu.user(first_name="Finn"))


async def test_lengths_are_utf16_units_and_a_long_user_text_is_split_like_the_apps_do(
    emu: Emulator, bot: Bot
) -> None:
    """Telegram counts UTF-16 code units: a ZWJ family is 11, a flag 4; an app splits a text
    longer than 4096 units into several messages."""
    from emulator.formatting import utf16_len

    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"
    assert utf16_len(family) == 11 and utf16_len("\U0001f1ea\U0001f1f8") == 4
    user = emu.user(first_name="Lena")
    await user.send("\U0001f600" * 2500)  # 5,000 units: two messages
    updates = await bot.get_updates()
    sent = [u.message.text for u in updates if u.message is not None]
    assert [len(t or "") for t in sent] == [2048, 452]
    await bot.send_message(user.id, family * 372)  # 4,092 units: fits
    with pytest.raises(BadRequest, match="Message is too long"):
        await bot.send_message(user.id, family * 373)  # 4,103 units, though 2,611 code points


# --- deleting messages: Telegram's 48-hour limit -----------------------------------------------


async def test_messages_older_than_48_hours_are_not_deleted() -> None:
    wall = FakeClock()
    emulator = Emulator(tokens=[TOKEN], wall_clock=wall, flood_limits=FloodLimits.off())
    await emulator.start()
    try:
        async with make_bot(emulator) as bot:
            user = emulator.user(first_name="Ana")
            await user.send("/start")
            old = [await bot.send_message(user.id, f"old {i}") for i in range(2)]
            wall.advance(48 * 3600 + 1)  # the first two are now too old
            new = [await bot.send_message(user.id, f"new {i}") for i in range(2)]
            with pytest.raises(BadRequest, match="Message can't be deleted for everyone"):
                await bot.delete_message(user.id, old[0].message_id)
            ids = [m.message_id for m in old + new]
            assert await bot.delete_messages(user.id, ids)  # the old ones are skipped
            with pytest.raises(BadRequest, match="Too many message identifiers"):
                await bot.delete_messages(user.id, list(range(1, 102)))
            live = [v.text for v in user.messages if not v.deleted]
            assert live == ["old 0", "old 1"]
    finally:
        await emulator.stop()
