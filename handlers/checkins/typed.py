"""/checkin: what a person types at a step (a day, a note; anything else where buttons are
expected), and the routes of the whole conversation."""

from __future__ import annotations

from dataclasses import replace

from bot.services import checkins
from bot.services.drafts import Draft
from bot.services.errors import Invalid
from handlers.checkins.draft import CheckInDraft
from handlers.checkins.steps import FLOW, ask_match, goto, on_command, on_press, question_of
from handlers.checkins.views import PREFIX, ROLES
from handlers.common import Ctx
from handlers.meetings_views import example_day
from handlers.router import Router
from handlers.texts import too_long


async def _typed(ctx: Ctx, draft: Draft) -> CheckInDraft | None:
    """The draft a typed answer goes on with; one that cannot be read is dropped."""
    d = CheckInDraft.from_data(draft.data)
    if d is None:
        await ctx.clear_draft()
        ctx.reply(ctx._("This check-in is no longer in progress. Send /checkin to start again."))
    return d


async def on_day_text(ctx: Ctx, draft: Draft, text: str) -> None:
    d = await _typed(ctx, draft)
    if d is None:
        return
    try:
        day = checkins.parse_day(text, ctx.tr.formats, ctx.now, ctx.tz)
        checkins.check_day(day, checkins.local_today(ctx.now, ctx.tz))
    except Invalid as exc:
        await _ask_again(ctx, d, "day", _reason(ctx, exc.code))
        return
    await goto(ctx, replace(d, day=day), "note", new=True)


async def on_note_text(ctx: Ctx, draft: Draft, text: str) -> None:
    d = await _typed(ctx, draft)
    if d is None:
        return
    try:
        d = replace(d, note=checkins.check_note(text.strip()))
    except Invalid as exc:
        await _ask_again(ctx, d, "note", too_long(ctx, exc) or _reason(ctx, exc.code))
        return
    await goto(ctx, d, "confirm", new=True)


async def on_button_text(ctx: Ctx, draft: Draft, text: str) -> None:
    d = await _typed(ctx, draft)
    if d is not None:
        await _ask_again(ctx, d, draft.state, ctx._("Please answer with the buttons above."))


async def _ask_again(ctx: Ctx, d: CheckInDraft, state: str, why: str) -> None:
    if state == "match":
        ctx.reply(why)
        await ask_match(ctx, 0)
        return
    question, buttons = await question_of(ctx, d, state)
    ctx.reply(f"{why}\n\n{question}", buttons)


def _reason(ctx: Ctx, code: str) -> str:
    if code == "date_unreadable":
        return ctx._(
            "I could not read that date. Please type it like %(example)s, or use the buttons."
        ) % {"example": example_day(ctx)}
    if code == "date_future":
        return ctx._("That date is in the future. Please give the day of the contact.")
    if code == "date_too_old":
        return ctx._("That date is more than a year ago. Please check it.")
    return ctx._("Sorry, that did not work. Please try again.")


def register(router: Router) -> None:
    router.command("checkin", on_command, roles=ROLES)
    router.callback(PREFIX, on_press, roles=ROLES)
    router.text_step(FLOW, "day", on_day_text)
    router.text_step(FLOW, "note", on_note_text)
    for state in ("match", "party", "how", "confirm"):
        router.text_step(FLOW, state, on_button_text)
