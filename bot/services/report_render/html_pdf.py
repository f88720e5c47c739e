"""The report as a PDF: HTML through WeasyPrint, whose Pango shapes Arabic, Persian and Pashto
and sets them right to left."""

from __future__ import annotations

import base64
import html
from collections.abc import Sequence

from bot.i18n import Translator
from bot.services.programme_report import Figures
from bot.services.report_render.tables import Cell, Table, period_line

CSS = """
@page { size: A4; margin: 16mm 15mm; @bottom-center { content: counter(page); font-size: 8pt; } }
body { font-family: "Noto Sans", "Noto Sans Arabic", "Noto Sans Ethiopic", "Noto Sans Georgian",
       "Noto Sans Bengali", "DejaVu Sans";
       font-size: 9.5pt; color: #1d2733; }
h1 { font-size: 17pt; margin: 0 0 2mm; color: #12436d; }
.sub { color: #4a5866; margin: 0 0 5mm; }
h2 { font-size: 12pt; margin: 6mm 0 1mm; color: #12436d; }
.how { color: #4a5866; font-size: 8.5pt; margin: 0 0 2mm; }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 0.5pt solid #c9d3dd; padding: 1.2mm 2mm; text-align: start; }
td.n, th.n { text-align: end; }
th { background: #eef3f8; }
img.chart { width: 100%; margin: 1mm 0 2mm; }
h2, .how, img.chart { break-after: avoid; }
img.chart, tr { break-inside: avoid; }
"""


def _cell(value: Cell, tr: Translator) -> str:
    if value is None:
        return "–"
    if isinstance(value, int | float):
        return tr.number(value)
    return html.escape(value)


def html_document(f: Figures, tr: Translator, tabs: Sequence[Table], heading: str) -> str:
    parts = [
        f'<!DOCTYPE html><html lang="{tr.locale}" dir="{"rtl" if tr.rtl else "ltr"}">',
        f"<head><meta charset='utf-8'><style>{CSS}</style></head><body>",
        f"<h1>{html.escape(heading)}</h1>",
        f'<p class="sub">{html.escape(period_line(f, tr))}</p>',
    ]
    for t in tabs:
        parts.append(f"<section><h2>{html.escape(t.title)}</h2>")
        parts.append(f'<p class="how">{html.escape(t.how)}</p>')
        if t.chart is not None:
            data = base64.b64encode(t.chart).decode()
            parts.append(f'<img class="chart" alt="" src="data:image/png;base64,{data}">')
        parts.append("<table><thead><tr>")
        parts.extend(
            f'<th class="{"n" if i else ""}">{html.escape(h)}</th>' for i, h in enumerate(t.header)
        )
        parts.append("</tr></thead><tbody>")
        for row in t.rows:
            parts.append("<tr>")
            parts.extend(
                f'<td class="{"n" if i else ""}">{_cell(v, tr)}</td>' for i, v in enumerate(row)
            )
            parts.append("</tr>")
        parts.append("</tbody></table></section>")
    parts.append("</body></html>")
    return "".join(parts)


def pdf(f: Figures, tr: Translator, tabs: Sequence[Table], heading: str) -> bytes:
    from weasyprint import HTML

    document = html_document(f, tr, tabs, heading)
    result: bytes = HTML(string=document).write_pdf()
    return result
