"""/figures through the emulator: a coordinator gets the organisation's report of last
quarter as a PDF and an XLSX document; a worker gets their own caseload's only, in their
language; a mentor and a forged press are refused."""

from __future__ import annotations

import io
import subprocess
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from bot.app import App
from bot.clock import ManualClock
from bot.i18n import Translator, translator
from bot.services import programme_report
from emulator import Emulator, FloodLimits
from storage.db import Database
from storage.models import AuditEvent, Meeting, Role
from tests.factories import building
from tests.harness import Person as TgPerson
from tests.harness import Telegram


@pytest.fixture(autouse=True)
def _no_flood_limits(emulator: Emulator) -> None:
    emulator.set_flood_limits(FloodLimits.off())


def pdf_text(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "r.pdf"
    path.write_bytes(data)
    return subprocess.run(
        ["pdftotext", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def test_periods() -> None:
    today = date(2026, 5, 14)
    assert programme_report.period_for("m0", today) == (date(2026, 5, 1), today)
    assert programme_report.period_for("m1", today) == (date(2026, 4, 1), date(2026, 4, 30))
    assert programme_report.period_for("q0", today) == (date(2026, 4, 1), today)
    assert programme_report.period_for("q1", today) == (date(2026, 1, 1), date(2026, 3, 31))
    assert programme_report.period_for("q1", date(2026, 2, 1)) == (
        date(2025, 10, 1),
        date(2025, 12, 31),
    )
    assert programme_report.period_for("m1", date(2026, 1, 31)) == (
        date(2025, 12, 1),
        date(2025, 12, 31),
    )


async def test_coordinator_and_worker_get_the_report_as_documents(
    app: App, db: Database, clock: ManualClock, tg: Telegram, tmp_path: Path
) -> None:
    c, w, m = tg.user("Carla"), tg.user("Wendy", language_code="es"), tg.user("Mo")
    clock.set(datetime(2026, 4, 10, 9, tzinfo=UTC))  # last quarter: January to March 2026
    async with building(db, clock.now()) as b:
        org = await b.org(name="Casal Raval")
        await b.person(org, Role.COORDINATOR, "Carla", telegram_id=c.id)
        wendy = await b.person(org, Role.WORKER, "Wendy", telegram_id=w.id, locale="es")
        other = await b.person(org, Role.WORKER, "Otto")
        mentor = await b.person(org, Role.MENTOR, "Mo", telegram_id=m.id)
        minutes = {wendy.id: 60, other.id: 45}
        for worker, n in ((wendy, 2), (other, 5)):
            for i in range(n):
                family = await b.family(org)
                await b.person(org, Role.MENTEE, family=family)
                match = await b.match(family, [mentor], worker, started_on=date(2025, 12, 1))
                b.session.add(
                    Meeting(
                        match_id=match.id, mentor_id=mentor.id,
                        occurred_on=date(2026, 2, 1) + timedelta(days=i),
                        duration_minutes=minutes[worker.id], created_at=clock.now(),
                        updated_at=clock.now(),
                    )
                )  # fmt: skip
    en, es = translator("en"), translator("es")

    async def report_of(user: TgPerson, tr: Translator, label: str) -> tuple[str, bytes, bytes]:
        await user.send("/figures")
        ask = await user.next_message()
        await user.press(tr.gettext(label), ask)
        said, pdf, sheet = await user.next_messages(3, timeout=60)
        assert pdf.document is not None and sheet.document is not None, user.transcript()
        assert pdf.document.file_name == "programme-report_2026-01-01_2026-03-31.pdf"
        assert sheet.document.file_name == "programme-report_2026-01-01_2026-03-31.xlsx"
        assert pdf.document.data.startswith(b"%PDF")
        return said.text or "", pdf.document.data, sheet.document.data

    said, pdf, sheet = await report_of(c, en, "Last quarter")
    assert said.startswith("Here is the programme report. From 1 January 2026 to 31 March 2026.")
    text = " ".join(pdf_text(pdf, tmp_path).split())
    assert "Programme report: Casal Raval" in text
    assert "Total 7 5.8 –" in text  # 2 meetings of 60 and 5 of 45 minutes: 5.75 hours
    book = load_workbook(io.BytesIO(sheet), read_only=True)
    numbers = {v for ws in book.worksheets for row in ws.iter_rows(values_only=True) for v in row}
    assert {7, 5.8} <= numbers

    # Wendy (a worker, in Spanish): her two matches only, her name on it.
    said, pdf, _sheet = await report_of(w, es, "Last quarter")
    text = " ".join(pdf_text(pdf, tmp_path).split())
    assert es.gettext("Programme report: caseload of %(worker)s") % {"worker": "Wendy"} in text
    assert f"{es.gettext('Total')} 2 2 –" in text  # two meetings of an hour each

    # A mentor has no report; a forged press by him is refused too.
    await m.send("/figures")
    assert (await m.next_message()).text == en.gettext("This command is not available to you.")
    await m.press_forged("pr:q1")
    assert (await m.next_message()).text == en.gettext("Sorry, that is not available to you.")
    # A forged period is bad input.
    await c.press_forged("pr:y9")
    refused = await c.next_message()
    assert refused.text == en.gettext("Sorry, that did not work. Please try again.")
    async with db.transaction() as session:
        made = (
            await session.scalars(select(AuditEvent).where(AuditEvent.action == "report.made"))
        ).all()
    assert len(made) == 2
