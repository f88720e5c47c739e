"""/help, /language (and how to be addressed), /cancel, and the answer to anything typed
outside a conversation. Onboarding (/start with an invitation, language, consent) is in
`handlers.onboarding`; what both show, in `handlers.start_views`.
"""

from __future__ import annotations

from bot import commands
from bot.i18n import (
    GENDERED_LOCALES,
    isolate,
    language_name,
    normalise_locale,
)
from bot.i18n import translator as translator_for
from bot.services import keyboard, onboarding, people
from bot.services.errors import Invalid
from domain import Role
from handlers import onboarding as joining
from handlers import relay
from handlers.common import Ctx, not_linked_text
from handlers.onboarding_draft import CONSENTING, FLOW, LANGUAGE
from handlers.router import Router
from handlers.start_callbacks import ADDRESS_PREFIX, address_code
from handlers.start_views import (
    ADDRESS_CODES,
    ADDRESS_DONE,
    ADDRESS_LABELS,
    address_again,
    address_buttons,
    address_question,
    keys,
    language_buttons,
    linked,
    set_menu,
)

__all__ = [
    "ADDRESS_DONE",
    "ADDRESS_LABELS",
    "FLOW",
    "address_again",
    "address_question",
    "language_buttons",
    "register",
]


async def on_address_press(ctx: Ctx, args: list[str]) -> None:
    code = address_code(args)
    if code not in ADDRESS_CODES:
        raise Invalid("address")
    address = await onboarding.set_address(ctx.session, ctx.now, ctx.me, ADDRESS_CODES[code])
    rd = await people.reader(ctx.session, ctx.me)  # the reader's words in their new form
    ctx.edit(rd.tr.gettext(ADDRESS_DONE[address]))


# /help, /language, /cancel, anything else --------------------------------------------------
async def on_help(ctx: Ctx) -> None:
    lines = [ctx._("Here is what I can do for you:"), ""]
    for name, description in commands.MENUS[ctx.me.role]:
        if name != "start":
            # Isolated in a right-to-left text, so that it shows "/next", not "next/".
            command = isolate("/" + name) if ctx.tr.rtl else "/" + name
            lines.append(f"{command} — {ctx._(description)}")
    ctx.reply("\n".join(lines), keys=await keys(ctx))


async def on_language(ctx: Ctx) -> None:
    ctx.reply(ctx._("Choose your language:"), language_buttons("ln", ctx.tr.locale))


async def on_language_press(ctx: Ctx, args: list[str]) -> None:
    code = normalise_locale(args[0]) if args else None
    if code is None or code != args[0]:
        raise Invalid("locale")
    chosen = await onboarding.set_language(ctx.session, ctx.now, ctx.me, code)
    tr = translator_for(chosen, None, ctx.me.address)
    done = tr.gettext("Done: I will write to you in %(language)s.") % {
        "language": language_name(chosen, in_sentence=True)
    }
    if chosen in GENDERED_LOCALES:  # how to be addressed is changed here too
        ctx.edit(f"{done}\n\n{address_again(tr)}", address_buttons(tr, ctx.me.address))
    else:
        ctx.edit(done)
    set_menu(ctx, ctx.me.role, chosen)
    if ctx.me.role == Role.MENTEE:
        ctx.reply(
            tr.gettext(keyboard.INTRO), keys=await keyboard.remember_for(ctx.session, ctx.me.id, tr)
        )


async def on_cancel(ctx: Ctx) -> None:
    if ctx.draft is None:
        ctx.reply(ctx._("There is nothing to stop.") if linked(ctx) else not_linked_text(ctx.tr))
        return
    was_onboarding = ctx.draft.flow == FLOW
    await ctx.clear_draft(everything=True)
    if was_onboarding:
        ctx.reply(
            ctx._("Stopped. Nothing was saved. To start again, open your invitation link again.")
        )
    else:
        ctx.reply(ctx._("Stopped. Nothing was saved."))


async def on_other(ctx: Ctx) -> None:
    """Typed text (or anything else) outside any conversation. A mentee's is offered to pass
    on to their mentors (handlers/relay/): what people write in is never dropped."""
    if linked(ctx) and ctx.me.role == Role.MENTEE:
        await relay.offer(ctx)
    elif linked(ctx):
        ctx.reply(ctx._("I did not understand that. Send /help to see what I can do for you."))
    else:
        ctx.reply(not_linked_text(ctx.tr))


def register(router: Router) -> None:
    router.command("start", joining.on_start, linked=False)
    router.command("help", on_help)
    router.command("language", on_language)
    router.command("cancel", on_cancel, linked=False)
    router.callback("ob", joining.on_onboarding_press, linked=False)
    router.callback("ln", on_language_press)
    router.callback(ADDRESS_PREFIX, on_address_press)
    router.text_step(FLOW, LANGUAGE, joining.on_onboarding_text, public=True)
    router.text_step(FLOW, CONSENTING, joining.on_onboarding_text, public=True)
    router.set_fallback(on_other)
