"""Spreadsheet cells, the one place that knows about formula injection ("CSV injection").

A spreadsheet program runs a cell that starts with `=`, `+`, `-` or `@` as a formula (and
some do so after a leading tab or carriage return), so a name like `=HYPERLINK("http://…")`
typed by anyone becomes a live link or worse in the file a coordinator opens.

- On **import**, `is_formula` finds such cells; the importer refuses them with the line.
- On **export**, every text cell goes through `escape` (or a whole row through `row`):
  a formula-like value gets a leading apostrophe, which spreadsheets show as text and do
  not display. Numbers that are numbers (ints, floats) are left alone. Every export written
  after this module must use it (see OWASP's "CSV Injection").
"""

from __future__ import annotations

from collections.abc import Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def is_formula(value: str) -> bool:
    """True when a spreadsheet could run `value` as a formula."""
    return value.startswith(FORMULA_STARTS)


def escape(value: object) -> str:
    """A value made safe for a spreadsheet cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        return str(value)
    text = str(value)
    return "'" + text if is_formula(text) else text


def row(values: Iterable[object]) -> list[str]:
    """Every cell of a row escaped (for `csv.writer.writerow`)."""
    return [escape(v) for v in values]
