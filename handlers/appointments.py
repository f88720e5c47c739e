"""Planning the next meeting: `/plan` (which match, day, time, place, optional note, confirm),
and the steps of moving one (day, time, confirm; started from `/upcoming`). Entered and shown
in the mentor's timezone; kept in a draft until confirmed. The questions are asked by
`handlers.appointments_ask`; the answers, typed or pressed, are read here, and every `pl:`
button is dispatched through `PRESSES`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import date, time
from typing import Any

from bot.notifications.appointments import callbacks as cb
from bot.notifications.appointments import mentor_line, who_is_told
from bot.services import appointments
from bot.services.drafts import Draft
from bot.services.errors import Invalid, NotAllowed, NotFound
from domain import Role
from handlers import appointments_ask as ask
from handlers.appointments_ask import MANAGERS, refusing
from handlers.appointments_draft import FLOW, PlanDraft
from handlers.common import Ctx, TextStep
from handlers.router import Router

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


def typed(fn: Callable[[Ctx, PlanDraft, str], Awaitable[None]]) -> TextStep:
    """A typed step's draft as a `PlanDraft`; one that cannot be read ends the planning."""

    async def step(ctx: Ctx, draft: Draft, text: str) -> None:
        plan = PlanDraft.from_data(draft.data)
        if plan is None:
            await ctx.clear_draft()
            ctx.reply(ctx._("This planning is over. Send /plan to plan a meeting."))
            return
        await fn(ctx, plan, text)

    return step


async def _on_day(ctx: Ctx, plan: PlanDraft, day: date) -> None:
    if day < ask.local_today(ctx):
        await ask.ask_day(ctx, plan, ask.reason(ctx, Invalid("date_past")))
        return
    await ask.ask_time(ctx, replace(plan, day=day))


async def on_day_text(ctx: Ctx, plan: PlanDraft, text: str) -> None:
    try:
        day = appointments.parse_day(text, ctx.tr.formats, ctx.tz, ctx.now)
    except Invalid as err:
        await ask.ask_day(ctx, plan, ask.reason(ctx, err))
        return
    await _on_day(ctx, plan, day)


async def _on_time(ctx: Ctx, plan: PlanDraft, moment: time) -> None:
    chosen = replace(plan, start_time=moment.replace(second=0, microsecond=0))
    try:
        appointments.check_start(ask.starts_at(ctx, chosen), ctx.now)
    except Invalid as err:
        await ask.ask_time(ctx, plan, ask.reason(ctx, err))
        return
    if chosen.moving:
        await ask.summary(ctx, chosen)
    else:
        await ask.ask_place(ctx, chosen)


async def on_time_text(ctx: Ctx, plan: PlanDraft, text: str) -> None:
    try:
        moment = appointments.parse_time(text, ctx.tr.locale)
    except Invalid as err:
        await ask.ask_time(ctx, plan, ask.reason(ctx, err))
        return
    await _on_time(ctx, plan, moment)


async def on_place_text(ctx: Ctx, plan: PlanDraft, text: str) -> None:
    try:
        place = appointments.clean_place(text)
    except Invalid as err:
        await ask.ask_place(ctx, plan, ask.reason(ctx, err))
        return
    await ask.ask_note(ctx, replace(plan, place=place))


async def on_note_text(ctx: Ctx, plan: PlanDraft, text: str) -> None:
    try:
        note = appointments.clean_note(text)
    except Invalid as err:
        await ask.ask_note(ctx, plan, ask.reason(ctx, err))
        return
    await ask.summary(ctx, replace(plan, note=note))


async def _confirm(ctx: Ctx, plan: PlanDraft) -> None:
    try:
        if plan.moving:
            if plan.appointment_id is None:
                raise NotFound("appointment")
            view = await appointments.move(
                ctx.session, ctx.me, plan.appointment_id, ask.starts_at(ctx, plan), ctx.now
            )
        else:
            if plan.match_id is None:
                raise NotFound("match")
            view = await appointments.create(
                ctx.session,
                ctx.me,
                plan.match_id,
                ask.starts_at(ctx, plan),
                plan.place or "",
                plan.note or None,
                ctx.now,
            )
    except Invalid as err:
        if err.code in ("time_past", "date_too_far"):
            await ask.ask_time(ctx, plan, ask.reason(ctx, err))
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
    done = ctx._("Moved.") if plan.moving else ctx._("Planned.")
    told = who_is_told(ctx.tr, view, done=True) or ctx._(
        "The family is told, gets reminders, and can confirm with one tap."
    )
    ctx.edit(f"{done}\n{mentor_line(ctx.tr, ctx.tz, view)}\n{told}")


