"""Invitations from the phone (bot/services/staff_invites.py).

`/invite` (a coordinator): the person's name, their role, their language, then a mentee's
family or the open match a mentor joins (or none); the bot answers with the personal link and
its QR code as a photo, to show on the screen at a first meeting or to forward.

`/newlink` (a worker or a coordinator): part of a name, a choice among the people of the
reader's caseload who match it, a confirmation; the person's Telegram account is disconnected
and a new link and QR code are given.

The answers live in an `InviteDraft` (flow "invite"). Buttons (`iv:…`, drawn and read only
here, `callbacks`): `iv:r:<role>`, `iv:l:<locale>`, `iv:s` (no match),
`iv:p:<person>` (choose), `iv:y:<person>` (confirm a new link), `iv:x` (cancel). The services
decide who may be invited or relinked: a forged press is refused there.
"""

from __future__ import annotations

from bot.services.errors import NotFound
from handlers.common import Ctx
from handlers.invite import adding, relinking
from handlers.invite.callbacks import (
    PREFIX,
    Cancel,
    ChooseLanguage,
    ChooseRole,
    NoMatch,
    Pick,
    Relink,
    parse,
)
from handlers.invite.draft import FLOW, InviteDraft
from handlers.invite.views import (
    ADDERS,
    FAMILY,
    FIND,
    MATCH,
    NAME,
    RELINKERS,
    role_label,
)
from handlers.router import Router

__all__ = ["FLOW", "PREFIX", "InviteDraft", "on_press", "register", "role_label"]


async def on_press(ctx: Ctx, args: list[str]) -> None:
    press = parse(args)
    if isinstance(press, Cancel):
        if ctx.draft is not None and ctx.draft.flow == FLOW:
            await ctx.clear_draft()
        ctx.edit(ctx._("Stopped. Nobody was invited."))
    elif isinstance(press, Pick | Relink):
        if ctx.me.role not in RELINKERS:
            raise NotFound("no such step")
        if isinstance(press, Pick):
            await relinking.on_pick(ctx, press.person_id)
        else:
            await relinking.on_relink(ctx, press.person_id)
    elif ctx.me.role not in ADDERS:
        raise NotFound("no such step")
    elif isinstance(press, ChooseRole):
        await adding.on_role(ctx, press.role)
    elif isinstance(press, ChooseLanguage):
        await adding.on_language(ctx, press.locale)
    elif isinstance(press, NoMatch):
        await adding.on_no_match(ctx)
    else:
        raise NotFound("no such step")


def register(router: Router) -> None:
    router.command("invite", adding.on_invite, roles=ADDERS)
    router.command("newlink", relinking.on_newlink, roles=RELINKERS)
    router.callback(PREFIX, on_press, roles=RELINKERS)
    router.text_step(FLOW, NAME, adding.on_name)
    router.text_step(FLOW, FAMILY, adding.on_family)
    router.text_step(FLOW, MATCH, adding.on_match)
    router.text_step(FLOW, FIND, relinking.on_find)
