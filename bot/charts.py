"""Charts as PNG images, with labels in the reader's language and script.

The one chart module of the project: every chart (the weekly digest's, the programme report's)
is drawn here, so that fonts, right-to-left text and the look are decided once.

- Fonts are Debian's `fonts-noto-core` (installed by `scripts/install`): `font_for(locale)` is
  the Noto font of the locale's script (Arabic for ar, fa, ps, ur, ckb; Ethiopic for ti, am;
  Georgian for ka; Bengali for bn; Noto Sans, which holds Latin and Cyrillic, for the others).
  Noto Sans stands behind it for anything the script's font lacks (Ethiopic and Georgian have
  no digits), so no label is drawn as a missing-glyph box; `missing_glyphs()` says what a font
  lacks, for the tests.
- Right-to-left labels: matplotlib 3.11 and later lay text out with libraqm (HarfBuzz and
  FriBidi), which joins Arabic letters and orders right-to-left runs itself, Pashto's own
  letters included. An older matplotlib draws characters one by one, left to right; for it the
  labels go through `shape()` first (`arabic-reshaper` picks each letter's joined form,
  `python-bidi` puts the characters in display order).
- matplotlib is imported only when a chart is drawn (its import costs about half a second and
  tens of megabytes), with the Agg backend, never a GUI one.
"""

from __future__ import annotations

import io
import threading
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from bot.i18n import RTL_LOCALES

if TYPE_CHECKING:
    from matplotlib.figure import Figure

NOTO_DIR = Path("/usr/share/fonts/truetype/noto")
# The Noto font of each script the catalogs use; Noto Sans covers Latin and Cyrillic.
_SCRIPT_FONTS = {
    "ar": "NotoSansArabic-Regular.ttf",
    "fa": "NotoSansArabic-Regular.ttf",
    "ps": "NotoSansArabic-Regular.ttf",
    "ti": "NotoSansEthiopic-Regular.ttf",
    # The second round (fa_AF takes fa's; kmr, so and wo are written in Latin letters).
    "ur": "NotoSansArabic-Regular.ttf",
    "ckb": "NotoSansArabic-Regular.ttf",
    "am": "NotoSansEthiopic-Regular.ttf",
    "ka": "NotoSansGeorgian-Regular.ttf",
    "bn": "NotoSansBengali-Regular.ttf",
}
_BASE_FONT = "NotoSans-Regular.ttf"

# One palette for every chart: readable in print and for the common colour-vision deficiencies
# (Okabe and Ito).
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00")

_draw_lock = threading.Lock()


@dataclass(frozen=True)
class Series:
    """One row of values, one per category, drawn as bars of one colour."""

    label: str
    values: Sequence[float]


def font_for(locale: str) -> Path:
    """The installed Noto font file used for the labels of a locale's script."""
    base = locale.replace("_", "-").split("-")[0].lower()
    path = NOTO_DIR / _SCRIPT_FONTS.get(base, _BASE_FONT)
    if not path.exists():
        raise FileNotFoundError(
            f"font {path} is missing: install Debian's fonts-noto-core (scripts/install does)"
        )
    return path


def _fonts_for(locale: str) -> list[Path]:
    """The locale's font, then Noto Sans behind it."""
    first = font_for(locale)
    base = NOTO_DIR / _BASE_FONT
    return [first] if first == base else [first, base]


def missing_glyphs(text: str, font: Path) -> set[str]:
    """The characters of `text` that `font` has no glyph for (controls and invisible format
    characters such as bidi isolates are not drawn, so never missing)."""
    cmap = _cmap(str(font))
    return {
        ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf") and ord(ch) not in cmap
    }


@cache
def _cmap(font: str) -> frozenset[int]:
    from matplotlib.ft2font import FT2Font

    return frozenset(FT2Font(font).get_charmap())


