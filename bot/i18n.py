"""Per-reader translation and formatting: gettext catalogs and Babel's CLDR data.

Every message is rendered for its reader: `translator(locale)` gives the gettext functions and
the date, time, number and list formatting of that locale; `Translator.local(dt, tz)` moves a UTC
time into the reader's timezone. Module-level texts are marked with `N_` and translated when
rendered.
"""

from __future__ import annotations

import html
import io
import re
from datetime import date, datetime, time, timedelta
from functools import cached_property, lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_datetime, format_time, format_timedelta
from babel.lists import format_list
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations

from bot import cldr

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
DOMAIN = "messages"
DEFAULT_LOCALE = "en"
# English is the source; the others have catalogs in locales/<code>/LC_MESSAGES/messages.po.
SUPPORTED_LOCALES = (
    "en",
    "es",
    "ca",
    "ar",
    "uk",
    "ru",
    "fr",
    "fa",
    "ps",
    "ti",
    "tr",
    "ur",
    "fa_AF",
    "ckb",
    "so",
    "kmr",
    "am",
    "ka",
    "bn",
    "wo",
)
# Catalogs whose safety texts (SAFETY_TEXTS) no native speaker has reviewed yet: those texts are
# shown with their translation into the organisation's language below them. A code leaves this
# set when its catalog's safety texts carry the `reviewed` flag (see locales/README.md).
UNREVIEWED_SAFETY = frozenset({"tr", "ur", "fa_AF", "ckb", "so", "kmr", "am", "ka", "bn", "wo"})
# The texts a person in danger or in trouble reads: a wrong word there costs the most.
SAFETY_TEXTS = frozenset(
    {
        "If you are in danger now, call %(phone)s.",
        "If anyone is in danger right now, call %(phone)s first, and stay with the person if "
        "it is safe for you.",
        "Emergency: someone is in danger right now. You will get the emergency number at once.",
        "Emergency: %(phone)s",
        "Office phone: %(phone)s",
        "Thank you. It is saved. Please also phone the office: %(phone)s.",
        "Your concern is saved, but nobody on the staff can be reached through the bot right "
        "now. Please phone the office: %(phone)s.",
    }
)
# Written right to left: user-supplied text and /commands inside their sentences are isolated.
RTL_LOCALES = frozenset({"ar", "fa", "ps", "ur", "ckb", "fa_AF"})

# The tables below hold one entry per language whose catalog code is not a plain ISO 639-1 code
# that every tool knows; a language added later adds its entry here.
# Telegram names a language by two letters (ISO 639-1) in `language_code` for the default
# command menus and descriptions: a catalog whose code is not one maps to one, or to None (no
# default menu and description in it; its readers get theirs per chat once linked). Sorani and
# Kurmanji share "ku", which CLDR and most systems give to Kurmanji; Dari's "fa" is Persian's.
TELEGRAM_CODES: dict[str, str | None] = {"ckb": None, "kmr": "ku", "fa_AF": None}
# The CLDR locale of a catalog whose code Babel does not know ("kmr": CLDR calls it "ku").
CLDR_LOCALES: dict[str, str] = {"kmr": "ku"}
# A code a person's app may send (lower case, "_" or "-") for a language whose catalog has
# another code; used only when that catalog exists.
LOCALE_ALIASES: dict[str, str] = {
    "prs": "fa_AF",
    "fa_af": "fa_AF",
    "ku": "kmr",
    "ku_tr": "kmr",
    "ku_arab": "ckb",
    "ku_iq": "ckb",
    "ku_ir": "ckb",
    "sdh": "ckb",
}

# How a person asked to be addressed (Person.address); None, the default, is the neutral form.
ADDRESS_FORMS = ("feminine", "masculine")
# The languages whose texts take the reader's gender somewhere: only there is the person asked.
GENDERED_LOCALES = frozenset({"es", "ca", "ar", "uk", "ru", "fr", "ur"})
# The gettext contexts of a message's gendered variants (declared in bot/gendered.py): one for
# the reader addressed, one for a third person the message is about.
ADDRESSING = {"feminine": "addressing a woman", "masculine": "addressing a man"}
ABOUT = {"feminine": "about a woman", "masculine": "about a man"}

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


def normalise_locale(code: str | None) -> str | None:
    """The supported locale for a Telegram `language_code` or a typed code, or None."""
    if not code:
        return None
    by_lower = {c.lower(): c for c in SUPPORTED_LOCALES}
    full = code.replace("-", "_").lower()
    parts = full.split("_")
    for candidate in dict.fromkeys((full, "_".join(parts[:2]), parts[0])):
        found = by_lower.get(candidate) or by_lower.get(LOCALE_ALIASES.get(candidate, "").lower())
        if found:
            return found
    if parts[0] == "prs" and "fa" in by_lower:  # Dari without its own catalog: Persian
        return "fa"
    return None


def telegram_code(locale: str) -> str | None:
    """The two-letter `language_code` Telegram takes for this catalog's default menus and
    descriptions, or None when it has none (see TELEGRAM_CODES)."""
    if locale in TELEGRAM_CODES:
        return TELEGRAM_CODES[locale]
    return locale if len(locale) == 2 and locale.isalpha() else None


def cldr_locale(locale: str) -> Locale:
    """Babel's locale for a catalog code ("kmr" is CLDR's "ku"; "fa_AF" is Afghan Persian),
    its data loaded and trimmed (bot/cldr.py)."""
    return cldr.trimmed(Locale.parse(CLDR_LOCALES.get(locale, locale)))


def is_valid_timezone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


# CLDR knows Kurmanji as "ku" and names the "kmr" alias "kurdî (kurmancî) (latînî, Türkiye)":
# the name its readers use, and the CLDR code other languages name it by.
OWN_NAMES = {"kmr": "kurmancî"}


def language_name(code: str, *, in_sentence: bool = False) -> str:
    """A language's name in that language: "Español" on a button, "español" inside a
    sentence (`in_sentence`, as that language writes it there)."""
    try:
        own = cldr_locale(code)
        # CLDR's own name of a regional variety when it has one ("fa_AF": "دری", Dari).
        name = OWN_NAMES.get(code) or own.languages.get(code) or own.get_display_name() or code
    except (UnknownLocaleError, ValueError):
        return code
    return name if in_sentence else name[:1].upper() + name[1:]


@lru_cache(maxsize=32)
def _catalog(locale: str) -> NullTranslations:
    if locale == DEFAULT_LOCALE:
        return NullTranslations()
    po = LOCALES_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
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
    return Translations.load(str(LOCALES_DIR), [locale], DOMAIN)


def isolate(text: str | None) -> str:
    """User-supplied text (a name, a place, a note) wrapped in bidi isolates and HTML-escaped,
    so it neither scrambles a right-to-left sentence nor breaks the message's markup."""
    return f"{FSI}{html.escape(text or '', quote=False)}{PDI}"


def formatting_locale(language: str, region: str | None) -> Locale:
    """The CLDR locale whose dates, times and numbers a reader of `language` in the country
    `region` expects: the language as written in that country when CLDR knows it ("en_ES":
    "Tuesday 3 March, 17:30"); for English elsewhere outside the US, British usage (day before
    month, 24-hour clock) rather than American; otherwise the language's own."""
    own = Locale.parse(CLDR_LOCALES.get(language, language))  # its data is not loaded yet
    if region and not own.territory:  # "fa_AF" keeps Afghanistan's usage everywhere
        try:
            return Locale.parse(f"{own.language}_{region.upper()}")
        except (UnknownLocaleError, ValueError):
            if language == "en" and region.upper() != "US":
                return Locale.parse("en_GB")
    return own


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
