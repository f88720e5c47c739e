"""gettext and Babel formatting for one reader: `translator(locale)`, cached, with the texts
marked `N_` and `NP_` translated when rendered, and user-supplied text isolated."""

from __future__ import annotations

import html
import io
import re
from datetime import date, datetime, time, timedelta
from functools import cached_property, lru_cache
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime, format_time, format_timedelta
from babel.lists import format_list
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations

from bot import cldr
from bot.i18n import locales
from bot.i18n.locales import (
    ABOUT,
    ADDRESS_FORMS,
    ADDRESSING,
    CLDR_LOCALES,
    DEFAULT_LOCALE,
    DOMAIN,
    RTL_LOCALES,
    SAFETY_TEXTS,
    UNREVIEWED_SAFETY,
    cldr_locale,
    formatting_locale,
    normalise_locale,
)

# Unicode bidirectional isolates: FIRST STRONG ISOLATE ... POP DIRECTIONAL ISOLATE.
FSI, PDI = "\u2068", "\u2069"


def N_(message: str) -> str:
    """Mark a text for extraction; it is translated later, for its reader."""
    return message


class Label(str):
    """A text that carries its gettext context: the same English word ("Other", "Housing")
    is translated apart in each place it means something different."""

    context: str

    def __new__(cls, context: str, message: str) -> Label:
        label = super().__new__(cls, message)
        label.context = context
        return label


def NP_(context: str, message: str) -> str:
    """`N_` with a context (`pgettext` when rendered): for short labels and words with two
    meanings. Put a `# Translators:` comment above it saying where it is shown."""
    return Label(context, message)


@lru_cache(maxsize=32)
def _catalog(locale: str) -> NullTranslations:
    if locale == DEFAULT_LOCALE:
        return NullTranslations()
    po = locales.LOCALES_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
    mo = po.with_suffix(".mo")
    if po.exists() and (not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime):
        # Not compiled yet (a fresh checkout): compile in memory, as `pybabel compile` would.
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        with po.open("rb") as fh:
            catalog = read_po(fh, locale=locale)
        buffer = io.BytesIO()
        write_mo(buffer, catalog, use_fuzzy=False)
        buffer.seek(0)
        return Translations(buffer, domain=DOMAIN)
    return Translations.load(str(locales.LOCALES_DIR), [locale], DOMAIN)


def isolate(text: str | None) -> str:
    """User-supplied text (a name, a place, a note) wrapped in bidi isolates and HTML-escaped,
    so it neither scrambles a right-to-left sentence nor breaks the message's markup."""
    return f"{FSI}{html.escape(text or '', quote=False)}{PDI}"


