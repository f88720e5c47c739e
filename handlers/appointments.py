"""Planning the next meeting: `/plan` (which match, day, time, place, optional note, confirm),
and the steps of moving one (day, time, confirm; started from `/upcoming`). Entered and shown
in the mentor's timezone; kept in a draft until confirmed. The questions are asked by
`handlers.appointments_ask`; the answers, typed or pressed, are read here, and every `pl:`
button is dispatched through `PRESSES`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, time
from typing import Any

from bot.notifications.appointments import callbacks as cb
from bot.notifications.appointments import mentor_line, who_is_told
from bot.services import appointments
from bot.services.errors import Invalid, NotAllowed, NotFound
from domain import Role
from handlers import appointments_ask as ask
from handlers.appointments_ask import FLOW, MANAGERS, refusing
from handlers.common import Ctx, TextStep
from handlers.router import Router
from storage.models import Draft

PREFIX = cb.PLAN_PREFIX


def refusing_text(fn: TextStep) -> TextStep:
    """The same as `refusing` for a typed step (the match may have been closed meanwhile)."""

    async def guarded(ctx: Ctx, draft: Draft, text: str) -> None:
        try:
            await fn(ctx, draft, text)
        except (NotAllowed, NotFound) as exc:
            await ctx.clear_draft()
            ask.refuse(ctx, exc)
        except Invalid as exc:
            await ask.match_gone(ctx, exc)

    return guarded


async def on_plan(ctx: Ctx) -> None:
    draft = ctx.draft
    if draft is not None and draft.flow == FLOW:
        ctx.reply(
            ctx._("You have started planning a meeting. Continue, or start over?"),
            [
                [
                    (ctx._("Continue"), cb.Resume().pack()),
                    (ctx._("Start over"), cb.StartOver().pack()),
                ]
            ],
        )
        return
    await ask.start(ctx)


# --- the answers ----------------------------------------------------------------------------


async def _on_day(ctx: Ctx, draft: Draft, day: date) -> None:
    if day < ask.local_today(ctx):
        await ask.ask_day(ctx, draft.data, ask.reason(ctx, Invalid("date_past")))
        return
    await ask.ask_time(ctx, {**draft.data, "day": day.isoformat()})


async def on_day_text(ctx: Ctx, draft: Draft, text: str) -> None:
    try:
        day = appointments.parse_day(text, ctx.tr.formats, ctx.tz, ctx.now)
    except Invalid as err:
        await ask.ask_day(ctx, draft.data, ask.reason(ctx, err))
        return
    await _on_day(ctx, draft, day)


async def _on_time(ctx: Ctx, draft: Draft, moment: time) -> None:
    data = {**draft.data, "time": moment.strftime("%H:%M")}
    try:
        appointments.check_start(ask.starts_at(ctx, data), ctx.now)
    except Invalid as err:
        await ask.ask_time(ctx, draft.data, ask.reason(ctx, err))
        return
    if data.get("mode") == "move":
        await ask.summary(ctx, data)
    else:
        await ask.ask_place(ctx, data)


async def on_time_text(ctx: Ctx, draft: Draft, text: str) -> None:
    try:
        moment = appointments.parse_time(text, ctx.tr.locale)
    except Invalid as err:
        await ask.ask_time(ctx, draft.data, ask.reason(ctx, err))
        return
    await _on_time(ctx, draft, moment)


async def on_place_text(ctx: Ctx, draft: Draft, text: str) -> None:
    try:
        place = appointments.clean_place(text)
    except Invalid as err:
        await ask.ask_place(ctx, draft.data, ask.reason(ctx, err))
        return
    await ask.ask_note(ctx, {**draft.data, "place": place})


async def on_note_text(ctx: Ctx, draft: Draft, text: str) -> None:
    try:
        note = appointments.clean_note(text)
    except Invalid as err:
        await ask.ask_note(ctx, draft.data, ask.reason(ctx, err))
        return
    await ask.summary(ctx, {**draft.data, "note": note})


async def _confirm(ctx: Ctx, draft: Draft) -> None:
    data = draft.data
    try:
        if data.get("mode") == "move":
            view = await appointments.move(
                ctx.session, ctx.me, int(data["appointment_id"]), ask.starts_at(ctx, data), ctx.now
            )
        else:
            view = await appointments.create(
                ctx.session,
                ctx.me,
                int(data["match_id"]),
                ask.starts_at(ctx, data),
                str(data.get("place", "")),
                _opt(data.get("note")),
                ctx.now,
            )
    except Invalid as err:
        if err.code in ("time_past", "date_too_far"):
            await ask.ask_time(ctx, data, ask.reason(ctx, err))
            return
        await ctx.clear_draft()
        ctx.edit(
            ctx._(
                "This meeting can no longer be planned: the match or the meeting has "
                "changed. Nothing was saved."
            )
        )
        return
    await ctx.clear_draft()
    done = ctx._("Moved.") if data.get("mode") == "move" else ctx._("Planned.")
    told = who_is_told(ctx.tr, view, done=True) or ctx._(
        "The family is told, gets reminders, and can confirm with one tap."
    )
    ctx.edit(f"{done}\n{mentor_line(ctx.tr, ctx.tz, view)}\n{told}")


def _opt(value: object) -> str | None:
    return str(value) if value else None


async def _resume(ctx: Ctx, draft: Draft) -> None:
    data, state = draft.data, draft.state
    if state == "day":
        await ask.ask_day(ctx, data)
    elif state == "time":
        await ask.ask_time(ctx, data)
    elif state == "place":
        await ask.ask_place(ctx, data)
    elif state == "note":
        await ask.ask_note(ctx, data)
    elif state == "confirm":
        await ask.summary(ctx, data)
    else:
        await ask.start(ctx)


async def _on_discard(ctx: Ctx, draft: Draft) -> None:
    await ctx.clear_draft()
    ctx.edit(ctx._("Discarded. Nothing was saved."))


# --- buttons --------------------------------------------------------------------------------

# Each planning button: the state of the conversation it answers (None: any), and its handler.
PRESSES: dict[type[cb.Plan], tuple[str | None, Callable[[Ctx, Draft, Any], Awaitable[None]]]] = {
    cb.Resume: (None, lambda ctx, draft, p: _resume(ctx, draft)),
    cb.MatchPick: ("match", lambda ctx, draft, p: ask.on_match(ctx, p.match_id)),
    cb.DayPick: ("day", lambda ctx, draft, p: _on_day(ctx, draft, p.day)),
    cb.AnotherDay: (
        "time",
        lambda ctx, draft, p: ask.ask_day(ctx, {k: v for k, v in draft.data.items() if k != "day"}),
    ),
    cb.TimePick: ("time", lambda ctx, draft, p: _on_time(ctx, draft, p.moment)),
    cb.LastPlace: ("place", lambda ctx, draft, p: _on_last_place(ctx, draft)),
    cb.SkipNote: ("note", lambda ctx, draft, p: ask.summary(ctx, {**draft.data, "note": None})),
    cb.Confirm: ("confirm", lambda ctx, draft, p: _confirm(ctx, draft)),
    cb.Discard: (None, lambda ctx, draft, p: _on_discard(ctx, draft)),
}


async def _on_last_place(ctx: Ctx, draft: Draft) -> None:
    await ask.ask_note(ctx, {**draft.data, "place": draft.data["last_place"]})


async def on_plan_press(ctx: Ctx, args: list[str]) -> None:
    """Every `pl:` button: parsed by `bot.notifications.appointments.callbacks` (a malformed
    one is NotFound), then handed to its handler if it answers the step the planning is at."""
    press = cb.parse_plan(args)
    draft = ctx.draft if ctx.draft is not None and ctx.draft.flow == FLOW else None
    if isinstance(press, cb.StartOver):
        await ctx.clear_draft()
        await ask.start(ctx)
        return
    if draft is None:
        ctx.stale(ctx._("This planning is over. Send /plan to plan a meeting."))
        return
    entry = PRESSES.get(type(press)) if press is not None else None
    last_place_gone = isinstance(press, cb.LastPlace) and not draft.data.get("last_place")
    if entry is None or entry[0] not in (None, draft.state) or last_place_gone:
        ctx.toast(ctx._("That button belongs to an earlier step."))
        return
    await entry[1](ctx, draft, press)


def register(router: Router) -> None:
    mentors = frozenset({Role.MENTOR})
    router.command("plan", on_plan, roles=mentors)
    router.callback(PREFIX, refusing(on_plan_press), roles=MANAGERS)
    router.text_step(FLOW, "day", refusing_text(on_day_text))
    router.text_step(FLOW, "time", refusing_text(on_time_text))
    router.text_step(FLOW, "place", refusing_text(on_place_text))
    router.text_step(FLOW, "note", refusing_text(on_note_text))
