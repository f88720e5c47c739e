"""The coordinators' queue (`/requests`: each request with its age, the best mentors with
their scores and reasons, a button to ask each), and a mentor's answer to being asked."""

from __future__ import annotations

from bot.i18n import isolate
from bot.notifications import match_texts
from bot.notifications.match_texts import (
    WRITING_PRESSES,
    RequestAsk,
    RequestOpen,
    parse_request,
)
from bot.services import match_cycle, match_requests
from bot.services.errors import Invalid
from domain import Role
from handlers.common import Buttons, Ctx, id_arg
from handlers.match_life import request
from storage.match_life import ClosureReason, DeclineReason, OfferStatus


def _queue_text(ctx: Ctx, rows: list[match_requests.QueueRow]) -> tuple[str, Buttons]:
    if not rows:
        return ctx._("No family is waiting for a mentor."), []
    lines = [ctx._("<b>Families waiting for mentors</b>, oldest first:")]
    buttons: Buttons = []
    for r in rows:
        line = ctx.ngettext(
            "%(family)s · %(urgency)s · waiting %(n)s day",
            "%(family)s · %(urgency)s · waiting %(n)s days",
            r.age_days,
        ) % {
            "family": isolate(r.family_name),
            "urgency": ctx._(match_texts.URGENCIES[r.urgency]),
            "n": ctx.tr.number(r.age_days),
        }
        if r.overdue:
            line = "⚠️ " + line + " · " + ctx._("over the limit")
        if r.rematch:
            line += " · " + ctx._("rematch")
        lines.append(line)
        buttons.append([(r.family_name, match_texts.request_open(r.id))])
    return "\n".join(lines), buttons


async def on_requests(ctx: Ctx) -> None:
    rows = await match_requests.queue(ctx.session, ctx.me, ctx.now)
    text, buttons = _queue_text(ctx, rows)
    ctx.reply(text, buttons or None)


def _card_text(ctx: Ctx, card: match_requests.RequestCard) -> tuple[str, Buttons]:
    tr, _ = ctx.tr, ctx._
    lines = [
        _("<b>Request for the %(family)s family</b>") % {"family": isolate(card.family_name)},
        _("From %(worker)s · %(urgency)s")
        % {
            "worker": isolate(card.worker_name),
            "urgency": _(match_texts.URGENCIES[card.urgency]),
        },
        ctx.ngettext("Waiting %(n)s day", "Waiting %(n)s days", card.age_days)
        % {"n": tr.number(card.age_days)}
        + (" · ⚠️ " + _("over the limit") if card.overdue else ""),
    ]
    if card.note:
        lines.append(_("Note: %(note)s") % {"note": isolate(card.note)})
    if card.history:
        lines.append(_("<b>Earlier matches</b>"))
        for past in card.history:
            lines.append(
                _("Started %(day)s, closed: %(reason)s")
                % {
                    "day": tr.day(past.started_on),
                    "reason": _(match_cycle.CLOSURE_REASONS[ClosureReason(past.closure_code)])
                    if past.closure_code
                    else "-",
                }
            )
        if card.rematch_policy:
            lines.append(_("Rematch policy: %(text)s") % {"text": isolate(card.rematch_policy)})
    lines += ["", _("<b>Mentors will see only this:</b>"), match_texts.summary(tr, card.summary)]
    buttons: Buttons = []
    if ctx.me.role == Role.COORDINATOR:
        lines += ["", _("<b>Best mentors</b>")]
        for c in card.candidates:
            state = ""
            if c.offer == OfferStatus.ASKED:
                state = " · " + _("asked")
            elif c.offer == OfferStatus.ACCEPTED:
                state = " · " + _("accepted")
            elif c.offer == OfferStatus.DECLINED:
                state = " · " + _("declined")
            lines.append(
                _("%(name)s: %(points)s points (%(reasons)s)")
                % {
                    "name": isolate(c.name),
                    "points": tr.number(c.score.points),
                    "reasons": match_texts.reasons(tr, list(c.score.reasons)),
                }
                + state
            )
            if c.offer is None:
                buttons.append(
                    [
                        (
                            _("Ask %(name)s") % {"name": c.name},
                            match_texts.request_ask(card.id, c.mentor_id),
                        )
                    ]
                )
        if not card.candidates:
            lines.append(_("No mentor fits yet: complete the profiles, or wait for a free place."))
        if card.left_out:
            lines.append(
                ctx.ngettext(
                    "%(n)s mentor left out (no shared language, no free place, or never free then).",
                    "%(n)s mentors left out (no shared language, no free place, or never free then).",
                    card.left_out,
                )
                % {"n": tr.number(card.left_out)}
            )
    return "\n".join(lines), buttons


async def _show_card(ctx: Ctx, request_id: int) -> None:
    card = await match_requests.request_card(ctx.session, ctx.me, request_id, ctx.now)
    ctx.audit("request.viewed", ("match_request", card.id))
    text, buttons = _card_text(ctx, card)
    ctx.edit(text, buttons or None)


async def on_request_press(ctx: Ctx, args: list[str]) -> None:
    press = parse_request(args)
    if isinstance(press, RequestOpen):
        await _show_card(ctx, press.request_id)
    elif isinstance(press, RequestAsk):
        await match_requests.ask_mentor(
            ctx.session, ctx.now, ctx.me, press.request_id, press.mentor_id
        )
        await _show_card(ctx, press.request_id)
    elif isinstance(press, WRITING_PRESSES) and ctx.me.role == Role.WORKER:
        await request.on_worker_press(ctx, press)
    else:
        ctx.toast(ctx._("Sorry, that is not available to you."))


# a mentor's answer ------------------------------------------------------------------------
async def on_offer_press(ctx: Ctx, args: list[str]) -> None:
    action, value, extra = [*args, "", "", ""][:3]
    offer_id = id_arg(value)
    if action == "y":
        view = await match_requests.answer_offer(
            ctx.session, ctx.now, ctx.me, offer_id, accept=True
        )
    elif action == "n":
        view = await match_requests.offer_view(ctx.session, ctx.me, offer_id)
        if view.status == OfferStatus.ASKED:
            items = [
                [(ctx._(match_texts.DECLINES[r]), match_texts.offer_reason(offer_id, r))]
                for r in DeclineReason
            ]
            ctx.edit(
                ctx._("Why do you decline? The staff read this to ask better next time."), items
            )
            return
    elif action == "r":
        try:
            reason = DeclineReason(extra)
        except ValueError:
            raise Invalid("bad_data") from None
        view = await match_requests.answer_offer(
            ctx.session, ctx.now, ctx.me, offer_id, accept=False, reason=reason
        )
    else:
        raise Invalid("bad_data")
    summary = match_texts.summary(ctx.tr, view.summary)
    if view.status == OfferStatus.ACCEPTED:
        ctx.edit(
            ctx._(
                "Thank you for accepting! The referring worker will plan a first meeting with you and the family."
            )
            + "\n\n"
            + summary
        )
    elif view.status == OfferStatus.DECLINED:
        ctx.edit(
            ctx._("Thank you for answering. You declined; the staff were told.") + "\n\n" + summary
        )
    else:
        ctx.edit(ctx._("This request is closed; nothing more is needed from you."))
