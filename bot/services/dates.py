"""Days typed by people, in their own language and usual format.

Words ("yesterday", "anteayer", "jueves", "3 de febrero") are read by dateparser in the
person's language. All-number dates ("5/2", "05.02", "5.2.2026") are read in the order the
person's locale writes a short date (Babel's CLDR data: day first in most of the world, month
first in US English; a date that only makes sense the other way round is read that way),
because dateparser takes "05.02" for the clock time 05:02. A bare time ("10:30") is not a day.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from functools import lru_cache
from typing import Any, Literal

from babel import Locale, UnknownLocaleError

_NUMERIC = re.compile(r"^(\d{1,4})[./-](\d{1,2})(?:[./-](\d{2,4}))?\.?$")
_TIME = re.compile(r"^\d{1,2}[:h]\d{2}$")


def ascii_digits(text: str) -> str:
    """Arabic-Indic, Persian and other decimal digits as ASCII, so "٤٥" reads as 45."""
    return "".join(str(unicodedata.digit(ch)) if ch.isdigit() else ch for ch in text)


@lru_cache(maxsize=64)
def word_languages(locale: str) -> list[str]:
    """The languages dateparser reads a typed day in for this locale: its own where dateparser
    knows it ("ur", "ckb", "fa" for Dari's "fa_AF"), and English; English alone otherwise
    (Kurmanji, Wolof). All-number dates are read in every language without dateparser."""
    from dateparser.languages.loader import default_loader

    language = locale.replace("-", "_").split("_")[0]  # "en_ES" reads English words
    known = default_loader.get_locale_map()
    return list(dict.fromkeys([language, "en"] if language in known else ["en"]))


def date_order(locale: str) -> str:
    """ "DMY", "MDY" or "YMD": how the locale writes a short date, for reading "12/3"."""
    try:
        pattern = Locale.parse(locale).date_formats["short"].pattern
    except (UnknownLocaleError, ValueError, KeyError):
        return "DMY"
    found = {c: pattern.find(c) for c in "dMy" if c in pattern}
    if len(found) != 3:
        return "DMY"
    return "".join(sorted(found, key=found.__getitem__)).upper()


def _numeric(match: re.Match[str], order: str, today: date, prefer: str) -> date | None:
    first, second, third = match.group(1), match.group(2), match.group(3)
    if len(first) == 4:  # 2026-03-05 whatever the locale
        order, parts = "YMD", [first, second, third]
    elif third is None:
        order, parts = order.replace("Y", ""), [first, second]
    elif len(third) == 4 or order[0] == "Y":  # "5/3/2026": the year last even where
        order, parts = order.replace("Y", "") + "Y", [first, second, third]  # CLDR puts it first
    else:
        parts = [first, second, third]
    values = dict(zip(order, (int(p) for p in parts), strict=True))
    year = values.get("Y")
    if year is not None and year < 100:
        year += 2000
    try:
        day = date(year or today.year, values["M"], values["D"])
    except ValueError:
        try:  # "15/1" in a month-first locale can only mean the 15th of January
            day = date(year or today.year, values["D"], values["M"])
        except ValueError:
            return None
    if year is None:  # "5/2": the nearest such day in the direction asked for
        if prefer == "past" and day > today:
            day = day.replace(year=day.year - 1)
        elif prefer == "future" and day < today:
            day = day.replace(year=day.year + 1)
    return day


def read_day(
    text: str, locale: str, local_now: datetime, prefer: Literal["past", "future"]
) -> date | None:
    """The day meant by `text`, read relative to the person's local now (naive, in their
    timezone); None when it is not a day."""
    cleaned = " ".join(ascii_digits(text).split())
    if not cleaned or _TIME.match(cleaned):
        return None
    today = local_now.date()
    numeric = _NUMERIC.match(cleaned)
    if numeric:
        return _numeric(numeric, date_order(locale), today, prefer)
    settings: Any = {
        "PREFER_DATES_FROM": prefer,
        "RELATIVE_BASE": local_now.replace(tzinfo=None),
        "RETURN_AS_TIMEZONE_AWARE": False,
        "DATE_ORDER": date_order(locale),
    }
    import dateparser  # its language data: imported when a date is first typed

    try:
        parsed = dateparser.parse(cleaned, languages=word_languages(locale), settings=settings)
    except (ValueError, OverflowError):
        return None
    return parsed.date() if parsed is not None else None
