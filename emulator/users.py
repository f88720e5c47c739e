"""Simulated Telegram users: they write to the bot, press buttons, block it, and see its messages."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Callable, Iterable
from typing import Any

from .files import UploadedFile
from .formatting import utf16_len
from .rules import MAX_TEXT
from .state import BotState, CallbackQuery, ChatState, StoredMessage, UserInfo, World
from .views import EventKind, HasMessageId, MessageView, UserEvent

_COMMAND_RE = re.compile(r"(?<![\w/])/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![\w@])")
MESSAGE_KINDS: tuple[EventKind, ...] = ("message", "edit")


def _split_utf16(text: str, limit: int) -> tuple[str, str]:
    """The first `limit` UTF-16 units of `text` (never half a surrogate pair) and the rest."""
    used = 0
    for index, ch in enumerate(text):
        used += utf16_len(ch)
        if used > limit:
            return text[:index], text[index:]
    return text, ""


def command_entities(text: str) -> list[dict[str, Any]]:
    """bot_command entities, as Telegram adds them to incoming messages."""
    return [
        {
            "type": "bot_command",
            "offset": utf16_len(text[: m.start()]),
            "length": utf16_len(m.group()),
        }
        for m in _COMMAND_RE.finditer(text)
    ]


class SimulatedUser:
    """One user in a private chat with one bot."""

    def __init__(self, world: World, bot: BotState, info: UserInfo) -> None:
        self.world = world
        self.bot = bot
        self.info = info
        self.mark = 0
        """Event sequence number at this user's latest action (waits start after it)."""

    def __repr__(self) -> str:
        return f"SimulatedUser(id={self.id}, first_name={self.first_name!r})"

    @property
    def id(self) -> int:
        return self.info.id

    @property
    def first_name(self) -> str:
        return self.info.first_name

    @property
    def chat(self) -> ChatState:
        return self.world.chat(self.bot, self.id)

    @property
    def blocked(self) -> bool:
        return self.chat.blocked

    # --- actions ----------------------------------------------------------------------

    def _begin(self) -> ChatState:
        chat = self.chat
        if chat.blocked:
            raise RuntimeError(f"{self!r} has blocked the bot; call unblock() first")
        chat.started = True
        self.mark = len(chat.events)
        return chat

    def _user_message(self, chat: ChatState, **fields: Any) -> StoredMessage:
        msg = StoredMessage(chat.new_message_id(), self.id, self.world.now(), False, **fields)
        chat.messages[msg.message_id] = msg
        self.world.emit(self.bot, chat, "user_message", msg)
        self.mark = len(chat.events)
        return msg

    async def send(
        self, text: str, *, reply_to: int | None = None, forwarded_from: str | None = None
    ) -> MessageView:
        """Write a text message to the bot (commands get bot_command entities). A text over
        4096 UTF-16 units goes as several messages, as Telegram's apps split it.
        `forwarded_from`: the message is forwarded from someone who hides their account
        (`forward_origin` of type `hidden_user`), and has no command entities."""
        if not text.strip():
            raise ValueError("Telegram clients do not send empty messages")
        if utf16_len(text) > MAX_TEXT:
            head, rest = _split_utf16(text, MAX_TEXT)
            await self.send(head, reply_to=reply_to, forwarded_from=forwarded_from)
            return await self.send(rest, forwarded_from=forwarded_from)
        chat = self._begin()
        reply = chat.messages.get(reply_to) if reply_to is not None else None
        entities = command_entities(text) if forwarded_from is None else []
        msg = self._user_message(chat, text=text, entities=entities, source=text, reply_to=reply)
        if forwarded_from is not None:
            msg.extra["forward_origin"] = {
                "type": "hidden_user", "date": msg.date, "sender_user_name": forwarded_from,
            }  # fmt: skip
        self.bot.enqueue("message", self.world.message_json(self.bot, chat, msg))
        return self.world.view(self.bot, chat, msg)

    async def send_document(
        self, data: bytes, file_name: str, *, caption: str = "", mime_type: str | None = None
    ) -> MessageView:
        """Send a file to the bot (as a document)."""
        chat = self._begin()
        stored = self.world.files.add(
            data, kind="documents", file_name=file_name, mime_type=mime_type
        )
        msg = self._user_message(chat, text=caption, source=caption, file=stored, kind="document")
        self.bot.enqueue("message", self.world.message_json(self.bot, chat, msg))
        return self.world.view(self.bot, chat, msg)

    async def send_photo(self, data: bytes, *, caption: str = "") -> MessageView:
        """Send a photo to the bot (Telegram gives it as a list of sizes)."""
        chat = self._begin()
        stored = self.world.files.add(data, kind="photos", mime_type="image/jpeg")
        msg = self._user_message(chat, text=caption, source=caption, file=stored, kind="photo")
        self.bot.enqueue("message", self.world.message_json(self.bot, chat, msg))
        return self.world.view(self.bot, chat, msg)

    async def send_voice(self, data: bytes, *, duration: int = 1) -> MessageView:
        """Record and send a voice note (OGG/Opus, as Telegram's apps record them)."""
        chat = self._begin()
        stored = self.world.files.add(data, kind="voice", file_name=None, mime_type="audio/ogg")
        msg = self._user_message(chat, text="", source="", file=stored, kind="voice")
        msg.extra["duration"] = duration
        self.bot.enqueue("message", self.world.message_json(self.bot, chat, msg))
        return self.world.view(self.bot, chat, msg)

    async def send_location(self, latitude: float, longitude: float) -> MessageView:
        """Share a location (a point on the map)."""
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            raise ValueError(
                "a location needs a latitude in [-90, 90] and a longitude in [-180, 180]"
            )
        chat = self._begin()
        msg = self._user_message(chat, text=None, source="", kind="location")
        msg.extra["location"] = {"latitude": float(latitude), "longitude": float(longitude)}
        self.bot.enqueue("message", self.world.message_json(self.bot, chat, msg))
        return self.world.view(self.bot, chat, msg)

    @property
    def reply_keyboard(self) -> list[list[str]] | None:
        """The labels of the reply keyboard the app shows under the input field, row by row
        (None when there is none)."""
        markup = self.chat.reply_keyboard
        if markup is None:
            return None
        return [
            [b if isinstance(b, str) else str(b.get("text", "")) for b in row]
            for row in markup.get("keyboard", [])
        ]

    @property
    def reply_keyboard_markup(self) -> dict[str, Any] | None:
        """The ReplyKeyboardMarkup shown now, as the bot sent it (is_persistent, resize_keyboard…)."""
        markup = self.chat.reply_keyboard
        return dict(markup) if markup is not None else None

    async def press_key(self, label: str) -> MessageView:
        """Tap a button of the reply keyboard: the app sends its label as a text message (and
        hides a one-time keyboard)."""
        shown = self.reply_keyboard or []
        if not any(label == b for row in shown for b in row):
            raise LookupError(f"no reply keyboard button {label!r}; the keyboard shows {shown}")
        markup = self.chat.reply_keyboard or {}
        if markup.get("one_time_keyboard"):
            self.chat.reply_keyboard = None
        return await self.send(label)

    async def edit(self, message_id: int, text: str) -> MessageView:
        """Edit one of this user's messages (the bot gets an edited_message update)."""
        chat = self._begin()
        msg = chat.messages.get(message_id)
        if msg is None or msg.from_bot or msg.kind != "text":
            raise LookupError(f"message {message_id} is not a text message of {self!r}")
        msg.text = msg.source = text
        msg.entities = command_entities(text)
        msg.edit_date = self.world.now()
        self.world.emit(self.bot, chat, "user_edit", msg)
        self.mark = len(chat.events)
        self.bot.enqueue("edited_message", self.world.message_json(self.bot, chat, msg))
        return self.world.view(self.bot, chat, msg)

    async def press(
        self, message: HasMessageId | int, callback_data: str, *, forged: bool = False
    ) -> str:
        """Press the inline button carrying ``callback_data`` on a bot message; returns the query id.

        With ``forged=True`` the data need not be on any button: a modified client can send any
        bytes as callback data, and a bot must refuse what it did not offer.
        """
        chat = self._begin()
        mid = message if isinstance(message, int) else message.message_id
        msg = chat.messages.get(mid)
        if msg is None or msg.deleted or not msg.from_bot:
            raise LookupError(f"no message {mid} from the bot in the chat with {self!r}")
        rows = (msg.reply_markup or {}).get("inline_keyboard", [])
        if not forged and not any(
            b.get("callback_data") == callback_data for row in rows for b in row
        ):
            view = self.world.view(self.bot, chat, msg)
            raise LookupError(
                f"message {mid} has no button with callback_data {callback_data!r}: {view.buttons}"
            )
        qid = self.world.new_query_id(self.id)
        self.bot.callback_queries[qid] = CallbackQuery(qid, self.id, mid, callback_data)
        payload = {
            "id": qid,
            "from": self.info.user_json(),
            "message": self.world.message_json(self.bot, chat, msg),
            "chat_instance": chat.chat_instance,
            "data": callback_data,
        }
        self.bot.enqueue("callback_query", payload)
        return qid

    def find_button(
        self, label: str, message: HasMessageId | int | None = None
    ) -> tuple[MessageView, dict[str, Any]]:
        """The button labelled ``label`` (exact, else unique substring) on the latest message having it."""
        views = [v for v in self.messages if not v.deleted and v.keyboard]
        if message is not None:
            mid = message if isinstance(message, int) else message.message_id
            views = [v for v in views if v.message_id == mid]
        for exact in (True, False):
            for view in reversed(views):
                found = [
                    b for row in view.keyboard for b in row
                    if (b.get("text") == label if exact else label.casefold() in str(b.get("text", "")).casefold())
                ]  # fmt: skip
                if len(found) == 1 or (found and exact):
                    return view, found[0]
                if len(found) > 1:
                    raise LookupError(
                        f"label {label!r} matches several buttons: {[b.get('text') for b in found]}"
                    )
        available = [f"#{v.message_id}: {v.button_labels}" for v in views[-5:]]
        raise LookupError(
            f"no button labelled {label!r}; buttons on recent messages: {available or 'none'}"
        )

    async def press_button(self, label: str, message: HasMessageId | int | None = None) -> str:
        """Press a callback button by its visible label."""
        view, button = self.find_button(label, message)
        if "callback_data" not in button:
            raise LookupError(f"button {label!r} is not a callback button: {button}")
        return await self.press(view, str(button["callback_data"]))

    def block(self) -> None:
        self._membership("kicked")

    def unblock(self) -> None:
        self._membership("member")

    def _membership(self, status: str) -> None:
        chat = self.chat
        blocked = status == "kicked"
        if chat.blocked == blocked:
            return
        chat.blocked = blocked
        self.mark = len(chat.events)
        old = "member" if blocked else "kicked"
        member = self.bot.user_json()
        new: dict[str, Any] = {"user": member, "status": status}
        if blocked:
            new["until_date"] = 0
        old_member: dict[str, Any] = {"user": member, "status": old}
        if old == "kicked":
            old_member["until_date"] = 0
        payload = {
            "chat": self.info.chat_json(),
            "from": self.info.user_json(),
            "date": self.world.now(),
            "old_chat_member": old_member,
            "new_chat_member": new,
        }
        self.bot.enqueue("my_chat_member", payload)

    # --- what the user sees ------------------------------------------------------------

    def _views(self, from_bot: bool | None) -> list[MessageView]:
        chat = self.chat
        return [
            self.world.view(self.bot, chat, m)
            for m in chat.messages.values()
            if from_bot is None or m.from_bot == from_bot
        ]

    @property
    def messages(self) -> list[MessageView]:
        """The bot's messages in this chat, current state (edits applied; deleted ones flagged)."""
        return self._views(True)

    @property
    def history(self) -> list[MessageView]:
        """Every message of the chat, both directions."""
        return self._views(None)

    @property
    def last_message(self) -> MessageView | None:
        live = [v for v in self.messages if not v.deleted]
        return live[-1] if live else None

    @property
    def events(self) -> list[UserEvent]:
        return list(self.chat.events)

    @property
    def last_seq(self) -> int:
        return len(self.chat.events)

    @property
    def answers(self) -> list[Any]:
        return [a for a in self.world.answers if a.user_id == self.id]

    @property
    def commands(self) -> list[dict[str, str]]:
        """The command menu this user sees (Telegram's scope and language fallback)."""
        lang = (self.info.language_code or "")[:2]
        scopes = [("chat", self.id, 0), ("all_private_chats", 0, 0), ("default", 0, 0)]
        for scope in scopes:
            for language in ([lang] if lang else []) + [""]:
                found = self.bot.commands.get((scope, language))
                if found:
                    return list(found)
        return []

    async def wait_for_event(
        self,
        after: int | None = None,
        *,
        kinds: Iterable[EventKind] = MESSAGE_KINDS,
        predicate: Callable[[UserEvent], bool] | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> UserEvent:
        """The first event after sequence number ``after`` (default: this user's latest action)."""
        wanted = frozenset(kinds)
        chat = self.chat
        index = self.mark if after is None else after
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            while index < len(chat.events):
                event = chat.events[index]
                index += 1
                if event.kind in wanted and (predicate is None or predicate(event)):
                    return event
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"no matching event for {self!r} within {timeout}s")
            await chat.signal.wait(remaining)

    async def wait_for_message(
        self,
        predicate: Callable[[MessageView], bool] | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109
        *,
        after: int | None = None,
    ) -> MessageView:
        """The next new or edited bot message after ``after`` (default: the latest action)."""

        def matches(event: UserEvent) -> bool:
            return event.message is not None and (predicate is None or predicate(event.message))

        event = await self.wait_for_event(after, predicate=matches, timeout=timeout)
        assert event.message is not None
        return event.message

    async def subscribe(self, after: int = 0) -> AsyncIterator[UserEvent]:
        """Every event after sequence number ``after``, forever (stop iterating to unsubscribe)."""
        chat = self.chat
        index = after
        while True:
            while index < len(chat.events):
                index += 1
                yield chat.events[index - 1]
            await chat.signal.wait(None)

    def on_event(self, callback: Callable[[UserEvent], None]) -> Callable[[], None]:
        """Call ``callback`` synchronously for each new event; returns a function that unsubscribes."""
        listeners = self.chat.listeners
        listeners.append(callback)
        return lambda: listeners.remove(callback) if callback in listeners else None


__all__ = ["SimulatedUser", "UploadedFile", "command_entities"]