def shape(text: str, locale: str) -> str:
    """`text` with Arabic-script letters in their joined forms and in display order, for a
    renderer that draws characters one by one from left to right; unchanged for left-to-right
    locales."""
    base = locale.replace("_", "-").split("-")[0].lower()
    if base not in RTL_LOCALES or not text:
        return text
    import arabic_reshaper
    from bidi import get_display

    reshaped: str = arabic_reshaper.reshape(text)
    return str(get_display(reshaped, base_dir="R"))


@cache
def native_shaping() -> bool:
    """Whether matplotlib lays text out with libraqm (3.11+): it then joins and orders
    right-to-left text itself, and a pre-shaped label would come out reversed."""
    from matplotlib import ft2font

    return hasattr(ft2font.FT2Font, "_layout")


def label(text: str, locale: str) -> str:
    """A label as it is handed to matplotlib: as written when matplotlib shapes text itself,
    otherwise shaped (`shape`)."""
    return text if native_shaping() else shape(text, locale)


@cache
def _font_names(paths: tuple[Path, ...]) -> list[str]:
    from matplotlib import font_manager

    names = []
    for path in paths:
        font_manager.fontManager.addfont(str(path))
        names.append(font_manager.FontProperties(fname=str(path)).get_name())
    return names


def figure(
    *,
    title: str,
    categories: Sequence[str],
    series: Sequence[Series],
    locale: str,
    y_label: str = "",
) -> Figure:
    """The bar chart as a matplotlib Figure (not attached to pyplot, so never shown or kept)."""
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    for s in series:
        if len(s.values) != len(categories):
            raise ValueError("every series needs one value per category")
    family = _font_names(tuple(_fonts_for(locale)))
    fig = Figure(figsize=(8, 4.5), dpi=100)
    # Fixed margins, room for the title, a value axis of three digits and its label, and
    # category labels turned 45°: a layout engine ("constrained") would lay every text out
    # once more at each drawing, more than doubling the time a digest's chart takes.
    fig.subplots_adjust(left=0.1, right=0.98, top=0.9, bottom=0.2)
    ax = fig.add_subplot()
    n = max(len(series), 1)
    width = 0.8 / n
    for i, s in enumerate(series):
        xs = [c - 0.4 + width * (i + 0.5) for c in range(len(categories))]
        ax.bar(
            xs,
            list(s.values),
            width=width,
            color=PALETTE[i % len(PALETTE)],
            label=label(s.label, locale),
        )
    ax.set_xticks(range(len(categories)))
    ax.set_xticklabels(
        [label(c, locale) for c in categories], family=family, fontsize=9, rotation=0
    )
    if len(categories) > 8:
        for tick in ax.get_xticklabels():
            tick.set_rotation(45)
            tick.set_horizontalalignment("right")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    # Counts never go below zero; an empty chart still has an axis from 0 to 1.
    top = max((v for s in series for v in s.values), default=0)
    ax.set_ylim(0, max(1.0, float(top) * 1.1))
    for tick in ax.get_yticklabels():
        tick.set_fontfamily(family)
    ax.set_title(label(title, locale), family=family, fontsize=13)
    if y_label:
        ax.set_ylabel(label(y_label, locale), family=family)
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="y", alpha=0.3)
    ax.set_axisbelow(True)
    if any(s.label for s in series):
        # Right to left: the text before its colour key.
        rtl = locale.replace("_", "-").split("-")[0].lower() in RTL_LOCALES
        ax.legend(prop={"family": family}, frameon=False, markerfirst=not rtl)
    return fig


def bar_chart(
    *,
    title: str,
    categories: Sequence[str],
    series: Sequence[Series],
    locale: str,
    y_label: str = "",
) -> bytes:
    """A bar chart as PNG bytes: one group of bars per category, one bar per series (named
    in a legend when labelled), its labels in `locale`'s script and font."""
    import matplotlib

    matplotlib.use("Agg")
    fig = figure(title=title, categories=categories, series=series, locale=locale, y_label=y_label)
    out = io.BytesIO()
    # Font and figure state is shared inside matplotlib: one drawing at a time.
    with _draw_lock, matplotlib.rc_context({"axes.unicode_minus": False}):
        fig.savefig(out, format="png", metadata={"Software": None})
    return out.getvalue()
