"""The Bot API call for one claimed message: a copy (`copy_message`, never a forward), an edit
of a sent message or of its caption, a picture, a document, or a text. One that Telegram finds
too long is sent again cut to its limit, then to half of it."""

from __future__ import annotations

import logging

from telegram import Bot, InlineKeyboardMarkup, Message
from telegram.constants import ParseMode
from telegram.error import BadRequest

from bot.markup import keyboard
from bot.services import texts
from bot.services.outbox import Claimed

log = logging.getLogger("bot.delivery")


async def call(bot: Bot, message: Claimed) -> int:
    """Send (or edit) one message; returns the Telegram message id. One that Telegram finds
    too long is sent again cut to its limit, then to half of it (visible text, tags kept
    whole), before it fails."""
    caption = message.document is not None or message.edit_caption
    limit = texts.CAPTION_MAX if caption else texts.MESSAGE_MAX
    for cut in (None, limit, limit // 2):
        text = message.text if cut is None else texts.html_clip(message.text, cut)
        try:
            return await call_with(bot, message, text)
        except BadRequest as exc:
            if "too long" not in exc.message.lower() or cut == limit // 2:
                raise
            log.info("outbox %d: too long, sent again shorter", message.id)
    raise AssertionError("unreachable")


async def call_with(bot: Bot, message: Claimed, text: str) -> int:
    """One call with `text` as the message's text (or caption)."""
    markup = keyboard(message.buttons)
    if message.copy_of is not None:
        from_chat, from_message = message.copy_of
        copied = await bot.copy_message(
            message.chat_id, from_chat, from_message, reply_markup=markup
        )
        return copied.message_id
    if message.edit_message_id is not None:
        return await _edit(bot, message, message.edit_message_id, text, markup)
    if message.document is not None and message.document.mime.startswith("image/"):
        # A picture (the digest's chart) is shown in the chat, not offered as a file.
        sent = await bot.send_photo(
            message.chat_id,
            photo=message.document.content,
            caption=text or None,
            parse_mode=ParseMode.HTML,
            reply_markup=markup,
        )
        return sent.message_id
    if message.document is not None:
        sent = await bot.send_document(
            message.chat_id,
            document=message.document.content,
            filename=message.document.name,
            caption=text or None,
            parse_mode=ParseMode.HTML,
            reply_markup=markup,
        )
        return sent.message_id
    sent = await bot.send_message(
        message.chat_id, text, parse_mode=ParseMode.HTML, reply_markup=markup
    )
    return sent.message_id


async def _edit(
    bot: Bot, message: Claimed, message_id: int, text: str, markup: InlineKeyboardMarkup | None
) -> int:
    """Edit a sent message's text, or its caption when it is a document."""
    edited: Message | bool
    if message.edit_caption:
        edited = await bot.edit_message_caption(
            chat_id=message.chat_id,
            message_id=message_id,
            caption=text,
            parse_mode=ParseMode.HTML,
            reply_markup=markup,
        )
    else:
        edited = await bot.edit_message_text(
            text,
            chat_id=message.chat_id,
            message_id=message_id,
            parse_mode=ParseMode.HTML,
            reply_markup=markup,
        )
    return edited.message_id if isinstance(edited, Message) else message_id
