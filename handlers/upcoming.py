"""The mentors' view of planned meetings: `/upcoming`, each meeting with Move and Cancel."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.notifications.appointments import AppointmentView, mentor_line, who_is_told
from bot.notifications.appointments import callbacks as cb
from bot.services import appointments
from bot.services.errors import Invalid
from domain import Role
from handlers.appointments_ask import MANAGERS, ask_day, refusing
from handlers.appointments_draft import PlanDraft
from handlers.common import Buttons, Ctx
from handlers.router import Router

LIMIT = 5


def _manage_buttons(ctx: Ctx, views: list[AppointmentView]) -> Buttons:
    rows: Buttons = []
    for view in views:
        day = ctx.tr.day_button(view.starts_at, ctx.tz)
        rows.append([
            (ctx._("Move %(day)s") % {"day": day}, cb.Move(view.id).pack()),
            (ctx._("Cancel %(day)s") % {"day": day}, cb.Cancel(view.id).pack()),
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


async def _on_keep(ctx: Ctx) -> None:
    ctx.edit(ctx._("The meeting stays as it is."))


async def _on_move(ctx: Ctx, view: AppointmentView) -> None:
    await ask_day(ctx, PlanDraft(
        match_id=view.match_id, family=view.family_name, moving=True, appointment_id=view.id,
        place=view.place, note=view.note,
    ))  # fmt: skip


async def _on_cancel(ctx: Ctx, view: AppointmentView) -> None:
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
                (ctx._("Yes, cancel it"), cb.CancelConfirmed(view.id).pack()),
                (ctx._("No, keep it"), cb.Keep().pack()),
            ]
        ],
    )


async def _on_cancel_confirmed(ctx: Ctx, view: AppointmentView) -> None:
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


# Each Move and Cancel button on a meeting, and its handler (given the meeting, re-checked).
PRESSES: dict[type[cb.Manage], Callable[[Ctx, AppointmentView], Awaitable[None]]] = {
    cb.Move: _on_move,
    cb.Cancel: _on_cancel,
    cb.CancelConfirmed: _on_cancel_confirmed,
}


async def on_manage_press(ctx: Ctx, args: list[str]) -> None:
    """Every `ap:` button: parsed by `bot.notifications.appointments.callbacks` (a malformed
    one is NotFound); the meeting is read again for this person before anything is done."""
    press = cb.parse_manage(args)
    if isinstance(press, cb.Keep):
        await _on_keep(ctx)
        return
    view = await appointments.get_for_manager(ctx.session, ctx.me, press.appointment_id)
    await PRESSES[type(press)](ctx, view)


def register(router: Router) -> None:
    router.command("upcoming", on_upcoming, roles=frozenset({Role.MENTOR}))
    router.callback(cb.MANAGE_PREFIX, refusing(on_manage_press), roles=MANAGERS)
