"""The review workflow for native speakers: a spreadsheet out of a catalog, corrections and
"reviewed" marks back in, every check run before anything is written."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from openpyxl import load_workbook

import bot.catalogs as catalogs
from bot.catalogs import REVIEWED, SHEET_COLUMNS, apply_sheet, coverage, extract, load, write_sheet

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def template() -> Catalog:
    return extract(ROOT)


@pytest.fixture
def locales(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the catalogs, so that applying a sheet changes no real file."""
    copy = tmp_path / "locales"
    shutil.copytree(ROOT / "locales", copy, ignore=shutil.ignore_patterns("*.mo"))
    monkeypatch.setattr(catalogs.files, "LOCALES_DIR", copy)
    return copy


def _rows(path: Path) -> list[list[object]]:
    sheet = load_workbook(path).worksheets[0]
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def _find(rows: list[list[object]], source: str, context: str | None = None) -> int:
    for index, row in enumerate(rows):
        if row[1] == source and (row[2] or None) == context:
            return index
    raise AssertionError(f"no row for {source!r}")


def _save(path: Path, rows: list[list[object]], title: str) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    for row in rows:
        sheet.append(row)
    book.save(path)


def test_the_sheet_holds_what_a_reviewer_needs(locales: Path, tmp_path: Path) -> None:
    out = tmp_path / "es.xlsx"
    count = write_sheet("es", out)
    rows = _rows(out)
    assert tuple(rows[0]) == SHEET_COLUMNS
    assert count == len(rows) - 1
    ack = rows[_find(rows, "Acknowledge", "concern button")]
    assert ack[5] == "Me encargo"
    assert "take" in str(ack[3]).lower()  # the translator comment
    assert "bot/notifications/concerns/cards.py:" in str(ack[6])  # where it is used, relative
    plural = [r for r in rows if r[1] == "%(num)d hour / %(num)d hours"]
    assert [str(r[4])[:1] for r in plural] == ["0", "1"]
    assert "1" in str(plural[0][4]) and "2" in str(plural[1][4])
    arabic = tmp_path / "ar.xlsx"
    write_sheet("ar", arabic)
    assert len([r for r in _rows(arabic) if r[1] == "%(num)d hour / %(num)d hours"]) == 6


def test_corrections_and_reviewed_marks_come_back(
    locales: Path, tmp_path: Path, template: Catalog
) -> None:
    out = tmp_path / "es.xlsx"
    write_sheet("es", out)
    rows = _rows(out)
    i = _find(rows, "Choose your language:")
    rows[i][7] = "¿En qué idioma te escribo?"
    rows[i][8] = "yes"
    for source in ("Yes", "No"):
        rows[_find(rows, source)][8] = "x"
    for row in rows:
        if row[1] == "%(num)d hour / %(num)d hours":
            row[8] = "sí"
    _save(out, rows, "es")
    result = apply_sheet(out, template)
    assert result.problems == []
    assert (result.corrected, result.reviewed) == (1, 4)
    catalog = load(locales / "es" / "LC_MESSAGES" / "messages.po", "es")
    message = catalog.get("Choose your language:")
    assert message is not None
    assert message.string == "¿En qué idioma te escribo?"
    assert REVIEWED in message.flags
    assert coverage(catalog)[0] == 4
    # A later change to a reviewed text takes the mark away again.
    catalogs.fill("es", {"Yes": "Sí, claro"})
    again = load(locales / "es" / "LC_MESSAGES" / "messages.po", "es")
    assert REVIEWED not in again["Yes"].flags
    assert coverage(again)[0] == 3


@pytest.mark.parametrize(
    ("correction", "kind"),
    [("Elige tu %(idioma)s:", "placeholder"), ("Elija su idioma:", "style")],
)
def test_a_correction_that_breaks_a_check_writes_nothing(
    locales: Path, tmp_path: Path, template: Catalog, correction: str, kind: str
) -> None:
    po = locales / "es" / "LC_MESSAGES" / "messages.po"
    before = po.read_bytes()
    out = tmp_path / "es.xlsx"
    write_sheet("es", out)
    rows = _rows(out)
    rows[_find(rows, "Choose your language:")][7] = correction
    rows[_find(rows, "Yes")][8] = "yes"
    _save(out, rows, "es")
    result = apply_sheet(out, template)
    assert kind in {p.kind for p in result.problems}
    assert po.read_bytes() == before


def test_a_formula_in_a_cell_is_written_as_text_and_read_back(
    locales: Path, tmp_path: Path, template: Catalog
) -> None:
    out = tmp_path / "fr.xlsx"
    write_sheet("fr", out)
    rows = _rows(out)
    i = _find(rows, "Yes")
    rows[i][7] = "'=Oui"  # what cells.escape writes for a formula-like text
    _save(out, rows, "fr")
    apply_sheet(out, template)
    catalog = load(locales / "fr" / "LC_MESSAGES" / "messages.po", "fr")
    assert catalog["Yes"].string == "=Oui"


def test_a_sheet_of_no_known_language_is_refused(locales: Path, tmp_path: Path) -> None:
    out = tmp_path / "x.xlsx"
    _save(out, [list(SHEET_COLUMNS)], "xx")
    with pytest.raises(ValueError, match="xx"):
        apply_sheet(out)


def test_the_reviewed_mark_survives_an_update(
    locales: Path, tmp_path: Path, template: Catalog
) -> None:
    out = tmp_path / "ca.xlsx"
    write_sheet("ca", out)
    rows = _rows(out)
    rows[_find(rows, "Acknowledge", "concern button")][8] = "yes"
    _save(out, rows, "ca")
    assert apply_sheet(out, template).reviewed == 1
    catalogs.update_all(ROOT)  # what every change to the source texts runs
    catalog = load(locales / "ca" / "LC_MESSAGES" / "messages.po", "ca")
    message = catalog.get("Acknowledge", "concern button")
    assert message is not None and REVIEWED in message.flags
    assert coverage(catalog)[0] == 1


def test_a_dari_reviewer_marks_in_their_language_and_iranian_words_are_refused(
    locales: Path, tmp_path: Path, template: Catalog
) -> None:
    out = tmp_path / "fa_AF.xlsx"
    write_sheet("fa_AF", out)
    rows = _rows(out)
    rows[_find(rows, "Yes")][8] = "بلی"  # "yes", in Dari
    phone = _find(rows, "Phone: %(phone)s")
    assert rows[phone][5] == "تیلفون: %(phone)s"
    rows[phone][7] = "تلفن: %(phone)s"  # the Iranian word
    _save(out, rows, "fa_AF")
    refused = apply_sheet(out, template)
    assert [p.kind for p in refused.problems] == ["style"]
    assert "Dari" in refused.problems[0].detail
    rows[phone][7] = ""
    _save(out, rows, "fa_AF")
    result = apply_sheet(out, template)
    assert (result.problems, result.reviewed) == ([], 1)
    catalog = load(locales / "fa_AF" / "LC_MESSAGES" / "messages.po", "fa_AF")
    assert REVIEWED in catalog["Yes"].flags
