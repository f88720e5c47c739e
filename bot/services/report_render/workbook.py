"""The report as an XLSX workbook: the same figures, one sheet per table (written with the
exports' cell escaping)."""

from __future__ import annotations

import io
import re
from collections.abc import Sequence

from bot.i18n import Translator
from bot.services.exports import SheetWriter, new_workbook
from bot.services.programme_report import Figures
from bot.services.report_render.tables import Table, period_line

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
