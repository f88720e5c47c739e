"""What /checkin shows outside its conversation: the labels, the buttons' callback data, the
"Record a check-in" button, the overdue lines of /matches and /pending."""

from __future__ import annotations

from bot.i18n import NP_, isolate
from bot.services import checkins
from domain import CheckInHow, CheckInParty, Role
from handlers.common import Buttons, Ctx

PREFIX = "ck"
ROLES = frozenset({Role.WORKER, Role.COORDINATOR})
PARTY_LABELS: dict[CheckInParty, str] = {
    # Translators: whom a member of staff contacted about a match (lower case, in a list).
    CheckInParty.MENTOR: NP_("check-in party", "mentor"),
    CheckInParty.MENTEE: NP_("check-in party", "mentee"),
    CheckInParty.FAMILY: NP_("check-in party", "the family"),
}
HOW_LABELS: dict[CheckInHow, str] = {
    # Translators: buttons: how a member of staff contacted someone.
    CheckInHow.PHONE: NP_("check-in how", "Phone call"),
    CheckInHow.VISIT: NP_("check-in how", "Visit"),
    CheckInHow.MESSAGE: NP_("check-in how", "Message"),
    CheckInHow.GROUP: NP_("check-in how", "Group session"),
}
PENDING_LISTED = 10


def data(action: str, *args: object) -> str:
    """The callback data of a check-in button."""
    return ":".join([PREFIX, action, *(str(a) for a in args)])


def start_data(match_id: int) -> str:
    """One tap into /checkin for this match (match cards, closed concerns and help)."""
    return data("s", match_id)


def record_button(ctx: Ctx, match_id: int) -> tuple[str, str]:
    return ctx._("Record a check-in"), start_data(match_id)


async def proposal(
    ctx: Ctx, *, concern_id: int | None = None, help_id: int | None = None
) -> Buttons | None:
    """The "Record a check-in" button offered once staff closed a concern or a help thread
    of a match they may record check-ins for."""
    match_id = await checkins.proposed_after_closing(
        ctx.session, ctx.me, concern_id=concern_id, help_id=help_id
    )
    return None if match_id is None else [[record_button(ctx, match_id)]]


def party_label(ctx: Ctx, party: CheckInParty) -> str:
    return ctx._(PARTY_LABELS[party])


def overdue_text(ctx: Ctx, parties: tuple[CheckInParty, ...]) -> str:
    """ "check-in overdue: mentor, the family" (a line of /matches and /pending)."""
    return ctx._("check-in overdue: %(parties)s") % {
        "parties": ctx.tr.join([party_label(ctx, p) for p in parties])
    }


async def pending_lines(ctx: Ctx) -> list[str]:
    """/pending's section on overdue check-ins (workers and coordinators)."""
    if ctx.me.role not in ROLES:
        return []
    total, found = await checkins.overdue(
        ctx.session, ctx.me, checkins.local_today(ctx.now, ctx.tz), limit=PENDING_LISTED
    )
    if not total:
        return []
    lines = ["<b>" + ctx._("Check-ins overdue") + "</b>"]
    for item in found:
        lines.append(
            ctx._("No. %(match)s · %(family)s: %(overdue)s")
            % {
                "match": item.match_id,
                "family": isolate(item.family_name),
                "overdue": overdue_text(ctx, item.parties),
            }
        )
    if total > len(found):
        lines.append(
            ctx.ngettext(
                "and %(n)s more match: send /matches and choose Check-in overdue.",
                "and %(n)s more matches: send /matches and choose Check-in overdue.",
                total - len(found),
            )
            % {"n": ctx.tr.number(total - len(found))}
        )
    return lines
