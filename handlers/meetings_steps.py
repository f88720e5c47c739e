"""The steps of the /log conversation: which question comes next, how each is shown, and the
typed answers (a date, a duration, a mood, notes). The answers so far live in the draft row,
typed as a `LogDraft`."""

from __future__ import annotations

from datetime import date

from bot.services import meetings
from bot.services.drafts import Draft
from bot.services.errors import Invalid
from handlers import meetings_views as views
from handlers.common import Buttons, Ctx
from handlers.meetings_draft import LogDraft
from handlers.meetings_views import FLOW
from handlers.texts import too_long

NEXT = {"match": "day", "day": "minutes", "minutes": "acts", "acts": "mood", "mood": "notes"}


def next_state(d: LogDraft, state: str) -> str:
    """Where a conversation goes after answering `state`: on, or back to the summary."""
    return "summary" if d.back_to_summary else NEXT.get(state, "summary")


async def typed(ctx: Ctx, draft: Draft) -> LogDraft | None:
    """The log a typed answer or a press goes on with; one whose draft cannot be read is
    dropped and the mentor told to start again."""
    d = LogDraft.from_data(draft.data)
    if d is None:
        await ctx.clear_draft()
        gone(ctx)
    return d


def gone(ctx: Ctx) -> None:
    """The log the mentor answers is no longer in progress."""
    ctx.stale(ctx._("This meeting log is no longer in progress. Send /log to start again."))


async def render(ctx: Ctx, d: LogDraft, state: str) -> tuple[str, Buttons]:
    if state == "match" or d.match_id is None:
        return views.ask_match(ctx, await meetings.active_matches(ctx.session, ctx.me))
    choice = await meetings.choice(ctx.session, ctx.me, d.match_id)  # re-checked
    family = choice.family_name
    if state == "day":
        return views.ask_day(ctx, family)
    if state == "minutes":
        return views.ask_minutes(ctx)
    if state == "acts":
        return views.ask_activities(ctx, list(d.activities or ()))
    if state == "mood":
        return views.ask_mood(ctx)
    if state == "notes":
        return views.ask_notes(ctx)
    if state == "edit":
        several = len(await meetings.active_matches(ctx.session, ctx.me)) > 1
        return views.edit_menu(ctx, d, several)
    if state == "dup" and d.day is not None:
        can_edit = meetings.in_edit_window(d.day, meetings.local_today(ctx.now, ctx.tz))
        return views.ask_duplicate(ctx, family, d.day, can_edit)
    return views.summary(ctx, family, d)


async def goto(ctx: Ctx, d: LogDraft, state: str, *, prefix: str = "", new: bool = False) -> None:
    """Save the draft at `state` and show that step (in place of the pressed message, or as a
    new message after typed text)."""
    if state == "summary":
        missing = d.missing()
        if missing is not None:
            state = missing
        else:
            d = d.with_(back_to_summary=True)
    await ctx.save_draft(FLOW, state, d.to_data())
    text, buttons = await render(ctx, d, state)
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
        await goto(ctx, LogDraft(match_id=choices[0].id), "day")
    else:
        await goto(ctx, LogDraft(), "match")


async def set_day(ctx: Ctx, d: LogDraft, day: date, *, new: bool) -> None:
    try:
        if d.meeting_id is not None:
            await meetings.check_corrected_day(
                ctx.session, ctx.now, ctx.tz, ctx.me, d.meeting_id, day
            )
            duplicate = None
        elif d.match_id is None:
            raise Invalid("bad_data")
        else:
            duplicate = await meetings.check_new_day(
                ctx.session, ctx.now, ctx.tz, ctx.me, d.match_id, day
            )
    except Invalid as exc:
        await ask_again(ctx, d, "day", exc.code, new=new)
        return
    d = d.with_(day=day, allow_duplicate=False)
    await goto(ctx, d, "dup" if duplicate else next_state(d, "day"), new=new)


async def ask_again(ctx: Ctx, d: LogDraft, state: str, code: str, *, new: bool) -> None:
    started = None
    if code == "date_before_match" and d.match_id is not None:
        started = (await meetings.choice(ctx.session, ctx.me, d.match_id)).started_on
    await goto(ctx, d, state, prefix=views.reason(ctx, code, started), new=new)


async def load_meeting(ctx: Ctx, meeting_id: int) -> None:
    """Start correcting one of the mentor's own recent meetings (re-checked)."""
    view = await meetings.own_meeting(ctx.session, ctx.now, ctx.tz, ctx.me, meeting_id)
    d = LogDraft(
        match_id=view.match_id,
        day=view.occurred_on,
        minutes=view.duration_minutes,
        activities=tuple(view.activities),
        mood=view.mood or 3,
        notes=view.notes,
        meeting_id=view.id,
        back_to_summary=True,
    )
    await goto(ctx, d, "edit", new=True)


# --- typed answers ------------------------------------------------------------------------


async def on_day_text(ctx: Ctx, draft: Draft, text: str) -> None:
    d = await typed(ctx, draft)
    if d is None:
        return
    try:
        day = meetings.parse_day(text, ctx.tr.formats, ctx.now, ctx.tz)
    except Invalid as exc:
        await ask_again(ctx, d, "day", exc.code, new=True)
        return
    await set_day(ctx, d, day, new=True)


async def on_minutes_text(ctx: Ctx, draft: Draft, text: str) -> None:
    d = await typed(ctx, draft)
    if d is None:
        return
    try:
        d = d.with_(minutes=meetings.parse_duration(text))
    except Invalid as exc:
        await ask_again(ctx, d, "minutes", exc.code, new=True)
        return
    await goto(ctx, d, next_state(d, "minutes"), new=True)


async def on_mood_text(ctx: Ctx, draft: Draft, text: str) -> None:
    d = await typed(ctx, draft)
    if d is None:
        return
    digits = meetings.parse_small_number(text)
    if digits is None or digits not in meetings.MOODS:
        await ask_again(ctx, d, "mood", "mood_not_number", new=True)
        return
    d = d.with_(mood=digits)
    await goto(ctx, d, next_state(d, "mood"), new=True)


async def on_notes_text(ctx: Ctx, draft: Draft, text: str) -> None:
    d = await typed(ctx, draft)
    if d is None:
        return
    try:
        d = d.with_(notes=meetings.check_notes(text))
    except Invalid as exc:
        message = too_long(ctx, exc)
        if message is not None:
            await goto(ctx, d, "notes", prefix=message, new=True)
            return
        await ask_again(ctx, d, "notes", exc.code, new=True)
        return
    await goto(ctx, d, "summary", new=True)


async def on_button_step_text(ctx: Ctx, draft: Draft, text: str) -> None:
    d = await typed(ctx, draft)
    if d is not None:
        await ask_again(ctx, d, draft.state, "use_buttons", new=True)
