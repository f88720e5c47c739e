"""After the team is formed: planning the first meeting (and the joint evaluation meeting)
with `/plan`'s steps, its outcome, answers to exit and evaluation questions, and closing a
match (`/endmatch N`: a fixed reason, then a confirmation).

Callback data is defined in `bot.notifications.match_cycle` (prefixes `fm`, `cl`, `fb`) as typed
presses, read back here with the same classes; every press is re-checked by the services. A
malformed id is refused like a record one may not see, any other malformed press as bad data.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from bot.notifications import match_cycle as cycle_texts
from bot.notifications.match_cycle import (
    CLOSE_PREFIX,
    FEEDBACK_PREFIX,
    FIRST_PREFIX,
    CloseChoose,
    CloseConfirm,
    FirstOutcome,
    PlanEvaluation,
    PlanFirst,
    parse_close,
    parse_feedback,
    parse_first,
)
from bot.notifications.presses import Press
from bot.services import match_cycle
from bot.services.errors import Invalid, NotFound
from domain import Role
from handlers import appointments_ask as planning
from handlers.appointments_draft import PlanDraft
from handlers.common import Ctx, id_arg
from handlers.router import Router
from storage.match_life import FirstMeetingOutcome

STAFF = frozenset({Role.WORKER, Role.COORDINATOR})
LINKED = frozenset({Role.MENTEE, Role.MENTOR, Role.WORKER, Role.COORDINATOR})
P = TypeVar("P", bound=Press)


def _read(parse: Callable[[list[str]], P], args: list[str], id_at: int) -> P:
    """The press `parse` reads from `args`: a malformed id (at `id_at`) is `NotFound`, any
    other misfit (an unknown action or value, parts missing or too many) is bad data."""
    id_arg(args[id_at] if len(args) > id_at else "")
    try:
        return parse(args)
    except NotFound:
        raise Invalid("bad_data") from None


async def on_first_press(ctx: Ctx, args: list[str]) -> None:
    press = _read(parse_first, args, id_at=1)
    if isinstance(press, PlanFirst):
        mid, family = await match_cycle.prepare_first_meeting(
            ctx.session, ctx.now, ctx.me, press.match_id
        )
        ctx.reply(ctx._("Plan the first meeting with the family, its mentors and you."))
        await planning.ask_day(ctx, PlanDraft(match_id=mid, family=family))
    elif isinstance(press, PlanEvaluation):
        mid, family = await match_cycle.evaluation_meeting(ctx.session, ctx.me, press.match_id)
        ctx.reply(ctx._("Plan the joint evaluation meeting."))
        await planning.ask_day(ctx, PlanDraft(match_id=mid, family=family))
    elif isinstance(press, FirstOutcome):
        outcome = press.outcome
        await match_cycle.record_first_meeting(
            ctx.session, ctx.now, ctx.me, press.match_id, outcome
        )
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
    press = _read(parse_close, args, id_at=1)
    if not isinstance(press, CloseChoose | CloseConfirm):
        raise Invalid("bad_data")
    match_id, reason = press.match_id, press.reason
    if reason not in match_cycle.CHOOSABLE:
        raise Invalid("bad_data")
    if isinstance(press, CloseChoose):
        await match_cycle.staff_match(ctx.session, ctx.me, match_id)
        ctx.edit(
            ctx._(
                "End match no. %(match)s (%(reason)s)? Its planned meetings are cancelled, "
                "everyone gets a goodbye and a few last questions."
            )
            % {"match": match_id, "reason": ctx._(cycle_texts.CLOSURE_REASONS[reason])},
            [[(ctx._("End the match"), CloseConfirm(match_id, reason).pack())]],
        )
    else:
        closed = await match_cycle.close_match(ctx.session, ctx.now, ctx.me, match_id, reason)
        text = ctx._("Match no. %(match)s is closed.") % {"match": closed.match_id}
        if closed.rematch_request_id is not None:
            text += "\n" + ctx._("The family is back in the queue for new mentors.")
        ctx.edit(text)


async def on_feedback_press(ctx: Ctx, args: list[str]) -> None:
    if len(args) != 3:
        raise Invalid("bad_data")
    press = _read(parse_feedback, args, id_at=0)
    step = await match_cycle.answer_feedback(
        ctx.session, ctx.now, ctx.me, press.feedback_id, press.question, press.value
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
