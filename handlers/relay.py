"""A mentee's message outside a conversation is offered to pass on to their mentors (or the
office), one tap; mentors answer with the Reply button under the copy. See
bot/services/relay/ for the rules."""

from __future__ import annotations

from datetime import datetime

from telegram import Message

from bot.i18n import isolate
from bot.services import contacts, relay
from bot.services.errors import Invalid
from domain import Role
from handlers.common import Buttons, Ctx, id_arg
from handlers.router import Router
from storage.models import Draft

FLOW, ANSWERING = "relay", "answer"
WRITING = "write"  # a mentor's own message to the family


def message_kind(message: Message | None) -> str | None:
    """The kind of a message that can be passed on, or None."""
    if message is None:
        return None
    for kind in relay.KINDS:
        if getattr(message, kind, None):
            return kind
    return None


async def offer(ctx: Ctx) -> None:
    """Offer to pass on the mentee's message (called for anything a mentee sends outside a
    conversation that is not a command)."""
    message = ctx.update.effective_message
    kind = message_kind(message)
    if message is None or kind is None:
        ctx.reply(
            ctx._(
                "I cannot pass this kind of message on. Write a message, record a voice "
                "message or send a photo, and I will offer to send it to your mentors."
            )
        )
        return
    found = await relay.offer(
        ctx.session, ctx.now, ctx.me, chat_id=message.chat_id, message_id=message.message_id,
        kind=kind,
    )  # fmt: skip
    if found is None:
        await _nobody(ctx)
        return
    names = ctx.tr.join([isolate(n) for n in found.mentors])
    buttons: Buttons = []
    if found.mentors:
        text = ctx._("Send this to %(names)s?") % {"names": names}
        buttons.append([(ctx._("Yes, send it"), relay.data(relay.SEND_MENTORS, found.relay_id))])
        if found.office is not None:
            buttons.append(
                [(ctx._("Send it to the office"), relay.data(relay.SEND_OFFICE, found.relay_id))]
            )
    elif found.office is not None:
        text = ctx._("Send this to the office (%(name)s)?") % {"name": isolate(found.office)}
        buttons.append([(ctx._("Yes, send it"), relay.data(relay.SEND_OFFICE, found.relay_id))])
    else:
        await _nobody(ctx)
        return
    buttons.append([(ctx._("Do not send"), relay.data(relay.DONT_SEND, found.relay_id))])
    ctx.reply(text, buttons)


def held_lines(ctx: Ctx, later: list[tuple[str, datetime]]) -> list[str]:
    """Who gets it later, held by their quiet hours, and when (in the reader's time)."""
    return [
        ctx._("%(name)s is in their quiet hours: it will reach them on %(when)s.")
        % {"name": isolate(name), "when": ctx.tr.when(at, ctx.tz)}
        for name, at in later
    ]


async def _office_line(ctx: Ctx) -> str:
    found = await contacts.for_mentee(ctx.session, ctx.me)
    phone = found.office_phone or found.emergency_phone
    return ctx._("The office's phone: %(phone)s") % {"phone": isolate(phone)}


async def _nobody(ctx: Ctx) -> None:
    ctx.reply(
        ctx._("I cannot pass your message on: you have no mentor yet.")
        + "\n"
        + await _office_line(ctx)
    )


async def on_press(ctx: Ctx, args: list[str]) -> None:
    if len(args) != 2 or args[0] not in relay.ACTIONS:
        raise Invalid("bad_data")
    action, relay_id = args[0], id_arg(args[1])
    if action == relay.ANSWER:
        await _start_answer(ctx, relay_id)
        return
    if action in (relay.TO_FAMILY, relay.PHRASE, relay.FREE):
        await _on_write_press(ctx, action, relay_id)
        return
    if ctx.me.role != Role.MENTEE:
        ctx.toast(ctx._("Sorry, that is not available to you."))
        return
    if action == relay.DONT_SEND:
        before = await relay.decline(ctx.session, ctx.now, ctx.me, relay_id)
        if before == relay.SENT:
            ctx.edit(ctx._("This message was already sent."))
        else:
            ctx.edit(
                ctx._("Not sent. Nobody else has seen it. To send it later, send it to me again.")
            )
        return
    audience = relay.MENTORS if action == relay.SEND_MENTORS else relay.OFFICE
    try:
        done = await relay.send(ctx.session, ctx.now, ctx.me, relay_id, audience)
    except Invalid as exc:
        if exc.code != "relay_no_match":
            raise
        ctx.edit(ctx._("This message can no longer be sent: your mentoring has ended."))
        ctx.reply(await _office_line(ctx))
        return
    if done.already == relay.SENT:
        ctx.edit(ctx._("This message was already sent."))
        return
    if done.already == relay.DECLINED:
        ctx.edit(ctx._("You chose not to send this message. To send it, send it to me again."))
        return
    lines = []
    if done.reached:
        lines.append(
            ctx._("Sent to %(names)s. The answer will come here.")
            % {"names": ctx.tr.join([isolate(n) for n in done.reached])}
        )
    for name, phone in done.unreached:
        line = ctx._("%(name)s cannot be reached through the bot.") % {"name": isolate(name)}
        if phone:
            line += " " + ctx._("Phone: %(phone)s") % {"phone": isolate(phone)}
        lines.append(line)
    lines.extend(held_lines(ctx, done.later))
    if not done.reached:
        lines.append(ctx._("Your message was not sent."))
        lines.append(await _office_line(ctx))
    ctx.edit("\n".join(lines))


