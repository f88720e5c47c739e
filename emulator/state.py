"""The emulated world: bots, users, private chats, groups, messages, pending updates."""

from __future__ import annotations

import asyncio
import html
import itertools
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .errors import BLOCKED, CANT_INITIATE, CHAT_NOT_FOUND, ApiError, bad_request, forbidden
from .files import FileStore, StoredFile
from .flood import FloodControl, FloodLimits
from .formatting import Entity
from .views import CallbackAnswer, EventKind, FileView, MessageView, UserEvent

DEFAULT_UPDATES = frozenset(
    {
        "message", "edited_message", "channel_post", "edited_channel_post", "business_connection",
        "business_message", "edited_business_message", "deleted_business_messages", "inline_query",
        "chosen_inline_result", "callback_query", "shipping_query", "pre_checkout_query",
        "purchased_paid_media", "poll", "poll_answer", "my_chat_member", "chat_join_request",
        "chat_boost", "removed_chat_boost", "managed_bot", "guest_message",
    }
)  # fmt: skip


class Signal:
    """Wakes up every waiter each time it fires (cheap when nobody waits)."""

    def __init__(self) -> None:
        self._event: asyncio.Event | None = None

    def fire(self) -> None:
        if self._event is not None:
            self._event.set()
            self._event = None

    async def wait(self, timeout: float | None) -> bool:  # noqa: ASYNC109
        if self._event is None:
            self._event = asyncio.Event()
        event = self._event
        try:
            await asyncio.wait_for(event.wait(), timeout)
        except TimeoutError:
            return False
        return True


@dataclass
class UserInfo:
    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None

    def user_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.last_name:
            out["last_name"] = self.last_name
        if self.username:
            out["username"] = self.username
        if self.language_code:
            out["language_code"] = self.language_code
        return out

    def chat_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "type": "private", "first_name": self.first_name}
        if self.last_name:
            out["last_name"] = self.last_name
        if self.username:
            out["username"] = self.username
        return out


@dataclass
class GroupInfo:
    """A group or supergroup chat (negative id) that users can add bots to."""

    id: int
    type: str  # group | supergroup
    title: str

    def chat_json(self) -> dict[str, Any]:
        return {"id": self.id, "type": self.type, "title": self.title}


@dataclass
class StoredMessage:
    message_id: int
    chat_id: int
    date: int
    from_bot: bool
    text: str | None = None  # text, or caption for media
    entities: list[Entity] = field(default_factory=list)
    source: str = ""  # text or caption as sent
    parse_mode: str | None = None
    reply_markup: dict[str, Any] | None = None
    file: StoredFile | None = None
    kind: str = "text"  # text | document | photo | voice | location | service
    edit_date: int | None = None
    deleted: bool = False
    reply_to: StoredMessage | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    sender_id: int | None = None  # in a group: the user who wrote it


@dataclass
class ChatState:
    user: UserInfo  # the private chat's user; for a group, the user who created it
    started: bool = False
    blocked: bool = False
    messages: dict[int, StoredMessage] = field(default_factory=dict)
    next_message_id: int = 1
    events: list[UserEvent] = field(default_factory=list)
    signal: Signal = field(default_factory=Signal)
    listeners: list[Callable[[UserEvent], None]] = field(default_factory=list)
    group: GroupInfo | None = None
    bot_status: str = "member"  # in a group: member | left | kicked
    reply_keyboard: dict[str, Any] | None = None
    """The reply keyboard the user's app shows under the input field (ReplyKeyboardMarkup),
    until a later message replaces or removes it."""

    @property
    def id(self) -> int:
        return self.group.id if self.group is not None else self.user.id

    @property
    def chat_instance(self) -> str:
        return str(-(self.id * 7919 + 13))

    def chat_json(self) -> dict[str, Any]:
        return self.group.chat_json() if self.group is not None else self.user.chat_json()

    def new_message_id(self) -> int:
        mid = self.next_message_id
        self.next_message_id += 1
        return mid


@dataclass
class WebhookConfig:
    url: str
    secret_token: str | None = None
    max_connections: int = 40
    allowed_updates: frozenset[str] | None = None
    last_error_date: int | None = None
    last_error_message: str | None = None


@dataclass
class CallbackQuery:
    id: str
    user_id: int
    message_id: int
    data: str
    answered: bool = False
    chat_id: int | None = None  # the chat of the pressed message, when not the user's own


