"""`mentorbot import` on unusual files: formulas, NUL bytes, limits, batches."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.clock import ManualClock
from bot.services import importer
from bot.services.importer import rules as import_rules
from storage.db import Database
from storage.models import Family, Person
from tests.factories import building
from tests.test_cli import Cli, env, run, snapshot

__all__ = ["env", "run"]  # the CLI fixtures


async def _org(db: Database, clock: ManualClock) -> None:
    async with building(db, clock.now()) as b:
        await b.org(name="Casal Raval")


async def test_formula_cells_are_refused_and_nothing_is_imported(
    run: Cli, db: Database, clock: ManualClock, tmp_path: Path
) -> None:
    await _org(db, clock)
    path = tmp_path / "people.csv"
    path.write_text(
        "organisation;role;name;phone;family\n"
        "Casal Raval;mentor;Pau Vila;+34 611 222 333;\n"  # a phone may start with +
        'Casal Raval;mentee;=HYPERLINK("http://x");;\n'
        "Casal Raval;mentee;Amina;;@SUM(A1)\n"
        "Casal Raval;mentee;-2+3;;\n"
        "Casal Raval;mentee;Omar;=1+1;\n",
        encoding="utf-8",
    )
    before = await snapshot(db)
    result = await run("import", str(path))
    assert result.code != 0
    err = result.err
    for line, column in ((3, "name"), (4, "family"), (5, "name"), (6, "phone")):
        assert f"line {line}: the {column} cell starts with" in err
        assert "formula" in err
    assert "line 2" not in err
    assert await snapshot(db) == before


async def test_cells_are_cleaned_and_batches_report_progress(
    db: Database, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _org(db, clock)
    monkeypatch.setattr(import_rules, "BATCH", 2)
    text = (
        "organisation,role,name,family\n"
        "Casal Raval,mentee,Ami\x00na\x07,\n"
        "Casal Raval,mentee,Leila,Amina\n"  # the family of one of Amina
        "Casal Raval,worker,Núria Soler,\n"
        "Casal Raval,mentee,Yonas,\n"
        "Casal Raval,mentor,Pau,Amina\n"
    )
    text = text.replace("Casal Raval,mentor,Pau,Amina", "Casal Raval,mentor,Pau,Amina,Núria Soler")
    text = text.replace("organisation,role,name,family", "organisation,role,name,family,worker")
    seen: list[int] = []
    async with db.transaction() as s:
        try:
            report = await importer.import_lines(s, clock.now(), io.StringIO(text), seen.append)
        except importer.ImportRejected as exc:
            raise AssertionError(exc.report.rejected) from None
    assert seen == [2, 4, 5]
    assert len(report.people) == 5 and len(report.matches) == 1
    async with db.transaction() as s:
        names = set((await s.execute(select(Person.name))).scalars())
        families = set((await s.execute(select(Family.name))).scalars())
    assert "Amina" in names and not any("\x00" in n or "\x07" in n for n in names)
    # Amina (cleaned) is a family of one, which Leila joins by its name.
    assert families == {"Amina", "Yonas"}


async def test_a_file_over_the_limits_is_refused(
    run: Cli, db: Database, clock: ManualClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _org(db, clock)
    path = tmp_path / "people.csv"
    rows = "".join(f"Casal Raval,mentee,Person {i}\n" for i in range(5))
    path.write_text("organisation,role,name\n" + rows, encoding="utf-8")
    before = await snapshot(db)
    monkeypatch.setattr(import_rules, "MAX_ROWS", 3)
    result = await run("import", str(path))
    assert result.code != 0 and "line 5: more than 3 rows: split the file" in result.err
    monkeypatch.setattr(importer, "MAX_BYTES", 50)
    await run.fails("import", str(path), reason="is larger than 0 MB")
    assert await snapshot(db) == before
    path.write_bytes(b"organisation,role,name\nCasal Raval,mentee,\xff\xfe\n")
    monkeypatch.setattr(importer, "MAX_BYTES", 10_000)
    await run.fails("import", str(path), reason="is not UTF-8")
    assert await snapshot(db) == before
