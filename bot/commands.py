"""Command menus, per role and per language (`setMyCommands` with a scope and a language)."""

from __future__ import annotations

import logging

from telegram import Bot, BotCommand, BotCommandScopeChat, BotCommandScopeDefault
from telegram.error import TelegramError

from bot.i18n import N_, SUPPORTED_LOCALES, telegram_code, translator
from storage.models import Role

log = logging.getLogger(__name__)

COMMON = [
    ("help", N_("What I can do for you")),
    ("mydata", N_("A copy of your data")),
    ("language", N_("Change your language")),
    ("cancel", N_("Stop what you are doing")),
]
STAFF = [
    ("pending", N_("Open concerns and help requests")),
    ("match", N_("Open a match: /match and its number")),
]
REPORTS = [("figures", N_("Programme report: PDF and spreadsheet"))]

MENUS: dict[Role | None, list[tuple[str, str]]] = {
    None: [("start", N_("Start with your invitation link")), *COMMON],
    Role.MENTOR: [
        ("log", N_("Log a meeting")),
        ("plan", N_("Plan the next meeting")),
        ("upcoming", N_("Your planned meetings")),
        ("write", N_("Write to the family")),
        ("report", N_("Report progress")),
        ("help_staff", N_("Ask the staff for help")),
        ("concern", N_("Raise a concern")),
        ("mymatches", N_("Your matches")),
        ("mylogs", N_("Your recent meetings")),
        ("profile", N_("Your mentor profile")),
        *COMMON,
    ],
    Role.MENTEE: [
        ("next", N_("Your next meetings")),
        ("contacts", N_("Your contacts")),
        ("needhelp", N_("I need help")),
        ("problem", N_("I have a problem")),
        *COMMON,
    ],
    Role.WORKER: [
        ("matches", N_("Your caseload, needing attention first")),
        ("checkin", N_("Record a staff check-in with a match")),
        *STAFF,
        ("request", N_("Ask for mentors for a family")),
        ("requests", N_("Families waiting for mentors")),
        ("endmatch", N_("End a match: /endmatch and its number")),
        ("newlink", N_("A new invitation link for someone who lost their phone")),
        *REPORTS,
        *COMMON,
    ],
    Role.COORDINATOR: [
        ("matches", N_("The programme's matches")),
        ("checkin", N_("Record a staff check-in with a match")),
        *STAFF,
        ("requests", N_("Families waiting for mentors")),
        ("endmatch", N_("End a match: /endmatch and its number")),
        *REPORTS,
        *COMMON,
    ],
    Role.COORDINATOR: [
        ("matches", N_("The programme's matches")),
        ("checkin", N_("Record a staff check-in with a match")),
        *STAFF,
        ("mentors", N_("Mentors who may need support")),
        ("invite", N_("Invite a new mentee or mentor")),
        ("newlink", N_("A new invitation link for someone who lost their phone")),
        *REPORTS,
        ("erase", N_("Erase a person's data")),
        *COMMON,
    ],
    Role.ADMIN: [*STAFF, ("erase", N_("Erase a person's data")), *COMMON],
}


def menu(role: Role | None, locale: str) -> list[BotCommand]:
    tr = translator(locale)
    return [BotCommand(name, tr.gettext(text)) for name, text in MENUS[role]]


async def set_default_menus(bot: Bot) -> None:
    """The menu of people not yet linked, in every language the bot speaks."""
    await bot.set_my_commands(menu(None, "en"), scope=BotCommandScopeDefault())
    for locale, code in default_languages([c for c in SUPPORTED_LOCALES if c != "en"]):
        await bot.set_my_commands(
            menu(None, locale), scope=BotCommandScopeDefault(), language_code=code
        )


def default_languages(locales: tuple[str, ...] | list[str]) -> list[tuple[str, str]]:
    """(catalog, Telegram `language_code`) of each language that gets a default menu and
    description: Telegram takes a two-letter ISO 639-1 code there, so a catalog such as "ckb"
    or "fa_AF" gets none (its readers get their menu per chat once linked, see
    `set_person_menu`) and "kmr" is named "ku" (bot.i18n.TELEGRAM_CODES)."""
    pairs: dict[str, str] = {}
    for locale in locales:
        code = telegram_code(locale)
        if code and code not in pairs:
            pairs[code] = locale
    return [(locale, code) for code, locale in pairs.items()]


async def set_person_menu(bot: Bot, chat_id: int, role: Role, locale: str) -> None:
    """One person's menu, in their language, for their chat only."""
    try:
        await bot.set_my_commands(menu(role, locale), scope=BotCommandScopeChat(chat_id))
    except TelegramError as exc:
        log.warning("could not set the command menu of a chat: %s", type(exc).__name__)
