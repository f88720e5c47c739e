"""Taps on the mentee's reply keyboard (bot/services/keyboard.py): each runs its command and
is never passed on as a message."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.services import keyboard
from domain import Consent, Role
from handlers import help as help_requests
from handlers import mentee, start
from handlers.common import Ctx
from handlers.router import Router

ACTIONS: dict[str, Callable[[Ctx], Awaitable[None]]] = {
    "next": mentee.on_next,
    "contacts": mentee.on_contacts,
    "needhelp": help_requests.on_need_help,
    "language": start.on_language,
}


async def on_key(ctx: Ctx, text: str) -> bool:
    """Run the command of a tapped label; False when the text is not one."""
    person = ctx.person
    if person is None or person.consent != Consent.GIVEN or person.role != Role.MENTEE:
        return False
    action = await keyboard.action_for(ctx.session, person.id, text)
    if action is None:
        return False
    await ACTIONS[action](ctx)
    if await keyboard.outdated_for(ctx.session, person.id, ctx.tr):
        ctx.reply(
            ctx._(keyboard.INTRO), keys=await keyboard.remember_for(ctx.session, person.id, ctx.tr)
        )
    return True


def register(router: Router) -> None:
    router.set_key_handler(on_key)
