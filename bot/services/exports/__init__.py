"""Exports for funders, quality seals and the organisation's own records: one kind of record
per file, stable columns (docs/exports.md), dates in ISO 8601 and times in UTC.

- **Streamed**: rows come from the database with `AsyncSession.stream()` and go straight to
  the file (CSV, or XLSX through openpyxl's `write_only` mode), so a million rows need no more
  memory than a few hundred.
- **Safe in a spreadsheet**: every text cell goes through `bot.services.cells.escape`.
- **XLSX sheets are split** before Excel's limit of 1,048,576 rows: `meetings`,
  `meetings (2)`, … each with the header row.
- **Pseudonymised** (`pseudonymise=True`, for sharing outside the organisation): people,
  families and contacts become stable pseudonyms made with a keyed HMAC (SHA-256) and the
  organisation's own secret (`ExportKey`, made on first use, never exported), so the same
  person has the same pseudonym in every export of the organisation while nobody without the
  secret can recompute one from a phone number or a name. Free-text columns (notes,
  descriptions, reasons) are redacted, Telegram accounts and audit details left out.

The package, from the bottom up: `periods` (the period, ISO days and times), `identities`
(as they are, or pseudonyms), `queries` and `rows` (each kind's statement and row shape),
`kinds` (columns, `KINDS`, streaming) and `writers` (CSV, XLSX, `export`). Callers use the
names below.
"""

from __future__ import annotations

from bot.services.exports.identities import (
    KNOWN_MAX,
    REDACTED,
    AsTheyAre,
    Identities,
    Pseudonyms,
    pseudonyms,
)
from bot.services.exports.kinds import KINDS, STREAM_BATCH, Kind, batches, kind_of
from bot.services.exports.periods import MAX_DAYS, Period, iso_day, iso_time
from bot.services.exports.writers import (
    EXCEL_MAX_ROWS,
    SheetWriter,
    export,
    new_workbook,
    sheet_title,
    write_csv,
    write_xlsx,
    xlsx_cell,
)

__all__ = [
    "EXCEL_MAX_ROWS",
    "KINDS",
    "KNOWN_MAX",
    "MAX_DAYS",
    "REDACTED",
    "STREAM_BATCH",
    "AsTheyAre",
    "Identities",
    "Kind",
    "Period",
    "Pseudonyms",
    "SheetWriter",
    "batches",
    "export",
    "iso_day",
    "iso_time",
    "kind_of",
    "new_workbook",
    "pseudonyms",
    "sheet_title",
    "write_csv",
    "write_xlsx",
    "xlsx_cell",
]
