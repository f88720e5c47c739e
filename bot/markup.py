"""Inline keyboards, built the same way for a reply and for an outbox message, and the
persistent reply keyboard of mentees."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, ReplyKeyboardMarkup

from domain.values import Buttons as Buttons  # re-exported

CALLBACK_LIMIT = 64  # bytes, Telegram's limit for callback data


def keyboard(buttons: Buttons | None) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    rows = []
    for row in buttons:
        out = []
        for label, data in row:
            if len(data.encode()) > CALLBACK_LIMIT:
                raise ValueError(f"callback data over {CALLBACK_LIMIT} bytes: {data[:20]}…")
            out.append(InlineKeyboardButton(label, callback_data=data))
        rows.append(out)
    return InlineKeyboardMarkup(rows)


def reply_keyboard(labels: list[list[str]]) -> ReplyKeyboardMarkup:
    """The keyboard under the message field: it stays (`is_persistent`), is as small as its
    buttons (`resize_keyboard`), and a tap sends the label as text. One button per row:
    Telegram mirrors the layout for right-to-left readers itself."""
    return ReplyKeyboardMarkup(
        [[label] for row in labels for label in row], is_persistent=True, resize_keyboard=True
    )
