"""/log: a guided conversation to log a meeting (also used to correct one from /mylogs).

The answers so far live in the Draft (flow "log"), so an interrupted conversation resumes and
nothing is stored as a Meeting until Confirm. Buttons carry `lg:<action>:<arg>`; every press is
re-checked by the services (the match must be the mentor's and active).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from bot.services import meetings
from bot.services.errors import Invalid
from bot.services.meetings import ACTIVITIES, UNWELL_MOOD, Entry
from handlers import meetings_views as views
from handlers.common import Buttons, Ctx
from handlers.meetings_views import FLOW
from handlers.router import Router
from storage.models import Draft, Role

MENTOR = frozenset({Role.MENTOR})
NEXT = {"match": "day", "day": "minutes", "minutes": "acts", "acts": "mood", "mood": "notes"}
# The state each button belongs to; a press on an older message re-shows the current step.
PRESS_STATE = {
    "m": "match",
    "d": "day",
    "t": "minutes",
    "a": "acts",
    "md": "mood",
    "n": "notes",
    "ok": "summary",
    "ed": "summary",
    "x": "summary",
    "ef": "edit",
    "dup": "dup",
}
REQUIRED = ("m", "d", "min", "acts", "mood")


def _int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise Invalid("bad_data") from None


def _next(data: dict[str, Any], state: str) -> str:
    """Where a conversation goes after answering `state`: on, or back to the summary."""
    return "summary" if data.get("back") else NEXT.get(state, "summary")


async def _render(ctx: Ctx, data: dict[str, Any], state: str) -> tuple[str, Buttons]:
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


async def _goto(
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
    text, buttons = await _render(ctx, data, state)
    text = f"{prefix}\n\n{text}" if prefix else text
    if new:
        ctx.reply(text, buttons)
    else:
        ctx.edit(text, buttons)


async def _start(ctx: Ctx) -> None:
    choices = await meetings.active_matches(ctx.session, ctx.me)
    if not choices:
        if ctx.draft is not None and ctx.draft.flow == FLOW:
            await ctx.clear_draft()
        ctx.edit(ctx._("You have no active match to log a meeting for."))
        return
    if len(choices) == 1:
        await _goto(ctx, {"m": choices[0].id}, "day")
    else:
        await _goto(ctx, {}, "match")


async def on_log(ctx: Ctx) -> None:
    if ctx.draft is not None and ctx.draft.flow == FLOW:
        ctx.reply(
            ctx._("You have a meeting log in progress. Continue it, or start over?"),
            [[(ctx._("Continue"), "lg:go:c"), (ctx._("Start over"), "lg:go:n")]],
        )
        return
    await _start(ctx)


async def _set_day(ctx: Ctx, data: dict[str, Any], day: date, *, new: bool) -> None:
    try:
        if data.get("mid"):
            choice = await meetings.choice(ctx.session, ctx.me, int(data["m"]))
            today = meetings.local_today(ctx.now, ctx.tz)
            meetings.check_day(day, today, choice.started_on)
            if not meetings.in_edit_window(day, today):
                raise Invalid("date_outside_window")
            duplicate = None
        else:
            duplicate = await meetings.check_new_day(
                ctx.session, ctx.now, ctx.tz, ctx.me, int(data["m"]), day
            )
    except Invalid as exc:
        await _ask_again(ctx, data, "day", exc.code, new=new)
        return
    data["d"] = day.isoformat()
    data.pop("dup", None)
    await _goto(ctx, data, "dup" if duplicate else _next(data, "day"), new=new)


async def _ask_again(ctx: Ctx, data: dict[str, Any], state: str, code: str, *, new: bool) -> None:
    started = None
    if code == "date_before_match" and "m" in data:
        started = (await meetings.choice(ctx.session, ctx.me, int(data["m"]))).started_on
    await _goto(ctx, data, state, prefix=views.reason(ctx, code, started), new=new)


async def _load_meeting(ctx: Ctx, meeting_id: int) -> None:
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
    await _goto(ctx, data, "edit", new=True)


async def _confirm(ctx: Ctx, data: dict[str, Any]) -> None:
    entry = Entry(
        match_id=int(data["m"]),
        occurred_on=date.fromisoformat(data["d"]),
        duration_minutes=int(data["min"]),
        activities=tuple(data["acts"]),
        mood=int(data["mood"]),
        notes=data.get("notes"),
    )
    try:
        if data.get("mid"):
            await meetings.update_meeting(
                ctx.session, ctx.now, ctx.tz, ctx.me, int(data["mid"]), entry
            )
        else:
            await meetings.log_meeting(
                ctx.session, ctx.now, ctx.tz, ctx.me, entry, allow_duplicate=bool(data.get("dup"))
            )
    except Invalid as exc:
        if exc.code == "duplicate":
            await _goto(ctx, data, "dup")
        else:
            await _ask_again(ctx, data, "summary", exc.code, new=False)
        return
    await ctx.clear_draft()
    choice = await meetings.choice(ctx.session, ctx.me, entry.match_id)
    values = {
        "family": views.family_title(ctx, choice.family_name),
        "day": ctx.tr.day_long(entry.occurred_on),
    }
    if data.get("mid"):
        text = ctx._("Saved: your meeting with %(family)s on %(day)s is corrected.") % values
    else:
        text = ctx._("Saved: your meeting with %(family)s on %(day)s. Thank you!") % values
    buttons: Buttons = []
    if entry.mood <= UNWELL_MOOD:
        text += "\n\n" + ctx._(
            "The family did not seem well. If you are worried, you can tell the staff."
        )
        buttons = [[(ctx._("Raise a concern"), f"cn:new:{entry.match_id}")]]
    ctx.edit(text, buttons or None)


async def on_press(ctx: Ctx, args: list[str]) -> None:
    action, arg = [*args, "", ""][:2]
    if action == "me":  # "Edit" on a meeting listed by /mylogs
        await _load_meeting(ctx, _int(arg))
        return
    if action == "m":  # authorise before anything else, even an old or forged press
        await meetings.choice(ctx.session, ctx.me, _int(arg))
    draft: Draft | None = ctx.draft if ctx.draft and ctx.draft.flow == FLOW else None
    if action == "go":
        if arg == "c" and draft is not None:
            await _goto(ctx, dict(draft.data), draft.state)
        else:
            await _start(ctx)
        return
    if draft is None:
        ctx.edit(ctx._("This meeting log is no longer in progress. Send /log to start again."))
        return
    data, state = dict(draft.data), draft.state
    if PRESS_STATE.get(action) != state:
        await _goto(ctx, data, state)
        return
    if action == "m":
        data["m"] = _int(arg)
        data.pop("d", None)  # the date is checked against this match's start
        await _goto(ctx, data, "day")
    elif action == "d":
        back = _int(arg)
        if back not in (0, 1):
            raise Invalid("bad_data")
        today = meetings.local_today(ctx.now, ctx.tz)
        await _set_day(ctx, data, today - timedelta(days=back), new=False)
    elif action == "t":
        try:
            minutes = _int(arg)
            meetings.check_duration(minutes)
        except Invalid as exc:
            await _ask_again(ctx, data, "minutes", exc.code, new=False)
            return
        data["min"] = minutes
        await _goto(ctx, data, _next(data, "minutes"))
    elif action == "a":
        await _on_activity(ctx, data, arg)
    elif action == "md":
        mood = _int(arg)
        meetings.check_mood(mood)
        data["mood"] = mood
        await _goto(ctx, data, _next(data, "mood"))
    elif action == "n":
        data["notes"] = None
        await _goto(ctx, data, "summary")
    elif action == "ok":
        await _confirm(ctx, data)
    elif action == "ed":
        await _goto(ctx, data, "edit")
    elif action == "x":
        await ctx.clear_draft()
        if data.get("mid"):
            ctx.edit(ctx._("Discarded. Your meeting is unchanged."))
        else:
            ctx.edit(ctx._("Discarded. Nothing was saved."))
    elif action == "ef":
        await _on_edit_field(ctx, data, arg)
    elif action == "dup":
        await _on_duplicate(ctx, data, arg)


async def _on_activity(ctx: Ctx, data: dict[str, Any], code: str) -> None:
    chosen = list(data.get("acts", []))
    if code == "done":
        try:
            data["acts"] = meetings.check_activities(chosen)
        except Invalid:
            ctx.toast(views.reason(ctx, "activities"), alert=True)
            return
        await _goto(ctx, data, _next(data, "acts"))
        return
    if code not in ACTIVITIES:
        raise Invalid("bad_data")
    chosen = [a for a in chosen if a != code] if code in chosen else [*chosen, code]
    data["acts"] = [a for a in ACTIVITIES if a in chosen]
    await _goto(ctx, data, "acts")


async def _on_edit_field(ctx: Ctx, data: dict[str, Any], field: str) -> None:
    if field == "back":
        await _goto(ctx, data, "summary")
    elif field in ("match", "day", "minutes", "acts", "mood", "notes"):
        if field == "match" and data.get("mid"):
            raise Invalid("bad_data")  # a logged meeting stays with its match
        await _goto(ctx, data, field)
    else:
        raise Invalid("bad_data")


async def _on_duplicate(ctx: Ctx, data: dict[str, Any], choice: str) -> None:
    if choice == "add":
        data["dup"] = True
        await _goto(ctx, data, _next(data, "day"))
    elif choice == "day":
        await _goto(ctx, data, "day")
    elif choice == "edit":
        first = await meetings.duplicate_of(
            ctx.session, ctx.me, int(data["m"]), date.fromisoformat(data["d"])
        )
        if first is None:
            await _goto(ctx, data, _next(data, "day"))
            return
        await _load_meeting(ctx, first)
    else:
        raise Invalid("bad_data")


# --- typed answers ------------------------------------------------------------------------


async def on_day_text(ctx: Ctx, draft: Draft, text: str) -> None:
    data = dict(draft.data)
    try:
        day = meetings.parse_day(text, ctx.tr.locale, ctx.now, ctx.tz)
    except Invalid as exc:
        await _ask_again(ctx, data, "day", exc.code, new=True)
        return
    await _set_day(ctx, data, day, new=True)


async def on_minutes_text(ctx: Ctx, draft: Draft, text: str) -> None:
    data = dict(draft.data)
    try:
        data["min"] = meetings.parse_duration(text)
    except Invalid as exc:
        await _ask_again(ctx, data, "minutes", exc.code, new=True)
        return
    await _goto(ctx, data, _next(data, "minutes"), new=True)


async def on_mood_text(ctx: Ctx, draft: Draft, text: str) -> None:
    data = dict(draft.data)
    digits = meetings.parse_small_number(text)
    if digits is None or digits not in meetings.MOODS:
        await _ask_again(ctx, data, "mood", "mood_not_number", new=True)
        return
    data["mood"] = digits
    await _goto(ctx, data, _next(data, "mood"), new=True)


async def on_notes_text(ctx: Ctx, draft: Draft, text: str) -> None:
    data = dict(draft.data)
    try:
        data["notes"] = meetings.check_notes(text)
    except Invalid as exc:
        await _ask_again(ctx, data, "notes", exc.code, new=True)
        return
    await _goto(ctx, data, "summary", new=True)


async def on_button_step_text(ctx: Ctx, draft: Draft, text: str) -> None:
    await _ask_again(ctx, dict(draft.data), draft.state, "use_buttons", new=True)


def register(router: Router) -> None:
    router.command("log", on_log, roles=MENTOR)
    router.callback("lg", views.guarded(on_press), roles=MENTOR)
    router.text_step(FLOW, "day", on_day_text)
    router.text_step(FLOW, "minutes", on_minutes_text)
    router.text_step(FLOW, "mood", on_mood_text)
    router.text_step(FLOW, "notes", on_notes_text)
    for state in ("match", "acts", "summary", "edit", "dup"):
        router.text_step(FLOW, state, on_button_step_text)
