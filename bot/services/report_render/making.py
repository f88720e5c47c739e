"""Making the report's documents: count the period's figures, draw the chart, write the PDF
and the XLSX."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.charts import Series, bar_chart
from bot.i18n import Translator, translator
from bot.services.admin import region_of
from bot.services.exports import Period
from bot.services.programme_report import Figures, Scope, figures
from bot.services.report_render.html_pdf import pdf
from bot.services.report_render.tables import month_label, tables, title
from bot.services.report_render.workbook import xlsx


@dataclass(frozen=True)
class Documents:
    name: str  # "programme-report_2026-01-01_2026-03-31"
    pdf: bytes
    xlsx: bytes

    @property
    def pdf_name(self) -> str:
        return self.name + ".pdf"

    @property
    def xlsx_name(self) -> str:
        return self.name + ".xlsx"


def meetings_chart(f: Figures, tr: Translator) -> bytes:
    """Meetings and hours per month, as bars (bot/charts.py, the project's one chart module)."""
    _ = tr.gettext
    return bar_chart(
        title=_("Meetings and hours per month"),
        categories=[month_label(k, tr) for k in f.months],
        series=[
            Series(_("Meetings"), [m.meetings for m in f.months.values()]),
            Series(_("Hours"), [m.hours for m in f.months.values()]),
        ],
        locale=tr.locale,
    )


def documents(f: Figures, tr: Translator, *, worker_name: str | None = None) -> Documents:
    heading = title(f, tr, worker_name)
    tabs = tables(f, tr, meetings_chart(f, tr))
    name = f"programme-report_{f.period.first}_{f.period.last}"
    return Documents(name, pdf(f, tr, tabs, heading), xlsx(f, tr, tabs, heading))


@dataclass(frozen=True)
class Made:
    figures: Figures
    documents: Documents


async def make(
    session: AsyncSession,
    now: datetime,
    scope: Scope,
    first: date,
    last: date,
    locale: str,
    *,
    worker_name: str | None = None,
) -> Made:
    """Count the period's figures, then write the PDF and the XLSX (in a worker thread: the
    layout takes a moment and must not hold up the event loop)."""
    period = Period.of(first, last, scope.org.timezone)
    found = await figures(session, now, scope, period)
    tr = translator(locale, region_of(scope.org.timezone))
    docs = await asyncio.to_thread(documents, found, tr, worker_name=worker_name)
    return Made(found, docs)
