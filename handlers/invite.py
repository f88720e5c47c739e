"""Invitations from the phone (bot/services/staff_invites.py).

`/invite` (a coordinator): the person's name, their role, their language, then a mentee's
family or the open match a mentor joins (or none); the bot answers with the personal link and
its QR code as a photo, to show on the screen at a first meeting or to forward.

`/newlink` (a worker or a coordinator): part of a name, a choice among the people of the
reader's caseload who match it, a confirmation; the person's Telegram account is disconnected
and a new link and QR code are given.

Buttons (`iv:…`, drawn and read only here): `iv:r:<role>`, `iv:l:<locale>`, `iv:s` (no match),
`iv:p:<person>` (choose), `iv:y:<person>` (confirm a new link), `iv:x` (cancel). The services
decide who may be invited or relinked: a forged press is refused there.
"""

from __future__ import annotations

from bot import qr
from bot.i18n import SUPPORTED_LOCALES, isolate, language_name
from bot.services import admin, invites, staff_invites
from bot.services.drafts import Draft
from bot.services.errors import Invalid, NotFound
from bot.services.staff_invites import Issued
from domain import Role
from handlers.common import Buttons, Ctx, id_arg
from handlers.router import Router
from handlers.start import language_buttons

PREFIX = "iv"
FLOW = "invite"
NAME, ROLE, LANGUAGE, FAMILY, MATCH, FIND = "name", "role", "language", "family", "match", "find"
ADDERS = frozenset({Role.COORDINATOR})
RELINKERS = frozenset({Role.WORKER, Role.COORDINATOR})


def data(step: str, arg: str | int | None = None) -> str:
    return f"{PREFIX}:{step}" if arg is None else f"{PREFIX}:{step}:{arg}"


def _cancel_row(ctx: Ctx) -> list[tuple[str, str]]:
    return [(ctx._("Cancel"), data("x"))]


def role_label(ctx: Ctx, role: Role) -> str:
    if role == Role.MENTEE:
        return ctx.pgettext("role", "Mentee")
    if role == Role.MENTOR:
        return ctx.pgettext("role", "Mentor")
    if role == Role.WORKER:
        return ctx.pgettext("role", "Worker")
    return ctx.pgettext("role", "Coordinator")


def _show_invitation(ctx: Ctx, issued: Issued) -> None:
    link = invites.deep_link(ctx.rt.bot_username, issued.token)
    lines = []
    if issued.unlinked:
        lines.append(
            ctx._(
                "%(name)s's old Telegram account is disconnected and their earlier links no "
                "longer work."
            )
            % {"name": isolate(issued.name)}
        )
    lines.append(
        ctx._(
            "The invitation for <b>%(name)s</b> (%(role)s): send them this link, or show them "
            "the QR code below to scan with their phone's camera. It works once, until "
            "%(date)s."
        )
        % {
            "name": isolate(issued.name),
            "role": role_label(ctx, issued.role),
            "date": ctx.tr.day(issued.expires_at, tz=ctx.tz),
        }
    )
    lines.append(link)
    ctx.edit("\n\n".join(lines))
    ctx.send_photo(
        qr.png(link),
        ctx._("Invitation for %(name)s: scan with the phone's camera.")
        % {"name": isolate(issued.name)},
    )


# /invite ------------------------------------------------------------------------------------
async def on_invite(ctx: Ctx) -> None:
    await ctx.save_draft(FLOW, NAME, {})
    ctx.reply(
        ctx._("Who are you inviting? Send their name as the programme will know them."),
        [_cancel_row(ctx)],
    )


async def on_name(ctx: Ctx, draft: Draft, text: str) -> None:
    try:
        name = admin.check_name(text)
    except Invalid:
        ctx.reply(ctx._("Please send a name of 1 to 200 characters."), [_cancel_row(ctx)])
        return
    await ctx.save_draft(FLOW, ROLE, {"name": name})
    ctx.reply(
        ctx._("What is %(name)s's role?") % {"name": isolate(name)},
        [
            [
                (role_label(ctx, Role.MENTEE), data("r", Role.MENTEE.value)),
                (role_label(ctx, Role.MENTOR), data("r", Role.MENTOR.value)),
            ],
            _cancel_row(ctx),
        ],
    )


async def _at(ctx: Ctx, state: str) -> Draft | None:
    """The conversation, if it is at `state`; else the press is on an old message."""
    draft = ctx.draft
    if draft is None or draft.flow != FLOW or draft.state != state:
        ctx.stale(ctx._("This step has ended. Send /invite to start again."))
        return None
    return draft


async def _on_role(ctx: Ctx, arg: str) -> None:
    draft = await _at(ctx, ROLE)
    if draft is None:
        return
    try:
        role = Role(arg)
    except ValueError:
        raise NotFound("no such role") from None
    if role not in staff_invites.ADDABLE:
        raise NotFound("no such role")
    await ctx.save_draft(FLOW, LANGUAGE, {**draft.data, "role": role.value})
    buttons: Buttons = [*language_buttons(data("l"), None), _cancel_row(ctx)]
    ctx.edit(
        ctx._("Which language will %(name)s use with the bot?")
        % {"name": isolate(str(draft.data.get("name", "")))},
        buttons,
    )


