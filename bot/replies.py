"""Replies to the person behind an update: planned by the handler, stored with its changes
(in the update's inbox row), and delivered after the commit like outbox messages: 429s wait
out `retry_after`, network errors, timeouts and 5xx are retried with backoff, and a reply that
finally fails is recorded on the inbox row (`reply_failed`, with an error code), never dropped
silently.

A reply is a small JSON-able dict, so that replies owed at a crash are delivered after the
restart:

    {"k": "answer", "query": id, "text": str|None, "alert": bool}   answerCallbackQuery
    {"k": "send", "chat": id, "text": str, "buttons": [...]|None}     sendMessage
      (+ "keys": [[label], ...]: a persistent reply keyboard instead of inline buttons)
    {"k": "edit", "chat": id, "msg": id, "text": str, "buttons": …}   editMessageText in place
    {"k": "doc", "chat": id, "name": str, "data": base64, "text": str} sendDocument
    {"k": "photo", "chat": id, "data": base64, "text": str}          sendPhoto (a PNG)

A button press is answered by its toast where the handler put it, else after the other replies
(one round of calls, a few hundred milliseconds at most).
"""

from __future__ import annotations

import asyncio
import base64
import contextvars
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from telegram import Bot, InlineKeyboardMarkup, ReplyKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from bot.delivery import retry_after_seconds
from bot.markup import Buttons, keyboard, reply_keyboard

log = logging.getLogger(__name__)

Reply = dict[str, Any]


@dataclass
class Handling:
    """The inbox update being handled in this task (set by the dispatcher)."""

    update_id: int
    recorded: bool = False  # a handler marked it handled in its own transaction
    replies: list[Reply] = field(default_factory=list)
    deferred: list[Callable[[], Awaitable[Any]]] = field(default_factory=list)
    error: str | None = None  # the type of the exception a handler raised


current: contextvars.ContextVar[Handling | None] = contextvars.ContextVar(
    "mentorbot_handling", default=None
)


def plan(
    chat_id: int,
    actions: list[
        tuple[str, str, Buttons | None, bool, tuple[str, bytes] | None, list[list[str]] | None]
    ],
    *,
    query_id: str | None,
    query_message_id: int | None,
    resume_hint: str | None,
) -> list[Reply]:
    """The replies for a handler's actions `(kind, text, buttons, alert, document, keys)`."""
    replies: list[Reply] = []
    answered = False
    for kind, text, buttons, alert, document, keys in actions:
        if kind == "toast":
            if query_id is not None and not answered:
                replies.append({"k": "answer", "query": query_id, "text": text or None,
                                "alert": alert})  # fmt: skip
                answered = True
        elif kind == "edit" and query_id is not None and query_message_id is not None:
            replies.append(
                {"k": "edit", "chat": chat_id, "msg": query_message_id, "text": text,
                 "buttons": buttons}
            )  # fmt: skip
        elif kind == "document" and document is not None:
            name, content = document
            replies.append(
                {"k": "doc", "chat": chat_id, "name": name, "text": text,
                 "data": base64.b64encode(content).decode("ascii")}
            )  # fmt: skip
        elif kind == "photo" and document is not None:
            replies.append(
                {"k": "photo", "chat": chat_id, "text": text,
                 "data": base64.b64encode(document[1]).decode("ascii")}
            )  # fmt: skip
        elif kind in ("reply", "edit"):
            reply: Reply = {"k": "send", "chat": chat_id, "text": text, "buttons": buttons}
            if keys:
                reply["keys"] = keys
            replies.append(reply)
    if resume_hint:
        replies.append({"k": "send", "chat": chat_id, "text": resume_hint, "buttons": None})
    if query_id is not None and not answered:
        replies.append({"k": "answer", "query": query_id, "text": None, "alert": False})
    return replies


def _buttons(raw: Any) -> Buttons | None:
    if not raw:
        return None
    return [[(str(b[0]), str(b[1])) for b in row] for row in raw]


async def send(bot: Bot, reply: Reply) -> None:
    """Make the call for one reply; raises what Telegram answered."""
    kind = reply["k"]
    if kind == "answer":
        try:
            await bot.answer_callback_query(
                reply["query"], text=reply.get("text"), show_alert=bool(reply.get("alert"))
            )
        except BadRequest:
            pass  # the press is too old to answer (after a restart): nothing to stop
    elif kind == "edit":
        try:
            await bot.edit_message_text(
                reply["text"],
                chat_id=reply["chat"],
                message_id=reply["msg"],
                parse_mode=ParseMode.HTML,
                reply_markup=keyboard(_buttons(reply.get("buttons"))),
            )
        except BadRequest as exc:
            if "not modified" not in exc.message:
                raise
    elif kind == "doc":
        await bot.send_document(
            reply["chat"],
            document=base64.b64decode(reply["data"]),
            filename=reply["name"],
            caption=reply.get("text") or None,
            parse_mode=ParseMode.HTML,
        )
    elif kind == "photo":
        await bot.send_photo(
            reply["chat"],
            photo=base64.b64decode(reply["data"]),
            caption=reply.get("text") or None,
            parse_mode=ParseMode.HTML,
        )
    else:
        keys = reply.get("keys")
        markup: InlineKeyboardMarkup | ReplyKeyboardMarkup | None = (
            reply_keyboard(keys) if keys else keyboard(_buttons(reply.get("buttons")))
        )
        await bot.send_message(
            reply["chat"], reply["text"], parse_mode=ParseMode.HTML, reply_markup=markup
        )


@dataclass
class Policy:
    max_attempts: int = 10  # network errors, timeouts, 5xx (429s are not counted)
    backoff_seconds: float = 0.5
    backoff_cap_seconds: float = 30.0


@dataclass
class Delivered:
    sent: int  # replies done (the index to start from next time)
    error: str | None = None  # the code of the first reply that finally failed
    retried: int = 0


async def deliver(
    bot: Bot,
    replies: list[Reply],
    *,
    start: int = 0,
    policy: Policy | None = None,
    progress: Callable[[int], Awaitable[None]] | None = None,
) -> Delivered:
    """Deliver `replies[start:]` in order, retrying what may succeed later. A reply that cannot
    be delivered is recorded in the result's `error` and the others still go."""
    policy = policy or Policy()
    result = Delivered(start)
    for index in range(start, len(replies)):
        reply = replies[index]
        attempts = 0
        while True:
            try:
                await send(bot, reply)
                break
            except RetryAfter as exc:
                result.retried += 1
                await asyncio.sleep(retry_after_seconds(exc))
            except Forbidden:
                # Blocked, or deactivated: nothing more reaches this chat.
                log.info("reply to update not delivered: the person blocked the bot")
                result.sent, result.error = len(replies), result.error or "403"
                return result
            except BadRequest:
                result.error = result.error or "400"
                log.warning("reply refused by Telegram (400), kind %s", reply["k"])
                break
            except (NetworkError, TelegramError) as exc:  # timeouts, refused, 5xx
                attempts += 1
                limit = 2 if reply["k"] == "answer" else policy.max_attempts
                if attempts >= limit:
                    if reply["k"] != "answer":  # an unanswered press only spins a while
                        result.error = result.error or f"network:{type(exc).__name__}"[:64]
                        log.error(
                            "reply failed after %d attempts (%s)", attempts, type(exc).__name__
                        )
                    break
                result.retried += 1
                delay = min(
                    policy.backoff_cap_seconds, policy.backoff_seconds * 2 ** (attempts - 1)
                )
                await asyncio.sleep(delay)
        result.sent = index + 1
        if progress is not None and index + 1 < len(replies):
            await progress(index + 1)
    return result
