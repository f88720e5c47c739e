"""The quiet matches in /pending (for workers and coordinators): the ones with no logged meeting
for the organisation's first quiet threshold, those needing attention first, as /matches
ranks them (bot/services/caseload.py), each with a button that opens its card."""

from __future__ import annotations

from bot.i18n import isolate
from bot.services import caseload
from bot.services.caseload import Filter
from domain import Role
from handlers import matches as match_cards
from handlers.common import Buttons, Ctx

SHOWN = 5
ROLES = frozenset({Role.WORKER, Role.COORDINATOR})


async def section(ctx: Ctx) -> tuple[list[str], Buttons]:
    """The lines and buttons of the quiet matches the reader may see; nothing for others."""
    if ctx.me.role not in ROLES:
        return [], []
    page = await caseload.page_of(
        ctx.session, ctx.me, ctx.now, tz=ctx.tz, filter=Filter.QUIET, page_size=SHOWN
    )
    if not page.total:
        return [], []
    lines = ["<b>" + ctx._("Quiet matches") + "</b>"]
    buttons: Buttons = []
    for h in page.lines:
        since = (
            ctx.ngettext(
                "no meeting logged, started %(n)s day ago",
                "no meeting logged, started %(n)s days ago",
                h.quiet_days,
            )
            if h.last_meeting is None
            else ctx.ngettext(
                "last meeting %(n)s day ago", "last meeting %(n)s days ago", h.quiet_days
            )
        ) % {"n": ctx.tr.number(h.quiet_days)}
        head = ctx._("<b>No. %(match)s · %(family)s</b>") % {
            "match": h.match_id,
            "family": isolate(h.family_name),
        }
        lines.append(f"🔕 {head}: {since}")
        buttons.append(
            [
                (
                    ctx._("Open no. %(match)s · %(family)s")
                    % {"match": h.match_id, "family": h.family_name},
                    match_cards.card_data(h.match_id),
                )
            ]
        )
    if page.total > SHOWN:
        lines.append(
            ctx.ngettext(
                "… and %(n)s more: send /matches",
                "… and %(n)s more: send /matches",
                page.total - SHOWN,
            )
            % {"n": ctx.tr.number(page.total - SHOWN)}
        )
    return lines, buttons
