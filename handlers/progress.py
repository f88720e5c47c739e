"""/report: a structured progress report on a match, domain by domain (a rating and an
optional comment each), then the relationship overall and whether the mentor needs support;
confirmed from a summary and sent to the referring worker by the service.

The answers live in the draft (flow "report", typed as `handlers.progress_draft.ReportDraft`);
buttons carry `rp:<action>:<arg>`
(`bot.notifications.progress`), dispatched through `PRESSES`, and every press is re-checked by
the services. The questions are asked by `handlers.progress_views`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

from bot.i18n import isolate
from bot.notifications import progress as cb
from bot.services import meetings, progress, texts
from bot.services.drafts import Draft
from bot.services.errors import Invalid
from bot.services.progress import RATINGS
from domain import Role
from handlers import progress_views as views
from handlers.common import Ctx
from handlers.progress_draft import FLOW, ReportDraft
from handlers.router import Router
from handlers.texts import too_long

MENTOR = frozenset({Role.MENTOR})


def _in_progress(ctx: Ctx) -> Draft | None:
    return ctx.draft if ctx.draft is not None and ctx.draft.flow == FLOW else None


async def _typed(ctx: Ctx, draft: Draft, *, pressed: bool = False) -> ReportDraft | None:
    """The report in progress; one whose draft cannot be read is dropped, and the mentor is
    told to begin again."""
    d = ReportDraft.from_data(draft.data)
    if d is None:
        await ctx.clear_draft()
        text = ctx._("This report is no longer in progress. Send /report to start again.")
        if pressed:
            ctx.stale(text)
        else:
            ctx.reply(text)
    return d


async def on_report(ctx: Ctx) -> None:
    if _in_progress(ctx) is not None:
        views.resume_question(ctx, None)
        return
    await views.begin(ctx, None)


async def _on_match(ctx: Ctx, draft: Draft | None, match_id: int) -> None:
    """A family chosen, or "Report now" on the programme's request."""
    await meetings.choice(ctx.session, ctx.me, match_id)  # authorise first
    if draft is not None and draft.state != "match":
        d = await _typed(ctx, draft, pressed=True)
        if d is not None and d.match_id == match_id:
            await views.goto(ctx, d, draft.state, new=True)
        elif d is not None:
            views.resume_question(ctx, match_id)
        return
    done = await progress.done_by_teammate(ctx.session, ctx.me, match_id)
    if done is not None and draft is None:
        # A teammate sent it: the old prompt answers in words, and another report stays
        # one tap away.
        ctx.stale(
            ctx._(
                "%(mentor)s already sent the progress report on the %(family)s family on "
                "%(day)s. Nothing more to do."
            )
            % {
                "mentor": isolate(done.mentor),
                "family": isolate(done.family),
                "day": ctx.tr.day_long(done.at, tz=ctx.tz),
            },
            [
                [
                    (
                        # Translators: button: a mentor writes a report though a teammate sent one.
                        ctx.pgettext("progress button", "Write another report anyway"),
                        cb.StartOver(match_id).pack(),
                    )
                ]
            ],
        )
        return
    # "Report now" on the programme's request (no report in progress): the report starts
    # in a new message at the bottom of the chat, not in the old request far above it.
    await views.begin(ctx, match_id, new=draft is None)


async def _on_rate(ctx: Ctx, d: ReportDraft, press: cb.Rate) -> None:
    if press.rating not in RATINGS:
        raise Invalid("bad_data")
    await views.goto(ctx, d.rated(press.rating), "comment")


async def _on_relationship(ctx: Ctx, d: ReportDraft, press: cb.Relationship) -> None:
    if press.rating not in RATINGS:
        raise Invalid("bad_data")
    await views.goto(ctx, replace(d, relationship=press.rating), "sup")


async def _on_support(ctx: Ctx, d: ReportDraft, press: cb.Support) -> None:
    await views.goto(ctx, replace(d, needs_support=press.needed), "summary")


async def _on_discard(ctx: Ctx, d: ReportDraft, press: cb.Discard) -> None:
    await ctx.clear_draft()
    ctx.edit(ctx._("Discarded. Nothing was sent."))


# Each button answering a step of the report (the step is the press's `STATE`; a press of
# another step shows the current one again), and its handler, given the answers so far.
PRESSES: dict[type[cb.Press], Callable[[Ctx, ReportDraft, Any], Awaitable[None]]] = {
    cb.Rate: _on_rate,
    cb.SkipComment: lambda ctx, d, p: views.after_comment(ctx, d, None, new=False),
    cb.Relationship: _on_relationship,
    cb.Support: _on_support,
    cb.Confirm: lambda ctx, d, p: views.confirm(ctx, d),
    cb.Discard: _on_discard,
}


async def on_press(ctx: Ctx, args: list[str]) -> None:
    """Every `rp:` button: parsed by `bot.notifications.progress`, then handed to its
    handler."""
    press = cb.parse(args)
    draft = _in_progress(ctx)
    if isinstance(press, cb.MatchPick):
        await _on_match(ctx, draft, press.match_id)
        return
    if isinstance(press, cb.Continue) and draft is not None:
        d = await _typed(ctx, draft, pressed=True)
        if d is not None:
            await views.goto(ctx, d, draft.state)
        return
    if isinstance(press, cb.Continue | cb.StartOver):
        await views.begin(ctx, press.match_id if isinstance(press, cb.StartOver) else None)
        return
    if draft is None:
        ctx.stale(ctx._("This report is no longer in progress. Send /report to start again."))
        return
    d, state = await _typed(ctx, draft, pressed=True), draft.state
    if d is None:
        return
    if press is None or type(press) not in PRESSES or press.STATE != state:
        await views.goto(ctx, d, state)
        return
    await PRESSES[type(press)](ctx, d, press)


async def on_comment_text(ctx: Ctx, draft: Draft, text: str) -> None:
    d = await _typed(ctx, draft)
    if d is None:
        return
    try:
        texts.check(text, progress.COMMENT_MAX, "comment_too_long")
    except Invalid as exc:
        await views.goto(ctx, d, "comment", new=True, prefix=too_long(ctx, exc) or "")
        return
    await views.after_comment(ctx, d, text, new=True)


async def on_scale_text(ctx: Ctx, draft: Draft, text: str) -> None:
    """A number typed where the buttons ask for one (1 to 4)."""
    d, state = await _typed(ctx, draft), draft.state
    if d is None:
        return
    value = meetings.parse_small_number(text)
    if value is None or value not in RATINGS:
        await views.goto(
            ctx,
            d,
            state,
            new=True,
            prefix=ctx._("Please choose a number from 1 to 4 with the buttons."),
        )
        return
    if state == "rate":
        await views.goto(ctx, d.rated(value), "comment", new=True)
    else:
        await views.goto(ctx, replace(d, relationship=value), "sup", new=True)


async def on_button_text(ctx: Ctx, draft: Draft, text: str) -> None:
    d = await _typed(ctx, draft)
    if d is None:
        return
    await views.goto(
        ctx,
        d,
        draft.state,
        new=True,
        prefix=ctx._("Please answer with the buttons above."),
    )


def register(router: Router) -> None:
    router.command("report", on_report, roles=MENTOR)
    router.callback(cb.PREFIX, on_press, roles=MENTOR)
    router.text_step(FLOW, "comment", on_comment_text)
    router.text_step(FLOW, "rate", on_scale_text)
    router.text_step(FLOW, "rel", on_scale_text)
    for state in ("match", "sup", "summary"):
        router.text_step(FLOW, state, on_button_text)
