"""Writing an export: CSV, or XLSX through openpyxl's write-only mode with sheets split
before Excel's row limit; every text cell escaped for spreadsheets (`bot.services.cells`)."""

from __future__ import annotations

import csv
from collections.abc import AsyncIterator, Iterable, Sequence
from datetime import date, datetime
from typing import IO, Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import cells
from bot.services.errors import Invalid
from bot.services.exports.identities import AsTheyAre, Identities, pseudonyms
from bot.services.exports.kinds import batches, kind_of
from bot.services.exports.periods import Period
from storage.models import Organisation

EXCEL_MAX_ROWS = 1_048_576  # rows of one worksheet, the header included


async def write_csv(
    out: IO[str], header: Sequence[str], source: AsyncIterator[list[list[object]]]
) -> int:
    """Rows as CSV (RFC 4180, every cell escaped for spreadsheets); returns the row count."""
    writer = csv.writer(out)
    writer.writerow(header)
    count = 0
    async for batch in source:
        writer.writerows([cells.row(values) for values in batch])
        count += len(batch)
    return count


def xlsx_cell(value: object) -> object:
    """A value for an XLSX cell: numbers stay numbers, everything else is escaped text."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return cells.escape(value) if value is not None else None


def sheet_title(name: str, part: int) -> str:
    """`meetings`, `meetings (2)`, …, within Excel's 31 characters."""
    suffix = f" ({part})" if part > 1 else ""
    return name[: 31 - len(suffix)] + suffix


class SheetWriter:
    """Rows into an openpyxl write-only workbook: a new sheet (header repeated) before a
    sheet would pass `max_rows` rows, the header included."""

    def __init__(self, workbook: Any, name: str, header: Sequence[str], max_rows: int) -> None:
        if max_rows < 2:
            raise ValueError("a sheet needs room for the header and a row")
        self.workbook, self.name, self.header, self.max_rows = workbook, name, header, max_rows
        self.parts = 0
        self.count = 0
        self._sheet: Any = None
        self._in_sheet = 0
        self._new_sheet()

    def _new_sheet(self) -> None:
        self.parts += 1
        self._sheet = self.workbook.create_sheet(sheet_title(self.name, self.parts))
        self._sheet.append([cells.escape(h) for h in self.header])
        self._in_sheet = 1

    def append(self, values: Iterable[object]) -> None:
        if self._in_sheet >= self.max_rows:
            self._new_sheet()
        self._sheet.append([xlsx_cell(v) for v in values])
        self._in_sheet += 1
        self.count += 1


def new_workbook() -> Any:
    from openpyxl import Workbook

    return Workbook(write_only=True)


async def write_xlsx(
    out: IO[bytes] | str,
    name: str,
    header: Sequence[str],
    source: AsyncIterator[list[list[object]]],
    *,
    max_rows: int = EXCEL_MAX_ROWS,
) -> int:
    """Rows as an XLSX workbook (write-only: rows go to a temporary file as they come)."""
    workbook = new_workbook()
    sheet = SheetWriter(workbook, name, header, max_rows)
    async for batch in source:
        for values in batch:
            sheet.append(values)
    workbook.save(out)
    return sheet.count


async def export(
    session: AsyncSession,
    now: datetime,
    org: Organisation,
    kind_name: str,
    first: date,
    last: date,
    out: IO[str] | IO[bytes] | str,
    *,
    fmt: str = "csv",
    pseudonymise: bool = False,
    max_rows: int = EXCEL_MAX_ROWS,
) -> int:
    """Write one export; returns the number of rows (the header not counted)."""
    kind = kind_of(kind_name)
    if fmt not in ("csv", "xlsx"):
        raise Invalid("format", f"unknown format {fmt!r} (csv or xlsx)")
    period = Period.of(first, last, org.timezone)
    who: Identities = await pseudonyms(session, now, org) if pseudonymise else AsTheyAre()
    source = batches(session, org, kind, period, who)
    if fmt == "csv":
        return await write_csv(out, kind.columns, source)  # type: ignore[arg-type]
    return await write_xlsx(out, kind.name, kind.columns, source, max_rows=max_rows)  # type: ignore[arg-type]
