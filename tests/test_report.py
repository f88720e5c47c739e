"""The programme report: a year of a programme seeded with a settable clock; every figure is
recomputed independently from the exports of the same period, and found in the PDF's text
(pdftotext) and in the XLSX. An Arabic-speaking organisation's report renders, right to left,
with an Arabic font."""

from __future__ import annotations

import csv
import io
import re
import statistics
import subprocess
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from bot.clock import ManualClock
from bot.i18n import translator
from bot.services import exports, programme_report, report_render
from bot.services.meetings import ACTIVITIES
from bot.services.progress import DOMAINS
from storage.db import Database
from storage.match_life import ClosureReason
from storage.models import Organisation
from tests.programme_seed import FIRST, LAST, Programme, seed
from tests.test_cli import Cli
from tests.test_cli import env as env
from tests.test_cli import run as run


async def _export(
    db: Database, now: datetime, org: Organisation, kind: str
) -> list[dict[str, str]]:
    async with db.transaction() as session:
        out = io.StringIO()
        await exports.export(session, now, org, kind, FIRST, LAST, out)
    return list(csv.DictReader(io.StringIO(out.getvalue())))


def _time(value: str) -> datetime | None:
    return datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None


def expected_from_exports(
    tables: dict[str, list[dict[str, str]]], org: Organisation, now: datetime, worker: int | None
) -> dict[str, Any]:
    """The report's figures, computed from the export files only."""
    zone = ZoneInfo(org.timezone)
    mine = (lambda row: row["worker_id"] == str(worker)) if worker else (lambda row: True)
    matches = [m for m in tables["matches"] if mine(m)]
    running = [m for m in matches if m["status"] != "proposed"]
    ids = {m["match_id"] for m in matches}

    def closed_day(m: dict[str, str]) -> date | None:
        closed = _time(m["closed_at"])
        return closed.astimezone(zone).date() if closed else None

    families = {m["family_id"] for m in running}
    e: dict[str, Any] = {
        "families": len(families),
        "families_new": len(
            {m["family_id"] for m in running if date.fromisoformat(m["started_on"]) >= FIRST}
        ),
        "families_closed": len(
            {m["family_id"] for m in running if (d := closed_day(m)) and d <= LAST}
        ),
        "families_active_end": len(
            {m["family_id"] for m in running if not (d := closed_day(m)) or d > LAST}
        ),
        "mentees": sum(
            1 for p in tables["people"] if p["role"] == "mentee" and p["family_id"] in families
        ),
        "mentors": len({i for m in running for i in m["mentor_ids"].split(";")}),
        "by_status": {
            s: sum(m["status"] == s for m in matches) for s in ("proposed", "active", "closed")
        },
    }
    ages: Counter[str] = Counter()
    for m in running:
        d = closed_day(m)
        until = d if d and d <= LAST else LAST
        days = (until - date.fromisoformat(m["started_on"])).days
        ages[
            "under_3_months" if days < 91 else "3_to_6_months" if days < 183
            else "6_to_12_months" if days < 365 else "12_months_or_more"
        ] += 1  # fmt: skip
    e["by_age"] = {k: ages.get(k, 0) for k in programme_report.AGE_LABELS}

    meetings = [r for r in tables["meetings"] if r["match_id"] in ids]
    months: dict[str, list[dict[str, str]]] = {}
    for r in meetings:
        months.setdefault(r["occurred_on"][:7], []).append(r)
    e["months"] = {
        month: (
            len(rows),
            sum(int(r["duration_minutes"]) for r in rows),
            sum(int(r["mood"]) for r in rows if r["mood"]),
            sum(1 for r in rows if r["mood"]),
        )
        for month, rows in sorted(months.items())
    }
    e["activities"] = {
        code: sum(code in r["activities"].split(";") for r in meetings) for code in ACTIVITIES
    }
    progress = [r for r in tables["progress"] if r["match_id"] in ids]
    e["progress"] = {
        code: (
            round(statistics.fmean(int(r[code]) for r in progress), 2) if progress else 0.0,
            len(progress),
        )
        for code in DOMAINS
    }
    e["needs_support"] = sum(r["needs_support"] == "true" for r in progress)

    concerns = [
        r for r in tables["concerns"] if not worker or r["assigned_worker_id"] == str(worker)
    ]
    e["concerns"] = dict(Counter((r["category"], r["severity"]) for r in concerns))
    met = due = 0
    for r in concerns:
        raised, acked = _time(r["raised_at"]), _time(r["acknowledged_at"])
        assert raised is not None
        limit = timedelta(minutes=org.ack_deadlines_minutes[r["severity"]])
        if acked or raised + limit <= now:
            due += 1
            met += bool(acked and acked - raised <= limit)
    e["sla"] = (met, due)

    helps = [r for r in tables["help"] if not worker or r["worker_id"] == str(worker)]
    e["help_by_kind"] = {
        k: sum(r["kind"] == k for r in helps)
        for k in ("practical", "relationship", "support", "mentee")
    }
    answered = [r for r in helps if r["first_answer_at"]]
    hours = [
        (_time(r["first_answer_at"]) - _time(r["created_at"])).total_seconds() / 3600  # type: ignore[operator]
        for r in answered
    ]
    target = timedelta(hours=org.help_target_hours)
    e["help"] = (
        len(answered),
        sum(h <= target.total_seconds() / 3600 for h in hours),
        sum(
            1 for r in helps  # type: ignore[misc]
            if r["first_answer_at"] or _time(r["created_at"]) + target <= now  # type: ignore[operator]
        ),
        round(statistics.median(hours), 1) if hours else None,
    )  # fmt: skip
    answers = [r for r in tables["answers"] if r["match_id"] in ids]
    e["answers"] = {
        a: sum(r["answer"] == a for r in answers) for a in ("coming", "cannot", "reschedule")
    }
    # Closures: matches whose closed_at falls in the period; complete when all six steps are
    # recorded, seven for an unplanned closure (the rematch request).
    closures = [m for m in matches if (d := closed_day(m)) and FIRST <= d <= LAST]
    e["closures_by_reason"] = {
        r.value: sum(m["closure_code"] == r.value for m in closures) for r in ClosureReason
    }
    e["closures_by_kind"] = {
        k: sum(m["closure_kind"] == k for m in closures) for k in ("planned", "unplanned")
    }
    complete = [
        m for m in closures
        if int(m["closure_steps_done"]) == (7 if m["closure_kind"] == "unplanned" else 6)
    ]  # fmt: skip
    e["closures_complete"] = len(complete)
    e["checkins"] = checkins_from_exports(tables, running, closed_day)
    # The export's own yes/no says the same.
    assert [m for m in closures if m["all_closure_steps_done"] == "true"] == complete
    assert all(
        m["closure_code"] == m["closure_kind"] == m["closure_steps_done"] == ""
        for m in matches
        if not m["closed_at"]
    )
    return e


