"""/match N and the "Open the match" button (`mt:<match_id>`, the typed press
`bot.notifications.matches.OpenMatch`): a match's card for staff, in the reader's language
and timezone. The service re-checks on every press that the reader is staff of the match's
organisation."""

from __future__ import annotations

from bot.i18n import N_, isolate
from bot.notifications.matches import MATCH_PREFIX, OpenMatch, open_match
from bot.services import matches
from bot.services.progress import RATINGS, RELATIONSHIP_LABELS
from domain import MatchStatus, Role
from handlers import checkins
from handlers.common import Ctx
from handlers.router import Router

PREFIX = MATCH_PREFIX
card_data = open_match  # the data of a button that opens a match's card (`OpenMatch`)
STAFF = frozenset({Role.WORKER, Role.COORDINATOR, Role.ADMIN})
STATUS_LABELS: dict[MatchStatus, str] = {
    MatchStatus.PROPOSED: N_("The match is proposed and has not started yet."),
    MatchStatus.ACTIVE: N_("The match is active."),
    MatchStatus.CLOSED: N_("The match is closed."),
}


def render(ctx: Ctx, card: matches.MatchCard) -> str:
    _, tr = ctx._, ctx.tr
    lines = [
        _("<b>Match no. %(match)s: the %(family)s family</b>")
        % {"match": card.id, "family": isolate(card.family_name)},
        _(STATUS_LABELS[card.status]),
        _("Started on %(day)s") % {"day": tr.day(card.started_on)},
        _("Family members: %(names)s") % {"names": tr.join([isolate(n) for n in card.members])}
        if card.members
        else _("No family member is registered."),
        _("Mentors: %(names)s") % {"names": tr.join([isolate(n) for n in card.mentors])}
        if card.mentors
        else _("The match has no mentor."),
        _("Referring worker: %(name)s") % {"name": isolate(card.worker_name)},
        "",
        _("<b>Latest meetings</b>"),
    ]
    for seen in card.meetings:
        lines.append(
            _("%(day)s · %(mentor)s · %(duration)s")
            % {
                "day": tr.day(seen.occurred_on),
                "mentor": isolate(seen.mentor_name),
                "duration": tr.duration(seen.duration_minutes),
            }
        )
    if not card.meetings:
        lines.append(_("No meeting logged yet."))
    lines += ["", _("<b>Latest progress report</b>")]
    report = card.report
    if report is None:
        lines.append(_("No progress report yet."))
    else:
        lines.append(
            _("%(day)s, from %(mentor)s")
            % {"day": tr.day(report.created_at, tz=ctx.tz), "mentor": isolate(report.mentor_name)}
        )
        lines.append(
            _("How the relationship is going: %(rating)s/%(scale)s · %(label)s")
            % {
                "rating": tr.number(report.relationship),
                "scale": tr.number(len(RATINGS)),
                "label": _(RELATIONSHIP_LABELS.get(report.relationship, "")),
            }
        )
        lines.append(
            _("⚠️ The mentor asks for support from staff.")
            if report.needs_support
            else _("The mentor does not need support from staff.")
        )
    lines += [
        "",
        _("Open concerns: %(n)s") % {"n": tr.number(card.open_concerns)},
        _("Open help requests: %(n)s") % {"n": tr.number(card.open_help_requests)},
    ]
    return "\n".join(lines)


async def _show(ctx: Ctx, match_id: int) -> None:
    card = await matches.match_card(ctx.session, ctx.me, match_id, ctx.now)
    ctx.audit("match.viewed", ("match", card.id))
    buttons = [[checkins.record_button(ctx, card.id)]] if ctx.me.role in checkins.ROLES else None
    ctx.reply(render(ctx, card), buttons)


async def on_command(ctx: Ctx) -> None:
    args = ctx.context.args or []
    if len(args) != 1 or not args[0].isdigit():
        ctx.reply(_usage(ctx))
        return
    await _show(ctx, int(args[0]))


def _usage(ctx: Ctx) -> str:
    return ctx._("Send /match and the match's number, for example: /match 12")


async def on_press(ctx: Ctx, args: list[str]) -> None:
    if len(args) != 1:
        ctx.toast(ctx._("Sorry, that is not available to you."))
        return
    await _show(ctx, OpenMatch.unpack(args).match_id)


def register(router: Router) -> None:
    router.command("match", on_command, roles=STAFF)
    router.callback(PREFIX, on_press)
