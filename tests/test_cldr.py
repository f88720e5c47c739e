"""Babel's CLDR data is trimmed to what the bot reads (bot/cldr.py): every text the bot
formats comes out the same as with Babel's whole data, in every catalog's locale, in the
countries programmes run in; and the trimming does happen (a Babel release that renamed its
cache would make it silently stop)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta

import pytest
from babel import localedata

from bot import cldr, i18n
from bot.i18n import SUPPORTED_LOCALES, Translator

REGIONS = (None, "ES", "DE", "GB", "US", "AF", "UA")
MOMENTS = (
    datetime(2026, 3, 3, 17, 30, tzinfo=UTC),
    datetime(2026, 12, 31, 23, 5, tzinfo=UTC),
    datetime(2027, 1, 1, 0, 0, tzinfo=UTC),
)
ZONES = ("Europe/Madrid", "Asia/Kabul", "America/New_York")


def _texts(tr: Translator) -> list[str]:
    out: list[str] = []
    for moment in MOMENTS:
        for zone in ZONES:
            out += [tr.moment(moment, zone), tr.when(moment, zone), tr.hour(moment, zone)]
            out += [tr.day_long(moment, zone), tr.day_button(moment, zone)]
        out += [tr.day(moment.date()), tr.day(moment.date(), "long"), tr.day(moment, "short")]
    out.append(tr.hour(time(9, 5)))
    for minutes in (1, 30, 45, 60, 90, 120, 135, 24 * 60, 3 * 24 * 60):
        out.append(tr.duration(minutes))
    for delta in (timedelta(minutes=5), timedelta(hours=3), timedelta(days=2), timedelta(days=40)):
        out.append(tr.age(delta))
    out += [tr.number(n) for n in (0, 7, 1234, 1234567, 2.5)]
    out += [tr.join(["a"]), tr.join(["a", "b"]), tr.join(["a", "b", "c"])]
    out += [tr.language(code) for code in SUPPORTED_LOCALES]
    out += [i18n.language_name(code) for code in SUPPORTED_LOCALES]
    out.append(i18n.cldr_locale(tr.locale).date_formats["short"].pattern)
    return out


def _all_texts() -> dict[tuple[str, str | None], list[str]]:
    return {
        (locale, region): _texts(Translator(locale, region))
        for locale in SUPPORTED_LOCALES
        for region in REGIONS
    }


@pytest.fixture
def fresh_cldr(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Babel's cache of loaded locale data, empty for the test and restored after it."""
    monkeypatch.setattr(localedata, "_cache", {})
    monkeypatch.setattr(localedata, "_dict_cache", {})
    yield


def test_every_formatted_text_is_the_same_with_the_trimmed_data(
    fresh_cldr: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    with monkeypatch.context() as whole:
        whole.setattr(cldr, "trim_loaded", lambda: 0)
        expected = _all_texts()
    assert not any(cldr.is_trimmed(name) for name in localedata._cache)
    monkeypatch.setattr(localedata, "_cache", {})
    monkeypatch.setattr(localedata, "_dict_cache", {})
    got = _all_texts()
    assert cldr.is_trimmed("ar") and cldr.is_trimmed("es_ES") and cldr.is_trimmed("root")
    for key, texts in expected.items():
        assert got[key] == texts, key


def test_the_trimmed_data_is_much_smaller(fresh_cldr: None) -> None:
    import pickle

    whole = localedata.load("uk")
    size_whole = len(pickle.dumps(dict(whole)))
    cldr.trim_loaded()
    size_trimmed = len(pickle.dumps(dict(localedata.load("uk"))))
    assert cldr.is_trimmed("uk")
    assert size_trimmed < size_whole * 0.6, (size_trimmed, size_whole)


def test_a_new_translator_trims_what_it_loads(fresh_cldr: None) -> None:
    Translator("fa", "AF").moment(MOMENTS[0], "Asia/Kabul")
    assert localedata._cache and all(cldr.is_trimmed(name) for name in localedata._cache)
