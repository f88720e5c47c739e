"""/report: a structured progress report on a match, domain by domain (a rating and an
optional comment each), then the relationship overall and whether the mentor needs support;
confirmed from a summary and sent to the referring worker by the service.

The answers live in the Draft (flow "report"); buttons carry `rp:<action>:<arg>` and every
press is re-checked by the services.
"""

from __future__ import annotations

from typing import Any

from bot.i18n import isolate
from bot.services import meetings, progress, texts
from bot.services.drafts import Draft
from bot.services.errors import Invalid
from bot.services.progress import DOMAINS, RATING_LABELS, RATINGS, RELATIONSHIP_LABELS
from domain import Role
from handlers.common import Buttons, Ctx, number_arg
from handlers.router import Router
from handlers.texts import too_long

FLOW = "report"
MENTOR = frozenset({Role.MENTOR})
CODES = list(DOMAINS)
PRESS_STATE = {
    "r": "rate",
    "c": "comment",
    "rel": "rel",
    "sup": "sup",
    "ok": "summary",
    "x": "summary",
}


def _domain(data: dict[str, Any]) -> str:
    return CODES[min(int(data.get("i", 0)), len(CODES) - 1)]


async def _render(ctx: Ctx, data: dict[str, Any], state: str) -> tuple[str, Buttons]:
    if state == "match" or "m" not in data:
        choices = await meetings.active_matches(ctx.session, ctx.me)
        pending = set(await progress.pending_for(ctx.session, ctx.me))
        rows = [
            [(("⏳ " if c.id in pending else "") + c.family_name, f"rp:m:{c.id}")] for c in choices
        ]
        return ctx._("Which family is your report about?"), rows
    family = (await meetings.choice(ctx.session, ctx.me, int(data["m"]))).family_name
    head = ctx._("<b>Progress report: the %(family)s family</b>") % {"family": isolate(family)}
    if state == "rate":
        code = _domain(data)
        text = ctx._("Step %(n)s of %(total)s. <b>%(domain)s</b>: how is it going?") % {
            "n": ctx.tr.number(CODES.index(code) + 1),
            "total": ctx.tr.number(len(CODES)),
            "domain": ctx._(DOMAINS[code]),
        }
        rows = [[(f"{n} · {ctx._(RATING_LABELS[n])}", f"rp:r:{n}")] for n in RATINGS]
        return f"{head}\n{text}", rows
    if state == "comment":
        code = _domain(data)
        text = ctx._("<b>%(domain)s</b>: %(rating)s. Add a comment? Type it, or tap Skip.") % {
            "domain": ctx._(DOMAINS[code]),
            "rating": ctx._(RATING_LABELS[int(data["r"][code])]),
        }
        return f"{head}\n{text}", [[(ctx._("Skip"), "rp:c:skip")]]
    if state == "rel":
        rows = [[(f"{n} · {ctx._(RELATIONSHIP_LABELS[n])}", f"rp:rel:{n}")] for n in RATINGS]
        return f"{head}\n" + ctx._("Overall, how is the relationship going?"), rows
    if state == "sup":
        rows = [[(ctx._("Yes"), "rp:sup:1"), (ctx._("No"), "rp:sup:0")]]
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
    return "\n".join(lines), [[(ctx._("Confirm"), "rp:ok"), (ctx._("Discard"), "rp:x")]]


async def _goto(
    ctx: Ctx, data: dict[str, Any], state: str, *, prefix: str = "", new: bool = False
) -> None:
    await ctx.save_draft(FLOW, state, data)
    text, buttons = await _render(ctx, data, state)
    text = f"{prefix}\n\n{text}" if prefix else text
    if new:
        ctx.reply(text, buttons)
    else:
        ctx.edit(text, buttons)


async def _begin(ctx: Ctx, match_id: int | None, *, new: bool = False) -> None:
    if match_id is not None:
        await meetings.choice(ctx.session, ctx.me, match_id)  # re-checked
        await _goto(ctx, {"m": match_id, "i": 0, "r": {}, "c": {}}, "rate", new=new)
        return
    choices = await meetings.active_matches(ctx.session, ctx.me)
    if not choices:
        ctx.edit(ctx._("You have no active match to report on."))
    elif len(choices) == 1:
        await _goto(ctx, {"m": choices[0].id, "i": 0, "r": {}, "c": {}}, "rate")
    else:
        await _goto(ctx, {}, "match")


def _in_progress(ctx: Ctx) -> Draft | None:
    return ctx.draft if ctx.draft is not None and ctx.draft.flow == FLOW else None


