"""/matches: a worker's caseload or a coordinator's organisation, a page at a time, each match
with its health line and a button that opens its card; filters and pages are buttons
(`ml:<filter>:<page>`, handlers/caseload_callbacks.py). The service decides what the reader may
list; a forged press can only ask for another page of the reader's own list."""

from __future__ import annotations

from bot.i18n import N_, isolate
from bot.services import caseload
from bot.services.caseload import Filter, Health
from bot.services.errors import NotFound
from domain import Role
from handlers import checkins
from handlers import matches as match_cards
from handlers.caseload_callbacks import PREFIX, ListPage, parse
from handlers.common import Buttons, Ctx
from handlers.router import Router

ROLES = frozenset({Role.WORKER, Role.COORDINATOR})
FILTER_LABELS: dict[Filter, str] = {
    Filter.ALL: N_("All"),
    Filter.QUIET: N_("Quiet"),
    Filter.REPORT: N_("Report overdue"),
    Filter.CONCERN: N_("Open concern"),
    Filter.CHECKIN: N_("Check-in overdue"),
}


def list_data(filter: Filter, page: int) -> str:
    return ListPage(filter, page).pack()


def health_lines(ctx: Ctx, h: Health, quiet_after: int) -> list[str]:
    _, tr = ctx._, ctx.tr
    head = _("<b>No. %(match)s · %(family)s</b>") % {
        "match": h.match_id,
        "family": isolate(h.family_name),
    }
    first: list[str] = []
    if h.last_meeting is None:
        first.append(
            ctx.ngettext(
                "no meeting logged, started %(n)s day ago",
                "no meeting logged, started %(n)s days ago",
                h.quiet_days,
            )
            % {"n": tr.number(h.quiet_days)}
        )
    else:
        first.append(
            ctx.ngettext("last meeting %(n)s day ago", "last meeting %(n)s days ago", h.quiet_days)
            % {"n": tr.number(h.quiet_days)}
        )
    first.append(
        ctx.ngettext(
            "this month %(n)s meeting, %(time)s",
            "this month %(n)s meetings, %(time)s",
            h.meetings_this_month,
        )
        % {"n": tr.number(h.meetings_this_month), "time": tr.duration(h.minutes_this_month)}
    )
    second: list[str] = []
    if h.next_appointment is not None:
        second.append(_("next %(when)s") % {"when": tr.when(h.next_appointment, ctx.tz)})
    else:
        second.append(_("nothing planned"))
    if h.report_overdue_days is not None:
        second.append(
            _("report due")
            if h.report_overdue_days < 0
            else ctx.ngettext(
                "report overdue by %(n)s day",
                "report overdue by %(n)s days",
                h.report_overdue_days,
            )
            % {"n": tr.number(h.report_overdue_days)}
        )
    third: list[str] = []
    if h.open_concerns:
        third.append(
            ctx.ngettext("%(n)s open concern", "%(n)s open concerns", h.open_concerns)
            % {"n": tr.number(h.open_concerns)}
        )
    if h.open_help:
        third.append(
            ctx.ngettext("%(n)s open help request", "%(n)s open help requests", h.open_help)
            % {"n": tr.number(h.open_help)}
        )
    if h.answers_coming or h.answers_cannot or h.answers_none:
        third.append(
            _("family's answers: %(yes)s confirmed, %(no)s can't come, %(none)s no answer")
            % {
                "yes": tr.number(h.answers_coming),
                "no": tr.number(h.answers_cannot),
                "none": tr.number(h.answers_none),
            }
        )
    if h.checkins_overdue:
        third.append(checkins.overdue_text(ctx, h.checkins_overdue))
    if h.unreachable:
        third.append(
            ctx.ngettext("%(n)s person unreachable", "%(n)s people unreachable", h.unreachable)
            % {"n": tr.number(h.unreachable)}
        )
    quiet = "🔕 " if h.last_meeting is None or h.quiet_days >= quiet_after else ""
    out = [head, quiet + " · ".join(first), " · ".join(second)]
    if third:
        out.append("⚠️ " + " · ".join(third))
    return out


def render(ctx: Ctx, page: caseload.Page) -> tuple[str, Buttons]:
    _ = ctx._
    if ctx.me.role == Role.WORKER:
        title = _("<b>Your caseload</b>")
    else:
        title = _("<b>The programme's matches</b>")
    lines = [title]
    if page.filter != Filter.ALL:
        lines.append(_("Showing: %(filter)s") % {"filter": _(FILTER_LABELS[page.filter])})
    lines.append(
        _("Page %(page)s of %(pages)s · %(total)s matches, those needing attention first")
        % {
            "page": ctx.tr.number(page.page + 1),
            "pages": ctx.tr.number(page.pages),
            "total": ctx.tr.number(page.total),
        }
    )
    if not page.lines:
        lines += ["", _("No match to show.")]
    buttons: Buttons = []
    for h in page.lines:
        lines += ["", *health_lines(ctx, h, page.quiet_after)]
        buttons.append(
            [
                (
                    _("Open no. %(match)s · %(family)s")
                    % {"match": h.match_id, "family": h.family_name},
                    match_cards.card_data(h.match_id),
                )
            ]
        )
    nav = []
    if page.page > 0:
        nav.append(("◀️", list_data(page.filter, page.page - 1)))
    if page.page + 1 < page.pages:
        nav.append(("▶️", list_data(page.filter, page.page + 1)))
    if nav:
        buttons.append(nav)
    buttons.append(
        [
            (("• " if f == page.filter else "") + _(label), list_data(f, 0))
            for f, label in FILTER_LABELS.items()
        ]
    )
    return "\n".join(lines), buttons


async def _show(ctx: Ctx, filter: Filter, number: int) -> None:
    page = await caseload.page_of(
        ctx.session, ctx.me, ctx.now, tz=ctx.tz, filter=filter, page=number
    )
    text, buttons = render(ctx, page)
    ctx.edit(text, buttons)


async def on_command(ctx: Ctx) -> None:
    await _show(ctx, Filter.ALL, 0)


async def on_press(ctx: Ctx, args: list[str]) -> None:
    try:
        press = parse(args)
    except NotFound:
        ctx.toast(ctx._("Sorry, that is not available to you."))
        return
    await _show(ctx, press.filter, press.page)


def register(router: Router) -> None:
    router.command("matches", on_command, roles=ROLES)
    router.callback(PREFIX, on_press, roles=ROLES)
