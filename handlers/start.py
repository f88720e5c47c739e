"""Onboarding: /start with an invitation, language, consent; /help, /language, /cancel."""

from __future__ import annotations

from handlers.common import Ctx, not_linked_text
from handlers.router import Router


async def on_start(ctx: Ctx) -> None:
    ctx.reply(not_linked_text(ctx.tr))


async def on_cancel(ctx: Ctx) -> None:
    await ctx.clear_draft()
    ctx.reply(ctx._("Stopped. Nothing was saved."))


def register(router: Router) -> None:
    router.command("start", on_start, linked=False)
    router.command("cancel", on_cancel, linked=False)