def _resume_question(ctx: Ctx, match_id: int | None) -> None:
    again = f"rp:go:n:{match_id}" if match_id else "rp:go:n"
    ctx.reply(
        ctx._("You have a progress report in progress. Continue it, or start over?"),
        [[(ctx._("Continue"), "rp:go:c"), (ctx._("Start over"), again)]],
    )


async def on_report(ctx: Ctx) -> None:
    if _in_progress(ctx) is not None:
        _resume_question(ctx, None)
        return
    await _begin(ctx, None)


async def on_press(ctx: Ctx, args: list[str]) -> None:
    action, arg, extra = [*args, "", "", ""][:3]
    draft = _in_progress(ctx)
    if action == "m":  # a family chosen, or "Report now" on the programme's request
        match_id = number_arg(arg)
        await meetings.choice(ctx.session, ctx.me, match_id)  # authorise first
        if draft is not None and draft.state != "match":
            if int(draft.data.get("m", 0)) == match_id:
                await _goto(ctx, dict(draft.data), draft.state, new=True)
            else:
                _resume_question(ctx, match_id)
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
                            f"rp:go:n:{match_id}",
                        )
                    ]
                ],
            )
            return
        # "Report now" on the programme's request (no report in progress): the report starts
        # in a new message at the bottom of the chat, not in the old request far above it.
        await _begin(ctx, match_id, new=draft is None)
        return
    if action == "go":
        if arg == "c" and draft is not None:
            await _goto(ctx, dict(draft.data), draft.state)
        else:
            await _begin(ctx, number_arg(extra) if extra else None)
        return
    if draft is None:
        ctx.stale(ctx._("This report is no longer in progress. Send /report to start again."))
        return
    data, state = dict(draft.data), draft.state
    if PRESS_STATE.get(action) != state:
        await _goto(ctx, data, state)
        return
    if action == "r":
        rating = number_arg(arg)
        if rating not in RATINGS:
            raise Invalid("bad_data")
        data["r"] = {**data.get("r", {}), _domain(data): rating}
        await _goto(ctx, data, "comment")
    elif action == "c":
        await _after_comment(ctx, data, None, new=False)
    elif action == "rel":
        rel = number_arg(arg)
        if rel not in RATINGS:
            raise Invalid("bad_data")
        data["rel"] = rel
        await _goto(ctx, data, "sup")
    elif action == "sup":
        data["sup"] = arg == "1"
        await _goto(ctx, data, "summary")
    elif action == "ok":
        await _confirm(ctx, data)
    elif action == "x":
        await ctx.clear_draft()
        ctx.edit(ctx._("Discarded. Nothing was sent."))


async def _after_comment(ctx: Ctx, data: dict[str, Any], comment: str | None, *, new: bool) -> None:
    code = _domain(data)
    data["c"] = {**data.get("c", {}), code: comment}
    index = CODES.index(code) + 1
    if index < len(CODES):
        data["i"] = index
        await _goto(ctx, data, "rate", new=new)
    else:
        await _goto(ctx, data, "rel", new=new)


async def _confirm(ctx: Ctx, data: dict[str, Any]) -> None:
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
        await _goto(
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


async def on_comment_text(ctx: Ctx, draft: Draft, text: str) -> None:
    data = dict(draft.data)
    try:
        texts.check(text, progress.COMMENT_MAX, "comment_too_long")
    except Invalid as exc:
        await _goto(ctx, data, "comment", new=True, prefix=too_long(ctx, exc) or "")
        return
    await _after_comment(ctx, data, text, new=True)


async def on_scale_text(ctx: Ctx, draft: Draft, text: str) -> None:
    """A number typed where the buttons ask for one (1 to 4)."""
    data, state = dict(draft.data), draft.state
    value = meetings.parse_small_number(text)
    if value is None or value not in RATINGS:
        await _goto(
            ctx,
            data,
            state,
            new=True,
            prefix=ctx._("Please choose a number from 1 to 4 with the buttons."),
        )
        return
    if state == "rate":
        data["r"] = {**data.get("r", {}), _domain(data): value}
        await _goto(ctx, data, "comment", new=True)
    else:
        data["rel"] = value
        await _goto(ctx, data, "sup", new=True)


async def on_button_text(ctx: Ctx, draft: Draft, text: str) -> None:
    await _goto(
        ctx,
        dict(draft.data),
        draft.state,
        new=True,
        prefix=ctx._("Please answer with the buttons above."),
    )


def register(router: Router) -> None:
    router.command("report", on_report, roles=MENTOR)
    router.callback("rp", on_press, roles=MENTOR)
    router.text_step(FLOW, "comment", on_comment_text)
    router.text_step(FLOW, "rate", on_scale_text)
    router.text_step(FLOW, "rel", on_scale_text)
    for state in ("match", "sup", "summary"):
        router.text_step(FLOW, state, on_button_text)
