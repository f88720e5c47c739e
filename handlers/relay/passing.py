"""A mentee's message passed on: the offer under it, the mentee's answer to the offer, and a
mentor's answer with the Reply button under the copy. See bot/services/relay/ for the rules."""

from __future__ import annotations

from bot.i18n import isolate
from bot.services import contacts, relay
from bot.services.drafts import Draft
from bot.services.errors import Invalid
from bot.services.relay import presses
from bot.services.relay.presses import Answer, DontSend, SendToMentors, SendToOffice
from domain import Role
from handlers.common import Buttons, Ctx
from handlers.relay import write
from handlers.relay.draft import ANSWERING, FLOW, RelayDraft
from handlers.relay.lines import held_lines, message_kind


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
        buttons.append([(ctx._("Yes, send it"), SendToMentors(found.relay_id).pack())])
        if found.office is not None:
            buttons.append([(ctx._("Send it to the office"), SendToOffice(found.relay_id).pack())])
    elif found.office is not None:
        text = ctx._("Send this to the office (%(name)s)?") % {"name": isolate(found.office)}
        buttons.append([(ctx._("Yes, send it"), SendToOffice(found.relay_id).pack())])
    else:
        await _nobody(ctx)
        return
    buttons.append([(ctx._("Do not send"), DontSend(found.relay_id).pack())])
    ctx.reply(text, buttons)


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
    press = presses.parse(args)  # what is left to refuse: a malformed number (`NotFound`)
    if isinstance(press, Answer):
        await _start_answer(ctx, press.relay_id)
        return
    if isinstance(press, presses.WRITING):
        await write.on_press(ctx, press)
        return
    if ctx.me.role != Role.MENTEE:
        ctx.toast(ctx._("Sorry, that is not available to you."))
        return
    relay_id = press.relay_id
    if isinstance(press, DontSend):
        before = await relay.decline(ctx.session, ctx.now, ctx.me, relay_id)
        if before == relay.SENT:
            ctx.edit(ctx._("This message was already sent."))
        else:
            ctx.edit(
                ctx._("Not sent. Nobody else has seen it. To send it later, send it to me again.")
            )
        return
    audience = relay.MENTORS if isinstance(press, SendToMentors) else relay.OFFICE
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
    await ctx.save_draft(FLOW, ANSWERING, RelayDraft(relay_id=answering.relay_id).to_data())
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
    answering = RelayDraft.from_data(draft.data)
    if answering is None or answering.relay_id is None:  # cannot be read: begin again
        await ctx.clear_draft()
        ctx.reply(ctx._("Sorry, that did not work. Please try again."))
        return
    relay_id = answering.relay_id
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
