"""The questions of /report (which family, each domain's mark and comment, the relationship,
support, the summary to confirm), each saved in the draft before it is shown; starting a report,
and sending it. The answers are read in `handlers.progress`."""

from __future__ import annotations

from dataclasses import replace

from bot.i18n import isolate
from bot.notifications import progress as cb
from bot.services import meetings, progress
from bot.services.errors import Invalid
from bot.services.progress import DOMAINS, RATING_LABELS, RATINGS, RELATIONSHIP_LABELS
from handlers.common import Buttons, Ctx
from handlers.progress_draft import CODES, FLOW, ReportDraft


async def _render(ctx: Ctx, d: ReportDraft, state: str) -> tuple[str, Buttons]:
    if state == "match" or d.match_id is None:
        choices = await meetings.active_matches(ctx.session, ctx.me)
        pending = set(await progress.pending_for(ctx.session, ctx.me))
        rows = [
            [(("⏳ " if c.id in pending else "") + c.family_name, cb.MatchPick(c.id).pack())]
            for c in choices
        ]
        return ctx._("Which family is your report about?"), rows
    family = (await meetings.choice(ctx.session, ctx.me, d.match_id)).family_name
    head = ctx._("<b>Progress report: the %(family)s family</b>") % {"family": isolate(family)}
    if state == "rate":
        code = d.domain
        text = ctx._("Step %(n)s of %(total)s. <b>%(domain)s</b>: how is it going?") % {
            "n": ctx.tr.number(CODES.index(code) + 1),
            "total": ctx.tr.number(len(CODES)),
            "domain": ctx._(DOMAINS[code]),
        }
        rows = [[(f"{n} · {ctx._(RATING_LABELS[n])}", cb.Rate(n).pack())] for n in RATINGS]
        return f"{head}\n{text}", rows
    if state == "comment":
        code = d.domain
        text = ctx._("<b>%(domain)s</b>: %(rating)s. Add a comment? Type it, or tap Skip.") % {
            "domain": ctx._(DOMAINS[code]),
            "rating": ctx._(RATING_LABELS[d.ratings[code]]),
        }
        return f"{head}\n{text}", [[(ctx._("Skip"), cb.SkipComment().pack())]]
    if state == "rel":
        rows = [
            [(f"{n} · {ctx._(RELATIONSHIP_LABELS[n])}", cb.Relationship(n).pack())] for n in RATINGS
        ]
        return f"{head}\n" + ctx._("Overall, how is the relationship going?"), rows
    if state == "sup":
        rows = [
            [
                (ctx._("Yes"), cb.Support(needed=True).pack()),
                (ctx._("No"), cb.Support(needed=False).pack()),
            ]
        ]
        return f"{head}\n" + ctx._("Do you need support from the staff?"), rows
    return _summary(ctx, head, d)


def _summary(ctx: Ctx, head: str, d: ReportDraft) -> tuple[str, Buttons]:
    lines = [head]
    for code, label in DOMAINS.items():
        rating = d.ratings[code]
        lines.append(
            ctx._("%(domain)s: %(rating)s/%(scale)s · %(label)s")
            % {
                "domain": ctx._(label),
                "rating": ctx.tr.number(rating),
                "scale": ctx.tr.number(len(RATINGS)),
                "label": ctx._(RATING_LABELS[rating]),
            }
        )
        comment = d.comments.get(code)
        if comment:
            lines.append("   " + isolate(comment))
    rel = d.relationship or 0
    lines.append(
        ctx._("How the relationship is going: %(rating)s/%(scale)s · %(label)s")
        % {
            "rating": ctx.tr.number(rel),
            "scale": ctx.tr.number(len(RATINGS)),
            "label": ctx._(RELATIONSHIP_LABELS[rel]),
        }
    )
    lines.append(
        ctx._("You need support from the staff.")
        if d.needs_support
        else ctx._("You do not need support from the staff.")
    )
    lines.append(ctx._("Send this report to the referring worker?"))
    buttons = [[(ctx._("Confirm"), cb.Confirm().pack()), (ctx._("Discard"), cb.Discard().pack())]]
    return "\n".join(lines), buttons


async def goto(
    ctx: Ctx, d: ReportDraft, state: str, *, prefix: str = "", new: bool = False
) -> None:
    await ctx.save_draft(FLOW, state, d.to_data())
    text, buttons = await _render(ctx, d, state)
    text = f"{prefix}\n\n{text}" if prefix else text
    if new:
        ctx.reply(text, buttons)
    else:
        ctx.edit(text, buttons)


async def begin(ctx: Ctx, match_id: int | None, *, new: bool = False) -> None:
    if match_id is not None:
        await meetings.choice(ctx.session, ctx.me, match_id)  # re-checked
        await goto(ctx, ReportDraft.on(match_id), "rate", new=new)
        return
    choices = await meetings.active_matches(ctx.session, ctx.me)
    if not choices:
        ctx.edit(ctx._("You have no active match to report on."))
    elif len(choices) == 1:
        await goto(ctx, ReportDraft.on(choices[0].id), "rate")
    else:
        await goto(ctx, ReportDraft(), "match")


def resume_question(ctx: Ctx, match_id: int | None) -> None:
    again = cb.StartOver(match_id or None).pack()
    ctx.reply(
        ctx._("You have a progress report in progress. Continue it, or start over?"),
        [[(ctx._("Continue"), cb.Continue().pack()), (ctx._("Start over"), again)]],
    )


async def after_comment(ctx: Ctx, d: ReportDraft, comment: str | None, *, new: bool) -> None:
    d = d.commented(comment)
    index = CODES.index(d.domain) + 1
    if index < len(CODES):
        await goto(ctx, replace(d, step=index), "rate", new=new)
    else:
        await goto(ctx, d, "rel", new=new)


async def confirm(ctx: Ctx, d: ReportDraft) -> None:
    match_id = d.match_id or 0
    entry = progress.ReportEntry(
        match_id=match_id,
        ratings=dict(d.ratings),
        comments=dict(d.comments),
        relationship=d.relationship or 0,
        needs_support=bool(d.needs_support),
    )
    try:
        await progress.submit(ctx.session, ctx.now, ctx.me, entry)
    except Invalid:
        await goto(
            ctx,
            ReportDraft.on(match_id),
            "rate",
            prefix=ctx._("Some answers were missing. Let us go through them again."),
        )
        return
    await ctx.clear_draft()
    text = ctx._("Thank you! Your report was sent to the referring worker.")
    if entry.needs_support:
        text += "\n" + ctx._("The referring worker will see that you asked for support.")
    ctx.edit(text)
