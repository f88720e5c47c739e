"""The programme report as documents: its figures worded in the reader's language, each with
how it is computed, as a PDF (HTML through WeasyPrint, whose Pango shapes Arabic, Persian and
Pashto and sets them right to left) and as an XLSX workbook with the same figures, one sheet
per table (written with the exports' cell escaping)."""

from __future__ import annotations

import asyncio
import base64
import html
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from babel.dates import format_date
from sqlalchemy.ext.asyncio import AsyncSession

from bot.charts import Series, bar_chart
from bot.i18n import Translator, translator
from bot.notifications.concerns import CATEGORY_LABELS, HELP_KIND_LABELS, SEVERITY_LABELS
from bot.services import checkins
from bot.services.admin import region_of
from bot.services.exports import Period, SheetWriter, new_workbook
from bot.services.match_cycle import CLOSURE_REASONS
from bot.services.meetings import ACTIVITIES
from bot.services.programme_report import (
    AGE_LABELS,
    ANSWER_LABELS,
    KIND_LABELS,
    STATUS_LABELS,
    Figures,
    Scope,
    figures,
)
from bot.services.progress import DOMAINS
from storage.match_life import ClosureReason
from storage.models import ConcernCategory, HelpKind, Severity

Cell = str | int | float | None


@dataclass
class Table:
    title: str
    how: str
    header: list[str]
    rows: list[list[Any]]
    chart: bytes | None = None


def _month_label(month: str, tr: Translator) -> str:
    year, number = month.split("-")
    return str(format_date(date(int(year), int(number), 1), "LLL y", locale=tr.formats))


def title(f: Figures, tr: Translator, worker_name: str | None = None) -> str:
    if worker_name is not None:
        return tr.gettext("Programme report: caseload of %(worker)s") % {"worker": worker_name}
    return tr.gettext("Programme report: %(organisation)s") % {"organisation": f.scope.org.name}


def period_line(f: Figures, tr: Translator) -> str:
    return tr.gettext("From %(first)s to %(last)s") % {
        "first": tr.day(f.period.first, "long"),
        "last": tr.day(f.period.last, "long"),
    }


