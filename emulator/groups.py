"""Group and supergroup chats: users add the bot (it gets `my_chat_member`, and the group a
`new_chat_members` service message), write in the group and press buttons on the bot's
messages there; the bot can answer in the group while it is a member, and leave (`leaveChat`)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from typing import Any

from .state import BotState, CallbackQuery, ChatState, StoredMessage, World
from .users import SimulatedUser, command_entities
from .views import EventKind, MessageView, UserEvent

MESSAGE_KINDS: tuple[EventKind, ...] = ("message", "edit")


class SimulatedGroup:
    """One group (or supergroup) chat, seen from one bot."""

    def __init__(self, world: World, bot: BotState, chat: ChatState) -> None:
        self.world = world
        self.bot = bot
        self.chat = chat
        self.mark = 0
        """Event sequence number at the latest action in the group (waits start after it)."""

    def __repr__(self) -> str:
        assert self.chat.group is not None
        return f"SimulatedGroup(id={self.id}, type={self.chat.group.type!r})"

    @property
    def id(self) -> int:
        return self.chat.id

    @property
    def bot_status(self) -> str:
        """member, left (it left or was never added) or kicked."""
        return self.chat.bot_status

    # --- actions ----------------------------------------------------------------------

    def _membership(self, by: SimulatedUser, old: str, new: str) -> None:
        self.chat.bot_status = new
        self.mark = len(self.chat.events)
        member = self.bot.user_json()
        self.bot.enqueue("my_chat_member", {
            "chat": self.chat.chat_json(), "from": by.info.user_json(), "date": self.world.now(),
            "old_chat_member": {"user": member, "status": old},
            "new_chat_member": {"user": member, "status": new, **({"until_date": 0} if new == "kicked" else {})},
        })  # fmt: skip

    def add_bot(self, by: SimulatedUser) -> None:
        """``by`` adds the bot to the group: a `my_chat_member` update (left -> member), then the
        group's `new_chat_members` service message, as Telegram sends them."""
        if not self.bot.can_join_groups:
            raise RuntimeError("the bot cannot be added to groups (BotFather: Allow Groups? off)")
        if self.chat.bot_status == "member":
            return
        self._membership(by, self.chat.bot_status, "member")
        msg = self._message(by, kind="service", extra={"new_chat_members": [self.bot.user_json()]})
        self.bot.enqueue("message", self.world.message_json(self.bot, self.chat, msg))

    def remove_bot(self, by: SimulatedUser) -> None:
        """``by`` removes the bot (member -> kicked)."""
        if self.chat.bot_status == "member":
            self._membership(by, "member", "kicked")

    def _message(self, by: SimulatedUser, **fields: Any) -> StoredMessage:
        msg = StoredMessage(
            self.chat.new_message_id(), self.id, self.world.now(), False, sender_id=by.id, **fields
        )
        self.chat.messages[msg.message_id] = msg
        self.world.emit(self.bot, self.chat, "user_message", msg)
        self.mark = len(self.chat.events)
        return msg

    async def send(self, by: SimulatedUser, text: str) -> MessageView:
        """``by`` writes in the group; the bot receives it only while it is a member."""
        if not text.strip():
            raise ValueError("Telegram clients do not send empty messages")
        msg = self._message(by, text=text, entities=command_entities(text), source=text)
        if self.chat.bot_status == "member":
            self.bot.enqueue("message", self.world.message_json(self.bot, self.chat, msg))
        return self.world.view(self.bot, self.chat, msg)

    async def press(
        self,
        by: SimulatedUser,
        message: MessageView | int,
        callback_data: str,
        *,
        forged: bool = False,
    ) -> str:
        """``by`` presses an inline button on a bot message in the group; returns the query id."""
        mid = message if isinstance(message, int) else message.message_id
        msg = self.chat.messages.get(mid)
        if msg is None or msg.deleted or not msg.from_bot:
            raise LookupError(f"no message {mid} from the bot in {self!r}")
        rows = (msg.reply_markup or {}).get("inline_keyboard", [])
        if not forged and not any(
            b.get("callback_data") == callback_data for row in rows for b in row
        ):
            raise LookupError(f"message {mid} has no button with callback_data {callback_data!r}")
        qid = self.world.new_query_id(by.id)
        self.bot.callback_queries[qid] = CallbackQuery(
            qid, by.id, mid, callback_data, chat_id=self.id
        )
        self.mark = len(self.chat.events)
        self.bot.enqueue("callback_query", {
            "id": qid, "from": by.info.user_json(),
            "message": self.world.message_json(self.bot, self.chat, msg),
            "chat_instance": self.chat.chat_instance, "data": callback_data,
        })  # fmt: skip
        return qid

    # --- what the group sees ------------------------------------------------------------

    @property
    def messages(self) -> list[MessageView]:
        """The bot's messages in the group, current state, deleted ones excluded."""
        return [
            self.world.view(self.bot, self.chat, m)
            for m in self.chat.messages.values()
            if m.from_bot and not m.deleted
        ]

    @property
    def events(self) -> list[UserEvent]:
        return list(self.chat.events)

    async def wait_for_event(
        self,
        after: int | None = None,
        *,
        kinds: Iterable[EventKind] = MESSAGE_KINDS,
        predicate: Callable[[UserEvent], bool] | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> UserEvent:
        """The first event of these kinds after ``after`` (default: the latest action)."""
        wanted = frozenset(kinds)
        index = self.mark if after is None else after
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            while index < len(self.chat.events):
                event = self.chat.events[index]
                index += 1
                if event.kind in wanted and (predicate is None or predicate(event)):
                    return event
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"no matching event in {self!r} within {timeout}s")
            await self.chat.signal.wait(remaining)


def new_group(
    world: World, bot: BotState, creator: SimulatedUser, title: str, kind: str = "group"
) -> SimulatedGroup:
    return SimulatedGroup(world, bot, world.add_group(bot, creator.id, title, kind))


__all__ = ["SimulatedGroup", "new_group"]
