"""The bot works in private chats only. Installed ahead of every other handler (its own group, -1000):
an update from a group, supergroup or channel starts nothing. In a group the bot says once,
in the language of the person who wrote or added it and without any personal data, that it
works in private chats, and leaves (`leaveChat`); a button pressed there is answered with a
short notice. Business-account messages are refused the same way: nothing is read or started,
and the person who connected the bot to their business account is told once, in private.

Nothing here touches the database: no person is looked up, no draft is read or written, so a
group can neither see nor change anyone's conversation."""

from __future__ import annotations

import logging
from typing import Any

from telegram import ChatMember, Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import Application, ApplicationHandlerStop, ContextTypes, TypeHandler

from bot.i18n import N_, Translator
from handlers.common import client_translator

log = logging.getLogger(__name__)

PRIVATE_ONLY = N_(
    "I work in private chats only, so that what people share with their programme stays "
    "private. Please write to me directly."
)
LEAVING = N_("I am leaving this group.")
TOAST = N_("This bot works in private chats only.")
TOLD = "private_only_told"  # bot_data: the group chats told already since the bot was added
GROUP = -1000  # PTB handler group: runs before every other (lower groups run first)
JOINED = (ChatMember.MEMBER, ChatMember.ADMINISTRATOR, ChatMember.OWNER, ChatMember.RESTRICTED)


def notice(tr: Translator, *, leaving: bool) -> str:
    text = tr.gettext(PRIVATE_ONLY)
    return text + ("\n" + tr.gettext(LEAVING) if leaving else "")


def _business(update: Update) -> bool:
    return any(
        getattr(update, name, None) is not None
        for name in (
            "business_connection",
            "business_message",
            "edited_business_message",
            "deleted_business_messages",
        )
    )


async def guard(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Let private-chat updates through; handle every other one here and stop there."""
    if _business(update):
        await _refuse_business(update, context)
        raise ApplicationHandlerStop
    chat = update.effective_chat
    if chat is None or chat.type == ChatType.PRIVATE:
        return
    await _refuse_group(update, context, chat.id, chat.type)
    raise ApplicationHandlerStop


async def _refuse_group(
    update: Update, context: ContextTypes.DEFAULT_TYPE, chat_id: int, kind: str
) -> None:
    told: set[int] = context.bot_data.setdefault(TOLD, set())
    tr = client_translator(update)
    change = update.my_chat_member
    if change is not None:
        if change.new_chat_member.status not in JOINED:
            told.discard(chat_id)  # removed, or it left: nothing to say
            log.info("removed from a %s chat", kind)
            return
        told.discard(chat_id)  # added (again): say it, once
    if update.callback_query is not None:
        await _quietly(update.callback_query.answer(tr.gettext(TOAST), show_alert=True))
    if chat_id in told:
        return
    message = update.effective_message
    typed = message is not None and (message.text is not None or bool(message.caption))
    if change is None and update.callback_query is None and not typed:
        return  # a service message (new members, a title…): the membership update speaks
    told.add(chat_id)
    log.info("refused a %s chat (update %s)", kind, update.update_id)
    if kind != ChatType.CHANNEL:
        await _quietly(context.bot.send_message(chat_id, notice(tr, leaving=True)))
    await _quietly(context.bot.leave_chat(chat_id))


async def _refuse_business(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    connection = update.business_connection
    log.info("refused a business-account update (update %s)", update.update_id)
    if connection is None or not connection.is_enabled:
        return
    told: set[int] = context.bot_data.setdefault(TOLD, set())
    if connection.user_chat_id in told:
        return
    told.add(connection.user_chat_id)
    tr = client_translator(update)
    await _quietly(context.bot.send_message(connection.user_chat_id, notice(tr, leaving=False)))


async def _quietly(call: Any) -> None:
    """A refusal that cannot be delivered (the bot was removed, the person never started it)
    is dropped: there is nothing to retry and no one else to tell."""
    try:
        await call
    except TelegramError as exc:
        log.info("could not refuse in a non-private chat: %s", type(exc).__name__)


def install(app: Application) -> None:  # type: ignore[type-arg]
    """Ahead of every other handler: a handler group of its own, before any other."""
    app.add_handler(TypeHandler(Update, guard), group=GROUP)
