"""The questions of `/plan` and of moving a meeting (which family, day, time, place, note, the
summary to confirm), each saved in the draft before it is asked, and the refusals the planning
buttons share. The answers are read in `handlers.appointments`."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.i18n import N_, isolate
from bot.notifications.appointments import callbacks as cb
from bot.services import appointments
from bot.services.errors import Invalid, NotAllowed, NotFound
from domain import Role
from handlers.appointments_draft import FLOW, PlanDraft
from handlers.common import Buttons, Ctx, PressHandler, chunk
from handlers.texts import too_long

MANAGERS = frozenset({Role.MENTOR, Role.WORKER, Role.COORDINATOR, Role.ADMIN})
COMMON_TIMES = ("09:00", "10:00", "11:00", "12:00", "16:00", "17:00", "17:30", "18:00", "19:00")
DAYS_OFFERED = 7

REASONS = {
    "date_unreadable": N_("I could not read that date. Tap a day, or write it like %(example)s."),
    "date_past": N_("That day has already passed. Choose today or a later day."),
    "date_too_far": N_("That is more than a year away. Choose an earlier day."),
    "time_unreadable": N_("I could not read that time. Tap a time, or write it like 17:30."),
    "time_past": N_("That time has already passed. Choose a later time."),
    "place_empty": N_("Please write where you will meet."),
}


def refuse(ctx: Ctx, exc: Exception) -> None:
    ctx.actions.clear()
    data = ctx.update.callback_query.data if ctx.update.callback_query else None
    ctx.audit("access.refused", reason=type(exc).__name__, callback=(data or "")[:64])
    ctx.reply(ctx._("Sorry, that is not available to you."))


async def match_gone(ctx: Ctx, exc: Invalid) -> None:
    if exc.code != "match_not_active":
        raise exc
    await ctx.clear_draft()
    ctx.actions.clear()
    ctx.reply(ctx._("This match is no longer active, so nothing was saved."))


def refusing(fn: PressHandler) -> PressHandler:
    """Refuse a press that a service denies (NotFound, NotAllowed) in the person's words, and
    audit it. The services check who may act before they write anything, so what this
    transaction holds is safe to commit."""

    async def guarded(ctx: Ctx, args: list[str]) -> None:
        try:
            await fn(ctx, args)
        except (NotAllowed, NotFound) as exc:
            refuse(ctx, exc)
        except Invalid as exc:
            await match_gone(ctx, exc)

    return guarded


def reason(ctx: Ctx, err: Invalid) -> str:
    message = too_long(ctx, err)
    if message is not None:
        return message
    example = ctx.tr.day(ctx.now.date() + timedelta(days=2), "short")
    return ctx._(REASONS.get(err.code, N_("Sorry, that did not work. Please try again."))) % {
        "example": example
    }


def local_today(ctx: Ctx) -> date:
    return appointments.local_now(ctx.now, ctx.tz).date()


def starts_at(ctx: Ctx, plan: PlanDraft) -> datetime:
    assert plan.day is not None and plan.start_time is not None
    return appointments.at_local(plan.day, plan.start_time, ctx.tz)


# --- starting -------------------------------------------------------------------------------


async def start(ctx: Ctx) -> None:
    choices = await appointments.matches_of(ctx.session, ctx.me)
    if not choices:
        await ctx.clear_draft()
        ctx.reply(ctx._("You have no active match, so there is nobody to plan a meeting with."))
        return
    if len(choices) == 1:
        await ask_day(ctx, PlanDraft(match_id=choices[0].id, family=choices[0].family_name))
        return
    await ctx.save_draft(FLOW, "match", PlanDraft().to_data())
    ctx.reply(
        ctx._("Which family is the meeting with?"),
        [[(c.family_name, cb.MatchPick(c.id).pack())] for c in choices],
    )


async def on_match(ctx: Ctx, match_id: int) -> None:
    choice = next(
        (c for c in await appointments.matches_of(ctx.session, ctx.me) if c.id == match_id), None
    )
    if choice is None:
        raise NotFound("match")
    await ask_day(ctx, PlanDraft(match_id=choice.id, family=choice.family_name))


# --- the questions --------------------------------------------------------------------------


async def ask_day(ctx: Ctx, plan: PlanDraft, problem: str | None = None) -> None:
    await ctx.save_draft(FLOW, "day", plan.to_data())
    today = local_today(ctx)
    days = [today + timedelta(days=i) for i in range(DAYS_OFFERED)]
    buttons = chunk(((ctx.tr.day_button(d), cb.DayPick(d).pack()) for d in days), 2)
    question = ctx._("Which day? Tap one, or write a date.")
    ctx.reply(f"{problem}\n{question}" if problem else question, buttons)


async def ask_time(ctx: Ctx, plan: PlanDraft, problem: str | None = None) -> None:
    await ctx.save_draft(FLOW, "time", plan.to_data())
    day = plan.day
    assert day is not None
    options = [
        (ctx.tr.hour(moment, ctx.tz), cb.TimePick(moment_local.time()).pack())
        for moment, moment_local in times_ahead(ctx, day)
    ]
    if options:
        question = ctx._("%(day)s. At what time? Tap one, or write it (for example 17:30).") % {
            "day": ctx.tr.day_long(day)
        }
        buttons = chunk(options, 3)
    else:
        question = ctx._(
            "No time is left on %(day)s. Choose another day, or write a later time."
        ) % {"day": ctx.tr.day_long(day)}
        buttons = [[(ctx._("Another day"), cb.AnotherDay().pack())]]
    ctx.reply(f"{problem}\n{question}" if problem else question, buttons)


def times_ahead(ctx: Ctx, day: date) -> list[tuple[datetime, datetime]]:
    """The usual times of `day` that are still ahead; late in a day, the next half hours
    (at least 30 minutes ahead) before midnight instead: only times that can be chosen."""
    zone = ZoneInfo(ctx.tz)
    ahead = []
    for value in COMMON_TIMES:
        moment = appointments.at_local(day, time.fromisoformat(value), ctx.tz)
        if moment > ctx.now:
            ahead.append((moment, moment.astimezone(zone)))
    if len(ahead) >= 3:
        return ahead
    local_now = ctx.now.astimezone(zone)
    if local_now.date() == day:
        slot = (local_now + timedelta(minutes=30)).replace(second=0, microsecond=0)
        slot += timedelta(minutes=(30 - slot.minute % 30) % 30)
        seen = {local for _, local in ahead}
        while len(ahead) < 3 and slot.date() == day:
            if slot not in seen:
                ahead.append((slot.astimezone(ctx.now.tzinfo), slot))
            slot += timedelta(minutes=30)
        ahead.sort()
    return ahead


async def ask_place(ctx: Ctx, plan: PlanDraft, problem: str | None = None) -> None:
    if plan.match_id is None:
        raise NotFound("match")
    last = await appointments.last_place(ctx.session, ctx.me, plan.match_id)
    plan = replace(plan, last_place=last)
    await ctx.save_draft(FLOW, "place", plan.to_data())
    buttons: Buttons = [[(last[:60], cb.LastPlace().pack())]] if last else []
    question = ctx._("Where will you meet? Write the place.")
    ctx.reply(f"{problem}\n{question}" if problem else question, buttons or None)


async def ask_note(ctx: Ctx, plan: PlanDraft, problem: str | None = None) -> None:
    await ctx.save_draft(FLOW, "note", plan.to_data())
    question = ctx._("Anything the family should know or bring? Write a note, or tap Skip.")
    skip = [[(ctx._("Skip"), cb.SkipNote().pack())]]
    ctx.reply(f"{problem}\n{question}" if problem else question, skip)


async def summary(ctx: Ctx, plan: PlanDraft) -> None:
    await ctx.save_draft(FLOW, "confirm", plan.to_data())
    starts = starts_at(ctx, plan)
    lines = [
        ctx._("Please check the meeting:"),
        ctx._("Family: %(family)s") % {"family": isolate(plan.family)},
        ctx._("When: %(when)s") % {"when": ctx.tr.when(starts, ctx.tz)},
        ctx._("Where: %(place)s") % {"place": isolate(plan.place or "")},
    ]
    if plan.note:
        lines.append(ctx._("Note: %(note)s") % {"note": isolate(plan.note)})
    ctx.reply(
        "\n".join(lines),
        [[(ctx._("Confirm"), cb.Confirm().pack()), (ctx._("Discard"), cb.Discard().pack())]],
    )
