"""Onboarding: /start with an invitation, language, consent; /help, /language, /cancel, and
the answer to anything typed outside a conversation.

Onboarding keeps its state in a draft (flow "onboarding": the invitation's id and the chosen
language) and links nothing until the person agrees.
"""

from __future__ import annotations

from bot import commands
from bot.i18n import (
    GENDERED_LOCALES,
    NP_,
    SUPPORTED_LOCALES,
    Translator,
    isolate,
    language_name,
    normalise_locale,
)
from bot.i18n import translator as translator_for
from bot.services import keyboard, onboarding, people
from bot.services.drafts import Draft
from bot.services.errors import Invalid
from domain import Consent, Role
from handlers import relay
from handlers.common import Buttons, Ctx, chunk, not_linked_text
from handlers.router import Router
from handlers.start_texts import (
    CONSENT,
    REFUSALS,
    SHORT_CONSENT,
    WELCOME,
    agreed_text,
    declined_text,
    language_prompt,
)

FLOW = "onboarding"
LANGUAGE, CONSENTING = "language", "consent"


def _linked(ctx: Ctx) -> bool:
    return ctx.person is not None and ctx.person.consent == Consent.GIVEN


def _client_locale(ctx: Ctx) -> str | None:
    user = ctx.update.effective_user
    return normalise_locale(user.language_code if user else None)


def language_buttons(prefix: str, first: str | None) -> Buttons:
    """Every language, named in itself; `first` (the client's or current one) leads, marked."""
    order = ([first] if first else []) + [c for c in SUPPORTED_LOCALES if c != first]
    items = [
        (("✓ " if code == first else "") + language_name(code), f"{prefix}:{code}")
        for code in order
    ]
    return chunk(items, 2)


def consent_buttons(tr: Translator, more: bool = False) -> Buttons:
    """Agree or not; under the short notice, "Read more" shows the full one (ob:m)."""
    buttons: Buttons = [[(tr.gettext("I agree"), "ob:y"), (tr.gettext("I do not agree"), "ob:n")]]
    if not more:
        # Translators: a button under the short privacy notice: show the full text.
        buttons.append([(tr.pgettext("privacy notice", "Read more"), "ob:m")])
    return buttons


def consent_text(tr: Translator, opened: onboarding.Opened, more: bool = False) -> str:
    """The privacy notice: three short lines at first, the full text after "Read more"."""
    hello = tr.gettext("Hello, %(name)s! The mentoring programme of %(org)s invited you.") % {
        "name": isolate(opened.name),
        "org": isolate(opened.organisation),
    }
    body = tr.gettext((CONSENT if more else SHORT_CONSENT)[opened.role])
    question = tr.gettext("Do you agree?")
    return f"{hello}\n\n{body}\n\n{question}"


# How to address the person (optional; neutral by default): ad:f, ad:m, ad:n --------------
ADDRESS_PREFIX = "ad"
ADDRESS_CODES: dict[str, str | None] = {"f": "feminine", "m": "masculine", "n": None}
ADDRESS_LABELS: dict[str, str] = {
    # Translators: buttons: how the person wants the bot to address them (grammatical gender).
    "f": NP_("address choice", "As a woman"),
    "m": NP_("address choice", "As a man"),
    "n": NP_("address choice", "No preference"),
}
ADDRESS_DONE: dict[str | None, str] = {
    "feminine": NP_("address choice", "Thank you. I will address you as a woman."),
    "masculine": NP_("address choice", "Thank you. I will address you as a man."),
    None: NP_("address choice", "Thank you. I will use words that suit everyone."),
}


def address_question(tr: Translator) -> str:
    return tr.gettext(
        "One more question, only if you like: how should I address you? In your language "
        "some words change for a woman or a man. You can change it at any time with /language."
    )


def address_again(tr: Translator) -> str:
    return tr.gettext(
        "How should I address you? In this language some words change for a woman or a man."
    )


def address_buttons(tr: Translator, current: str | None) -> Buttons:
    return [
        [
            (
                ("✓ " if ADDRESS_CODES[code] == current else "") + tr.gettext(label),
                f"{ADDRESS_PREFIX}:{code}",
            )
        ]
        for code, label in ADDRESS_LABELS.items()
    ]


