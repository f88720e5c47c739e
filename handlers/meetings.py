"""/mymatches (each match, its people, and who met the family lately) and /mylogs (the mentor's
own recent meetings, each with an Edit button that opens the /log conversation)."""

from __future__ import annotations

from bot.i18n import isolate
from bot.notifications import meetings as cb
from bot.services import meetings
from bot.services.meetings import ACTIVITIES, EDIT_WINDOW_DAYS
from domain import Role
from handlers import meetings_log
from handlers.common import Buttons, Ctx
from handlers.router import Router

MENTOR = frozenset({Role.MENTOR})
MAX_LISTED = 20  # /mylogs: the newest meetings of the window


async def on_mymatches(ctx: Ctx) -> None:
    matches = await meetings.overview(ctx.session, ctx.me)
    if not matches:
        ctx.reply(ctx._("You have no active match at the moment."))
        return
    blocks = []
    for match in matches:
        lines = [ctx._("<b>The %(family)s family</b>") % {"family": isolate(match.family_name)}]
        if match.co_mentors:
            names = ctx.tr.join([isolate(n) for n in match.co_mentors])
            lines.append(ctx._("Mentors with you: %(names)s") % {"names": names})
        else:
            lines.append(ctx._("You are this family's only mentor."))
        lines.append(ctx._("Referring worker: %(name)s") % {"name": isolate(match.worker_name)})
        if not match.latest:
            lines.append(ctx._("No meeting logged yet."))
        for seen in match.latest:
            values = {"name": isolate(seen.mentor_name), "day": ctx.tr.day_long(seen.occurred_on)}
            if seen.mentor_id == ctx.me.id:
                lines.append("• " + ctx._("You met the family on %(day)s") % values)
            else:
                lines.append("• " + ctx._("%(name)s met the family on %(day)s") % values)
        blocks.append("\n".join(lines))
    ctx.reply("\n\n".join(blocks))


async def on_mylogs(ctx: Ctx) -> None:
    mine = await meetings.recent_own(ctx.session, ctx.now, ctx.tz, ctx.me)
    if not mine:
        ctx.reply(
            ctx.ngettext(
                "You have logged no meeting in the last %(num)d day. Send /log to log one.",
                "You have logged no meeting in the last %(num)d days. Send /log to log one.",
                EDIT_WINDOW_DAYS,
            )
            % {"num": EDIT_WINDOW_DAYS}
        )
        return
    head = ctx.ngettext(
        "<b>Your meetings of the last %(num)d day</b> (tap one to correct it):",
        "<b>Your meetings of the last %(num)d days</b> (tap one to correct it):",
        EDIT_WINDOW_DAYS,
    ) % {"num": EDIT_WINDOW_DAYS}
    lines = [head]
    buttons: Buttons = []
    for n, view in enumerate(mine[:MAX_LISTED], start=1):
        acts = ctx.tr.join([ctx._(ACTIVITIES[a]) for a in view.activities if a in ACTIVITIES])
        lines.append(
            ctx._("%(n)s. %(day)s · %(family)s · %(duration)s · %(activities)s")
            % {
                "n": ctx.tr.number(n),
                "day": ctx.tr.day(view.occurred_on),
                "family": isolate(view.family_name),
                "duration": ctx.tr.duration(view.duration_minutes),
                "activities": acts,
            }
        )
        label = ctx._("Edit %(n)s · %(day)s") % {
            "n": ctx.tr.number(n),
            "day": ctx.tr.day(view.occurred_on, "short"),
        }
        buttons.append([(label, cb.EditMeeting(view.id).pack())])
    ctx.reply("\n".join(lines), buttons)


def register(router: Router) -> None:
    router.command("mymatches", on_mymatches, roles=MENTOR)
    router.command("mylogs", on_mylogs, roles=MENTOR)
    meetings_log.register(router)
