"""Bulk import of people, and optionally of families and matches, from a CSV file.

All rows or none: the file is read once, as a stream, and every row is checked and written
in the caller's transaction, in batches of `BATCH` rows (bulk INSERTs); if any row is
rejected, `ImportRejected` carries the report naming each rejected line and why, and the
caller's transaction rolls everything back.

Limits: at most `MAX_ROWS` rows (the CLI also refuses files over `MAX_BYTES`). Memory stays
bounded by the batch plus one small key per row (for duplicates within the file), never the
whole file. Cells that a spreadsheet would run as formulas (see `bot.services.cells`) are
refused; every cell is cleaned like typed text (`bot.services.texts.clean`).

Columns (a header line is required; the order is free; `organization` is accepted too):

- `organisation` (name or id), `role`, `name`: required;
- `locale`, `timezone`, `phone`, `email`, `country`: as in `mentorbot person add`;
- `family`: on a mentee's row, the family (household) they belong to, made if new; on a
  mentor's row, the family this mentor accompanies: the mentor rows naming one family form
  one match;
- `worker`: on a mentor's row, the referring worker of that match (a worker's name, from this
  file or already known, or a person id);
- `started_on`: on a mentor's row, the day the match started (YYYY-MM-DD; default today);
- profiles for matching (`bot.services.profiles`): on a mentor's row `languages` ("ar:3,es:2"),
  `area`, `availability` ("tue:eve,sat:am"), `skills`, `capacity`, `gender`; on a mentee's
  row the family's `languages`, `area`, `needs`, `availability` and `prefers` (a mentor's
  gender).

The package, from the bottom up: `rules` (columns, limits, the report, a row's profile),
`reading` (the header and the rows), `orgs` (what is known of each organisation), `checking`
(one row), `writing` (a batch), `matching` (the matches) and `lines` (`import_lines`). Callers
use the names below; the limits the import applies are read from `rules`.
"""

from __future__ import annotations

from bot.services.importer.lines import import_csv, import_lines
from bot.services.importer.reading import parse
from bot.services.importer.rules import (
    ALIASES,
    COLUMNS,
    FAMILY_PROFILE,
    MATCH_COLUMNS,
    MAX_BYTES,
    MAX_REPORTED,
    MAX_ROWS,
    MENTOR_PROFILE,
    PROFILE_COLUMNS,
    REQUIRED,
    ImportRejected,
    ImportReport,
    Rejected,
)

__all__ = [
    "ALIASES",
    "COLUMNS",
    "FAMILY_PROFILE",
    "MATCH_COLUMNS",
    "MAX_BYTES",
    "MAX_REPORTED",
    "MAX_ROWS",
    "MENTOR_PROFILE",
    "PROFILE_COLUMNS",
    "REQUIRED",
    "ImportRejected",
    "ImportReport",
    "Rejected",
    "import_csv",
    "import_lines",
    "parse",
]