async def on_address_press(ctx: Ctx, args: list[str]) -> None:
    code = args[0] if len(args) == 1 else ""
    if code not in ADDRESS_CODES:
        raise Invalid("address")
    address = await onboarding.set_address(ctx.session, ctx.now, ctx.me, ADDRESS_CODES[code])
    rd = await people.reader(ctx.session, ctx.me)  # the reader's words in their new form
    ctx.edit(rd.tr.gettext(ADDRESS_DONE[address]))


# /start -----------------------------------------------------------------------------------
async def on_start(ctx: Ctx) -> None:
    args = ctx.context.args or []
    token = args[0] if args else ""
    if not token:
        if ctx.draft is not None and ctx.draft.flow == FLOW:
            await _show_step(ctx, ctx.draft)
        elif _linked(ctx):
            ctx.reply(
                ctx._("Welcome back! Send /help to see what I can do for you."),
                keys=await _keys(ctx),
            )
        else:
            ctx.reply(not_linked_text(ctx.tr))
        return
    try:
        opened = await onboarding.open_invite(ctx.session, ctx.now, token, ctx.telegram_id)
    except Invalid as exc:
        if ctx.draft is not None and ctx.draft.flow == FLOW:
            await ctx.clear_draft()
        ctx.reply(ctx._(REFUSALS.get(exc.code, REFUSALS["unknown"])))
        return
    await ctx.save_draft(FLOW, LANGUAGE, {"invite": opened.invite_id})
    ctx.reply(language_prompt(ctx.tr), language_buttons("ob:l", _client_locale(ctx)))


async def _show_step(ctx: Ctx, draft: Draft) -> None:
    """Show again the step a person coming back is at."""
    try:
        opened = await onboarding.still_open(
            ctx.session, ctx.now, int(draft.data.get("invite", 0)), ctx.telegram_id
        )
    except Invalid as exc:
        await ctx.clear_draft()
        ctx.edit(ctx._(REFUSALS.get(exc.code, REFUSALS["unknown"])))
        return
    locale = draft.data.get("locale")
    if draft.state == CONSENTING and locale:
        tr = translator_for(str(locale))
        more = bool(draft.data.get("more"))
        ctx.edit(consent_text(tr, opened, more), consent_buttons(tr, more))
    else:
        ctx.edit(language_prompt(ctx.tr), language_buttons("ob:l", _client_locale(ctx)))


async def on_onboarding_text(ctx: Ctx, draft: Draft, text: str) -> None:
    await _show_step(ctx, draft)


# onboarding buttons: ob:l:<locale>, ob:y, ob:n -------------------------------------------
async def on_onboarding_press(ctx: Ctx, args: list[str]) -> None:
    draft = ctx.draft
    if draft is None or draft.flow != FLOW:
        ctx.edit(
            ctx._("This step has ended.")
            if _linked(ctx)
            else ctx._("This step has ended. To start again, open your invitation link again.")
        )
        return
    invite_id = int(draft.data.get("invite", 0))
    tr = translator_for(str(draft.data["locale"])) if draft.data.get("locale") else ctx.tr
    try:
        if args[:1] == ["l"] and len(args) == 2 and normalise_locale(args[1]) == args[1]:
            opened = await onboarding.still_open(ctx.session, ctx.now, invite_id, ctx.telegram_id)
            await ctx.save_draft(FLOW, CONSENTING, {"invite": invite_id, "locale": args[1]})
            tr = translator_for(args[1])
            ctx.edit(consent_text(tr, opened), consent_buttons(tr))
        elif args == ["m"] and draft.state == CONSENTING and draft.data.get("locale"):
            opened = await onboarding.still_open(ctx.session, ctx.now, invite_id, ctx.telegram_id)
            await ctx.save_draft(FLOW, CONSENTING, {**draft.data, "more": True})
            ctx.edit(consent_text(tr, opened, True), consent_buttons(tr, True))
        elif args == ["y"] and draft.state == CONSENTING and draft.data.get("locale"):
            await _agree(ctx, invite_id, str(draft.data["locale"]), bool(draft.data.get("more")))
        elif args == ["n"] and draft.state == CONSENTING:
            opened = await onboarding.decline(ctx.session, ctx.now, invite_id, ctx.telegram_id)
            await ctx.clear_draft()
            more = bool(draft.data.get("more"))
            ctx.edit(consent_text(tr, opened, more) + "\n\n" + declined_text(tr))
        else:
            await _show_step(ctx, draft)
    except Invalid as exc:
        await ctx.clear_draft()
        ctx.edit(tr.gettext(REFUSALS.get(exc.code, REFUSALS["unknown"])))


