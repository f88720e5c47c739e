"""Concerns, for the staff: the card's buttons (Acknowledge, Resolve, Reply, Reassign), and
`/pending`, the organisation's open concerns and help requests. Every press is re-checked by
the service: a concern of another organisation raises NotAllowed, which `wrap` refuses and
audits."""

from __future__ import annotations

from bot.i18n import isolate
from bot.notifications.concerns import (
    CATEGORY_LABELS,
    HELP_KIND_LABELS,
    SEVERITY_MARKS,
    STATUS_LABELS,
)
from bot.notifications.concerns import callbacks as cb
from bot.services import concerns
from bot.services.drafts import Draft
from bot.services.errors import Invalid
from bot.services.help import OpenHelp
from domain import ConcernStatus, Role
from handlers import checkins as checkin_views
from handlers import pending_quiet
from handlers.common import Ctx
from handlers.concerns_draft import StaffNoteDraft
from handlers.router import Router
from handlers.texts import too_long

FLOW_RESOLVE = "concern_resolve"
FLOW_REPLY = "concern_reply"
STAFF = frozenset({Role.WORKER, Role.COORDINATOR, Role.ADMIN})
PENDING_BUTTONS = 20


def _pressed_message_id(ctx: Ctx) -> int | None:
    query = ctx.update.callback_query
    return query.message.message_id if query is not None and query.message is not None else None


def _invalid(ctx: Ctx, exc: Invalid) -> None:
    if exc.code == "resolved":
        ctx.reply(ctx._("This concern is already resolved."))
    elif exc.code == "unreachable":
        ctx.reply(ctx._("That worker cannot be reached through the bot now. Choose another one."))
    elif exc.code == "same_worker":
        ctx.reply(ctx._("The concern is already assigned to that worker."))
    elif exc.code == "too_long":
        ctx.reply(too_long(ctx, exc) or ctx._("Please write it as text, then send it."))
    else:
        ctx.reply(ctx._("Please write it as text, then send it."))


# --- the card's buttons ----------------------------------------------------------------------


async def on_open(ctx: Ctx, press: cb.Open) -> None:
    card = await concerns.view_card(ctx.session, ctx.now, ctx.me, press.concern_id)
    ctx.reply(card.text, card.buttons)


async def on_acknowledge(ctx: Ctx, press: cb.Acknowledge) -> None:
    acted = await concerns.acknowledge(
        ctx.session, ctx.now, ctx.me, press.concern_id,
        shown_message_id=_pressed_message_id(ctx),
    )  # fmt: skip
    ctx.edit(acted.card.text, acted.card.buttons)
    if not acted.changed:
        ctx.toast(ctx._("Already acknowledged."))
    elif acted.reporter_told:
        ctx.toast(ctx._("Acknowledged. The person who raised it was told."))
    else:
        ctx.toast(ctx._("Acknowledged. The person who raised it cannot be reached by the bot."))


async def on_resolve(ctx: Ctx, press: cb.Resolve) -> None:
    try:
        concern_id = await concerns.can_resolve(ctx.session, ctx.me, press.concern_id)
    except Invalid as exc:
        _invalid(ctx, exc)
        return
    await ctx.save_draft(FLOW_RESOLVE, "note", StaffNoteDraft(concern_id).to_data())
    ctx.reply(
        ctx._(
            "Write a short resolution note for concern #%(id)s: what was done. It stays with the "
            "staff. Send /cancel to stop."
        )
        % {"id": concern_id}
    )


async def _concern_of(ctx: Ctx, draft: Draft) -> int | None:
    """The concern a note is written about; a draft that cannot be read is dropped."""
    note = StaffNoteDraft.from_data(draft.data)
    if note is None:
        await ctx.clear_draft()
        ctx.reply(ctx._("Sorry, that did not work. Please try again."))
        return None
    return note.concern_id


async def on_resolve_note(ctx: Ctx, draft: Draft, text: str) -> None:
    concern_id = await _concern_of(ctx, draft)
    if concern_id is None:
        return
    try:
        acted = await concerns.resolve(ctx.session, ctx.now, ctx.me, concern_id, text)
    except Invalid as exc:
        if exc.code == "resolved":
            await ctx.clear_draft()
        _invalid(ctx, exc)
        return
    await ctx.clear_draft()
    buttons = await checkin_views.proposal(ctx, concern_id=concern_id)
    if acted.reporter_told:
        ctx.reply(
            ctx._("Concern #%(id)s is resolved. The person who raised it was told.")
            % {"id": concern_id},
            buttons,
        )
    else:
        ctx.reply(ctx._("Concern #%(id)s is resolved.") % {"id": concern_id}, buttons)


async def on_reply(ctx: Ctx, press: cb.Reply) -> None:
    concern_id = await concerns.can_reply(ctx.session, ctx.me, press.concern_id)
    await ctx.save_draft(FLOW_REPLY, "text", StaffNoteDraft(concern_id).to_data())
    ctx.reply(
        ctx._(
            "Write your message to the person who raised concern #%(id)s, in one message. "
            "Send /cancel to stop."
        )
        % {"id": concern_id}
    )


