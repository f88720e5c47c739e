"""The questions of /report (which family, each domain's mark and comment, the relationship,
support, the summary to confirm), each saved in the draft before it is shown; starting a report,
and sending it. The answers are read in `handlers.progress`."""

from __future__ import annotations

from typing import Any

from bot.i18n import isolate
from bot.notifications import progress as cb
from bot.services import meetings, progress
from bot.services.errors import Invalid
from bot.services.progress import DOMAINS, RATING_LABELS, RATINGS, RELATIONSHIP_LABELS
from handlers.common import Buttons, Ctx

FLOW = "report"
CODES = list(DOMAINS)


def domain(data: dict[str, Any]) -> str:
    return CODES[min(int(data.get("i", 0)), len(CODES) - 1)]


async def _render(ctx: Ctx, data: dict[str, Any], state: str) -> tuple[str, Buttons]:
    if state == "match" or "m" not in data:
        choices = await meetings.active_matches(ctx.session, ctx.me)
        pending = set(await progress.pending_for(ctx.session, ctx.me))
        rows = [
            [(("⏳ " if c.id in pending else "") + c.family_name, cb.MatchPick(c.id).pack())]
            for c in choices
        ]
        return ctx._("Which family is your report about?"), rows
    family = (await meetings.choice(ctx.session, ctx.me, int(data["m"]))).family_name
    head = ctx._("<b>Progress report: the %(family)s family</b>") % {"family": isolate(family)}
    if state == "rate":
        code = domain(data)
        text = ctx._("Step %(n)s of %(total)s. <b>%(domain)s</b>: how is it going?") % {
            "n": ctx.tr.number(CODES.index(code) + 1),
            "total": ctx.tr.number(len(CODES)),
            "domain": ctx._(DOMAINS[code]),
        }
        rows = [[(f"{n} · {ctx._(RATING_LABELS[n])}", cb.Rate(n).pack())] for n in RATINGS]
        return f"{head}\n{text}", rows
    if state == "comment":
        code = domain(data)
        text = ctx._("<b>%(domain)s</b>: %(rating)s. Add a comment? Type it, or tap Skip.") % {
            "domain": ctx._(DOMAINS[code]),
            "rating": ctx._(RATING_LABELS[int(data["r"][code])]),
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
    return _summary(ctx, head, data)


def _summary(ctx: Ctx, head: str, data: dict[str, Any]) -> tuple[str, Buttons]:
    lines = [head]
    for code, label in DOMAINS.items():
        rating = int(data["r"][code])
        lines.append(
            ctx._("%(domain)s: %(rating)s/%(scale)s · %(label)s")
            % {
                "domain": ctx._(label),
                "rating": ctx.tr.number(rating),
                "scale": ctx.tr.number(len(RATINGS)),
                "label": ctx._(RATING_LABELS[rating]),
            }
        )
        if data.get("c", {}).get(code):
            lines.append("   " + isolate(data["c"][code]))
    rel = int(data["rel"])
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
        if data.get("sup")
        else ctx._("You do not need support from the staff.")
    )
    lines.append(ctx._("Send this report to the referring worker?"))
    buttons = [[(ctx._("Confirm"), cb.Confirm().pack()), (ctx._("Discard"), cb.Discard().pack())]]
    return "\n".join(lines), buttons


async def goto(
    ctx: Ctx, data: dict[str, Any], state: str, *, prefix: str = "", new: bool = False
) -> None:
    await ctx.save_draft(FLOW, state, data)
    text, buttons = await _render(ctx, data, state)
    text = f"{prefix}\n\n{text}" if prefix else text
    if new:
        ctx.reply(text, buttons)
    else:
        ctx.edit(text, buttons)


async def begin(ctx: Ctx, match_id: int | None, *, new: bool = False) -> None:
    if match_id is not None:
        await meetings.choice(ctx.session, ctx.me, match_id)  # re-checked
        await goto(ctx, {"m": match_id, "i": 0, "r": {}, "c": {}}, "rate", new=new)
        return
    choices = await meetings.active_matches(ctx.session, ctx.me)
    if not choices:
        ctx.edit(ctx._("You have no active match to report on."))
    elif len(choices) == 1:
        await goto(ctx, {"m": choices[0].id, "i": 0, "r": {}, "c": {}}, "rate")
    else:
        await goto(ctx, {}, "match")


def resume_question(ctx: Ctx, match_id: int | None) -> None:
    again = cb.StartOver(match_id or None).pack()
    ctx.reply(
        ctx._("You have a progress report in progress. Continue it, or start over?"),
        [[(ctx._("Continue"), cb.Continue().pack()), (ctx._("Start over"), again)]],
    )


async def after_comment(ctx: Ctx, data: dict[str, Any], comment: str | None, *, new: bool) -> None:
    code = domain(data)
    data["c"] = {**data.get("c", {}), code: comment}
    index = CODES.index(code) + 1
    if index < len(CODES):
        data["i"] = index
        await goto(ctx, data, "rate", new=new)
    else:
        await goto(ctx, data, "rel", new=new)


async def confirm(ctx: Ctx, data: dict[str, Any]) -> None:
    entry = progress.ReportEntry(
        match_id=int(data["m"]),
        ratings={code: int(value) for code, value in data.get("r", {}).items()},
        comments=dict(data.get("c", {})),
        relationship=int(data.get("rel", 0)),
        needs_support=bool(data.get("sup")),
    )
    try:
        await progress.submit(ctx.session, ctx.now, ctx.me, entry)
    except Invalid:
        await goto(
            ctx,
            {"m": data["m"], "i": 0, "r": {}, "c": {}},
            "rate",
            prefix=ctx._("Some answers were missing. Let us go through them again."),
        )
        return
    await ctx.clear_draft()
    text = ctx._("Thank you! Your report was sent to the referring worker.")
    if entry.needs_support:
        text += "\n" + ctx._("The referring worker will see that you asked for support.")
    ctx.edit(text)
