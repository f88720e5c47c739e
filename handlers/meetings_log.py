"""/log: a guided conversation to log a meeting (also used to correct one from /mylogs).

The answers so far live in the draft row (flow "log", typed as `handlers.meetings_draft.LogDraft`),
so an interrupted conversation resumes and nothing is stored as a Meeting until Confirm. Buttons
carry `lg:<action>:<arg>`; every press is re-checked by the services (the match must be the
mentor's and active).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from bot.i18n import isolate
from bot.notifications import meetings as cb
from bot.services import meetings
from bot.services.errors import Invalid
from bot.services.meetings import ACTIVITIES, UNWELL_MOOD
from domain import Role
from handlers import meetings_steps as steps
from handlers import meetings_views as views
from handlers.common import Buttons, Ctx
from handlers.concerns import new_concern_button
from handlers.meetings_draft import LogDraft
from handlers.meetings_views import FLOW
from handlers.router import Router

MENTOR = frozenset({Role.MENTOR})


async def on_log(ctx: Ctx) -> None:
    if ctx.draft is not None and ctx.draft.flow == FLOW:
        _ask_continue(ctx, cb.StartOver().pack())
        return
    await steps.start(ctx)


def _ask_continue(ctx: Ctx, start_over: str) -> None:
    ctx.reply(
        ctx._("You have a meeting log in progress. Continue it, or start over?"),
        [[(ctx._("Continue"), cb.Continue().pack()), (ctx._("Start over"), start_over)]],
    )


async def _on_edit_meeting(ctx: Ctx, meeting_id: int, *, drop_draft: bool) -> None:
    """The Edit button of a meeting listed by /mylogs (checked first). A log already in
    progress is not dropped unasked: continue it, or start over on this meeting."""
    await meetings.own_meeting(ctx.session, ctx.now, ctx.tz, ctx.me, meeting_id)
    if not drop_draft and ctx.draft is not None and ctx.draft.flow == FLOW:
        _ask_continue(ctx, cb.EditMeeting(meeting_id, start_over=True).pack())
        return
    await steps.load_meeting(ctx, meeting_id)


async def _confirm(ctx: Ctx, d: LogDraft) -> None:
    if d.missing() is not None:
        await steps.goto(ctx, d, "summary")  # asks what is missing
        return
    entry = d.entry()
    try:
        if d.meeting_id is not None:
            await meetings.update_meeting(ctx.session, ctx.now, ctx.tz, ctx.me, d.meeting_id, entry)
        else:
            await meetings.log_meeting(
                ctx.session, ctx.now, ctx.tz, ctx.me, entry, allow_duplicate=d.allow_duplicate
            )
    except Invalid as exc:
        if exc.code == "duplicate":
            await steps.goto(ctx, d, "dup")
        else:
            await steps.ask_again(ctx, d, "summary", exc.code, new=False)
        return
    await ctx.clear_draft()
    choice = await meetings.choice(ctx.session, ctx.me, entry.match_id)
    values = {
        "family": isolate(choice.family_name),
        "day": ctx.tr.day_long(entry.occurred_on),
    }
    if d.correcting:
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


async def _on_match(ctx: Ctx, d: LogDraft, press: cb.MatchPick) -> None:
    # The date is checked against this match's start: asked again.
    await steps.goto(ctx, d.with_(match_id=press.match_id, day=None), "day")


async def _on_day(ctx: Ctx, d: LogDraft, press: cb.DayPick) -> None:
    if press.days_back not in (0, 1):
        raise Invalid("bad_data")
    today = meetings.local_today(ctx.now, ctx.tz)
    await steps.set_day(ctx, d, today - timedelta(days=press.days_back), new=False)


async def _on_minutes(ctx: Ctx, d: LogDraft, press: cb.MinutesPick) -> None:
    try:
        if press.minutes is None:
            raise Invalid("bad_data")
        meetings.check_duration(press.minutes)
    except Invalid as exc:
        await steps.ask_again(ctx, d, "minutes", exc.code, new=False)
        return
    d = d.with_(minutes=press.minutes)
    await steps.goto(ctx, d, steps.next_state(d, "minutes"))


async def _on_mood(ctx: Ctx, d: LogDraft, press: cb.MoodPick) -> None:
    meetings.check_mood(press.mood)
    d = d.with_(mood=press.mood)
    await steps.goto(ctx, d, steps.next_state(d, "mood"))


async def _on_skip_notes(ctx: Ctx, d: LogDraft) -> None:
    await steps.goto(ctx, d.with_(notes=None), "summary")


async def _on_discard(ctx: Ctx, d: LogDraft) -> None:
    await ctx.clear_draft()
    if d.correcting:
        ctx.edit(ctx._("Discarded. Your meeting is unchanged."))
    else:
        ctx.edit(ctx._("Discarded. Nothing was saved."))


async def on_press(ctx: Ctx, args: list[str]) -> None:
    """Every `lg:` button: parsed by `bot.notifications.meetings`, then handed to its handler
    in `PRESSES` when it answers the step the log is at (otherwise that step is shown again)."""
    press = cb.parse(args)
    if isinstance(press, cb.EditMeeting):
        await _on_edit_meeting(ctx, press.meeting_id, drop_draft=press.start_over)
        return
    if isinstance(press, cb.MatchPick):  # authorise before anything else, even an old press
        await meetings.choice(ctx.session, ctx.me, press.match_id)
    draft = ctx.draft if ctx.draft and ctx.draft.flow == FLOW else None
    if isinstance(press, cb.StartOver) or (isinstance(press, cb.Continue) and draft is None):
        await steps.start(ctx)
        return
    if draft is None:
        steps.gone(ctx)
        return
    d = await steps.typed(ctx, draft)
    if d is None:
        return  # it could not be read: dropped, and the mentor told to start again
    if isinstance(press, cb.Continue):
        await steps.goto(ctx, d, draft.state)
        return
    if press is None or type(press) not in PRESSES or press.STATE != draft.state:
        await steps.goto(ctx, d, draft.state)
        return
    await PRESSES[type(press)](ctx, d, press)


async def _on_activity(ctx: Ctx, d: LogDraft, code: str) -> None:
    chosen = list(d.activities or ())
    if code == "done":
        try:
            d = d.with_(activities=tuple(meetings.check_activities(chosen)))
        except Invalid:
            ctx.toast(views.reason(ctx, "activities"), alert=True)
            return
        await steps.goto(ctx, d, steps.next_state(d, "acts"))
        return
    if code not in ACTIVITIES:
        raise Invalid("bad_data")
    chosen = [a for a in chosen if a != code] if code in chosen else [*chosen, code]
    await steps.goto(ctx, d.with_(activities=tuple(a for a in ACTIVITIES if a in chosen)), "acts")


async def _on_edit_field(ctx: Ctx, d: LogDraft, field: str) -> None:
    if field == "back":
        await steps.goto(ctx, d, "summary")
    elif field in ("match", "day", "minutes", "acts", "mood", "notes"):
        if field == "match" and d.correcting:
            raise Invalid("bad_data")  # a logged meeting stays with its match
        await steps.goto(ctx, d, field)
    else:
        raise Invalid("bad_data")


async def _on_duplicate(ctx: Ctx, d: LogDraft, choice: str) -> None:
    if choice == "add":
        d = d.with_(allow_duplicate=True)
        await steps.goto(ctx, d, steps.next_state(d, "day"))
    elif choice == "day":
        await steps.goto(ctx, d, "day")
    elif choice == "edit":
        if d.match_id is None or d.day is None:
            raise Invalid("bad_data")
        first = await meetings.duplicate_of(ctx.session, ctx.me, d.match_id, d.day)
        if first is None:
            await steps.goto(ctx, d, steps.next_state(d, "day"))
            return
        await steps.load_meeting(ctx, first)
    else:
        raise Invalid("bad_data")


# Each button answering a step of the log (the step is the press's `STATE`), and its handler,
# given the answers so far.
PRESSES: dict[type[cb.Press], Callable[[Ctx, LogDraft, Any], Awaitable[None]]] = {
    cb.MatchPick: _on_match,
    cb.DayPick: _on_day,
    cb.MinutesPick: _on_minutes,
    cb.ActivityPick: lambda ctx, d, p: _on_activity(ctx, d, p.code),
    cb.ActivitiesDone: lambda ctx, d, p: _on_activity(ctx, d, "done"),
    cb.MoodPick: _on_mood,
    cb.SkipNotes: lambda ctx, d, p: _on_skip_notes(ctx, d),
    cb.Confirm: lambda ctx, d, p: _confirm(ctx, d),
    cb.Edit: lambda ctx, d, p: steps.goto(ctx, d, "edit"),
    cb.Discard: lambda ctx, d, p: _on_discard(ctx, d),
    cb.EditField: lambda ctx, d, p: _on_edit_field(ctx, d, p.field),
    cb.Duplicate: lambda ctx, d, p: _on_duplicate(ctx, d, p.choice),
}


def register(router: Router) -> None:
    router.command("log", on_log, roles=MENTOR)
    router.callback(cb.PREFIX, on_press, roles=MENTOR)
    router.text_step(FLOW, "day", steps.on_day_text)
    router.text_step(FLOW, "minutes", steps.on_minutes_text)
    router.text_step(FLOW, "mood", steps.on_mood_text)
    router.text_step(FLOW, "notes", steps.on_notes_text)
    for state in ("match", "acts", "summary", "edit", "dup"):
        router.text_step(FLOW, state, steps.on_button_step_text)
