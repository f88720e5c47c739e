"""/figures: the programme report of this or last month or quarter, as a PDF and an XLSX
document. A coordinator gets their organisation's, a worker their own caseload's; the service
decides (bot/services/programme_report.py) and refuses anyone else, on every press."""

from __future__ import annotations

from bot.services import programme_report, report_render
from domain import Role
from handlers.common import Ctx, chunk
from handlers.programme_callbacks import PREFIX, Period, period_code
from handlers.router import Router

STAFF = frozenset({Role.WORKER, Role.COORDINATOR})


async def on_command(ctx: Ctx) -> None:
    await programme_report.scope_for(ctx.session, ctx.me)  # refuses early, before the choice
    ctx.reply(
        ctx._("Which period should the programme report cover?"),
        chunk(
            (
                (ctx._(label), Period(code).pack())
                for code, label in programme_report.PERIODS.items()
            ),
            2,
        ),
    )


async def on_press(ctx: Ctx, args: list[str]) -> None:
    scope = await programme_report.scope_for(ctx.session, ctx.me)
    code = period_code(args)
    first, last = programme_report.period_for(code, programme_report.today_of(scope, ctx.now))
    made = await report_render.make(
        ctx.session,
        ctx.now,
        scope,
        first,
        last,
        ctx.tr.locale,
        worker_name=ctx.me.name if scope.worker_id is not None else None,
    )
    ctx.audit("report.made", ("organisation", scope.org.id), period=code)
    period = ctx._("From %(first)s to %(last)s") % {
        "first": ctx.tr.day(first, "long"),
        "last": ctx.tr.day(last, "long"),
    }
    ctx.edit(
        ctx._("Here is the programme report. %(period)s.") % {"period": period}
        + "\n"
        + ctx._("Each figure says how it is computed. The spreadsheet has the same figures.")
    )
    docs = made.documents
    ctx.send_document(docs.pdf_name, docs.pdf)
    ctx.send_document(docs.xlsx_name, docs.xlsx)


def register(router: Router) -> None:
    router.command("figures", on_command, roles=STAFF)
    router.callback(PREFIX, on_press)
