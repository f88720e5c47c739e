"""Per-reader translation and formatting: gettext catalogs and Babel's CLDR data.

Every message is rendered for its reader: `translator(locale)` gives the gettext functions and
the date, time, number and list formatting of that locale; `Translator.local(dt, tz)` moves a UTC
time into the reader's timezone. Module-level texts are marked with `N_` and translated when
rendered.

| module | holds |
|---|---|
| `locales` | the catalogs' codes and their tables (Telegram, CLDR, aliases), the safety texts, the languages' names, a reader's formatting locale |
| `translator` | `N_`, `NP_`, `isolate`, the loaded catalogs, `Translator` and `translator()` |
"""

from bot.i18n.locales import (
    ABOUT,
    ADDRESS_FORMS,
    ADDRESSING,
    CLDR_LOCALES,
    DEFAULT_LOCALE,
    DOMAIN,
    GENDERED_LOCALES,
    LOCALE_ALIASES,
    LOCALES_DIR,
    OWN_NAMES,
    RTL_LOCALES,
    SAFETY_TEXTS,
    SUPPORTED_LOCALES,
    TELEGRAM_CODES,
    UNREVIEWED_SAFETY,
    cldr_locale,
    formatting_locale,
    is_valid_timezone,
    language_name,
    normalise_locale,
    telegram_code,
)
from bot.i18n.translator import (
    FSI,
    N_,
    NP_,
    PDI,
    Label,
    Translator,
    isolate,
    reload_catalogs,
    translator,
)

__all__ = [
    "ABOUT",
    "ADDRESSING",
    "ADDRESS_FORMS",
    "CLDR_LOCALES",
    "DEFAULT_LOCALE",
    "DOMAIN",
    "FSI",
    "GENDERED_LOCALES",
    "LOCALES_DIR",
    "LOCALE_ALIASES",
    "NP_",
    "N_",
    "OWN_NAMES",
    "PDI",
    "RTL_LOCALES",
    "SAFETY_TEXTS",
    "SUPPORTED_LOCALES",
    "TELEGRAM_CODES",
    "UNREVIEWED_SAFETY",
    "Label",
    "Translator",
    "cldr_locale",
    "formatting_locale",
    "is_valid_timezone",
    "isolate",
    "language_name",
    "normalise_locale",
    "reload_catalogs",
    "telegram_code",
    "translator",
]
