"""What the relay's replies share: which messages can be passed on, and who gets one later."""

from __future__ import annotations

from datetime import datetime

from telegram import Message

from bot.i18n import isolate
from bot.services import relay
from handlers.common import Ctx


def message_kind(message: Message | None) -> str | None:
    """The kind of a message that can be passed on, or None."""
    if message is None:
        return None
    for kind in relay.KINDS:
        if getattr(message, kind, None):
            return kind
    return None


def held_lines(ctx: Ctx, later: list[tuple[str, datetime]]) -> list[str]:
    """Who gets it later, held by their quiet hours, and when (in the reader's time)."""
    return [
        ctx._("%(name)s is in their quiet hours: it will reach them on %(when)s.")
        % {"name": isolate(name), "when": ctx.tr.when(at, ctx.tz)}
        for name, at in later
    ]