class BotState:
    def __init__(self, token: str, username: str, first_name: str, flood: FloodControl) -> None:
        prefix = token.split(":", 1)[0]
        self.token = token
        self.id = int(prefix) if prefix.isdigit() else abs(hash(token)) % 10**10
        self.username = username
        self.first_name = first_name
        self.flood = flood
        self.chats: dict[int, ChatState] = {}
        self.updates: deque[dict[str, Any]] = deque()
        self.next_update_id = 1
        self.update_signal = Signal()
        self.allowed_updates: frozenset[str] = DEFAULT_UPDATES
        self.webhook: WebhookConfig | None = None
        self.commands: dict[tuple[tuple[str, int, int], str], list[dict[str, str]]] = {}
        self.callback_queries: dict[str, CallbackQuery] = {}
        self.texts: dict[
            tuple[str, str], str
        ] = {}  # (name|description|short_description, language)
        self.menu_buttons: dict[int, dict[str, Any]] = {}
        self.poll_owner: object | None = None
        self.can_join_groups = True  # BotFather's "Allow Groups?"
        self.can_read_all_group_messages = False  # BotFather's privacy mode off
        self.revoked = False  # BotFather's /revoke: the token answers 401
        self.profile_photo: StoredFile | None = None  # setMyProfilePhoto

    def user_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "is_bot": True,
            "first_name": self.first_name,
            "username": self.username,
        }

    def me_json(self) -> dict[str, Any]:
        return {
            **self.user_json(),
            "can_join_groups": self.can_join_groups,
            "can_read_all_group_messages": self.can_read_all_group_messages,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def enqueue(self, kind: str, payload: dict[str, Any]) -> int:
        uid = self.next_update_id
        self.next_update_id += 1
        self.updates.append({"update_id": uid, kind: payload})
        self.update_signal.fire()
        return uid


class World:
    """All state of one emulator instance."""

    def __init__(
        self,
        flood_limits: FloodLimits,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self.flood_limits = flood_limits
        self.clock = clock
        self.wall_clock = wall_clock
        self.bots: dict[str, BotState] = {}
        self.users: dict[int, UserInfo] = {}
        self.files = FileStore()
        self.answers: list[CallbackAnswer] = []
        self._user_ids = itertools.count(100_000_001)
        self._group_ids = itertools.count(1)
        self._query_ids = itertools.count(1)

    def now(self) -> int:
        return int(self.wall_clock())

    def add_bot(self, token: str, username: str, first_name: str) -> BotState:
        bot = BotState(token, username, first_name, FloodControl(self.flood_limits, self.clock))
        self.bots[token] = bot
        return bot

    def add_user(self, info: UserInfo | None = None, **kwargs: Any) -> UserInfo:
        if info is None:
            uid = kwargs.pop("id", None)
            if uid is None:
                uid = next(self._user_ids)
                while uid in self.users:
                    uid = next(self._user_ids)
            info = UserInfo(id=uid, **kwargs)
        self.users[info.id] = info
        return info

    def chat(self, bot: BotState, user_id: int) -> ChatState:
        chat = bot.chats.get(user_id)
        if chat is None:
            chat = ChatState(self.users[user_id])
            bot.chats[user_id] = chat
        return chat

    def add_group(self, bot: BotState, creator: int, title: str, kind: str = "group") -> ChatState:
        """A group (or supergroup) chat created by a user; the bot is not in it yet."""
        if kind not in ("group", "supergroup"):
            raise ValueError("a group chat is a group or a supergroup")
        n = next(self._group_ids)
        gid = -(4_000_000_000 + n) if kind == "group" else -(1_000_000_000_000 + 2_000_000_000 + n)
        chat = ChatState(
            self.users[creator], started=True, group=GroupInfo(gid, kind, title), bot_status="left"
        )
        bot.chats[gid] = chat
        return chat

    def new_query_id(self, user_id: int) -> str:
        return str(user_id * 1000 + next(self._query_ids) % 1000 + 4_000_000_000_000_000)

    def target_chat(self, bot: BotState, chat_id: Any) -> ChatState:
        """The private chat a bot wants to write to, with Telegram's errors."""
        if not isinstance(chat_id, int):
            raise bad_request(CHAT_NOT_FOUND)
        chat = bot.chats.get(chat_id)
        if chat is None:
            if chat_id in self.users:
                raise forbidden(CANT_INITIATE)
            raise bad_request(CHAT_NOT_FOUND)
        if chat.group is not None and chat.bot_status != "member":
            kind = "supergroup" if chat.group.type == "supergroup" else "group"
            if chat.bot_status == "kicked":
                raise forbidden(f"bot was kicked from the {kind} chat")
            raise forbidden(f"bot is not a member of the {kind} chat")
        if not chat.started:
            raise forbidden(CANT_INITIATE)
        if chat.blocked:
            raise forbidden(BLOCKED)
        return chat

    def existing_chat(self, bot: BotState, chat_id: Any) -> ChatState:
        if not isinstance(chat_id, int) or chat_id not in bot.chats:
            raise bad_request(CHAT_NOT_FOUND)
        return bot.chats[chat_id]

    # --- rendering -----------------------------------------------------------------

    def message_json(
        self, bot: BotState, chat: ChatState, msg: StoredMessage, *, nested: bool = False
    ) -> dict[str, Any]:
        out: dict[str, Any] = {
            "message_id": msg.message_id,
            "from": bot.user_json() if msg.from_bot else self._sender(chat, msg).user_json(),
            "chat": chat.chat_json(),
            "date": msg.date,
        }
        if msg.edit_date is not None:
            out["edit_date"] = msg.edit_date
        if msg.reply_to is not None and not nested:
            out["reply_to_message"] = self.message_json(bot, chat, msg.reply_to, nested=True)
        if msg.kind == "text":
            out["text"] = msg.text or ""
            if msg.entities:
                out["entities"] = msg.entities
        elif msg.kind == "service":  # e.g. new_chat_members in a group
            out.update(msg.extra)
        elif msg.kind == "location":
            out["location"] = dict(msg.extra["location"])
        else:
            assert msg.file is not None
            if msg.kind == "document":
                out["document"] = msg.file.document_json()
            elif msg.kind == "voice":
                out["voice"] = msg.file.voice_json(int(msg.extra.get("duration", 0)))
            else:
                out["photo"] = msg.file.photo_json()
            if msg.text:
                out["caption"] = msg.text
                if msg.entities:
                    out["caption_entities"] = msg.entities
        if msg.extra.get("forward_origin"):
            out["forward_origin"] = msg.extra["forward_origin"]
        if msg.extra.get("link_preview_options"):
            out["link_preview_options"] = msg.extra["link_preview_options"]
        if msg.reply_markup is not None and "inline_keyboard" in msg.reply_markup:
            out["reply_markup"] = msg.reply_markup
        return out

    def show_keyboard(self, chat: ChatState, markup: dict[str, Any] | None) -> None:
        """A sent message's reply keyboard (or its removal) becomes the one the app shows."""
        if markup is None:
            return
        if "keyboard" in markup:
            chat.reply_keyboard = markup
        elif markup.get("remove_keyboard") is True:
            chat.reply_keyboard = None

    def _sender(self, chat: ChatState, msg: StoredMessage) -> UserInfo:
        return self.users[msg.sender_id] if msg.sender_id is not None else chat.user

    def view(self, bot: BotState, chat: ChatState, msg: StoredMessage) -> MessageView:
        markup = msg.reply_markup or {}
        keyboard = tuple(tuple(row) for row in markup.get("inline_keyboard", ()))
        reply_keyboard = None
        if "keyboard" in markup:
            reply_keyboard = tuple(
                tuple(b if isinstance(b, str) else str(b.get("text", "")) for b in row)
                for row in markup["keyboard"]
            )
        fv = None
        if msg.file is not None:
            f = msg.file
            fv = FileView(f.file_id, f.file_name, f.mime_type, f.data or b"", f.width, f.height)
        return MessageView(
            message_id=msg.message_id,
            chat_id=chat.id,
            from_bot=msg.from_bot,
            date=msg.date,
            text=msg.text or "",
            html=msg.source if msg.parse_mode else html.escape(msg.source, quote=False),
            parse_mode=msg.parse_mode,
            entities=tuple(msg.entities),
            keyboard=keyboard,
            reply_keyboard=reply_keyboard,
            document=fv if msg.kind == "document" else None,
            photo=fv if msg.kind == "photo" else None,
            voice=fv if msg.kind == "voice" else None,
            location=dict(msg.extra["location"]) if msg.kind == "location" else None,
            edited=msg.edit_date is not None,
            deleted=msg.deleted,
            raw=self.message_json(bot, chat, msg),
        )

    def emit(
        self,
        bot: BotState,
        chat: ChatState,
        kind: EventKind,
        msg: StoredMessage | None = None,
        *,
        answer: CallbackAnswer | None = None,
        action: str | None = None,
    ) -> UserEvent:
        render = None
        if msg is not None:
            snapshot = object.__new__(StoredMessage)  # fields are replaced on edits, never mutated
            snapshot.__dict__.update(msg.__dict__)

            def render() -> MessageView:
                return self.view(bot, chat, snapshot)

        event = UserEvent(
            seq=len(chat.events) + 1, kind=kind, answer=answer, action=action, render=render
        )
        chat.events.append(event)
        chat.signal.fire()
        for listener in list(chat.listeners):
            listener(event)
        return event

    def check_flood(self, bot: BotState, chat_id: int) -> None:
        bot.flood.check(chat_id)


__all__ = [
    "DEFAULT_UPDATES",
    "ApiError",
    "BotState",
    "CallbackQuery",
    "ChatState",
    "GroupInfo",
    "Signal",
    "StoredMessage",
    "UserInfo",
    "WebhookConfig",
    "World",
]
