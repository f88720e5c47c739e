"""Small value types shared by the layers."""

from __future__ import annotations

__all__ = ["Buttons"]

# An inline keyboard as plain data: rows of (label, callback data). Services draw it (it travels
# in outbox rows and replies); `bot.markup` turns it into Telegram's markup.
Buttons = list[list[tuple[str, str]]]
