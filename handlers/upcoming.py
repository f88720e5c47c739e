"""The mentors' view of planned meetings: `/upcoming`, each meeting with Move and Cancel."""

from __future__ import annotations

from bot.services import appointments
from bot.services.appointment_texts import AppointmentView, mentor_line, who_is_told
from bot.services.appointments import MANAGE_PREFIX
from bot.services.errors import Invalid, NotFound
from domain import Role
from handlers.appointments import MANAGERS, ask_day, refusing
from handlers.common import Buttons, Ctx
from handlers.router import Router

LIMIT = 5


def _int(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise NotFound("malformed id") from None


def _manage_buttons(ctx: Ctx, views: list[AppointmentView]) -> Buttons:
    rows: Buttons = []
    for view in views:
        day = ctx.tr.day_button(view.starts_at, ctx.tz)
        rows.append([
            (ctx._("Move %(day)s") % {"day": day}, f"{MANAGE_PREFIX}:m:{view.id}"),
            (ctx._("Cancel %(day)s") % {"day": day}, f"{MANAGE_PREFIX}:c:{view.id}"),
        ])  # fmt: skip
    return rows


async def on_upcoming(ctx: Ctx) -> None:
    """One message (so that a long list does not hit Telegram's flood limits): the meetings,
    then a Move and a Cancel button for each."""
    views = await appointments.upcoming_for_manager(ctx.session, ctx.me, ctx.now, LIMIT)
    if not views:
        ctx.reply(ctx._("No meetings are planned. Send /plan to plan one."))
        return
    blocks = [ctx._("Your planned meetings:")]
    blocks.extend(mentor_line(ctx.tr, ctx.tz, view) for view in views)
    ctx.reply("\n\n".join(blocks), _manage_buttons(ctx, views))


async def on_manage_press(ctx: Ctx, args: list[str]) -> None:
    action, arg = ([*args, "", ""])[:2]
    if action == "k":
        ctx.edit(ctx._("The meeting stays as it is."))
        return
    view = await appointments.get_for_manager(ctx.session, ctx.me, _int(arg))
    if action == "m":
        await ask_day(ctx, {
            "mode": "move", "appointment_id": view.id, "match_id": view.match_id,
            "family": view.family_name, "place": view.place, "note": view.note,
        })  # fmt: skip
    elif action == "c":
        told = who_is_told(ctx.tr, view, done=False)
        ctx.edit(
            (
                ctx._("Cancel this meeting? The family will be told.")
                if told is None
                else ctx._("Cancel this meeting?") + "\n" + told
            )
            + "\n"
            + mentor_line(ctx.tr, ctx.tz, view),
            [
                [
                    (ctx._("Yes, cancel it"), f"{MANAGE_PREFIX}:y:{view.id}"),
                    (ctx._("No, keep it"), f"{MANAGE_PREFIX}:k"),
                ]
            ],
        )
    elif action == "y":
        try:
            view = await appointments.cancel(ctx.session, ctx.me, view.id, ctx.now)
        except Invalid as err:
            if err.code == "appointment_passed":
                ctx.edit(ctx._("This meeting has already taken place."))
            else:
                ctx.edit(ctx._("This meeting was already cancelled."))
            return
        told = who_is_told(ctx.tr, view, done=True)
        when = {"when": ctx.tr.when(view.starts_at, ctx.tz)}
        ctx.edit(
            ctx._("Cancelled: %(when)s. The family is told.") % when
            if told is None
            else ctx._("Cancelled: %(when)s.") % when + "\n" + told
        )
    else:
        raise NotFound("no such action")


def register(router: Router) -> None:
    router.command("upcoming", on_upcoming, roles=frozenset({Role.MENTOR}))
    router.callback(MANAGE_PREFIX, refusing(on_manage_press), roles=MANAGERS)
