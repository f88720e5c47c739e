"""Review by native speakers: a spreadsheet out of one language's catalog, and the
corrections and "reviewed" marks read back in, every check run before anything is written."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog, Message

from bot.catalogs.checks import Problem, check_catalog, check_style, entry_key
from bot.catalogs.files import REVIEWED, catalog_path, coverage, extract, load
from bot.catalogs.rules import PLURAL_FORMS
from bot.i18n import SUPPORTED_LOCALES

SHEET_COLUMNS = (
    "key",
    "source (English)",
    "context",
    "comment for translators",
    "plural form",
    "current translation",
    "where it is used",
    "correction",
    "reviewed",
)
_YES = {"yes", "y", "x", "1", "true", "ok", "✓", "✔", "sí", "si", "oui", "да", "так", "نعم", "بله"}
_YES |= {"ہاں", "جی", "بلی", "بەڵێ", "evet"}  # Urdu, Dari, Sorani, Turkish


def _usages() -> dict[tuple[str, str | None], list[str]]:
    """Where each message is used in the code ("bot/services/concerns.py:72")."""
    root = Path(__file__).resolve().parent.parent.parent
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "messages.pot"
        subprocess.run(
            [
                sys.executable,
                "-m",
                "babel.messages.frontend",
                "-q",
                "extract",
                "-F",
                str(root / "babel.cfg"),
                "-o",
                str(out),
                "--keyword=NP_:1c,2",
                "--keyword=about:2",
                ".",
            ],
            check=True,
            cwd=root,
        )
        template = load(out)
    return {
        entry_key(m): [f"{path}:{line}" for path, line in m.locations] for m in template if m.id
    }


def _plural_names(locale: str) -> list[str]:
    """A name for each plural form of a language: the numbers that take it, from 0 to 200."""
    count, expr = PLURAL_FORMS[locale]
    from gettext import c2py

    rule = c2py(expr)
    numbers: dict[int, list[int]] = {i: [] for i in range(count)}
    for n in range(201):
        numbers[int(rule(n))].append(n)
    return [
        "numbers like " + ", ".join(str(n) for n in numbers[i][:4]) if numbers[i] else ""
        for i in range(count)
    ]


def _sheet_key(msgid: str, context: str | None) -> str:
    """The hidden first column: which entry a row is (JSON; a spreadsheet refuses \\x04)."""
    import json

    return json.dumps([context, msgid], ensure_ascii=False)


def _rows(
    catalog: Catalog, used: dict[tuple[str, str | None], list[str]], names: list[str]
) -> Iterator[list[str]]:
    """One row per message (per plural form of a plural one), in `SHEET_COLUMNS` order."""
    for message in catalog:
        if not message.id:
            continue
        msgid, context = entry_key(message)
        key = _sheet_key(msgid, context)
        sources = message.id if isinstance(message.id, tuple | list) else (message.id,)
        forms = message.string if isinstance(message.string, tuple | list) else (message.string,)
        comment = "\n".join(message.auto_comments)
        where = "\n".join(used.get((msgid, context), []))
        for index, form in enumerate(forms):
            plural = f"{index}: {names[index]}" if message.pluralizable else ""
            source = " / ".join(str(s) for s in sources)
            reviewed = "yes" if REVIEWED in message.flags else ""
            yield [key, source, context or "", comment, plural, form or "", where, "", reviewed]


def write_sheet(locale: str, out: Path) -> int:
    """A spreadsheet for a native speaker to review one language: one row per message (per
    plural form), with the source, its context and comment, the current translation, where it
    is used, and two columns to fill: a correction and "reviewed". Returns the rows written."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    from bot.services import cells

    catalog = load(catalog_path(locale), locale)
    used = _usages()
    names = _plural_names(locale)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = locale
    sheet.append(list(SHEET_COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    rows = 0
    for values in _rows(catalog, used, names):
        sheet.append([cells.escape(v) for v in values])
        rows += 1
    widths = {"A": 12, "B": 50, "C": 18, "D": 40, "E": 14, "F": 60, "G": 30, "H": 60, "I": 10}
    for column, width in widths.items():
        sheet.column_dimensions[column].width = width
    for line in sheet.iter_rows(min_row=2):
        for cell in line:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.column_dimensions["A"].hidden = True
    sheet.freeze_panes = "B2"
    out.parent.mkdir(parents=True, exist_ok=True)
    book.save(out)
    return rows


def _unescape(value: object) -> str:
    """A cell read back: what `cells.escape` wrote, without its protecting apostrophe."""
    from bot.services import cells

    text = "" if value is None else str(value)
    return text[1:] if text.startswith("'") and cells.is_formula(text[1:]) else text


@dataclass
class Applied:
    locale: str
    corrected: int
    reviewed: int
    problems: list[Problem]


def _read_sheet(path: Path) -> tuple[str, dict[str, dict[int, str]], dict[str, list[bool]]]:
    """A reviewed sheet's language, its corrections (key: plural form: text) and its
    "reviewed" marks (key: one per row)."""
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True)
    sheet = book.worksheets[0]
    locale = str(sheet.title)
    if locale not in PLURAL_FORMS or locale == "en":
        raise ValueError(f"the sheet is named {locale!r}, not a catalog's language")
    rows = sheet.iter_rows(values_only=True)
    header = [str(h or "") for h in next(rows)]
    if tuple(header[: len(SHEET_COLUMNS)]) != SHEET_COLUMNS:
        raise ValueError("the first row is not the review sheet's header")
    column = {name: header.index(name) for name in SHEET_COLUMNS}
    edits: dict[str, dict[int, str]] = {}
    marks: dict[str, list[bool]] = {}
    for values in rows:
        key = _unescape(values[column["key"]])
        if not key:
            continue
        plural = _unescape(values[column["plural form"]])
        index = int(plural.split(":", 1)[0]) if plural else 0
        correction = _unescape(values[column["correction"]]).strip()
        if correction:
            edits.setdefault(key, {})[index] = correction
        mark = _unescape(values[column["reviewed"]]).strip().lower() in _YES
        marks.setdefault(key, []).append(mark)
    book.close()
    return locale, edits, marks


def _correct(message: Message, edits: dict[int, str]) -> None:
    """Put a row's corrections in its entry (each plural form by its number)."""
    if isinstance(message.string, tuple | list):
        forms = list(message.string)
        for index, text in edits.items():
            if 0 <= index < len(forms):
                forms[index] = text
        message.string = tuple(forms)
    else:
        message.string = edits.get(0, message.string)
    message.flags.discard("fuzzy")


def _mark(message: Message, marks: list[bool]) -> bool:
    """Flag an entry reviewed when every row of it is marked (else unflag it); True when it
    is newly reviewed."""
    if not all(marks):
        message.flags.discard(REVIEWED)
        return False
    newly = REVIEWED not in message.flags
    message.flags.add(REVIEWED)
    return newly


def apply_sheet(path: Path, template: Catalog | None = None) -> Applied:
    """Read a reviewed spreadsheet back into its catalog: corrections replace translations,
    "reviewed" marks entries (flag `reviewed`). Every check of the catalogs runs on the result
    first; when one fails, nothing is written and the problems are returned."""
    from babel.messages.pofile import write_po

    locale, edits, marks = _read_sheet(path)
    po = catalog_path(locale)
    catalog = load(po, locale)
    corrected = reviewed = 0
    for message in catalog:
        if not message.id:
            continue
        key = _sheet_key(*entry_key(message))
        if key in edits:
            _correct(message, edits[key])
            corrected += 1
        if key in marks and _mark(message, marks[key]):
            reviewed += 1
    problems = check_catalog(catalog, template or extract(), locale) + check_style(catalog, locale)
    if not problems:
        with po.open("wb") as fh:
            write_po(fh, catalog, width=100, ignore_obsolete=True, sort_output=True)
    return Applied(locale, corrected, reviewed, problems)


def sheet_command(args: list[str]) -> int:
    if args[:1] == ["--apply"] and len(args) == 2:
        result = apply_sheet(Path(args[1]))
        for problem in result.problems:
            print(problem)
        if result.problems:
            print(f"{result.locale}: nothing written; correct the sheet and apply it again")
            return 1
        done, total = coverage(load(catalog_path(result.locale), result.locale))
        print(
            f"{result.locale}: {result.corrected} corrected, {result.reviewed} newly reviewed; "
            f"{done} of {total} messages reviewed"
        )
        return 0
    if len(args) in (1, 2) and not args[0].startswith("-"):
        locale = args[0]
        if locale not in SUPPORTED_LOCALES or locale == "en":
            print(f"no catalog for {locale!r}")
            return 2
        out = Path(args[1]) if len(args) == 2 else Path(f"mentorbot-{locale}-review.xlsx")
        print(f"wrote {write_sheet(locale, out)} rows to {out}")
        return 0
    print("usage: python -m bot.catalogs sheet LANG [FILE.xlsx] | sheet --apply FILE.xlsx")
    return 2