def tables(f: Figures, tr: Translator, chart: bytes | None = None) -> list[Table]:
    _ = tr.gettext
    count, share = _("Number"), _("Figure")
    out = [
        Table(
            _("People and families accompanied"),
            _(
                "Families with a match (not only proposed) open at some time in the period; "
                "new: their match started in the period; closed: it closed in the period; "
                "still accompanied: a match open at the end of the period. Mentees are the "
                "members of those families, mentors those of their matches."
            ),
            ["", count],
            [
                [_("Families accompanied"), f.families],
                [_("New families"), f.families_new],
                [_("Families still accompanied at the end"), f.families_active_end],
                [_("Families whose match closed"), f.families_closed],
                [_("Mentees in those families"), f.mentees],
                [_("Mentors of those matches"), f.mentors],
            ],
        ),
        Table(
            _("Meetings and hours per month"),
            _(
                "Meetings the mentors logged, by the day they took place; hours are the sum "
                "of the durations they gave. Wellbeing is the mean of how the mentee seemed "
                "at the meetings where the mentor said (1 very low to 5 very well)."
            ),
            [_("Month"), _("Meetings"), _("Hours"), _("Wellbeing (1-5)")],
            [[_month_label(k, tr), m.meetings, m.hours, m.mood] for k, m in f.months.items()]
            + [[_("Total"), f.meetings, f.hours, None]],
            chart,
        ),
        Table(
            _("Matches by status and age"),
            _(
                "Matches open at some time in the period, by their status today; ages count "
                "from the day a match started to the end of the period, or to the day it "
                "closed."
            ),
            ["", count],
            [[_(STATUS_LABELS[k]), v] for k, v in f.by_status.items()]
            + [[_(AGE_LABELS[k]), v] for k, v in f.by_age.items()],
        ),
        Table(
            _("Activity types"),
            _("Meetings that included each kind of activity (a meeting can include several)."),
            ["", _("Meetings")],
            [[_(label), f.activities.get(code, 0)] for code, label in ACTIVITIES.items()],
        ),
        Table(
            _("Progress by domain"),
            _(
                "Mean rating of the progress reports made in the period, from 1 (needs a lot "
                "of support) to 4 (doing well), and how many reports rated the domain."
            ),
            ["", _("Mean rating (1-4)"), _("Reports")],
            [[_(label), *f.progress.get(code, (0.0, 0))] for code, label in DOMAINS.items()]
            + [[_("Reports asking for more support"), None, f.needs_support]],
        ),
        Table(
            _("Concerns by category and severity"),
            _(
                "Concerns raised in the period. Acknowledged in time: within the "
                "organisation's deadline for the severity, counted over the concerns that "
                "were acknowledged or whose deadline has passed."
            ),
            ["", *[_(SEVERITY_LABELS[s]) for s in Severity], _("Total")],
            [
                [
                    _(CATEGORY_LABELS[c]),
                    *[f.concerns.get((c.value, s.value), 0) for s in Severity],
                    sum(f.concerns.get((c.value, s.value), 0) for s in Severity),
                ]
                for c in ConcernCategory
            ],
        ),
        Table(
            _("Time to acknowledge concerns"),
            _("Minutes from raising a concern to its first acknowledgement."),
            ["", share],
            [
                [_("Acknowledged in time"), f.sla_met],
                [_("Concerns whose deadline counts"), f.sla_due],
                [_("Median minutes to acknowledge"), f.ack_median_minutes],
            ],
        ),
        Table(
            _("Requests for help and answer times"),
            _(
                "Requests made in the period; answered: someone other than the person who "
                "asked wrote in it. Answered in time: within the organisation's target, "
                "counted over the requests answered or whose target has passed."
            ),
            ["", share],
            [[_(HELP_KIND_LABELS[k]), f.help_by_kind.get(k.value, 0)] for k in HelpKind]
            + [
                [_("Answered"), f.help_answered],
                [_("Answered in time"), f.help_in_time],
                [_("Requests whose target counts"), f.help_due],
                [_("Median hours to the first answer"), f.help_median_hours],
            ],
        ),
        Table(
            _("Answers to appointment reminders"),
            _("Answers of the mentees to the reminders of appointments in the period."),
            ["", count],
            [[_(ANSWER_LABELS[k]), v] for k, v in f.answers.items()],
        ),
        Table(
            _("Closures by reason"),
            _(
                "Matches closed in the period, by the reason recorded when they closed; "
                "planned: the goals were reached or the agreed period ended, any other "
                "reason is unplanned."
            ),
            ["", _("Kind"), _("Closures")],
            [
                [_(CLOSURE_REASONS[r]), _(KIND_LABELS[r.kind.value]), f.closures_by_reason[r]]
                for r in ClosureReason
            ]
            + [
                [_("Planned closures"), None, f.closures_by_kind.get("planned", 0)],
                [_("Unplanned closures"), None, f.closures_by_kind.get("unplanned", 0)],
                [_("Total"), None, f.closures],
            ],
        ),
        Table(
            _("Closures that completed every closure step"),
            _(
                "Of the matches closed in the period, those whose record holds every closure "
                "step: planned meetings cancelled, reminders stopped, open offers withdrawn, "
                "contacts no longer shared, goodbyes and exit questions sent, and for an "
                "unplanned closure a new request for the family. Closures from before the "
                "steps were recorded count as not completed."
            ),
            ["", share],
            [
                [_("Closures in the period"), f.closures],
                [_("Completed every closure step"), f.closures_complete],
                [_("Share completed (%)"), f.closures_complete_share],
            ],
        ),
        Table(
            _("Staff check-in compliance per match"),
            _(
                "Staff check-ins against the organisation's cadence (by default MENTOR's: at "
                "least %(first)s contacts with each of the mentor, the mentee and the family "
                "in the first month from the day the match became active, then at least "
                "%(monthly)s in each calendar month that starts after it). For the matches "
                "running in the period, each party's windows that began and ended within the "
                "period, before the day the match closed, count; a window is met with enough "
                "check-ins with that party. A match complies when every window is met."
            )
            % {
                "first": tr.number(checkins.cadence_of(f.scope.org).first_month),
                "monthly": tr.number(checkins.cadence_of(f.scope.org).monthly),
            },
            ["", share],
            [
                [_("Check-ins recorded in the period"), f.checkins],
                [_("Matches with check-ins due"), f.checkin_matches],
                [_("Matches that met every check-in due"), f.checkin_matches_met],
                [_("Share of matches that complied (%)"), f.checkin_share],
                [_("Check-in windows due (per party)"), f.checkin_windows],
                [_("Windows met"), f.checkin_windows_met],
            ],
        ),
    ]
    return out


