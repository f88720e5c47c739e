"""/log: a guided conversation to log a meeting (also used to correct one from /mylogs).

The answers so far live in the Draft (flow "log"), so an interrupted conversation resumes and
nothing is stored as a Meeting until Confirm. Buttons carry `lg:<action>:<arg>`; every press is
re-checked by the services (the match must be the mentor's and active).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from bot.i18n import isolate
from bot.services import meetings
from bot.services.drafts import Draft
from bot.services.errors import Invalid
from bot.services.meetings import ACTIVITIES, UNWELL_MOOD, Entry
from domain import Role
from handlers import meetings_steps as steps
from handlers import meetings_views as views
from handlers.common import Buttons, Ctx, number_arg
from handlers.concerns import new_concern_button
from handlers.meetings_views import FLOW
from handlers.router import Router

MENTOR = frozenset({Role.MENTOR})
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


async def on_log(ctx: Ctx) -> None:
    if ctx.draft is not None and ctx.draft.flow == FLOW:
        _ask_continue(ctx, "lg:go:n")
        return
    await steps.start(ctx)


def _ask_continue(ctx: Ctx, start_over: str) -> None:
    ctx.reply(
        ctx._("You have a meeting log in progress. Continue it, or start over?"),
        [[(ctx._("Continue"), "lg:go:c"), (ctx._("Start over"), start_over)]],
    )


async def _on_edit_meeting(ctx: Ctx, meeting_id: int, *, drop_draft: bool) -> None:
    """The Edit button of a meeting listed by /mylogs (checked first). A log already in
    progress is not dropped unasked: continue it, or start over on this meeting."""
    await meetings.own_meeting(ctx.session, ctx.now, ctx.tz, ctx.me, meeting_id)
    if not drop_draft and ctx.draft is not None and ctx.draft.flow == FLOW:
        _ask_continue(ctx, f"lg:me:{meeting_id}:n")
        return
    await steps.load_meeting(ctx, meeting_id)


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
            await steps.goto(ctx, data, "dup")
        else:
            await steps.ask_again(ctx, data, "summary", exc.code, new=False)
        return
    await ctx.clear_draft()
    choice = await meetings.choice(ctx.session, ctx.me, entry.match_id)
    values = {
        "family": isolate(choice.family_name),
        "day": ctx.tr.day_long(entry.occurred_on),
    }
    if data.get("mid"):
        text = (
            ctx._("Saved: your meeting with the %(family)s family on %(day)s is corrected.")
            % values
        )
    else:
        text = (
            ctx._("Saved: your meeting with the %(family)s family on %(day)s. Thank you!") % values
        )
    buttons: Buttons = []
    if entry.mood <= UNWELL_MOOD:
        text += "\n\n" + ctx._(
            "The family did not seem well. If you are worried, you can tell the staff."
        )
        buttons = [[new_concern_button(ctx._("Raise a concern"), entry.match_id)]]
    ctx.edit(text, buttons or None)


async def on_press(ctx: Ctx, args: list[str]) -> None:
    action, arg, extra = [*args, "", "", ""][:3]
    if action == "me":
        await _on_edit_meeting(ctx, number_arg(arg), drop_draft=extra == "n")
        return
    if action == "m":  # authorise before anything else, even an old or forged press
        await meetings.choice(ctx.session, ctx.me, number_arg(arg))
    draft: Draft | None = ctx.draft if ctx.draft and ctx.draft.flow == FLOW else None
    if action == "go":
        if arg == "c" and draft is not None:
            await steps.goto(ctx, dict(draft.data), draft.state)
        else:
            await steps.start(ctx)
        return
    if draft is None:
        ctx.stale(ctx._("This meeting log is no longer in progress. Send /log to start again."))
        return
    data, state = dict(draft.data), draft.state
    if PRESS_STATE.get(action) != state:
        await steps.goto(ctx, data, state)
        return
    if action == "m":
        data["m"] = number_arg(arg)
        data.pop("d", None)  # the date is checked against this match's start
        await steps.goto(ctx, data, "day")
    elif action == "d":
        back = number_arg(arg)
        if back not in (0, 1):
            raise Invalid("bad_data")
        today = meetings.local_today(ctx.now, ctx.tz)
        await steps.set_day(ctx, data, today - timedelta(days=back), new=False)
    elif action == "t":
        try:
            minutes = number_arg(arg)
            meetings.check_duration(minutes)
        except Invalid as exc:
            await steps.ask_again(ctx, data, "minutes", exc.code, new=False)
            return
        data["min"] = minutes
        await steps.goto(ctx, data, steps.next_state(data, "minutes"))
    elif action == "a":
        await _on_activity(ctx, data, arg)
    elif action == "md":
        mood = number_arg(arg)
        meetings.check_mood(mood)
        data["mood"] = mood
        await steps.goto(ctx, data, steps.next_state(data, "mood"))
    elif action == "n":
        data["notes"] = None
        await steps.goto(ctx, data, "summary")
    elif action == "ok":
        await _confirm(ctx, data)
    elif action == "ed":
        await steps.goto(ctx, data, "edit")
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
        await steps.goto(ctx, data, steps.next_state(data, "acts"))
        return
    if code not in ACTIVITIES:
        raise Invalid("bad_data")
    chosen = [a for a in chosen if a != code] if code in chosen else [*chosen, code]
    data["acts"] = [a for a in ACTIVITIES if a in chosen]
    await steps.goto(ctx, data, "acts")


async def _on_edit_field(ctx: Ctx, data: dict[str, Any], field: str) -> None:
    if field == "back":
        await steps.goto(ctx, data, "summary")
    elif field in ("match", "day", "minutes", "acts", "mood", "notes"):
        if field == "match" and data.get("mid"):
            raise Invalid("bad_data")  # a logged meeting stays with its match
        await steps.goto(ctx, data, field)
    else:
        raise Invalid("bad_data")


async def _on_duplicate(ctx: Ctx, data: dict[str, Any], choice: str) -> None:
    if choice == "add":
        data["dup"] = True
        await steps.goto(ctx, data, steps.next_state(data, "day"))
    elif choice == "day":
        await steps.goto(ctx, data, "day")
    elif choice == "edit":
        first = await meetings.duplicate_of(
            ctx.session, ctx.me, int(data["m"]), date.fromisoformat(data["d"])
        )
        if first is None:
            await steps.goto(ctx, data, steps.next_state(data, "day"))
            return
        await steps.load_meeting(ctx, first)
    else:
        raise Invalid("bad_data")


def register(router: Router) -> None:
    router.command("log", on_log, roles=MENTOR)
    router.callback("lg", on_press, roles=MENTOR)
    router.text_step(FLOW, "day", steps.on_day_text)
    router.text_step(FLOW, "minutes", steps.on_minutes_text)
    router.text_step(FLOW, "mood", steps.on_mood_text)
    router.text_step(FLOW, "notes", steps.on_notes_text)
    for state in ("match", "acts", "summary", "edit", "dup"):
        router.text_step(FLOW, state, steps.on_button_step_text)