async def on_reply_text(ctx: Ctx, draft: Draft, text: str) -> None:
    concern_id = await _concern_of(ctx, draft)
    if concern_id is None:
        return
    try:
        acted = await concerns.reply(ctx.session, ctx.now, ctx.me, concern_id, text)
    except Invalid as exc:
        _invalid(ctx, exc)
        return
    await ctx.clear_draft()
    if acted.reporter_told:
        ctx.reply(ctx._("Sent to the person who raised the concern."))
    else:
        ctx.reply(
            ctx._(
                "Saved, but the person who raised the concern cannot be reached by the bot. "
                "Please phone them."
            )
        )


async def on_reassign(ctx: Ctx, press: cb.Reassign) -> None:
    concern_id = press.concern_id
    try:
        options = await concerns.reassign_options(ctx.session, ctx.me, concern_id)
    except Invalid as exc:
        _invalid(ctx, exc)
        return
    if not options:
        ctx.reply(ctx._("There is no other worker who can be reached through the bot."))
        return
    ctx.reply(
        ctx._("Hand concern #%(id)s to which worker?") % {"id": concern_id},
        [[(w.name, cb.ReassignTo(concern_id, w.id).pack())] for w in options],
    )


async def on_reassign_to(ctx: Ctx, press: cb.ReassignTo) -> None:
    concern_id, worker_id = press.concern_id, press.worker_id
    try:
        await concerns.reassign(ctx.session, ctx.now, ctx.me, concern_id, worker_id)
    except Invalid as exc:
        _invalid(ctx, exc)
        return
    ctx.edit(
        ctx._("Concern #%(id)s is now assigned to another worker, who received the card.")
        % {"id": concern_id}
    )


# --- /pending --------------------------------------------------------------------------------


async def on_pending(ctx: Ctx) -> None:
    found = await concerns.pending(ctx.session, ctx.me)
    quiet, quiet_buttons = await pending_quiet.section(ctx)
    late = await checkin_views.pending_lines(ctx)
    if not found.concerns and not found.help and not quiet and not late:
        ctx.reply(ctx._("Nothing is pending: no open concerns and no open help requests."))
        return
    lines: list[str] = []
    if found.concerns:
        lines.append("<b>" + ctx._("Open concerns") + "</b>")
        for item in found.concerns:
            lines.append(_concern_line(ctx, item))
    if found.help:
        if lines:
            lines.append("")
        lines.append("<b>" + ctx._("Open help requests") + "</b>")
        for help_item in found.help:
            lines.append(_help_line(ctx, help_item))
    if quiet:
        lines += [""] * bool(lines) + quiet
    if late:
        lines += [""] * bool(lines) + late
    buttons = [
        [(f"{SEVERITY_MARKS[c.severity]} #{c.id} {c.family}"[:60], cb.Open(c.id).pack())]
        for c in found.concerns[:PENDING_BUTTONS]
    ]
    ctx.reply("\n".join(lines), buttons + quiet_buttons)


def _concern_line(ctx: Ctx, item: concerns.PendingConcern) -> str:
    values = {
        "mark": SEVERITY_MARKS[item.severity],
        "id": item.id,
        "category": ctx._(CATEGORY_LABELS[item.category]),
        "family": isolate(item.family),
        "age": ctx.tr.age(concerns.age(ctx.now, item.raised_at)),
        "status": ctx._(STATUS_LABELS[item.status]),
    }
    if item.status == ConcernStatus.UNACKNOWLEDGED:
        return (
            "⚠️ "
            + ctx._(
                "%(mark)s #%(id)s %(category)s, %(family)s: open for %(age)s, NOBODY ACKNOWLEDGED"
            )
            % values
        )
    if item.status == ConcernStatus.OPEN and item.deadline is not None:
        values["deadline"] = ctx.tr.when(item.deadline, ctx.tz)
        return (
            ctx._(
                "%(mark)s #%(id)s %(category)s, %(family)s: open for %(age)s, acknowledge by "
                "%(deadline)s"
            )
            % values
        )
    return ctx._("%(mark)s #%(id)s %(category)s, %(family)s: open for %(age)s, %(status)s") % values


def _help_line(ctx: Ctx, item: OpenHelp) -> str:
    values = {
        "id": item.id,
        "kind": ctx._(HELP_KIND_LABELS[item.kind]),
        "name": isolate(item.requester_name),
        "age": ctx.tr.age(concerns.age(ctx.now, item.created_at)),
    }
    if item.answer_due_at is not None:
        values["deadline"] = ctx.tr.when(item.answer_due_at, ctx.tz)
        return (
            ctx._("#%(id)s %(kind)s, %(name)s: open for %(age)s, answer by %(deadline)s") % values
        )
    return ctx._("#%(id)s %(kind)s, %(name)s: open for %(age)s, answered") % values


def register(router: Router) -> None:
    """/pending and the typed steps of the card's buttons (the buttons themselves are
    dispatched by `handlers.concerns`)."""
    router.command("pending", on_pending, roles=STAFF)
    router.text_step(FLOW_RESOLVE, "note", on_resolve_note)
    router.text_step(FLOW_REPLY, "text", on_reply_text)
