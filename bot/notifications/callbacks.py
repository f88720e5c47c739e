"""What the callback data of every feature's buttons shares: Telegram's 64-byte limit, ids
carried as untrusted text (both from `bot.presses`, re-exported here), and the one prefix of the
"Show the whole text" button of a card cut to Telegram's length (each feature adds its own kind
after it)."""

from __future__ import annotations

from bot.presses import MAX_BYTES, callback_id, checked, join

__all__ = ["MAX_BYTES", "WHOLE_PREFIX", "callback_id", "checked", "join"]

WHOLE_PREFIX = "whole"
