"""A mentor writes to the family (/write): a ready-made phrase each member gets in their own
language, or the mentor's own message as written."""

from __future__ import annotations

from bot.i18n import isolate
from bot.notifications.relay import PHRASES
from bot.services import relay
from bot.services.drafts import Draft
from bot.services.relay.presses import Free, Phrase, ToFamily
from domain import Role
from handlers.common import Buttons, Ctx
from handlers.relay.draft import FLOW, PHRASE, WRITING, RelayDraft
from handlers.relay.lines import held_lines, message_kind


async def on_write(ctx: Ctx) -> None:
    families = await relay.mentor_families(ctx.session, ctx.me)
    if not families:
        ctx.reply(ctx._("You have no active match, so there is no family to write to."))
        return
    if len(families) == 1:
        await _ask_phrase(ctx, families[0], new=True)
        return
    ctx.reply(
        ctx._("Which family do you want to write to?"),
        [[(f.family_name, ToFamily(f.match_id).pack())] for f in families],
    )


async def _ask_phrase(ctx: Ctx, family: relay.FamilyChoice, new: bool) -> None:
    await ctx.save_draft(FLOW, PHRASE, RelayDraft(match_id=family.match_id).to_data())
    buttons: Buttons = [
        [(ctx._(text), Phrase(number).pack())] for number, text in enumerate(PHRASES)
    ]
    buttons.append([(ctx._("Write my own message"), Free(family.match_id).pack())])
    text = ctx._(
        "What do you want to tell the %(family)s family? Each member gets a ready-made phrase "
        "in their own language; your own message goes as you write it."
    ) % {"family": isolate(family.family_name)}
    if new:
        ctx.reply(text, buttons)
    else:
        ctx.edit(text, buttons)


def _delivery_lines(ctx: Ctx, done: relay.FamilyDelivery) -> list[str]:
    lines = []
    if done.reached:
        lines.append(
            ctx._("Sent to %(names)s.") % {"names": ctx.tr.join([isolate(n) for n in done.reached])}
        )
    for name, phone in done.unreached:
        line = ctx._("%(name)s cannot be reached through the bot.") % {"name": isolate(name)}
        if phone:
            line += " " + ctx._("Phone: %(phone)s") % {"phone": isolate(phone)}
        lines.append(line)
    lines.extend(held_lines(ctx, done.later))
    if not done.reached and not done.unreached:
        lines.append(ctx._("Nobody in this family uses the bot: remember to tell them yourself."))
    return lines


async def on_press(ctx: Ctx, press: ToFamily | Phrase | Free) -> None:
    if ctx.me.role != Role.MENTOR:
        ctx.toast(ctx._("Sorry, that is not available to you."))
        return
    if isinstance(press, ToFamily):
        family = await relay.family_choice(ctx.session, ctx.me, press.match_id)
        await _ask_phrase(ctx, family, new=False)
        return
    draft = ctx.draft
    writing = RelayDraft.from_data(draft.data) if draft and draft.flow == FLOW else None
    if writing is None or writing.match_id is None:
        ctx.stale(
            ctx._("This message was already sent, or its question is closed. Send /write to "
                  "write to the family again.")
        )  # fmt: skip
        return
    match_id = writing.match_id  # the draft's, not the button's
    if isinstance(press, Free):
        family = await relay.family_choice(ctx.session, ctx.me, match_id)
        await ctx.save_draft(FLOW, WRITING, RelayDraft(match_id=match_id).to_data())
        ctx.edit(
            ctx._(
                "Write or record your message to the %(family)s family in one message. It goes "
                "as you write it, with your language named. Send /cancel to stop."
            )
            % {"family": isolate(family.family_name)}
        )
        return
    done = await relay.to_family(ctx.session, ctx.now, ctx.me, match_id, phrase=press.number)
    await ctx.clear_draft()
    ctx.edit("\n".join([ctx._(PHRASES[press.number]), *_delivery_lines(ctx, done)]))


async def on_write_message(ctx: Ctx, draft: Draft, text: str) -> None:
    message = ctx.update.effective_message
    kind = message_kind(message)
    if message is None or kind is None:
        ctx.reply(
            ctx._(
                "I cannot pass this kind of message on. Write a message or record a voice "
                "message, or send /cancel to stop."
            )
        )
        return
    writing = RelayDraft.from_data(draft.data)
    if writing is None or writing.match_id is None:  # cannot be read: begin again
        await ctx.clear_draft()
        ctx.reply(ctx._("Sorry, that did not work. Please try again."))
        return
    done = await relay.to_family(
        ctx.session, ctx.now, ctx.me, writing.match_id,
        message=(message.chat_id, message.message_id, kind),
    )  # fmt: skip
    await ctx.clear_draft()
    ctx.reply("\n".join(_delivery_lines(ctx, done)))


async def on_phrase_text(ctx: Ctx, draft: Draft, text: str) -> None:
    """Typing while the phrases are shown: take it as their own message."""
    await on_write_message(ctx, draft, text)