async def _start_answer(ctx: Ctx, relay_id: int) -> None:
    try:
        answering = await relay.start_answer(ctx.session, ctx.me, relay_id)
    except Invalid:
        ctx.reply(ctx._("This mentoring has ended, so answers cannot be sent through the bot."))
        return
    await ctx.save_draft(FLOW, ANSWERING, {"relay": answering.relay_id})
    ctx.reply(
        ctx._("Write or record your answer to %(name)s in one message. Send /cancel to stop.")
        % {"name": isolate(answering.name)}
    )


async def on_answer(ctx: Ctx, draft: Draft, text: str) -> None:
    """The mentor's answer: any message that can be passed on (text, voice, photo…)."""
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
    relay_id = int(draft.data["relay"])
    try:
        done = await relay.answer(
            ctx.session, ctx.now, ctx.me, relay_id, chat_id=message.chat_id,
            message_id=message.message_id, kind=kind,
        )  # fmt: skip
    except Invalid:
        await ctx.clear_draft()
        ctx.reply(ctx._("This mentoring has ended, so answers cannot be sent through the bot."))
        return
    await ctx.clear_draft()
    if done.reached:
        ctx.reply(
            "\n".join(
                [
                    ctx._("Sent to %(name)s.") % {"name": isolate(done.name)},
                    *held_lines(ctx, [(done.name, done.later)] if done.later else []),
                ]
            )
        )
    else:
        line = ctx._("%(name)s cannot be reached through the bot.") % {"name": isolate(done.name)}
        if done.phone:
            line += " " + ctx._("Phone: %(phone)s") % {"phone": isolate(done.phone)}
        ctx.reply(line)


# --- a mentor writes to the family: /write ---------------------------------------------------


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
        [[(f.family_name, relay.data(relay.TO_FAMILY, f.match_id))] for f in families],
    )


async def _ask_phrase(ctx: Ctx, family: relay.FamilyChoice, new: bool) -> None:
    await ctx.save_draft(FLOW, "phrase", {"m": family.match_id})
    buttons: Buttons = [
        [(ctx._(text), relay.data(relay.PHRASE, number))]
        for number, text in enumerate(relay.PHRASES)
    ]
    buttons.append([(ctx._("Write my own message"), relay.data(relay.FREE, family.match_id))])
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


async def _on_write_press(ctx: Ctx, action: str, number: int) -> None:
    if ctx.me.role != Role.MENTOR:
        ctx.toast(ctx._("Sorry, that is not available to you."))
        return
    if action == relay.TO_FAMILY:
        await _ask_phrase(ctx, await relay.family_choice(ctx.session, ctx.me, number), new=False)
        return
    draft = ctx.draft
    if draft is None or draft.flow != FLOW or "m" not in draft.data:
        ctx.stale(
            ctx._("This message was already sent, or its question is closed. Send /write to "
                  "write to the family again.")
        )  # fmt: skip
        return
    match_id = int(draft.data["m"])
    if action == relay.FREE:
        family = await relay.family_choice(ctx.session, ctx.me, match_id)
        await ctx.save_draft(FLOW, WRITING, {"m": match_id})
        ctx.edit(
            ctx._(
                "Write or record your message to the %(family)s family in one message. It goes "
                "as you write it, with your language named. Send /cancel to stop."
            )
            % {"family": isolate(family.family_name)}
        )
        return
    done = await relay.to_family(ctx.session, ctx.now, ctx.me, match_id, phrase=number)
    await ctx.clear_draft()
    ctx.edit("\n".join([ctx._(relay.PHRASES[number]), *_delivery_lines(ctx, done)]))


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
    done = await relay.to_family(
        ctx.session, ctx.now, ctx.me, int(draft.data["m"]),
        message=(message.chat_id, message.message_id, kind),
    )  # fmt: skip
    await ctx.clear_draft()
    ctx.reply("\n".join(_delivery_lines(ctx, done)))


async def on_phrase_text(ctx: Ctx, draft: Draft, text: str) -> None:
    """Typing while the phrases are shown: take it as their own message."""
    await on_write_message(ctx, draft, text)


def register(router: Router) -> None:
    router.callback(relay.PREFIX, on_press)
    router.text_step(FLOW, ANSWERING, on_answer, media=True)
    router.command("write", on_write, roles=frozenset({Role.MENTOR}))
    router.text_step(FLOW, WRITING, on_write_message, media=True)
    router.text_step(FLOW, "phrase", on_phrase_text, media=True)