async def _on_language(ctx: Ctx, arg: str) -> None:
    draft = await _at(ctx, LANGUAGE)
    if draft is None:
        return
    if arg not in SUPPORTED_LOCALES:
        raise NotFound("no such language")
    name = isolate(str(draft.data.get("name", "")))
    values = {**draft.data, "locale": arg}
    if draft.data.get("role") == Role.MENTEE.value:
        await ctx.save_draft(FLOW, FAMILY, values)
        ctx.edit(
            ctx._(
                "%(name)s will use the bot in %(language)s. Which family do they belong to? "
                "Send the family's name: a new family is made when none has that name."
            )
            % {"name": name, "language": isolate(language_name(arg, in_sentence=True))},
            [_cancel_row(ctx)],
        )
    else:
        await ctx.save_draft(FLOW, MATCH, values)
        ctx.edit(
            ctx._(
                "%(name)s will use the bot in %(language)s. Do they join a match now? Send "
                "its number, or tap “No match yet”."
            )
            % {"name": name, "language": isolate(language_name(arg, in_sentence=True))},
            [[(ctx._("No match yet"), data("s"))], _cancel_row(ctx)],
        )


async def _add(ctx: Ctx, draft: Draft, family: str | None, match_id: int | None) -> None:
    issued = await staff_invites.add_person(
        ctx.session,
        ctx.now,
        ctx.me,
        name=str(draft.data.get("name", "")),
        role=Role(str(draft.data.get("role"))),
        locale=str(draft.data.get("locale", "")),
        family=family,
        match_id=match_id,
    )
    await ctx.clear_draft()
    _show_invitation(ctx, issued)


async def on_family(ctx: Ctx, draft: Draft, text: str) -> None:
    try:
        admin.check_name(text, "family name")
        if text.isdigit():
            raise Invalid("name")
    except Invalid:
        ctx.reply(
            ctx._("Please send the family's name (words, not only digits)."), [_cancel_row(ctx)]
        )
        return
    await _add(ctx, draft, text, None)


async def on_match(ctx: Ctx, draft: Draft, text: str) -> None:
    number = text.strip().lstrip("#№")
    if not number.isdigit():
        ctx.reply(
            ctx._("Please send the match's number, or tap “No match yet”."),
            [[(ctx._("No match yet"), data("s"))], _cancel_row(ctx)],
        )
        return
    try:
        await _add(ctx, draft, None, int(number))
    except NotFound:
        ctx.reply(
            ctx._("There is no open match no. %(match)s in your programme. Send another number.")
            % {"match": number},
            [[(ctx._("No match yet"), data("s"))], _cancel_row(ctx)],
        )


async def _on_no_match(ctx: Ctx) -> None:
    draft = await _at(ctx, MATCH)
    if draft is not None:
        await _add(ctx, draft, None, None)


# /newlink -----------------------------------------------------------------------------------
async def on_newlink(ctx: Ctx) -> None:
    await ctx.save_draft(FLOW, FIND, {})
    ctx.reply(
        ctx._("Who needs a new link (a lost or new phone)? Send part of their name."),
        [_cancel_row(ctx)],
    )


async def on_find(ctx: Ctx, draft: Draft, text: str) -> None:
    found = await staff_invites.search(ctx.session, ctx.me, text)
    if not found:
        ctx.reply(
            ctx._("Nobody in your caseload has a name with “%(text)s”. Send another part of it.")
            % {"text": isolate(text[:50])},
            [_cancel_row(ctx)],
        )
        return
    ctx.reply(
        ctx._("Who is it?"),
        [
            *[
                [
                    (
                        f"{p.name} · {role_label(ctx, p.role)}" + (" · 📱" if p.linked else ""),
                        data("p", p.person_id),
                    )
                ]
                for p in found
            ],
            _cancel_row(ctx),
        ],
    )


async def _on_pick(ctx: Ctx, arg: str) -> None:
    person = await staff_invites.person_to_relink(ctx.session, ctx.me, id_arg(arg))
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
        [[(ctx._("Yes, make a new link"), data("y", person.person_id))], _cancel_row(ctx)],
    )


async def _on_relink(ctx: Ctx, arg: str) -> None:
    issued = await staff_invites.relink(ctx.session, ctx.now, ctx.me, id_arg(arg))
    if ctx.draft is not None and ctx.draft.flow == FLOW:
        await ctx.clear_draft()
    _show_invitation(ctx, issued)


async def on_press(ctx: Ctx, args: list[str]) -> None:
    step, arg = ([*args, "", ""])[:2]
    if step == "x":
        if ctx.draft is not None and ctx.draft.flow == FLOW:
            await ctx.clear_draft()
        ctx.edit(ctx._("Stopped. Nobody was invited."))
    elif step in ("p", "y"):
        if ctx.me.role not in RELINKERS:
            raise NotFound("no such step")
        await (_on_pick if step == "p" else _on_relink)(ctx, arg)
    elif ctx.me.role not in ADDERS:
        raise NotFound("no such step")
    elif step == "r":
        await _on_role(ctx, arg)
    elif step == "l":
        await _on_language(ctx, arg)
    elif step == "s":
        await _on_no_match(ctx)
    else:
        raise NotFound("no such step")


def register(router: Router) -> None:
    router.command("invite", on_invite, roles=ADDERS)
    router.command("newlink", on_newlink, roles=RELINKERS)
    router.callback(PREFIX, on_press, roles=RELINKERS)
    router.text_step(FLOW, NAME, on_name)
    router.text_step(FLOW, FAMILY, on_family)
    router.text_step(FLOW, MATCH, on_match)
    router.text_step(FLOW, FIND, on_find)
