"""What a mentee can ask and answer: `/next` (their coming meetings), `/contacts` (who to call,
the office, the emergency number) and the one-tap answers on a meeting's card."""

from __future__ import annotations

from bot.i18n import N_, isolate
from bot.notifications.appointments import answer_buttons, mentee_card
from bot.notifications.appointments import callbacks as cb
from bot.services import appointments, contacts, help_lines
from bot.services.errors import Invalid
from domain import Answer, Role
from handlers import concerns_views
from handlers.appointments_ask import refusing
from handlers.common import Ctx
from handlers.router import Router

THANKS = {
    Answer.COMING: N_("Thank you! Your mentors know you will be there."),
    Answer.CANNOT: N_("Thank you for telling us. Your mentors know you cannot come."),
    Answer.RESCHEDULE: N_("Thank you. Your mentors will propose another time."),
}


async def on_next(ctx: Ctx) -> None:
    """Each coming meeting as its own card with the answer buttons (at most three, within
    Telegram's burst for one chat)."""
    views = await appointments.upcoming_for_mentee(ctx.session, ctx.me, ctx.now, limit=4)
    if not views:
        ctx.reply(ctx._("No meetings are planned yet. Your mentors will tell you here."))
        return
    if len(views) > 3:
        views = views[:3]
        ctx.reply(ctx._("Your next three meetings are below. More are planned after them."))
    for view in views:
        answer = view.answer_of(ctx.me.id)
        ctx.reply(
            mentee_card(ctx.tr, ctx.tz, view, "next", answer),
            answer_buttons(ctx.tr, view, answer, "next"),
        )


async def on_answer(ctx: Ctx, args: list[str]) -> None:
    """A press on "I'll be there", "I can't come" or "I'd like another time"."""
    press = cb.AnswerPress.parse(args)
    appointment, given, kind = press.appointment_id, press.answer, press.card
    try:
        done = await appointments.answer(
            ctx.session, ctx.me, appointment, given, ctx.now, sequence=press.sequence
        )
    except Invalid as err:
        if err.code == "appointment_moved":
            view = await appointments.get_for_family(ctx.session, ctx.me, appointment)
            answer = view.answer_of(ctx.me.id)
            ctx.edit(
                mentee_card(ctx.tr, ctx.tz, view, "moved", answer),
                answer_buttons(ctx.tr, view, answer, "moved"),
            )
            ctx.toast(
                ctx._("This meeting has a new time. Please check it and answer again."), alert=True
            )
        elif err.code == "appointment_cancelled":
            ctx.toast(ctx._("This meeting was cancelled."), alert=True)
        else:
            ctx.toast(ctx._("This meeting has already taken place."), alert=True)
        return
    ctx.edit(
        mentee_card(ctx.tr, ctx.tz, done.view, kind, given),
        answer_buttons(ctx.tr, done.view, given, kind),
    )
    ctx.toast(ctx._(THANKS[given]))


async def on_contacts(ctx: Ctx) -> None:
    found = await contacts.for_mentee(ctx.session, ctx.me)
    lines = [f"<b>{ctx._('Your contacts')}</b>"]

    def person_line(contact: contacts.Contact) -> str:
        details = [isolate(d) for d in (contact.phone, contact.email) if d]
        if not details:
            return "• " + ctx._("%(name)s (through the office)") % {"name": isolate(contact.name)}
        return "• " + ctx._("%(name)s: %(details)s") % {
            "name": isolate(contact.name),
            "details": " · ".join(details),
        }

    if found.mentors:
        lines.append(ctx.ngettext("Your mentor:", "Your mentors:", len(found.mentors)))
        lines.extend(person_line(c) for c in found.mentors)
    if found.workers:
        lines.append(
            ctx.ngettext("Your social worker:", "Your social workers:", len(found.workers))
        )
        lines.extend(person_line(c) for c in found.workers)
    if not found.mentors and not found.workers:
        lines.append(ctx._("You have no mentor yet. The office can help you."))
    lines.append("")
    if found.address:
        lines.append(ctx._("Office: %(address)s") % {"address": isolate(found.address)})
    if found.office_hours:
        lines.append(ctx._("Opening hours: %(hours)s") % {"hours": isolate(found.office_hours)})
    if found.office_phone:
        lines.append(ctx._("Office phone: %(phone)s") % {"phone": isolate(found.office_phone)})
    lines.append(
        "<b>" + ctx._("Emergency: %(phone)s") % {"phone": isolate(found.emergency_phone)} + "</b>"
    )
    others = [
        line
        for line in await help_lines.for_person(ctx.session, ctx.me)
        if line.purpose != help_lines.HelpPurpose.EMERGENCY
    ]
    lines.extend(concerns_views.help_line_list(ctx, others))
    ctx.reply("\n".join(lines))


def register(router: Router) -> None:
    mentees = frozenset({Role.MENTEE})
    router.command("next", on_next, roles=mentees)
    router.command("contacts", on_contacts, roles=mentees)
    router.callback(cb.ANSWER_PREFIX, refusing(on_answer), roles=mentees)
