"""Babel's CLDR data, kept to what the bot formats.

Babel loads a locale's whole CLDR data the first time anything of it is read: names of every
unit, currency and time zone, compact and currency number formats, relative-date phrases,
interval formats. That is about 0.7 MiB per locale, held for the life of the process, and a
reader's language in their country ("ar" in Spain: "ar" and "ar_ES") loads two. The bot reads
only dates, times, durations, lists, plain numbers and the names of languages and countries,
so once a locale is loaded the parts it never reads are emptied: with twenty languages in use
that is about 14 MiB less. An emptied part reads as "nothing known" (Babel then falls back to
its generic pattern), never as an error, and `tests/test_cldr.py` checks that every text the
bot formats comes out the same with and without the trimming, in every catalog's locale.

This relies on Babel's cache of loaded data (`babel.localedata._cache`); if a Babel release
renames it, nothing is trimmed (and the test says so).
"""

from __future__ import annotations

from typing import Any

from babel import Locale, localedata

# Parts of a locale's data the bot never reads. Durations ("2 hours") are the only units it
# formats (`unit_patterns` keeps them); no date or time pattern it uses names a time zone.
UNUSED = (
    "compact_currency_formats",
    "compact_decimal_formats",
    "compound_unit_patterns",
    "currency_formats",
    "currency_names",
    "currency_names_plural",
    "currency_symbols",
    "currency_unit_patterns",
    "date_fields",
    "interval_formats",
    "meta_zones",
    "time_zones",
    "unit_display_names",
)
KEPT_UNITS = "duration-"
_MARK = "mentorbot.trimmed"


def _trim(data: dict[str, Any]) -> None:
    for part in UNUSED:
        if part in data:
            data[part] = {}
    units = data.get("unit_patterns")
    if isinstance(units, dict):
        data["unit_patterns"] = {k: v for k, v in units.items() if k.startswith(KEPT_UNITS)}
    data[_MARK] = True


def trim_loaded() -> int:
    """Trims every locale's data Babel has loaded and not yet trimmed; returns how many."""
    cache = getattr(localedata, "_cache", None)
    if not isinstance(cache, dict):
        return 0
    trimmed = 0
    for data in list(cache.values()):
        if isinstance(data, dict) and _MARK not in data:
            _trim(data)
            trimmed += 1
    return trimmed


def trimmed(locale: Locale) -> Locale:
    """`locale`, its data (and its parents') loaded and trimmed."""
    locale._data  # noqa: B018 (loads the data, and that of the locales it inherits from)
    trim_loaded()
    return locale


def is_trimmed(name: str) -> bool:
    cache = getattr(localedata, "_cache", None)
    return isinstance(cache, dict) and _MARK in cache.get(name, {})
