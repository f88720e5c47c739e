"""How a person is told that what they typed is too long: by how many characters, counted as
they count them (an emoji, a flag or a letter with its accents is one)."""

from __future__ import annotations

from bot.services.errors import Invalid
from bot.services.texts import TooLong
from handlers.common import Ctx


def too_long(ctx: Ctx, exc: Invalid) -> str | None:
    """The message for a `TooLong` refusal, or None for any other one."""
    if not isinstance(exc, TooLong):
        return None
    return ctx.ngettext(
        "That is %(num)s character too long (an emoji counts as one). "
        "Please shorten it and send it again.",
        "That is %(num)s characters too long (an emoji counts as one). "
        "Please shorten it and send it again.",
        exc.excess,
    ) % {"num": ctx.tr.number(exc.excess)}