class Translator:
    """gettext and Babel formatting for one reader's locale (and the country whose usage
    dates follow)."""

    def __init__(
        self,
        locale: str,
        region: str | None = None,
        address: str | None = None,
        companion: str | None = None,
    ) -> None:
        self.locale = normalise_locale(locale) or DEFAULT_LOCALE
        # The organisation's language, shown under the safety texts of an unreviewed catalog.
        companion = normalise_locale(companion)
        self.companion = (
            translator(companion)
            if self.locale in UNREVIEWED_SAFETY and companion and companion != self.locale
            else None
        )
        # How the reader asked to be addressed; messages with a gendered variant use it.
        self.address = address if address in ADDRESS_FORMS else None
        self._t = _catalog(self.locale)
        self._formatting = formatting_locale(self.locale, region)
        # The CLDR locale of dates and numbers ("en_ES"), for reading dates people type.
        self.formats = str(self._formatting)
        # `when` of the moments seen lately: a scheduler batch writes the same appointment
        # times for many readers of one language (pure: the same moment, zone and locale).
        self._when: dict[tuple[datetime, str], str] = {}

    # Babel's data of a locale is loaded (and trimmed, bot/cldr.py) the first time a reader of
    # it needs a date or a number, not when the translator is made: most only need texts.
    @cached_property
    def _babel(self) -> Locale:
        return cldr.trimmed(self._formatting)

    @cached_property
    def _numbers(self) -> Locale:
        # Numbers are written as the language writes them ("1,000" in English anywhere).
        return cldr_locale(self.locale)

    @property
    def rtl(self) -> bool:
        return self.locale in RTL_LOCALES

    # gettext ------------------------------------------------------------------------------
    def gettext(self, message: str) -> str:
        if isinstance(message, Label):  # marked with NP_: translated in its context
            return self.pgettext(message.context, message)
        if self.address is not None:
            variant = self._variant(ADDRESSING[self.address], message)
            if variant is not None:
                return self._with_companion(message, variant)
        return self._with_companion(message, self._t.gettext(message))

    def _with_companion(self, message: str, text: str) -> str:
        """A safety text of an unreviewed catalog, with the organisation's language below."""
        if self.companion is None or message not in SAFETY_TEXTS:
            return text
        return f"{text}\n{self.companion.gettext(message)}"

    def about(self, address: str | None, message: str) -> str:
        """A message about a third person, in the form that person asked for (`address`),
        whatever the reader's own; the neutral form when they chose none."""
        if address in ABOUT:
            variant = self._variant(ABOUT[address], message)
            if variant is not None:
                return variant
        return self._t.gettext(message)

    def _variant(self, context: str, message: str) -> str | None:
        """The translation of `message` in `context` when the catalog has one (a gendered
        variant declared in bot/gendered.py), else None."""
        catalog: dict[str, str] | None = getattr(self._t, "_catalog", None)
        found = catalog.get(f"{context}\x04{message}") if catalog else None
        return str(found) if found else None

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._t.ngettext(singular, plural, n)

    def pgettext(self, context: str, message: str) -> str:
        return str(self._t.pgettext(context, message))

    def npgettext(self, context: str, singular: str, plural: str, n: int) -> str:
        return str(self._t.npgettext(context, singular, plural, n))

    # formatting ---------------------------------------------------------------------------
    @staticmethod
    def local(moment: datetime, tz: str) -> datetime:
        return moment.astimezone(ZoneInfo(tz))

    def day(self, day: date | datetime, fmt: str = "medium", tz: str | None = None) -> str:
        if isinstance(day, datetime) and tz:
            day = self.local(day, tz)
        return format_date(day, format=fmt, locale=self._babel)

    def _skeleton(self, day: date, skeleton: str, fallback: str, weekday: str = "") -> str:
        found = self._babel.datetime_skeletons.get(skeleton)
        pattern = str(found.pattern) if found is not None else fallback
        if weekday:  # the weekday spelt out in full ("Tuesday", not "Tue")
            pattern = re.sub(r"E+|c+", weekday, pattern)
        return format_date(day, format=pattern, locale=self._babel)

    def day_long(self, day: date | datetime, tz: str | None = None) -> str:
        """ "Tuesday 3 March" in the reader's words and order, the weekday in full."""
        if isinstance(day, datetime) and tz:
            day = self.local(day, tz)
        return self._skeleton(day, "MMMMEd", "EEEE d MMMM", weekday="EEEE")

    def day_button(self, day: date | datetime, tz: str | None = None) -> str:
        """ "Tue 3 Mar": a day on a button, short, with words so that no one reads the day as
        the month."""
        if isinstance(day, datetime) and tz:
            day = self.local(day, tz)
        return self._skeleton(day, "MMMEd", "EEE d MMM")

    def hour(self, moment: datetime | time, tz: str | None = None) -> str:
        if isinstance(moment, datetime) and tz:
            moment = self.local(moment, tz)
        return format_time(moment, format="short", locale=self._babel)

    def moment(self, moment: datetime, tz: str, fmt: str = "medium") -> str:
        return format_datetime(self.local(moment, tz), format=fmt, locale=self._babel)

    def when(self, moment: datetime, tz: str) -> str:
        """Weekday, date and time of a moment, for a reminder or a card."""
        key = (moment, tz)
        found = self._when.get(key)
        if found is None:
            local = self.local(moment, tz)
            pattern = str(self._babel.datetime_formats.get("medium", "{1}, {0}"))
            found = pattern.replace("{1}", self.day_long(local)).replace("{0}", self.hour(local))
            if len(self._when) >= 256:
                self._when.clear()
            self._when[key] = found
        return found

    def number(self, value: float | int) -> str:
        return format_decimal(value, locale=self._numbers)

    def duration(self, minutes: int) -> str:
        """ "1 hour and 30 minutes", with the plural forms of the reader's language."""
        hours, mins = divmod(minutes, 60)
        parts = []
        if hours:
            parts.append(self.ngettext("%(num)d hour", "%(num)d hours", hours) % {"num": hours})
        if mins or not hours:
            parts.append(self.ngettext("%(num)d minute", "%(num)d minutes", mins) % {"num": mins})
        return self.join(parts)

    def age(self, delta: timedelta) -> str:
        """ "3 hours", "2 days": a rounded span of time."""
        return str(format_timedelta(delta, format="long", locale=self._babel))

    def join(self, items: list[str]) -> str:
        return format_list(items, locale=self._babel) if items else ""

    def language(self, code: str) -> str:
        """The name of language `code` in this reader's language, as written inside a
        sentence ("Arabic" for an English reader, "árabe" for a Spanish one)."""
        found = self._numbers.languages.get(code) or self._numbers.languages.get(
            CLDR_LOCALES.get(code, code)
        )
        return str(found) if found else code


@lru_cache(maxsize=128)
def translator(
    locale: str | None,
    region: str | None = None,
    address: str | None = None,
    companion: str | None = None,
) -> Translator:
    return Translator(locale or DEFAULT_LOCALE, region, address, companion)


def reload_catalogs() -> None:
    """Forget loaded catalogs (after `pybabel compile`)."""
    _catalog.cache_clear()
    translator.cache_clear()
