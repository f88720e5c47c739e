"""/newlink (a worker or a coordinator): part of a name, a choice among the people of the
reader's caseload who match it, a confirmation; the person's Telegram account is disconnected
and a new link and QR code are given."""

from __future__ import annotations

from bot.i18n import isolate
from bot.services import staff_invites
from bot.services.drafts import Draft
from handlers.common import Ctx
from handlers.invite.callbacks import Pick, Relink
from handlers.invite.draft import FLOW, InviteDraft
from handlers.invite.views import FIND, cancel_row, role_label, show_invitation


async def on_newlink(ctx: Ctx) -> None:
    await ctx.save_draft(FLOW, FIND, InviteDraft().to_data())
    ctx.reply(
        ctx._("Who needs a new link (a lost or new phone)? Send part of their name."),
        [cancel_row(ctx)],
    )


async def on_find(ctx: Ctx, draft: Draft, text: str) -> None:
    found = await staff_invites.search(ctx.session, ctx.me, text)
    if not found:
        ctx.reply(
            ctx._("Nobody in your caseload has a name with “%(text)s”. Send another part of it.")
            % {"text": isolate(text[:50])},
            [cancel_row(ctx)],
        )
        return
    ctx.reply(
        ctx._("Who is it?"),
        [
            *[
                [
                    (
                        f"{p.name} · {role_label(ctx, p.role)}" + (" · 📱" if p.linked else ""),
                        Pick(p.person_id).pack(),
                    )
                ]
                for p in found
            ],
            cancel_row(ctx),
        ],
    )


async def on_pick(ctx: Ctx, person_id: int) -> None:
    person = await staff_invites.person_to_relink(ctx.session, ctx.me, person_id)
    text = (
        ctx._(
            "A new link for %(name)s? Their Telegram account is disconnected (they agree again "
            "from the new phone) and their earlier links stop working."
        )
        if person.linked
        else ctx._("A new link for %(name)s? Their earlier links stop working.")
    )
    ctx.edit(
        text % {"name": isolate(person.name)},
        [[(ctx._("Yes, make a new link"), Relink(person.person_id).pack())], cancel_row(ctx)],
    )


async def on_relink(ctx: Ctx, person_id: int) -> None:
    issued = await staff_invites.relink(ctx.session, ctx.now, ctx.me, person_id)
    if ctx.draft is not None and ctx.draft.flow == FLOW:
        await ctx.clear_draft()
    show_invitation(ctx, issued)
