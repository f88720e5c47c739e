"""The programme report's tables: its figures worded in the reader's language, each with how
it is computed (drawn by `html_pdf` and `workbook`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from babel.dates import format_date

from bot.i18n import Translator
from bot.notifications.concerns import CATEGORY_LABELS, HELP_KIND_LABELS, SEVERITY_LABELS
from bot.services import checkins
from bot.services.match_cycle import CLOSURE_REASONS
from bot.services.meetings import ACTIVITIES
from bot.services.programme_report import (
    AGE_LABELS,
    ANSWER_LABELS,
    KIND_LABELS,
    STATUS_LABELS,
    Figures,
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


def month_label(month: str, tr: Translator) -> str:
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
    """The report's tables, in order; `chart` goes with the meetings per month."""
    return [
        _people(f, tr),
        _meetings(f, tr, chart),
        _matches(f, tr),
        _activities(f, tr),
        _progress(f, tr),
        _concerns(f, tr),
        _acknowledgement(f, tr),
        _help_requests(f, tr),
        _answers(f, tr),
        _closures(f, tr),
        _closure_steps(f, tr),
        _check_ins(f, tr),
    ]


def _people(f: Figures, tr: Translator) -> Table:
    _ = tr.gettext
    count = _("Number")
    return Table(
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
    )


def _meetings(f: Figures, tr: Translator, chart: bytes | None) -> Table:
    _ = tr.gettext
    return Table(
        _("Meetings and hours per month"),
        _(
            "Meetings the mentors logged, by the day they took place; hours are the sum "
            "of the durations they gave. Wellbeing is the mean of how the mentee seemed "
            "at the meetings where the mentor said (1 very low to 5 very well)."
        ),
        [_("Month"), _("Meetings"), _("Hours"), _("Wellbeing (1-5)")],
        [[month_label(k, tr), m.meetings, m.hours, m.mood] for k, m in f.months.items()]
        + [[_("Total"), f.meetings, f.hours, None]],
        chart,
    )


def _matches(f: Figures, tr: Translator) -> Table:
    _ = tr.gettext
    count = _("Number")
    return Table(
        _("Matches by status and age"),
        _(
            "Matches open at some time in the period, by their status today; ages count "
            "from the day a match started to the end of the period, or to the day it "
            "closed."
        ),
        ["", count],
        [[_(STATUS_LABELS[k]), v] for k, v in f.by_status.items()]
        + [[_(AGE_LABELS[k]), v] for k, v in f.by_age.items()],
    )


def _activities(f: Figures, tr: Translator) -> Table:
    _ = tr.gettext
    return Table(
        _("Activity types"),
        _("Meetings that included each kind of activity (a meeting can include several)."),
        ["", _("Meetings")],
        [[_(label), f.activities.get(code, 0)] for code, label in ACTIVITIES.items()],
    )


def _progress(f: Figures, tr: Translator) -> Table:
    _ = tr.gettext
    return Table(
        _("Progress by domain"),
        _(
            "Mean rating of the progress reports made in the period, from 1 (needs a lot "
            "of support) to 4 (doing well), and how many reports rated the domain."
        ),
        ["", _("Mean rating (1-4)"), _("Reports")],
        [[_(label), *f.progress.get(code, (0.0, 0))] for code, label in DOMAINS.items()]
        + [[_("Reports asking for more support"), None, f.needs_support]],
    )


def _concerns(f: Figures, tr: Translator) -> Table:
    _ = tr.gettext
    return Table(
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
    )


def _acknowledgement(f: Figures, tr: Translator) -> Table:
    _ = tr.gettext
    share = _("Figure")
    return Table(
        _("Time to acknowledge concerns"),
        _("Minutes from raising a concern to its first acknowledgement."),
        ["", share],
        [
            [_("Acknowledged in time"), f.sla_met],
            [_("Concerns whose deadline counts"), f.sla_due],
            [_("Median minutes to acknowledge"), f.ack_median_minutes],
        ],
    )


def _help_requests(f: Figures, tr: Translator) -> Table:
    _ = tr.gettext
    share = _("Figure")
    return Table(
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
    )


def _answers(f: Figures, tr: Translator) -> Table:
    _ = tr.gettext
    count = _("Number")
    return Table(
        _("Answers to appointment reminders"),
        _("Answers of the mentees to the reminders of appointments in the period."),
        ["", count],
        [[_(ANSWER_LABELS[k]), v] for k, v in f.answers.items()],
    )


def _closures(f: Figures, tr: Translator) -> Table:
    _ = tr.gettext
    return Table(
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
    )


def _closure_steps(f: Figures, tr: Translator) -> Table:
    _ = tr.gettext
    share = _("Figure")
    return Table(
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
    )


def _check_ins(f: Figures, tr: Translator) -> Table:
    _ = tr.gettext
    share = _("Figure")
    return Table(
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
    )
