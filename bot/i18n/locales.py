"""The languages: which catalogs exist, the codes Telegram and CLDR give them, how a person's
app names them, which texts are safety texts, and the CLDR locale of a reader's dates."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale, UnknownLocaleError

from bot import cldr

LOCALES_DIR = Path(__file__).resolve().parent.parent.parent / "locales"
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
