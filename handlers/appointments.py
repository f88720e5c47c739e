"""Planning the next meeting: `/plan` (which match, day, time, place, optional note, confirm),
and the steps of moving one (day, time, confirm; started from `/upcoming`). Entered and shown
in the mentor's timezone; kept in a draft until confirmed."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.i18n import N_, isolate
from bot.services import appointments
from bot.services.appointment_texts import mentor_line, who_is_told
from bot.services.drafts import Draft
from bot.services.errors import Invalid, NotAllowed, NotFound
from domain import Role
from handlers.common import Buttons, Ctx, PressHandler, TextStep, chunk
from handlers.router import Router
from handlers.texts import too_long

FLOW = "plan"
PREFIX = "pl"
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


def _refuse(ctx: Ctx, exc: Exception) -> None:
    ctx.actions.clear()
    data = ctx.update.callback_query.data if ctx.update.callback_query else None
    ctx.audit("access.refused", reason=type(exc).__name__, callback=(data or "")[:64])
    ctx.reply(ctx._("Sorry, that is not available to you."))


async def _match_gone(ctx: Ctx, exc: Invalid) -> None:
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
            _refuse(ctx, exc)
        except Invalid as exc:
            await _match_gone(ctx, exc)

    return guarded


def refusing_text(fn: TextStep) -> TextStep:
    """The same for a typed step (the match may have been closed meanwhile)."""

    async def guarded(ctx: Ctx, draft: Draft, text: str) -> None:
        try:
            await fn(ctx, draft, text)
        except (NotAllowed, NotFound) as exc:
            await ctx.clear_draft()
            _refuse(ctx, exc)
        except Invalid as exc:
            await _match_gone(ctx, exc)

    return guarded


def _int(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise NotFound("malformed id") from None


def _reason(ctx: Ctx, err: Invalid) -> str:
    message = too_long(ctx, err)
    if message is not None:
        return message
    example = ctx.tr.day(ctx.now.date() + timedelta(days=2), "short")
    return ctx._(REASONS.get(err.code, N_("Sorry, that did not work. Please try again."))) % {
        "example": example
    }


def _local_today(ctx: Ctx) -> date:
    return appointments.local_now(ctx.now, ctx.tz).date()


def _starts_at(ctx: Ctx, data: dict[str, object]) -> datetime:
    day = date.fromisoformat(str(data["day"]))
    hours, minutes = str(data["time"]).split(":")
    return appointments.at_local(day, time(int(hours), int(minutes)), ctx.tz)


# --- starting -------------------------------------------------------------------------------


async def on_plan(ctx: Ctx) -> None:
    draft = ctx.draft
    if draft is not None and draft.flow == FLOW:
        ctx.reply(
            ctx._("You have started planning a meeting. Continue, or start over?"),
            [[(ctx._("Continue"), f"{PREFIX}:go"), (ctx._("Start over"), f"{PREFIX}:new")]],
        )
        return
    await _start(ctx)


async def _start(ctx: Ctx) -> None:
    choices = await appointments.matches_of(ctx.session, ctx.me)
    if not choices:
        await ctx.clear_draft()
        ctx.reply(ctx._("You have no active match, so there is nobody to plan a meeting with."))
        return
    if len(choices) == 1:
        await ask_day(
            ctx, {"mode": "new", "match_id": choices[0].id, "family": choices[0].family_name}
        )
        return
    await ctx.save_draft(FLOW, "match", {"mode": "new"})
    ctx.reply(
        ctx._("Which family is the meeting with?"),
        [[(c.family_name, f"{PREFIX}:m:{c.id}")] for c in choices],
    )


async def _on_match(ctx: Ctx, arg: str) -> None:
    choice = next(
        (c for c in await appointments.matches_of(ctx.session, ctx.me) if c.id == _int(arg)), None
    )
    if choice is None:
        raise NotFound("match")
    await ask_day(ctx, {"mode": "new", "match_id": choice.id, "family": choice.family_name})


# --- the steps ------------------------------------------------------------------------------


async def ask_day(ctx: Ctx, data: dict[str, object], problem: str | None = None) -> None:
    await ctx.save_draft(FLOW, "day", data)
    today = _local_today(ctx)
    days = [today + timedelta(days=i) for i in range(DAYS_OFFERED)]
    buttons = chunk(((ctx.tr.day_button(d), f"{PREFIX}:d:{d:%Y%m%d}") for d in days), 2)
    question = ctx._("Which day? Tap one, or write a date.")
    ctx.reply(f"{problem}\n{question}" if problem else question, buttons)


async def _on_day(ctx: Ctx, draft: Draft, day: date) -> None:
    if day < _local_today(ctx):
        await ask_day(ctx, draft.data, _reason(ctx, Invalid("date_past")))
        return
    await _ask_time(ctx, {**draft.data, "day": day.isoformat()})


async def on_day_text(ctx: Ctx, draft: Draft, text: str) -> None:
    try:
        day = appointments.parse_day(text, ctx.tr.formats, ctx.tz, ctx.now)
    except Invalid as err:
        await ask_day(ctx, draft.data, _reason(ctx, err))
        return
    await _on_day(ctx, draft, day)


async def _ask_time(ctx: Ctx, data: dict[str, object], problem: str | None = None) -> None:
    await ctx.save_draft(FLOW, "time", data)
    day = date.fromisoformat(str(data["day"]))
    options = [
        (ctx.tr.hour(moment, ctx.tz), f"{PREFIX}:t:{moment_local:%H%M}")
        for moment, moment_local in _times_ahead(ctx, day)
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
        buttons = [[(ctx._("Another day"), f"{PREFIX}:b")]]
    ctx.reply(f"{problem}\n{question}" if problem else question, buttons)


def _times_ahead(ctx: Ctx, day: date) -> list[tuple[datetime, datetime]]:
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


async def _on_time(ctx: Ctx, draft: Draft, moment: time) -> None:
    data = {**draft.data, "time": moment.strftime("%H:%M")}
    try:
        appointments.check_start(_starts_at(ctx, data), ctx.now)
    except Invalid as err:
        await _ask_time(ctx, draft.data, _reason(ctx, err))
        return
    if data.get("mode") == "move":
        await _summary(ctx, data)
    else:
        await _ask_place(ctx, data)


async def on_time_text(ctx: Ctx, draft: Draft, text: str) -> None:
    try:
        moment = appointments.parse_time(text, ctx.tr.locale)
    except Invalid as err:
        await _ask_time(ctx, draft.data, _reason(ctx, err))
        return
    await _on_time(ctx, draft, moment)


async def _ask_place(ctx: Ctx, data: dict[str, object], problem: str | None = None) -> None:
    last = await appointments.last_place(ctx.session, ctx.me, int(str(data["match_id"])))
    data = {**data, "last_place": last}
    await ctx.save_draft(FLOW, "place", data)
    buttons: Buttons = [[(last[:60], f"{PREFIX}:p")]] if last else []
    question = ctx._("Where will you meet? Write the place.")
    ctx.reply(f"{problem}\n{question}" if problem else question, buttons or None)


async def on_place_text(ctx: Ctx, draft: Draft, text: str) -> None:
    try:
        place = appointments.clean_place(text)
    except Invalid as err:
        await _ask_place(ctx, draft.data, _reason(ctx, err))
        return
    await _ask_note(ctx, {**draft.data, "place": place})


async def _ask_note(ctx: Ctx, data: dict[str, object], problem: str | None = None) -> None:
    await ctx.save_draft(FLOW, "note", data)
    question = ctx._("Anything the family should know or bring? Write a note, or tap Skip.")
    ctx.reply(f"{problem}\n{question}" if problem else question, [[(ctx._("Skip"), f"{PREFIX}:n")]])


async def on_note_text(ctx: Ctx, draft: Draft, text: str) -> None:
    try:
        note = appointments.clean_note(text)
    except Invalid as err:
        await _ask_note(ctx, draft.data, _reason(ctx, err))
        return
    await _summary(ctx, {**draft.data, "note": note})


async def _summary(ctx: Ctx, data: dict[str, object]) -> None:
    await ctx.save_draft(FLOW, "confirm", data)
    starts = _starts_at(ctx, data)
    lines = [
        ctx._("Please check the meeting:"),
        ctx._("Family: %(family)s") % {"family": isolate(str(data.get("family", "")))},
        ctx._("When: %(when)s") % {"when": ctx.tr.when(starts, ctx.tz)},
        ctx._("Where: %(place)s") % {"place": isolate(str(data.get("place", "")))},
    ]
    if data.get("note"):
        lines.append(ctx._("Note: %(note)s") % {"note": isolate(str(data["note"]))})
    ctx.reply(
        "\n".join(lines),
        [[(ctx._("Confirm"), f"{PREFIX}:ok"), (ctx._("Discard"), f"{PREFIX}:no")]],
    )


async def _confirm(ctx: Ctx, draft: Draft) -> None:
    data = draft.data
    try:
        if data.get("mode") == "move":
            view = await appointments.move(
                ctx.session, ctx.me, int(data["appointment_id"]), _starts_at(ctx, data), ctx.now
            )
        else:
            view = await appointments.create(
                ctx.session,
                ctx.me,
                int(data["match_id"]),
                _starts_at(ctx, data),
                str(data.get("place", "")),
                _opt(data.get("note")),
                ctx.now,
            )
    except Invalid as err:
        if err.code in ("time_past", "date_too_far"):
            await _ask_time(ctx, data, _reason(ctx, err))
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


# --- buttons --------------------------------------------------------------------------------


async def on_plan_press(ctx: Ctx, args: list[str]) -> None:
    action, arg = ([*args, "", ""])[:2]
    draft = ctx.draft if ctx.draft is not None and ctx.draft.flow == FLOW else None
    if action == "new":
        await ctx.clear_draft()
        await _start(ctx)
        return
    if draft is None:
        ctx.stale(ctx._("This planning is over. Send /plan to plan a meeting."))
        return
    if action == "go":
        await _resume(ctx, draft)
    elif action == "m" and draft.state == "match":
        await _on_match(ctx, arg)
    elif action == "d" and draft.state == "day":
        try:
            day = datetime.strptime(arg, "%Y%m%d").date()
        except ValueError:
            raise NotFound("malformed day") from None
        await _on_day(ctx, draft, day)
    elif action == "b" and draft.state == "time":
        await ask_day(ctx, {k: v for k, v in draft.data.items() if k != "day"})
    elif action == "t" and draft.state == "time":
        try:
            moment = datetime.strptime(arg, "%H%M").time()
        except ValueError:
            raise NotFound("malformed time") from None
        await _on_time(ctx, draft, moment)
    elif action == "p" and draft.state == "place" and draft.data.get("last_place"):
        await _ask_note(ctx, {**draft.data, "place": draft.data["last_place"]})
    elif action == "n" and draft.state == "note":
        await _summary(ctx, {**draft.data, "note": None})
    elif action == "ok" and draft.state == "confirm":
        await _confirm(ctx, draft)
    elif action == "no":
        await ctx.clear_draft()
        ctx.edit(ctx._("Discarded. Nothing was saved."))
    else:
        ctx.toast(ctx._("That button belongs to an earlier step."))


async def _resume(ctx: Ctx, draft: Draft) -> None:
    data, state = draft.data, draft.state
    if state == "day":
        await ask_day(ctx, data)
    elif state == "time":
        await _ask_time(ctx, data)
    elif state == "place":
        await _ask_place(ctx, data)
    elif state == "note":
        await _ask_note(ctx, data)
    elif state == "confirm":
        await _summary(ctx, data)
    else:
        await _start(ctx)


def register(router: Router) -> None:
    mentors = frozenset({Role.MENTOR})
    router.command("plan", on_plan, roles=mentors)
    router.callback(PREFIX, refusing(on_plan_press), roles=MANAGERS)
    router.text_step(FLOW, "day", refusing_text(on_day_text))
    router.text_step(FLOW, "time", refusing_text(on_time_text))
    router.text_step(FLOW, "place", refusing_text(on_place_text))
    router.text_step(FLOW, "note", refusing_text(on_note_text))