def _month_later(day: date) -> date:
    year, month = divmod(day.year * 12 + day.month, 12)  # the next month, 1-based below
    for last in (31, 30, 29, 28):
        try:
            return date(year, month + 1, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError(day)


def checkins_from_exports(
    tables: dict[str, list[dict[str, str]]],
    running: list[dict[str, str]],
    closed_day: Any,
) -> tuple[int, int, int, int, int]:
    """Staff check-in compliance (docs/exports.md) from the `matches` and `check-ins` exports:
    per match and party, the first month (2 contacts) and each calendar month starting after
    it (1 contact), when the window lies in the period and ended before the closing day."""
    ids = {m["match_id"] for m in running}
    with_mentees = {p["family_id"] for p in tables["people"] if p["role"] == "mentee"}
    rows = [r for r in tables["check-ins"] if r["match_id"] in ids]
    days: dict[tuple[str, str], list[date]] = {}
    for r in rows:
        days.setdefault((r["match_id"], r["party"]), []).append(
            date.fromisoformat(r["occurred_on"])
        )
    n_matches = n_met = n_windows = n_windows_met = 0
    for m in running:
        start = date.fromisoformat(m["started_on"])
        closed = closed_day(m)
        end = LAST if closed is None else min(LAST, closed - timedelta(days=1))
        first_end = _month_later(start)
        spans = [(start, first_end - timedelta(days=1), 2)]
        month = first_end if first_end.day == 1 else date(first_end.year, first_end.month, 28)
        while month.day != 1:
            month += timedelta(days=1)
        while True:
            nxt = date(month.year + month.month // 12, month.month % 12 + 1, 1)
            spans.append((month, nxt - timedelta(days=1), 1))
            if nxt > end:
                break
            month = nxt
        spans = [s for s in spans if s[0] >= FIRST and s[1] <= end]
        windows = met = 0
        for party in ("mentor", "mentee", "family"):
            if party == "mentee" and m["family_id"] not in with_mentees:
                continue
            seen = days.get((m["match_id"], party), [])
            for low, high, needed in spans:
                windows += 1
                met += sum(low <= d <= high for d in seen) >= needed
        if windows:
            n_matches += 1
            n_met += met == windows
            n_windows += windows
            n_windows_met += met
    return len(rows), n_matches, n_met, n_windows, n_windows_met


def actual(f: programme_report.Figures) -> dict[str, Any]:
    return {
        "families": f.families,
        "families_new": f.families_new,
        "families_closed": f.families_closed,
        "families_active_end": f.families_active_end,
        "mentees": f.mentees,
        "mentors": f.mentors,
        "by_status": f.by_status,
        "by_age": f.by_age,
        "months": {
            k: (m.meetings, m.minutes, m.mood_sum, m.mood_n)
            for k, m in f.months.items()
            if m.meetings
        },
        "activities": f.activities,
        "progress": f.progress,
        "needs_support": f.needs_support,
        "concerns": f.concerns,
        "sla": (f.sla_met, f.sla_due),
        "help_by_kind": f.help_by_kind,
        "help": (f.help_answered, f.help_in_time, f.help_due, f.help_median_hours),
        "answers": f.answers,
        "closures_by_reason": f.closures_by_reason,
        "closures_by_kind": f.closures_by_kind,
        "closures_complete": f.closures_complete,
        "checkins": (
            f.checkins,
            f.checkin_matches,
            f.checkin_matches_met,
            f.checkin_windows,
            f.checkin_windows_met,
        ),
    }


@pytest.fixture
async def programme(db: Database, clock: ManualClock) -> Programme:
    return await seed(db, clock)


async def _made(
    db: Database, now: datetime, scope: programme_report.Scope, locale: str = "en"
) -> report_render.Made:
    async with db.transaction() as session:
        org = await session.get(Organisation, scope.org.id)
        assert org is not None
        return await report_render.make(
            session, now, programme_report.Scope(org, scope.worker_id), FIRST, LAST, locale
        )


def pdf_text(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(data)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    # pdftotext marks right-to-left runs with bidi embeddings: gone, the words remain.
    return re.sub("[\u202a-\u202e\u2066-\u2069]", " ", text)


def pdf_fonts(path: Path) -> str:
    return subprocess.run(
        ["pdffonts", str(path)], check=True, capture_output=True, text=True
    ).stdout


def shown_numbers(f: programme_report.Figures) -> list[float | int]:
    """Figures the PDF must show."""
    out: list[float | int] = [
        f.families, f.families_new, f.families_closed, f.families_active_end, f.mentees,
        f.mentors, f.meetings, f.hours, f.sla_met, f.sla_due, f.help_answered,
        f.help_in_time, f.help_due, f.needs_support, *f.by_status.values(),
        *f.by_age.values(), *f.activities.values(), *f.answers.values(),
        *f.help_by_kind.values(), *f.closures_by_reason.values(),
        *f.closures_by_kind.values(), f.closures, f.closures_complete, f.checkins,
        f.checkin_matches, f.checkin_matches_met, f.checkin_windows, f.checkin_windows_met,
    ]  # fmt: skip
    if f.checkin_share is not None:
        out.append(f.checkin_share)
    if f.closures_complete_share is not None:
        out.append(f.closures_complete_share)
    for m in f.months.values():
        out += [m.meetings, m.hours]
        if m.mood is not None:
            out.append(m.mood)
    for mean, n in f.progress.values():
        out += [mean, n]
    for v in (f.help_median_hours, f.ack_median_minutes):
        if v is not None:
            out.append(v)
    return out


@pytest.mark.parametrize("whose", ["organisation", "worker"])
async def test_every_figure_matches_the_exports_and_is_in_the_pdf_and_the_xlsx(
    db: Database, clock: ManualClock, programme: Programme, tmp_path: Path, whose: str
) -> None:
    worker = programme.workers[0].id if whose == "worker" else None
    now = clock.now()
    made = await _made(db, now, programme_report.Scope(programme.org, worker))
    tables = {k: await _export(db, now, programme.org, k) for k in exports.KINDS}
    expected = expected_from_exports(tables, programme.org, now, worker)
    assert actual(made.figures) == expected
    # The seed reaches every kind of figure (so that the comparison above means something).
    f = made.figures
    assert f.families_new and f.families_closed and f.by_status["proposed"] == (worker is None)
    assert f.sla_met < f.sla_due and f.help_in_time < f.help_answered
    assert len([m for m in f.months.values() if m.meetings]) == 12
    assert 0 < f.closures_complete < f.closures
    assert 0 < f.checkin_matches_met < f.checkin_matches
    assert 0 < f.checkin_windows_met < f.checkin_windows
    if worker is None:
        assert all(f.closures_by_kind.values())
        # A match closed after the period is not counted, though it is in the export.
        assert f.closures < sum(1 for m in tables["matches"] if m["closure_code"])
        # One closure in the period recorded some steps but not all (unplanned, no rematch).
        assert any(
            m["closure_steps_done"] not in ("", "0") and m["all_closure_steps_done"] == "false"
            for m in tables["matches"]
            if m["closed_at"] and m["closed_at"][:10] <= str(LAST)
        )

    text = pdf_text(made.documents.pdf, tmp_path)
    words = set(text.replace("|", " ").split())
    tr = translator("en")
    for value in shown_numbers(f):
        assert tr.number(value) in words, value
    assert "Meetings and hours per month" in text
    assert "Families accompanied" in text
    # Each figure says how it is computed.
    flat = " ".join(text.split())
    assert "Meetings the mentors logged, by the day they took place" in flat
    assert "Closures by reason" in text and "Closures that completed every closure step" in text
    assert "Matches closed in the period, by the reason recorded when they closed" in flat
    assert "Of the matches closed in the period, those whose record holds every" in flat
    assert "Staff check-in compliance per match" in text
    assert "A match complies when every window is met." in flat

    book = load_workbook(io.BytesIO(made.documents.xlsx), read_only=True)
    numbers = {
        c for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for c in row
        if isinstance(c, int | float)
    }  # fmt: skip
    assert set(shown_numbers(f)) <= numbers
    assert len(book.sheetnames) == len(report_render.tables(f, tr))


async def test_the_cli_writes_the_pdf_and_the_xlsx(
    run: Cli, programme: Programme, tmp_path: Path
) -> None:
    out = tmp_path / "funders.pdf"
    result = await run.ok(
        "report", "--org", programme.org.name, "--from", str(FIRST), "--to", str(LAST),
        "--out", str(out),
    )  # fmt: skip
    assert result.out.split() == [str(out), str(out.with_suffix(".xlsx"))]
    reader = PdfReader(out)
    assert len(reader.pages) >= 2
    # The chart of meetings and hours per month is drawn in (bot/charts.py's PNG).
    assert sum(len(page.images) for page in reader.pages) >= 1
    assert "Programme report: " + programme.org.name in PdfReader(out).pages[0].extract_text()
    assert load_workbook(out.with_suffix(".xlsx"), read_only=True).sheetnames


async def test_an_arabic_organisations_report_renders_right_to_left(
    db: Database, clock: ManualClock, tmp_path: Path
) -> None:
    prog = await seed(db, clock, locale="ar", families=3)
    made = await _made(db, clock.now(), programme_report.Scope(prog.org), locale="ar")
    tr = translator("ar")
    heading = tr.gettext("Meetings and hours per month")
    assert heading != "Meetings and hours per month"  # translated
    document = report_render.html_document(
        made.figures, tr, report_render.tables(made.figures, tr), "t"
    )
    assert 'dir="rtl"' in document and 'lang="ar"' in document
    path = tmp_path / "ar.pdf"
    path.write_bytes(made.documents.pdf)
    fonts = pdf_fonts(path)
    assert "Noto-Sans-Arabic" in fonts
    text = pdf_text(made.documents.pdf, tmp_path)
    # Shaped Arabic comes back as the same letters (pdftotext undoes the presentation forms).
    assert heading in " ".join(text.split()) or heading[::-1] in text
    assert tr.number(made.figures.meetings) in text.split()


def test_months_of_a_period() -> None:
    period = exports.Period.of(date(2025, 11, 15), date(2026, 2, 3), "Europe/Madrid")
    assert programme_report.months_of(period) == ["2025-11", "2025-12", "2026-01", "2026-02"]
    assert period.start == datetime(2025, 11, 14, 23, tzinfo=UTC)
