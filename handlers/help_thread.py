"""Help from staff: the thread's Reply and Close buttons, for everyone in it (the requester,
the assigned worker, the coordinators), and the refusal of a press or message that is not
theirs to send."""

from __future__ import annotations

from bot.i18n import isolate as _iso
from bot.notifications.help import NEED_HELP_LABEL
from bot.notifications.help_callbacks import NeedHelp
from bot.services import help as help_requests
from bot.services.drafts import Draft
from bot.services.errors import Invalid, NotAllowed, NotFound
from domain import Role, ThreadStatus
from handlers import checkins as checkin_views
from handlers.common import Ctx
from handlers.help_drafts import ReplyDraft
from handlers.texts import too_long

FLOW_REPLY = ReplyDraft.FLOW


def need_help_button(ctx: Ctx) -> tuple[str, str]:
    """The "I need help" button, for any message where a mentee might need it."""
    return (ctx._(NEED_HELP_LABEL), NeedHelp().pack())


async def on_reply(ctx: Ctx, request_id: int) -> None:
    thread = await help_requests.thread(ctx.session, ctx.me, request_id)
    if thread.status != ThreadStatus.OPEN:
        if ctx.me.role == Role.MENTEE:
            ctx.stale(
                ctx._("This conversation is closed. If you need help again, tap the button."),
                [[need_help_button(ctx)]],
            )
        elif ctx.me.role == Role.MENTOR:
            ctx.stale(
                ctx._("This conversation is closed. To ask the staff again, send /help_staff.")
            )
        else:
            ctx.stale(ctx._("This conversation is closed."))
        return
    await ctx.save_draft(FLOW_REPLY, "text", ReplyDraft(thread.id).to_data())
    if thread.as_staff:
        text = ctx._("Write your answer to %(name)s in one message. Send /cancel to stop.") % {
            "name": _iso(thread.requester_name)
        }
    else:
        text = ctx._("Write your message to the staff in one message. Send /cancel to stop.")
    ctx.reply(text)


async def on_reply_text(ctx: Ctx, draft: Draft, text: str) -> None:
    reply = ReplyDraft.from_data(draft.data)
    if reply is None:  # a draft that cannot be read: dropped, nothing is sent
        await ctx.clear_draft()
        refused(ctx, NotFound("unreadable draft"))
        return
    request_id = reply.request_id
    try:
        await help_requests.reply(ctx.session, ctx.now, ctx.me, request_id, text)
    except (NotAllowed, NotFound) as exc:
        await ctx.clear_draft()
        refused(ctx, exc, (help_requests.REF, request_id))
        return
    except Invalid as exc:
        if exc.code == "closed":
            await ctx.clear_draft()
            ctx.reply(ctx._("This conversation was closed, so your message was not sent."))
            return
        ask_again(ctx, exc)
        return
    await ctx.clear_draft()
    ctx.reply(ctx._("Sent."))


async def on_close(ctx: Ctx, request_id: int) -> None:
    closed = await help_requests.close(ctx.session, ctx.now, ctx.me, request_id)
    draft = ctx.draft
    if draft is not None and draft.flow == FLOW_REPLY:
        writing = ReplyDraft.from_data(draft.data)
        if writing is not None and writing.request_id == closed.request_id:
            await ctx.clear_draft()
    if closed.already:
        ctx.reply(ctx._("This conversation was already closed."))
    else:
        buttons = [[need_help_button(ctx)]] if ctx.me.role == Role.MENTEE else None
        buttons = buttons or await checkin_views.proposal(ctx, help_id=closed.request_id)
        ctx.reply(ctx._("Closed. The others in this conversation were told."), buttons)


def ask_again(ctx: Ctx, exc: Invalid) -> None:
    message = too_long(ctx, exc)
    if message is not None:
        ctx.reply(message)
    else:
        ctx.reply(ctx._("Please write your message as text, then send it."))


def refused(ctx: Ctx, exc: Exception, target: tuple[str, int] | None = None) -> None:
    """Refuse in the person's words and audit it. The services check who may act before they
    write anything, so the refusal is recorded in this update's own transaction."""
    query = ctx.update.callback_query
    ctx.actions.clear()
    ctx.audit(
        "access.refused",
        target,
        reason=type(exc).__name__,
        callback=((query.data if query else None) or "")[:64],
    )
    ctx.reply(ctx._("Sorry, that is not available to you."))
