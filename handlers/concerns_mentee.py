"""Concerns, raised by mentees: `/problem` ("I have a problem"): a category in simple words,
then what happened in their own language. The service decides the severity."""

from __future__ import annotations

from bot.i18n import isolate
from bot.notifications.concerns import PROBLEM_LABELS
from bot.notifications.concerns import callbacks as cb
from bot.services import concerns, help_lines
from bot.services.drafts import Draft
from bot.services.errors import Invalid, NotFound
from domain import ConcernCategory, Role
from handlers import concerns_views as views
from handlers.common import Ctx
from handlers.concerns_draft import ProblemDraft
from handlers.router import Router
from handlers.texts import too_long

FLOW = "problem"


def category_of(value: str) -> ConcernCategory:
    try:
        return ConcernCategory(value)
    except ValueError:
        raise NotFound("unknown category") from None


async def on_problem(ctx: Ctx) -> None:
    if not await concerns.raisable_matches(ctx.session, ctx.me):
        ctx.reply(ctx._("You have no mentoring group now. Please phone the office."))
        return
    await ctx.save_draft(FLOW, "category", ProblemDraft().to_data())
    _ask_problem(ctx)


def _ask_problem(ctx: Ctx) -> None:
    buttons = [[(ctx._(label), cb.Problem(c.value).pack())] for c, label in PROBLEM_LABELS.items()]
    ctx.reply(ctx._("What is the problem about?"), buttons)


async def on_category(ctx: Ctx, arg: str) -> None:
    draft = ctx.draft
    if draft is None or draft.flow != FLOW or ctx.me.role != Role.MENTEE:
        views.stale(ctx, "/problem")
        return
    category = category_of(arg)
    if category in (ConcernCategory.SAFETY, ConcernCategory.WELLBEING):
        # Feeling very bad deserves a number to call too, not only danger; the line that
        # fits the situation comes first.
        lines = await help_lines.for_person(ctx.session, ctx.me, category)
        ctx.reply(views.situation_lines(ctx, category, lines))
    await ctx.save_draft(FLOW, "text", ProblemDraft(category).to_data())
    ctx.edit(
        ctx._("%(category)s. Write what happened, in your language. A few words are enough.")
        % {"category": ctx._(PROBLEM_LABELS[category])}
    )


async def on_problem_text(ctx: Ctx, draft: Draft, text: str) -> None:
    problem = ProblemDraft.from_data(draft.data)
    if problem is None or problem.category is None:  # cannot be read: begin again
        await ctx.clear_draft()
        views.stale(ctx, "/problem")
        return
    try:
        raised = await concerns.raise_problem(ctx.session, ctx.now, ctx.me, problem.category, text)
    except Invalid as exc:
        if exc.code == "no_match":
            await ctx.clear_draft()
            ctx.reply(ctx._("You have no mentoring group now. Please phone the office."))
        elif exc.code == "too_long":
            ctx.reply(too_long(ctx, exc) or ctx._("Please write what happened, then send it."))
        else:
            ctx.reply(ctx._("Please write what happened, then send it."))
        return
    await ctx.clear_draft()
    if raised.reached:
        ctx.reply(ctx._("Thank you. The staff will read it. The answer will come here."))
    else:
        ctx.reply(
            ctx._("Thank you. It is saved. Please also phone the office: %(phone)s.")
            % {"phone": isolate(raised.office_phone or raised.emergency_phone)}
        )


async def on_problem_choice_text(ctx: Ctx, draft: Draft, text: str) -> None:
    _ask_problem(ctx)


def register(router: Router) -> None:
    router.command("problem", on_problem, roles=frozenset({Role.MENTEE}))
    router.text_step(FLOW, "category", on_problem_choice_text)
    router.text_step(FLOW, "text", on_problem_text)