# --- PDF ----------------------------------------------------------------------------------

CSS = """
@page { size: A4; margin: 16mm 15mm; @bottom-center { content: counter(page); font-size: 8pt; } }
body { font-family: "Noto Sans", "Noto Sans Arabic", "Noto Sans Ethiopic", "Noto Sans Georgian",
       "Noto Sans Bengali", "DejaVu Sans";
       font-size: 9.5pt; color: #1d2733; }
h1 { font-size: 17pt; margin: 0 0 2mm; color: #12436d; }
.sub { color: #4a5866; margin: 0 0 5mm; }
h2 { font-size: 12pt; margin: 6mm 0 1mm; color: #12436d; }
.how { color: #4a5866; font-size: 8.5pt; margin: 0 0 2mm; }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 0.5pt solid #c9d3dd; padding: 1.2mm 2mm; text-align: start; }
td.n, th.n { text-align: end; }
th { background: #eef3f8; }
img.chart { width: 100%; margin: 1mm 0 2mm; }
h2, .how, img.chart { break-after: avoid; }
img.chart, tr { break-inside: avoid; }
"""


def _cell(value: Cell, tr: Translator) -> str:
    if value is None:
        return "–"
    if isinstance(value, int | float):
        return tr.number(value)
    return html.escape(value)


def html_document(f: Figures, tr: Translator, tabs: Sequence[Table], heading: str) -> str:
    parts = [
        f'<!DOCTYPE html><html lang="{tr.locale}" dir="{"rtl" if tr.rtl else "ltr"}">',
        f"<head><meta charset='utf-8'><style>{CSS}</style></head><body>",
        f"<h1>{html.escape(heading)}</h1>",
        f'<p class="sub">{html.escape(period_line(f, tr))}</p>',
    ]
    for t in tabs:
        parts.append(f"<section><h2>{html.escape(t.title)}</h2>")
        parts.append(f'<p class="how">{html.escape(t.how)}</p>')
        if t.chart is not None:
            data = base64.b64encode(t.chart).decode()
            parts.append(f'<img class="chart" alt="" src="data:image/png;base64,{data}">')
        parts.append("<table><thead><tr>")
        parts.extend(
            f'<th class="{"n" if i else ""}">{html.escape(h)}</th>' for i, h in enumerate(t.header)
        )
        parts.append("</tr></thead><tbody>")
        for row in t.rows:
            parts.append("<tr>")
            parts.extend(
                f'<td class="{"n" if i else ""}">{_cell(v, tr)}</td>' for i, v in enumerate(row)
            )
            parts.append("</tr>")
        parts.append("</tbody></table></section>")
    parts.append("</body></html>")
    return "".join(parts)


def pdf(f: Figures, tr: Translator, tabs: Sequence[Table], heading: str) -> bytes:
    from weasyprint import HTML

    document = html_document(f, tr, tabs, heading)
    result: bytes = HTML(string=document).write_pdf()
    return result


# --- XLSX ---------------------------------------------------------------------------------

_SHEET_BAD = re.compile(r"[\[\]:*?/\\']")


def _sheet_name(text: str, taken: set[str]) -> str:
    base = _SHEET_BAD.sub(" ", text).strip()[:28] or "sheet"
    name, n = base, 1
    while name.lower() in taken:
        n += 1
        name = f"{base[:27]} {n}"
    taken.add(name.lower())
    return name


def xlsx(f: Figures, tr: Translator, tabs: Sequence[Table], heading: str) -> bytes:
    workbook = new_workbook()
    taken: set[str] = set()
    for t in tabs:
        sheet = SheetWriter(workbook, _sheet_name(t.title, taken), [heading], max_rows=10_000)
        sheet.append([period_line(f, tr)])
        sheet.append([t.how])
        sheet.append([])
        sheet.append(t.header)
        for row in t.rows:
            sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


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
        categories=[_month_label(k, tr) for k in f.months],
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