async def _resume(ctx: Ctx, state: str, plan: PlanDraft) -> None:
    if state == "day":
        await ask.ask_day(ctx, plan)
    elif state == "time":
        await ask.ask_time(ctx, plan)
    elif state == "place":
        await ask.ask_place(ctx, plan)
    elif state == "note":
        await ask.ask_note(ctx, plan)
    elif state == "confirm":
        await ask.summary(ctx, plan)
    else:
        await ask.start(ctx)


async def _on_discard(ctx: Ctx) -> None:
    await ctx.clear_draft()
    ctx.edit(ctx._("Discarded. Nothing was saved."))


# --- buttons --------------------------------------------------------------------------------

Press = Callable[[Ctx, str, PlanDraft, Any], Awaitable[None]]

# Each planning button: the state of the conversation it answers (None: any), and its handler
# (given the state, the draft and the press).
PRESSES: dict[type[cb.Plan], tuple[str | None, Press]] = {
    cb.Resume: (None, lambda ctx, state, plan, p: _resume(ctx, state, plan)),
    cb.MatchPick: ("match", lambda ctx, state, plan, p: ask.on_match(ctx, p.match_id)),
    cb.DayPick: ("day", lambda ctx, state, plan, p: _on_day(ctx, plan, p.day)),
    cb.AnotherDay: ("time", lambda ctx, state, plan, p: ask.ask_day(ctx, replace(plan, day=None))),
    cb.TimePick: ("time", lambda ctx, state, plan, p: _on_time(ctx, plan, p.moment)),
    cb.LastPlace: (
        "place",
        lambda ctx, state, plan, p: ask.ask_note(ctx, replace(plan, place=plan.last_place)),
    ),
    cb.SkipNote: ("note", lambda ctx, state, plan, p: ask.summary(ctx, replace(plan, note=None))),
    cb.Confirm: ("confirm", lambda ctx, state, plan, p: _confirm(ctx, plan)),
    cb.Discard: (None, lambda ctx, state, plan, p: _on_discard(ctx)),
}


async def on_plan_press(ctx: Ctx, args: list[str]) -> None:
    """Every `pl:` button: parsed by `bot.notifications.appointments.callbacks` (a malformed
    one is NotFound), then handed to its handler if it answers the step the planning is at."""
    press = cb.parse_plan(args)
    draft = ctx.draft if ctx.draft is not None and ctx.draft.flow == FLOW else None
    if isinstance(press, cb.StartOver):
        await ctx.clear_draft()
        await ask.start(ctx)
        return
    plan = PlanDraft.from_data(draft.data) if draft is not None else None
    if draft is None or plan is None:
        if draft is not None:  # a draft that cannot be read: the planning begins again
            await ctx.clear_draft()
        ctx.stale(ctx._("This planning is over. Send /plan to plan a meeting."))
        return
    entry = PRESSES.get(type(press)) if press is not None else None
    last_place_gone = isinstance(press, cb.LastPlace) and not plan.last_place
    if entry is None or entry[0] not in (None, draft.state) or last_place_gone:
        ctx.toast(ctx._("That button belongs to an earlier step."))
        return
    await entry[1](ctx, draft.state, plan, press)


def register(router: Router) -> None:
    mentors = frozenset({Role.MENTOR})
    router.command("plan", on_plan, roles=mentors)
    router.callback(PREFIX, refusing(on_plan_press), roles=MANAGERS)
    router.text_step(FLOW, "day", refusing_text(typed(on_day_text)))
    router.text_step(FLOW, "time", refusing_text(typed(on_time_text)))
    router.text_step(FLOW, "place", refusing_text(typed(on_place_text)))
    router.text_step(FLOW, "note", refusing_text(typed(on_note_text)))
