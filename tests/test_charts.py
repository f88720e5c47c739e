"""The chart module: fonts per script, every label's glyphs in the chosen font, Arabic labels
joined and ordered right to left, matplotlib imported only to draw.

`python -m tests.test_charts` rewrites the reference images docs/chart-en.png and
docs/chart-ar.png from the samples below.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot import charts
from bot.charts import Series
from bot.i18n import SUPPORTED_LOCALES

DOCS = Path(__file__).resolve().parent.parent / "docs"
WEEKS = 12
CASELOAD = [1, 2, 0, 3, 2, 1, 4, 2, 3, 1, 0, 2]
PROGRAMME = [4, 5, 3, 6, 5, 4, 7, 5, 6, 4, 3, 5]
SAMPLES = {
    "en": {
        "title": "Meetings per week, last 12 weeks",
        "categories": [f"{d} Sep" for d in range(1, WEEKS + 1)],
        "series": ["Your caseload", "Whole programme"],
        "y_label": "Meetings",
    },
    "ar": {
        "title": "اللقاءات في الأسبوع، آخر 12 أسبوعًا",
        "categories": [f"{d} سبتمبر" for d in range(1, WEEKS + 1)],
        "series": ["حالاتك", "البرنامج كله"],
        "y_label": "اللقاءات",
    },
    "ka": {
        "title": "შეხვედრები კვირაში, ბოლო 12 კვირა",
        "categories": [f"{d} სექ" for d in range(1, WEEKS + 1)],
        "series": ["თქვენი შემთხვევები", "მთელი პროგრამა"],
        "y_label": "შეხვედრები",
    },
    "bn": {
        "title": "সপ্তাহে সাক্ষাৎ, গত 12 সপ্তাহ",
        "categories": [f"{d} সেপ্টেম্বর" for d in range(1, WEEKS + 1)],
        "series": ["আপনার কেসগুলো", "পুরো প্রোগ্রাম"],
        "y_label": "সাক্ষাৎ",
    },
}


def _sample(locale: str) -> dict[str, object]:
    s = SAMPLES[locale]
    return {
        "title": s["title"],
        "categories": s["categories"],
        "series": [Series(s["series"][0], CASELOAD), Series(s["series"][1], PROGRAMME)],
        "locale": locale,
        "y_label": s["y_label"],
    }


def _drawn_texts(locale: str) -> list[str]:
    """Every non-empty text of the sample chart as matplotlib holds it, after a draw (which
    makes the value axis's tick labels)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.text import Text

    fig = charts.figure(**_sample(locale))  # type: ignore[arg-type]
    FigureCanvasAgg(fig).draw()
    return [t.get_text() for t in fig.findobj(Text) if t.get_text() and t.get_visible()]


def test_font_for_each_script() -> None:
    assert charts.font_for("en").name == "NotoSans-Regular.ttf"
    assert charts.font_for("uk").name == "NotoSans-Regular.ttf"
    for rtl in ("ar", "fa", "ps", "ur", "ckb", "fa_AF"):
        assert charts.font_for(rtl).name == "NotoSansArabic-Regular.ttf"
    assert charts.font_for("ti").name == "NotoSansEthiopic-Regular.ttf"
    assert charts.font_for("ka").name == "NotoSansGeorgian-Regular.ttf"
    assert charts.font_for("bn").name == "NotoSansBengali-Regular.ttf"
    assert charts.font_for("en").parent == Path("/usr/share/fonts/truetype/noto")


@pytest.mark.parametrize("locale", [code for code in SUPPORTED_LOCALES if code != "en"])
def test_every_letter_of_a_catalog_is_in_its_chart_fonts(locale: str) -> None:
    from bot.catalogs import catalog_path, load

    letters: set[str] = set()
    for message in load(catalog_path(locale), locale):
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        letters.update(ch for form in forms if form for ch in str(form) if ch.isalpha())
    fonts = [charts.font_for(locale), charts.font_for("en")]
    missing = set.intersection(*(charts.missing_glyphs("".join(letters), f) for f in fonts))
    assert missing == set(), sorted(missing)


def test_missing_glyphs_names_what_a_font_lacks() -> None:
    latin = charts.font_for("en")
    assert charts.missing_glyphs("Meetings 12", latin) == set()
    assert charts.missing_glyphs("ሰሙን", latin) == {"ሰ", "ሙ", "ን"}
    # Bidi isolates are not drawn, so never missing.
    assert charts.missing_glyphs("\u2068Ana\u2069", latin) == set()


@pytest.mark.parametrize("locale", sorted(SAMPLES))
def test_every_glyph_of_the_labels_is_in_the_chosen_font(locale: str) -> None:
    font = charts.font_for(locale)
    texts = _drawn_texts(locale)
    sample = SAMPLES[locale]
    # The title, the axis label, the categories and the legend are all drawn.
    for expected in [sample["title"], sample["y_label"], *sample["categories"], *sample["series"]]:
        assert charts.label(str(expected), locale) in texts
    # Noto Sans stands behind a script's font for what it lacks (Georgian and Ethiopic digits).
    base = charts.font_for("en")
    for text in texts:
        assert charts.missing_glyphs(text, font) & charts.missing_glyphs(text, base) == set(), text


def test_shape_joins_arabic_letters_and_orders_them_right_to_left() -> None:
    # لقاءات: lām initial, qāf medial, alif final, hamza, alif isolated, tā' isolated; shown from
    # the right, so the string starts with the last letter.
    assert charts.shape("لقاءات", "ar") == "\ufe95\ufe8d\ufe80\ufe8e\ufed8\ufedf"
    assert charts.shape("Meetings", "en") == "Meetings"
    assert charts.shape("لقاءات", "en") == "لقاءات"  # only right-to-left locales are shaped


def _render(text: str, family: list[str]) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6, 0.6), dpi=100)
    fig.text(0.02, 0.25, text, family=family, fontsize=16)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return bytes(canvas.buffer_rgba())


