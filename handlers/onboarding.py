"""Onboarding: /start with an invitation, the language, the privacy notice and consent. Its
state is an `OnboardingDraft` (flow "onboarding": the invitation's id, the chosen language,
whether the full notice was read); nothing is linked until the person agrees."""

from __future__ import annotations

from dataclasses import replace

from bot.i18n import GENDERED_LOCALES, normalise_locale
from bot.i18n import translator as translator_for
from bot.services import keyboard, onboarding
from bot.services.drafts import Draft
from bot.services.errors import Invalid
from handlers.common import Ctx, not_linked_text
from handlers.onboarding_draft import CONSENTING, FLOW, LANGUAGE, OnboardingDraft
from handlers.start_texts import REFUSALS, WELCOME, agreed_text, declined_text, language_prompt
from handlers.start_views import (
    address_buttons,
    address_question,
    client_locale,
    consent_buttons,
    consent_text,
    keys,
    language_buttons,
    linked,
    set_menu,
)

__all__ = ["CONSENTING", "FLOW", "LANGUAGE", "OnboardingDraft"]


async def on_start(ctx: Ctx) -> None:
    args = ctx.context.args or []
    token = args[0] if args else ""
    if not token:
        if ctx.draft is not None and ctx.draft.flow == FLOW:
            await show_step(ctx, ctx.draft)
        elif linked(ctx):
            ctx.reply(
                ctx._("Welcome back! Send /help to see what I can do for you."),
                keys=await keys(ctx),
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
    await ctx.save_draft(FLOW, LANGUAGE, OnboardingDraft(opened.invite_id).to_data())
    ctx.reply(language_prompt(ctx.tr), language_buttons("ob:l", client_locale(ctx)))


async def _ended(ctx: Ctx) -> None:
    """A press or a message on an onboarding that has ended (or cannot be read: dropped)."""
    if ctx.draft is not None and ctx.draft.flow == FLOW:
        await ctx.clear_draft()
    ctx.edit(
        ctx._("This step has ended.")
        if linked(ctx)
        else ctx._("This step has ended. To start again, open your invitation link again.")
    )


async def show_step(ctx: Ctx, draft: Draft) -> None:
    """Show again the step a person coming back is at."""
    joining = OnboardingDraft.from_data(draft.data)
    if joining is None:
        await _ended(ctx)
        return
    try:
        opened = await onboarding.still_open(
            ctx.session, ctx.now, joining.invite_id, ctx.telegram_id
        )
    except Invalid as exc:
        await ctx.clear_draft()
        ctx.edit(ctx._(REFUSALS.get(exc.code, REFUSALS["unknown"])))
        return
    if draft.state == CONSENTING and joining.locale:
        tr = translator_for(joining.locale)
        more = joining.more
        ctx.edit(consent_text(tr, opened, more), consent_buttons(tr, more))
    else:
        ctx.edit(language_prompt(ctx.tr), language_buttons("ob:l", client_locale(ctx)))


async def on_onboarding_text(ctx: Ctx, draft: Draft, text: str) -> None:
    await show_step(ctx, draft)


# onboarding buttons: ob:l:<locale>, ob:y, ob:n -------------------------------------------
async def on_onboarding_press(ctx: Ctx, args: list[str]) -> None:
    draft = ctx.draft
    joining = OnboardingDraft.from_data(draft.data) if draft and draft.flow == FLOW else None
    if draft is None or joining is None:
        await _ended(ctx)
        return
    invite_id = joining.invite_id
    tr = translator_for(joining.locale) if joining.locale else ctx.tr
    try:
        if args[:1] == ["l"] and len(args) == 2 and normalise_locale(args[1]) == args[1]:
            opened = await onboarding.still_open(ctx.session, ctx.now, invite_id, ctx.telegram_id)
            chosen = OnboardingDraft(invite_id, locale=args[1])
            await ctx.save_draft(FLOW, CONSENTING, chosen.to_data())
            tr = translator_for(args[1])
            ctx.edit(consent_text(tr, opened), consent_buttons(tr))
        elif args == ["m"] and draft.state == CONSENTING and joining.locale:
            opened = await onboarding.still_open(ctx.session, ctx.now, invite_id, ctx.telegram_id)
            await ctx.save_draft(FLOW, CONSENTING, replace(joining, more=True).to_data())
            ctx.edit(consent_text(tr, opened, True), consent_buttons(tr, True))
        elif args == ["y"] and draft.state == CONSENTING and joining.locale:
            await _agree(ctx, invite_id, joining.locale, joining.more)
        elif args == ["n"] and draft.state == CONSENTING:
            opened = await onboarding.decline(ctx.session, ctx.now, invite_id, ctx.telegram_id)
            await ctx.clear_draft()
            ctx.edit(consent_text(tr, opened, joining.more) + "\n\n" + declined_text(tr))
        else:
            await show_step(ctx, draft)
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
    set_menu(ctx, linked.role, linked.locale)
    rows = await keyboard.remember_for(ctx.session, linked.person_id, tr)
    if rows is not None:
        ctx.reply(tr.gettext(keyboard.INTRO), keys=rows)
