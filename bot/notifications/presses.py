"""The typed button press of the notifications layer: the generic base lives in `bot.presses`
(so that services may define presses too) and is re-exported here."""

from __future__ import annotations

from bot.presses import Press, parse

__all__ = ["Press", "parse"]