async def _agree(ctx: Ctx, invite_id: int, locale: str, more: bool) -> None:
    user = ctx.update.effective_user
    opened = await onboarding.still_open(ctx.session, ctx.now, invite_id, ctx.telegram_id)
    linked = await onboarding.agree(
        ctx.session,
        ctx.now,
        invite_id,
        ctx.telegram_id,
        locale,
        user.language_code if user else None,
    )
    await ctx.clear_draft()
    tr = translator_for(linked.locale)
    # One message (an edit): what they agreed to stays above the welcome.
    text = consent_text(tr, opened, more) + "\n\n" + agreed_text(tr, WELCOME[linked.role])
    if linked.locale in GENDERED_LOCALES:  # asked once, gently; neutral until answered
        ctx.edit(f"{text}\n\n{address_question(tr)}", address_buttons(tr, None))
    else:
        ctx.edit(text)
    _set_menu(ctx, linked.role, linked.locale)
    rows = await keyboard.remember_for(ctx.session, linked.person_id, tr)
    if rows is not None:
        ctx.reply(tr.gettext(keyboard.INTRO), keys=rows)


async def _keys(ctx: Ctx) -> list[list[str]] | None:
    """The reply keyboard, for a mentee (sent again with a text-only reply)."""
    if ctx.person is None or ctx.person.role != Role.MENTEE:
        return None
    return await keyboard.remember_for(ctx.session, ctx.person.id, ctx.tr)


def _set_menu(ctx: Ctx, role: Role, locale: str) -> None:
    bot, chat_id = ctx.context.bot, ctx.telegram_id
    ctx.after(lambda: commands.set_person_menu(bot, chat_id, role, locale))


# /help, /language, /cancel, anything else --------------------------------------------------
async def on_help(ctx: Ctx) -> None:
    lines = [ctx._("Here is what I can do for you:"), ""]
    for name, description in commands.MENUS[ctx.me.role]:
        if name != "start":
            # Isolated in a right-to-left text, so that it shows "/next", not "next/".
            command = isolate("/" + name) if ctx.tr.rtl else "/" + name
            lines.append(f"{command} — {ctx._(description)}")
    ctx.reply("\n".join(lines), keys=await _keys(ctx))


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
    _set_menu(ctx, ctx.me.role, chosen)
    if ctx.me.role == Role.MENTEE:
        ctx.reply(
            tr.gettext(keyboard.INTRO), keys=await keyboard.remember_for(ctx.session, ctx.me.id, tr)
        )


async def on_cancel(ctx: Ctx) -> None:
    if ctx.draft is None:
        ctx.reply(ctx._("There is nothing to stop.") if _linked(ctx) else not_linked_text(ctx.tr))
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
    on to their mentors (handlers/relay.py): what people write in is never dropped."""
    if _linked(ctx) and ctx.me.role == Role.MENTEE:
        await relay.offer(ctx)
    elif _linked(ctx):
        ctx.reply(ctx._("I did not understand that. Send /help to see what I can do for you."))
    else:
        ctx.reply(not_linked_text(ctx.tr))


def register(router: Router) -> None:
    router.command("start", on_start, linked=False)
    router.command("help", on_help)
    router.command("language", on_language)
    router.command("cancel", on_cancel, linked=False)
    router.callback("ob", on_onboarding_press, linked=False)
    router.callback("ln", on_language_press)
    router.callback(ADDRESS_PREFIX, on_address_press)
    router.text_step(FLOW, LANGUAGE, on_onboarding_text, public=True)
    router.text_step(FLOW, CONSENTING, on_onboarding_text, public=True)
    router.set_fallback(on_other)
