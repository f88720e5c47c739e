"""/invite (a coordinator): the person's name, their role, their language, then a mentee's
family or the open match a mentor joins (or none); the answers live in an `InviteDraft`."""

from __future__ import annotations

from dataclasses import replace

from bot.i18n import SUPPORTED_LOCALES, isolate, language_name
from bot.services import admin, staff_invites
from bot.services.drafts import Draft
from bot.services.errors import Invalid, NotFound
from domain import Role
from handlers.common import Buttons, Ctx
from handlers.invite.callbacks import LANGUAGE_PREFIX, ChooseRole, NoMatch
from handlers.invite.draft import FLOW, InviteDraft
from handlers.invite.views import (
    FAMILY,
    LANGUAGE,
    MATCH,
    NAME,
    ROLE,
    cancel_row,
    role_label,
    show_invitation,
)
from handlers.start import language_buttons


async def on_invite(ctx: Ctx) -> None:
    await ctx.save_draft(FLOW, NAME, InviteDraft().to_data())
    ctx.reply(
        ctx._("Who are you inviting? Send their name as the programme will know them."),
        [cancel_row(ctx)],
    )


async def on_name(ctx: Ctx, draft: Draft, text: str) -> None:
    try:
        name = admin.check_name(text)
    except Invalid:
        ctx.reply(ctx._("Please send a name of 1 to 200 characters."), [cancel_row(ctx)])
        return
    await ctx.save_draft(FLOW, ROLE, InviteDraft(name=name).to_data())
    ctx.reply(
        ctx._("What is %(name)s's role?") % {"name": isolate(name)},
        [
            [
                (role_label(ctx, Role.MENTEE), ChooseRole(Role.MENTEE).pack()),
                (role_label(ctx, Role.MENTOR), ChooseRole(Role.MENTOR).pack()),
            ],
            cancel_row(ctx),
        ],
    )


async def _at(ctx: Ctx, state: str) -> InviteDraft | None:
    """The conversation, if it is at `state`; else the press is on an old message (or on a
    conversation that cannot be read, which is dropped)."""
    draft = ctx.draft
    if draft is None or draft.flow != FLOW or draft.state != state:
        ctx.stale(ctx._("This step has ended. Send /invite to start again."))
        return None
    invite = InviteDraft.from_data(draft.data)
    if invite is None:
        await ctx.clear_draft()
        ctx.stale(ctx._("This step has ended. Send /invite to start again."))
    return invite


async def on_role(ctx: Ctx, role: Role) -> None:
    invite = await _at(ctx, ROLE)
    if invite is None:
        return
    if role not in staff_invites.ADDABLE:
        raise NotFound("no such role")
    await ctx.save_draft(FLOW, LANGUAGE, replace(invite, role=role).to_data())
    buttons: Buttons = [*language_buttons(LANGUAGE_PREFIX, None), cancel_row(ctx)]
    ctx.edit(
        ctx._("Which language will %(name)s use with the bot?") % {"name": isolate(invite.name)},
        buttons,
    )


async def on_language(ctx: Ctx, locale: str) -> None:
    invite = await _at(ctx, LANGUAGE)
    if invite is None:
        return
    if locale not in SUPPORTED_LOCALES:
        raise NotFound("no such language")
    name = isolate(invite.name)
    values = replace(invite, locale=locale).to_data()
    if invite.role == Role.MENTEE:
        await ctx.save_draft(FLOW, FAMILY, values)
        ctx.edit(
            ctx._(
                "%(name)s will use the bot in %(language)s. Which family do they belong to? "
                "Send the family's name: a new family is made when none has that name."
            )
            % {"name": name, "language": isolate(language_name(locale, in_sentence=True))},
            [cancel_row(ctx)],
        )
    else:
        await ctx.save_draft(FLOW, MATCH, values)
        ctx.edit(
            ctx._(
                "%(name)s will use the bot in %(language)s. Do they join a match now? Send "
                "its number, or tap “No match yet”."
            )
            % {"name": name, "language": isolate(language_name(locale, in_sentence=True))},
            [[(ctx._("No match yet"), NoMatch().pack())], cancel_row(ctx)],
        )


async def _add(ctx: Ctx, draft: Draft, family: str | None, match_id: int | None) -> None:
    await _add_as(ctx, InviteDraft.from_data(draft.data), family, match_id)


async def _add_as(
    ctx: Ctx, invite: InviteDraft | None, family: str | None, match_id: int | None
) -> None:
    if invite is None or invite.role is None:  # a draft that cannot be read
        raise Invalid("bad_data")
    issued = await staff_invites.add_person(
        ctx.session,
        ctx.now,
        ctx.me,
        name=invite.name,
        role=invite.role,
        locale=invite.locale or "",
        family=family,
        match_id=match_id,
    )
    await ctx.clear_draft()
    show_invitation(ctx, issued)


async def on_family(ctx: Ctx, draft: Draft, text: str) -> None:
    try:
        admin.check_name(text, "family name")
        if text.isdigit():
            raise Invalid("name")
    except Invalid:
        ctx.reply(
            ctx._("Please send the family's name (words, not only digits)."), [cancel_row(ctx)]
        )
        return
    await _add(ctx, draft, text, None)


async def on_match(ctx: Ctx, draft: Draft, text: str) -> None:
    number = text.strip().lstrip("#№")
    if not number.isdigit():
        ctx.reply(
            ctx._("Please send the match's number, or tap “No match yet”."),
            [[(ctx._("No match yet"), NoMatch().pack())], cancel_row(ctx)],
        )
        return
    try:
        await _add(ctx, draft, None, int(number))
    except NotFound:
        ctx.reply(
            ctx._("There is no open match no. %(match)s in your programme. Send another number.")
            % {"match": number},
            [[(ctx._("No match yet"), NoMatch().pack())], cancel_row(ctx)],
        )


async def on_no_match(ctx: Ctx) -> None:
    invite = await _at(ctx, MATCH)
    if invite is not None:
        await _add_as(ctx, invite, None, None)