def test_arabic_labels_are_drawn_joined_and_right_to_left() -> None:
    family = charts._font_names(tuple(charts._fonts_for("ar")))
    lro, pdf = "\u202d", "\u202c"  # drawn strictly left to right, as given
    for text in [*SAMPLES["ar"]["series"], SAMPLES["ar"]["y_label"]]:
        drawn = charts.label(str(text), "ar")
        if not charts.native_shaping():
            assert drawn == charts.shape(str(text), "ar")
            continue
        # matplotlib shapes itself: what it draws is the joined, reordered text.
        assert _render(drawn, family) == _render(lro + charts.shape(str(text), "ar") + pdf, family)
        # ... and not the letters one by one in reading order.
        assert _render(drawn, family) != _render(lro + str(text) + pdf, family)


def test_bar_chart_is_a_png_and_checks_its_values() -> None:
    png = charts.bar_chart(**_sample("ar"))  # type: ignore[arg-type]
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    with pytest.raises(ValueError):
        charts.bar_chart(title="t", categories=["a", "b"], series=[Series("s", [1.0])], locale="en")


def test_matplotlib_is_imported_only_to_draw() -> None:
    code = (
        "import sys, bot.charts as c; c.font_for('ar'); c.shape('لقاء', 'ar');"
        "assert 'matplotlib' not in sys.modules, 'imported early';"
        "c.bar_chart(title='t', categories=['a'], series=[c.Series('s', [1])], locale='en');"
        "assert 'matplotlib' in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_reference_images_are_in_docs() -> None:
    for locale in SAMPLES:
        assert (DOCS / f"chart-{locale}.png").read_bytes().startswith(b"\x89PNG")


if __name__ == "__main__":
    for loc in SAMPLES:
        (DOCS / f"chart-{loc}.png").write_bytes(charts.bar_chart(**_sample(loc)))  # type: ignore[arg-type]
