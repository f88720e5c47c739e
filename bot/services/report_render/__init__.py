"""The programme report as documents: its figures worded in the reader's language, each with
how it is computed, as a PDF (HTML through WeasyPrint, whose Pango shapes Arabic, Persian and
Pashto and sets them right to left) and as an XLSX workbook with the same figures, one sheet
per table (written with the exports' cell escaping).

The package: `tables` (the figures worded, each with how it is computed), `html_pdf` and
`workbook` (the two documents) and `making` (the chart, the documents, `make`). Callers use
the names below.
"""

from __future__ import annotations

from bot.services.report_render.html_pdf import CSS, html_document, pdf
from bot.services.report_render.making import Documents, Made, documents, make, meetings_chart
from bot.services.report_render.tables import Cell, Table, month_label, period_line, tables, title
from bot.services.report_render.workbook import xlsx

__all__ = [
    "CSS",
    "Cell",
    "Documents",
    "Made",
    "Table",
    "documents",
    "html_document",
    "make",
    "meetings_chart",
    "month_label",
    "pdf",
    "period_line",
    "tables",
    "title",
    "xlsx",
]
