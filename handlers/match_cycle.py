"""After the team is formed: planning the first meeting (and the joint evaluation meeting)
with `/plan`'s steps, its outcome, answers to exit and evaluation questions, and closing a
match (`/endmatch N`: a fixed reason, then a confirmation).

Callback data is defined in `bot.notifications.match_cycle` (prefixes `fm`, `cl`, `fb`); every
press is re-checked by the services.
"""

from __future__ import annotations

from bot.notifications import match_cycle as cycle_texts
from bot.notifications.match_cycle import CLOSE_PREFIX, FEEDBACK_PREFIX, FIRST_PREFIX
from bot.services import match_cycle
from bot.services.errors import Invalid
from domain import Role
from handlers import appointments_ask as planning
from handlers.appointments_draft import PlanDraft
from handlers.common import Ctx, id_arg, number_arg
from handlers.router import Router
from storage.match_life import ClosureReason, FirstMeetingOutcome

STAFF = frozenset({Role.WORKER, Role.COORDINATOR})
LINKED = frozenset({Role.MENTEE, Role.MENTOR, Role.WORKER, Role.COORDINATOR})


async def on_first_press(ctx: Ctx, args: list[str]) -> None:
    action, value, extra = [*args, "", "", ""][:3]
    match_id = id_arg(value)
    if action == "p":
        mid, family = await match_cycle.prepare_first_meeting(
            ctx.session, ctx.now, ctx.me, match_id
        )
        ctx.reply(ctx._("Plan the first meeting with the family, its mentors and you."))
        await planning.ask_day(ctx, PlanDraft(match_id=mid, family=family))
    elif action == "e":
        mid, family = await match_cycle.evaluation_meeting(ctx.session, ctx.me, match_id)
        ctx.reply(ctx._("Plan the joint evaluation meeting."))
        await planning.ask_day(ctx, PlanDraft(match_id=mid, family=family))
    elif action == "o":
        try:
            outcome = FirstMeetingOutcome(extra)
        except ValueError:
            raise Invalid("bad_data") from None
        await match_cycle.record_first_meeting(ctx.session, ctx.now, ctx.me, match_id, outcome)
        if outcome == FirstMeetingOutcome.AGREED:
            ctx.edit(ctx._("Recorded: everyone agrees to start. The match is active."))
        else:
            ctx.edit(
                ctx._(
                    "Recorded: the match does not start (%(reason)s). The family is back in "
                    "the queue for new mentors."
                )
                % {"reason": ctx._(cycle_texts.OUTCOMES[outcome])}
            )
    else:
        raise Invalid("bad_data")


async def on_endmatch(ctx: Ctx) -> None:
    args = ctx.context.args or []
    if len(args) != 1 or not args[0].isdigit():
        ctx.reply(ctx._("Send /endmatch and the match's number, for example: /endmatch 12"))
        return
    match = await match_cycle.staff_match(ctx.session, ctx.me, int(args[0]))
    ctx.reply(
        ctx._("Why does match no. %(match)s end?") % {"match": match.id},
        [
            [(ctx._(cycle_texts.CLOSURE_REASONS[r]), cycle_texts.close_choose(match.id, r))]
            for r in match_cycle.CHOOSABLE
        ],
    )


async def on_close_press(ctx: Ctx, args: list[str]) -> None:
    action, value, extra = [*args, "", "", ""][:3]
    match_id = id_arg(value)
    try:
        reason = ClosureReason(extra)
    except ValueError:
        raise Invalid("bad_data") from None
    if reason not in match_cycle.CHOOSABLE:
        raise Invalid("bad_data")
    if action == "r":
        await match_cycle.staff_match(ctx.session, ctx.me, match_id)
        ctx.edit(
            ctx._(
                "End match no. %(match)s (%(reason)s)? Its planned meetings are cancelled, "
                "everyone gets a goodbye and a few last questions."
            )
            % {"match": match_id, "reason": ctx._(cycle_texts.CLOSURE_REASONS[reason])},
            [[(ctx._("End the match"), cycle_texts.close_confirm(match_id, reason))]],
        )
    elif action == "ok":
        closed = await match_cycle.close_match(ctx.session, ctx.now, ctx.me, match_id, reason)
        text = ctx._("Match no. %(match)s is closed.") % {"match": closed.match_id}
        if closed.rematch_request_id is not None:
            text += "\n" + ctx._("The family is back in the queue for new mentors.")
        ctx.edit(text)
    else:
        raise Invalid("bad_data")


async def on_feedback_press(ctx: Ctx, args: list[str]) -> None:
    if len(args) != 3:
        raise Invalid("bad_data")
    step = await match_cycle.answer_feedback(
        ctx.session, ctx.now, ctx.me, id_arg(args[0]), number_arg(args[1]), number_arg(args[2])
    )
    if step.question is None:
        ctx.edit(ctx._(cycle_texts.THANKS))
        return
    text, buttons = cycle_texts.question_message(ctx.tr, step.question)
    ctx.edit(text, buttons)


def register(router: Router) -> None:
    router.callback(FIRST_PREFIX, on_first_press, roles=STAFF)
    router.command("endmatch", on_endmatch, roles=STAFF)
    router.callback(CLOSE_PREFIX, on_close_press, roles=STAFF)
    router.callback(FEEDBACK_PREFIX, on_feedback_press, roles=LINKED)
