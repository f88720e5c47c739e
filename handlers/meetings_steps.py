"""The steps of the /log conversation: which question comes next, how each is shown, and the
typed answers (a date, a duration, a mood, notes). The answers so far live in the Draft."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.services import meetings
from bot.services.drafts import Draft
from bot.services.errors import Invalid
from handlers import meetings_views as views
from handlers.common import Buttons, Ctx
from handlers.meetings_views import FLOW
from handlers.texts import too_long

NEXT = {"match": "day", "day": "minutes", "minutes": "acts", "acts": "mood", "mood": "notes"}
REQUIRED = ("m", "d", "min", "acts", "mood")


def next_state(data: dict[str, Any], state: str) -> str:
    """Where a conversation goes after answering `state`: on, or back to the summary."""
    return "summary" if data.get("back") else NEXT.get(state, "summary")


async def render(ctx: Ctx, data: dict[str, Any], state: str) -> tuple[str, Buttons]:
    if state == "match" or "m" not in data:
        return views.ask_match(ctx, await meetings.active_matches(ctx.session, ctx.me))
    choice = await meetings.choice(ctx.session, ctx.me, int(data["m"]))  # re-checked
    family = choice.family_name
    if state == "day":
        return views.ask_day(ctx, family)
    if state == "minutes":
        return views.ask_minutes(ctx)
    if state == "acts":
        return views.ask_activities(ctx, list(data.get("acts", [])))
    if state == "mood":
        return views.ask_mood(ctx)
    if state == "notes":
        return views.ask_notes(ctx)
    if state == "edit":
        several = len(await meetings.active_matches(ctx.session, ctx.me)) > 1
        return views.edit_menu(ctx, data, several)
    if state == "dup":
        day = date.fromisoformat(data["d"])
        can_edit = meetings.in_edit_window(day, meetings.local_today(ctx.now, ctx.tz))
        return views.ask_duplicate(ctx, family, day, can_edit)
    return views.summary(ctx, family, data)


async def goto(
    ctx: Ctx, data: dict[str, Any], state: str, *, prefix: str = "", new: bool = False
) -> None:
    """Save the draft at `state` and show that step (in place of the pressed message, or as a
    new message after typed text)."""
    if state == "summary":
        missing = [key for key in REQUIRED if key not in data]
        if missing:
            state = {"m": "match", "d": "day", "min": "minutes", "acts": "acts"}.get(
                missing[0], "mood"
            )
        else:
            data["back"] = True
    await ctx.save_draft(FLOW, state, data)
    text, buttons = await render(ctx, data, state)
    text = f"{prefix}\n\n{text}" if prefix else text
    if new:
        ctx.reply(text, buttons)
    else:
        ctx.edit(text, buttons)


async def start(ctx: Ctx) -> None:
    choices = await meetings.active_matches(ctx.session, ctx.me)
    if not choices:
        if ctx.draft is not None and ctx.draft.flow == FLOW:
            await ctx.clear_draft()
        ctx.edit(ctx._("You have no active match to log a meeting for."))
        return
    if len(choices) == 1:
        await goto(ctx, {"m": choices[0].id}, "day")
    else:
        await goto(ctx, {}, "match")


async def set_day(ctx: Ctx, data: dict[str, Any], day: date, *, new: bool) -> None:
    try:
        if data.get("mid"):
            await meetings.check_corrected_day(
                ctx.session, ctx.now, ctx.tz, ctx.me, int(data["mid"]), day
            )
            duplicate = None
        else:
            duplicate = await meetings.check_new_day(
                ctx.session, ctx.now, ctx.tz, ctx.me, int(data["m"]), day
            )
    except Invalid as exc:
        await ask_again(ctx, data, "day", exc.code, new=new)
        return
    data["d"] = day.isoformat()
    data.pop("dup", None)
    await goto(ctx, data, "dup" if duplicate else next_state(data, "day"), new=new)


async def ask_again(ctx: Ctx, data: dict[str, Any], state: str, code: str, *, new: bool) -> None:
    started = None
    if code == "date_before_match" and "m" in data:
        started = (await meetings.choice(ctx.session, ctx.me, int(data["m"]))).started_on
    await goto(ctx, data, state, prefix=views.reason(ctx, code, started), new=new)


async def load_meeting(ctx: Ctx, meeting_id: int) -> None:
    """Start correcting one of the mentor's own recent meetings (re-checked)."""
    view = await meetings.own_meeting(ctx.session, ctx.now, ctx.tz, ctx.me, meeting_id)
    data: dict[str, Any] = {
        "m": view.match_id,
        "d": view.occurred_on.isoformat(),
        "min": view.duration_minutes,
        "acts": list(view.activities),
        "mood": view.mood or 3,
        "notes": view.notes,
        "mid": view.id,
        "back": True,
    }
    await goto(ctx, data, "edit", new=True)


# --- typed answers ------------------------------------------------------------------------


async def on_day_text(ctx: Ctx, draft: Draft, text: str) -> None:
    data = dict(draft.data)
    try:
        day = meetings.parse_day(text, ctx.tr.formats, ctx.now, ctx.tz)
    except Invalid as exc:
        await ask_again(ctx, data, "day", exc.code, new=True)
        return
    await set_day(ctx, data, day, new=True)


async def on_minutes_text(ctx: Ctx, draft: Draft, text: str) -> None:
    data = dict(draft.data)
    try:
        data["min"] = meetings.parse_duration(text)
    except Invalid as exc:
        await ask_again(ctx, data, "minutes", exc.code, new=True)
        return
    await goto(ctx, data, next_state(data, "minutes"), new=True)


async def on_mood_text(ctx: Ctx, draft: Draft, text: str) -> None:
    data = dict(draft.data)
    digits = meetings.parse_small_number(text)
    if digits is None or digits not in meetings.MOODS:
        await ask_again(ctx, data, "mood", "mood_not_number", new=True)
        return
    data["mood"] = digits
    await goto(ctx, data, next_state(data, "mood"), new=True)


async def on_notes_text(ctx: Ctx, draft: Draft, text: str) -> None:
    data = dict(draft.data)
    try:
        data["notes"] = meetings.check_notes(text)
    except Invalid as exc:
        message = too_long(ctx, exc)
        if message is not None:
            await goto(ctx, data, "notes", prefix=message, new=True)
            return
        await ask_again(ctx, data, "notes", exc.code, new=True)
        return
    await goto(ctx, data, "summary", new=True)


async def on_button_step_text(ctx: Ctx, draft: Draft, text: str) -> None:
    await ask_again(ctx, dict(draft.data), draft.state, "use_buttons", new=True)
