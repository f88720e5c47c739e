"""`mentorbot export`: documented columns, ISO dates, pseudonyms that hold no planted name,
phone or email, formulas neutralised in CSV and XLSX, XLSX sheets split before a row limit."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from bot.clock import ManualClock
from bot.services import exports
from storage.db import Database
from storage.match_life import ClosureKind, ClosureStep, closure_steps_done
from storage.models import ExportKey, Organisation
from tests.programme_seed import (
    FIRST,
    LAST,
    PLANTED_EMAIL,
    PLANTED_FAMILY,
    PLANTED_FORMULA,
    PLANTED_NAME,
    PLANTED_NOTE,
    PLANTED_PHONE,
    Programme,
    seed,
)
from tests.test_cli import Cli
from tests.test_cli import env as env
from tests.test_cli import run as run

ROOT = Path(__file__).resolve().parent.parent
ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


@pytest.fixture
async def programme(db: Database, clock: ManualClock) -> Programme:
    return await seed(db, clock)


def _period(org: Organisation) -> list[str]:
    return ["--org", str(org.id), "--from", str(FIRST), "--to", str(LAST)]


def _read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8-sig", newline="") as stream:
        reader = csv.DictReader(stream)
        return list(reader.fieldnames or []), list(reader)


def documented_columns() -> dict[str, list[str]]:
    """The columns docs/exports.md promises, per kind."""
    found: dict[str, list[str]] = {}
    for line in (ROOT / "docs" / "exports.md").read_text().splitlines():
        m = re.match(r"^\| `(\w[\w-]*)` \| [^|]+ \| (.+) \|$", line)
        if m:
            found[m.group(1)] = [
                c for c in re.findall(r"`([a-z_]+)`", m.group(2)) if not c.startswith("_")
            ]
    return found


def test_every_kind_is_documented_with_its_columns() -> None:
    documented = documented_columns()
    assert set(documented) == set(exports.KINDS)
    for name, kind in exports.KINDS.items():
        # The documented names, in order, are the columns (value lists in between allowed).
        listed = [c for c in documented[name] if c in kind.columns]
        assert listed == list(kind.columns), name


async def test_exports_have_stable_columns_iso_dates_and_the_period_only(
    run: Cli, tmp_path: Path, programme: Programme
) -> None:
    counts: dict[str, int] = {}
    for name, kind in exports.KINDS.items():
        out = tmp_path / f"{name}.csv"
        result = await run.ok("export", name, *_period(programme.org), "--out", str(out))
        header, rows = _read_csv(out)
        assert header == list(kind.columns)
        assert f"{len(rows)} row(s) written" in result.err
        counts[name] = len(rows)
        for row in rows:
            for column, value in row.items():
                if value and (column.endswith("_at") or column == "starts_at"):
                    assert ISO_TIME.match(value), (name, column, value)
                if value and (column.endswith("_on")):
                    assert ISO_DAY.match(value), (name, column, value)
    assert all(counts[k] > 0 for k in exports.KINDS), counts
    _header, meetings = _read_csv(tmp_path / "meetings.csv")
    days = [date.fromisoformat(r["occurred_on"]) for r in meetings]
    assert min(days) >= FIRST and max(days) <= LAST
    # Not pseudonymised: the organisation's own file has the names and the notes.
    _header, people = _read_csv(tmp_path / "people.csv")
    assert {PLANTED_NAME, "'" + PLANTED_PHONE, PLANTED_EMAIL} <= {
        v for r in people for v in r.values()
    }
    assert any(PLANTED_NOTE in r["notes"] for r in meetings)


async def test_csv_goes_to_standard_output_without_out(run: Cli, programme: Programme) -> None:
    result = await run.ok("export", "matches", *_period(programme.org))
    rows = list(csv.reader(io.StringIO(result.out)))
    assert rows[0] == list(exports.KINDS["matches"].columns)
    assert len(rows) == 1 + sum(1 for m in programme.matches if m.started_on <= LAST)


def _text_of(path: Path) -> str:
    if path.suffix == ".xlsx":
        with zipfile.ZipFile(path) as z:
            return "\n".join(z.read(n).decode("utf-8") for n in z.namelist())
    return path.read_text(encoding="utf-8-sig")


async def test_a_pseudonymised_export_holds_no_planted_name_phone_email_or_note(
    run: Cli, tmp_path: Path, db: Database, programme: Programme
) -> None:
    planted = [
        PLANTED_NAME,
        PLANTED_FAMILY,
        PLANTED_PHONE,
        PLANTED_PHONE.lstrip("+"),
        PLANTED_PHONE[3:],  # the national number
        PLANTED_EMAIL,
        PLANTED_NOTE,
        "HYPERLINK",
        "Mentor 2",
        "Worker 1",
        "Carla",
        "900000",  # a Telegram id
    ]
    for name in exports.KINDS:
        for fmt in ("csv", "xlsx"):
            out = tmp_path / f"{name}.{fmt}"
            await run.ok(
                "export", name, *_period(programme.org), "--format", fmt, "--pseudonymise",
                "--out", str(out),
            )  # fmt: skip
            text = _text_of(out)
            for secret in planted:
                assert secret not in text, (name, fmt, secret)
    # Stable pseudonyms, keyed by the organisation's stored secret (never in a file).
    _header, people = _read_csv(tmp_path / "people.csv")
    planted_row = next(r for r in people if r["person_id"] == r["name"] and r["phone"])
    assert re.match(r"^P-[0-9a-f]{12}$", planted_row["person_id"])
    assert re.match(r"^C-[0-9a-f]{12}$", planted_row["phone"])
    again = tmp_path / "again.csv"
    await run.ok("export", "people", *_period(programme.org), "--pseudonymise", "--out", str(again))
    assert _read_csv(again)[1] == people
    async with db.transaction() as session:
        keys = (await session.execute(select(ExportKey))).scalars().all()
        assert [k.organisation_id for k in keys] == [programme.org.id]
        secret = keys[0].secret  # type: ignore[assignment]
    assert secret.hex() not in _text_of(again)  # type: ignore[attr-defined]
    # The pseudonym is an HMAC with that secret: a plain hash of the id does not give it.
    expected = exports.Pseudonyms(secret).person(programme.planted_person.id)  # type: ignore[union-attr,arg-type]
    assert expected in {r["person_id"] for r in people}
    assert exports.Pseudonyms(b"another organisation's key!").person(  # type: ignore[operator]
        programme.planted_person.id  # type: ignore[union-attr]
    ) not in {r["person_id"] for r in people}
    # Free text is redacted, not silently empty: the reader knows there was a note.
    _header, meetings = _read_csv(tmp_path / "meetings.csv")
    assert {r["notes"] for r in meetings} == {"", exports.REDACTED}


async def test_formulas_are_neutralised_in_csv_and_xlsx(
    run: Cli, tmp_path: Path, programme: Programme
) -> None:
    out = tmp_path / "people.csv"
    await run.ok("export", "people", *_period(programme.org), "--out", str(out))
    names = [r["name"] for r in _read_csv(out)[1]]
    assert "'" + PLANTED_FORMULA in names
    assert not any(n.startswith(("=", "+", "-", "@")) for n in names)
    # Phone numbers start with "+": escaped too, so a spreadsheet keeps them as text.
    assert "'" + PLANTED_PHONE in [r["phone"] for r in _read_csv(out)[1]]

    book = tmp_path / "progress.xlsx"
    await run.ok(
        "export", "progress", *_period(programme.org), "--format", "xlsx", "--out", str(book)
    )
    sheet = load_workbook(book, read_only=True)["progress"]
    values = [c for row in sheet.iter_rows(values_only=True) for c in row]
    assert "'" + PLANTED_FORMULA in values
    assert not any(isinstance(v, str) and v.startswith("=") for v in values)
    with zipfile.ZipFile(book) as z:
        assert "<f>" not in z.read("xl/worksheets/sheet1.xml").decode()
    # Numbers stay numbers in XLSX.
    assert any(isinstance(v, int) and not isinstance(v, bool) for v in values)


async def test_xlsx_sheets_are_split_before_the_row_limit(
    db: Database, clock: ManualClock, tmp_path: Path, programme: Programme
) -> None:
    async with db.transaction() as session:
        total = await session.scalar(
            select(func.count()).select_from(exports.KINDS["meetings"].query(
                programme.org, exports.Period.of(FIRST, LAST, programme.org.timezone)
            ).subquery())
        )  # fmt: skip
        out = tmp_path / "meetings.xlsx"
        with out.open("wb") as stream:
            written = await exports.export(
                session, clock.now(), programme.org, "meetings", FIRST, LAST, stream,
                fmt="xlsx", max_rows=50,
            )  # fmt: skip
    assert written == total and total > 100
    book = load_workbook(out, read_only=True)
    parts = -(-total // 49)  # 49 rows and the header on each sheet
    assert book.sheetnames == ["meetings"] + [f"meetings ({i})" for i in range(2, parts + 1)]
    ids: list[int] = []
    for sheet in book.worksheets:
        rows = list(sheet.iter_rows(values_only=True))
        assert len(rows) <= 50
        assert list(rows[0]) == list(exports.KINDS["meetings"].columns)
        ids.extend(int(r[0]) for r in rows[1:])  # type: ignore[arg-type]
    assert ids == sorted(ids) and len(set(ids)) == total


def test_sheet_writer_splits_at_exactly_the_limit() -> None:
    book = exports.new_workbook()
    sheet = exports.SheetWriter(book, "rows", ["n"], max_rows=3)
    for n in range(5):
        sheet.append([n])
    assert sheet.parts == 3 and sheet.count == 5
    out = io.BytesIO()
    book.save(out)
    assert load_workbook(out, read_only=True).sheetnames == ["rows", "rows (2)", "rows (3)"]
    assert exports.sheet_title("x" * 40, 12) == "x" * 26 + " (12)"


async def test_bad_periods_and_organisations_are_refused(run: Cli, programme: Programme) -> None:
    org = str(programme.org.id)
    await run.fails(
        "export", "meetings", "--org", org, "--from", "2026-02-01", "--to", "2026-01-01",
        reason="ends (2026-01-01) before it starts",
    )  # fmt: skip
    await run.fails(
        "export", "meetings", "--org", "Nowhere", "--from", "2026-01-01", "--to", "2026-01-31",
        reason="unknown organisation",
    )  # fmt: skip
    result = await run("export", "meetings", "--org", org, "--from", "1/2/2026", "--to", "x")
    assert result.code == 2 and "not a day" in result.err


def test_closure_steps_done_counts_the_steps_a_closure_of_its_kind_must_record() -> None:
    planned = {s.value: {"at": "2026-01-01T10:00:00+00:00"} for s in ClosureStep}
    del planned[ClosureStep.REMATCH_REQUESTED.value]
    assert closure_steps_done(ClosureKind.PLANNED, planned) == (6, True)
    # An unplanned closure also needs the rematch request.
    assert closure_steps_done(ClosureKind.UNPLANNED, planned) == (6, False)
    assert closure_steps_done("unplanned", {**planned, "rematch_requested": {}}) == (7, True)
    # Unknown keys do not count; a closure from before steps were recorded has none.
    assert closure_steps_done("planned", {"something_else": {}}) == (0, False)
    assert closure_steps_done(ClosureKind.UNPLANNED, None) == (0, False)
    assert closure_steps_done(None, planned) == (0, False)
