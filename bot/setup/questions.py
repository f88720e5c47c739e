"""The questions of `mentorbot setup`, each checked as it is answered (a wrong answer is asked
again), with the current values as defaults."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from bot.i18n import SUPPORTED_LOCALES
from bot.setup.answers import Answers, BotInfo, Current, SetupError
from bot.setup.checks import (
    check_country,
    check_database_url,
    check_help_line,
    check_name,
    check_photo,
    countries,
    language_name,
    territory_zones,
    zone_comment,
)
from bot.setup.current import read_database
from bot.setup.telegram import api_url, check_token

# A list to choose from: arrows, or type a part of the name to narrow it down.
FILTERED: dict[str, Any] = {
    "use_search_filter": True,
    "use_jk_keys": False,
    "instruction": "(arrows, or type to narrow down)",
}


def _validator(check: Callable[[str], object]) -> Callable[[str], bool | str]:
    def validate(value: str) -> bool | str:
        try:
            check(value)
        except SetupError as exc:
            return str(exc)
        return True

    return validate


def ask(current: Current) -> tuple[Answers, BotInfo]:
    """The questions, each checked as it is answered; raises KeyboardInterrupt on Ctrl-C."""
    a = replace(current.answers, languages=list(current.answers.languages))
    bot = _ask_bot(a)
    a = _ask_database(a, current)
    _ask_organisation(a)
    _ask_languages(a)
    _ask_phones(a)
    _ask_coordinator(a, current)
    _ask_photo(a)
    return a, bot


def _ask_bot(a: Answers) -> BotInfo:
    import questionary

    url = api_url()
    found: dict[str, tuple[str, BotInfo]] = {}

    def token_ok(value: str) -> None:
        found["bot"] = check_token(url, value)

    a.token = questionary.password(
        "The bot's token, from @BotFather:",
        default=a.token,
        validate=_validator(token_ok),
    ).unsafe_ask()
    a.token, bot = found.get("bot") or check_token(url, a.token)
    print(f"  The bot: @{bot.username} ({bot.first_name})")
    _groups_advice(bot)
    return bot


def _groups_advice(bot: BotInfo) -> None:
    if bot.can_join_groups:
        print(
            "  The bot can be added to groups. It works in private chats only: in @BotFather send "
            "/setjoingroups, choose the bot, answer Disable."
        )


def _ask_database(a: Answers, current: Current) -> Answers:
    import questionary

    a.database_url = questionary.text(
        "Database (SQLite file, or PostgreSQL):",
        default=a.database_url,
        validate=_validator(check_database_url),
    ).unsafe_ask()
    if a.database_url != current.answers.database_url:
        # Another database: what it holds gives the defaults of the next questions.
        other = Current(current.lines, current.values, Answers(database_url=a.database_url))
        asyncio.run(read_database(a.database_url, other))
        if other.org_id is not None:
            a = replace(other.answers, token=a.token, languages=a.languages)
            current.org_id, current.coordinator_id = other.org_id, other.coordinator_id
            current.coordinator_linked = other.coordinator_linked
    return a


def _ask_organisation(a: Answers) -> None:
    """Its name, its country and the timezone (asked only when the country has several)."""
    import questionary

    a.organisation = questionary.text(
        "The organisation's name:",
        default=a.organisation,
        validate=_validator(lambda v: check_name(v, "organisation name")),
    ).unsafe_ask()
    a.organisation = check_name(a.organisation, "organisation name")
    a.country = check_country(
        questionary.text(
            "Its country (name in English, or code: ES):",
            default=countries().get(a.country, a.country),
            validate=_validator(check_country),
        ).unsafe_ask()
    )
    zones = territory_zones(a.country)
    if len(zones) == 1:
        a.timezone = zones[0]
        print(f"  Timezone: {a.timezone}")
        return
    zone_choices = [
        questionary.Choice(f"{zone}  {zone_comment(zone)}".rstrip(), value=zone) for zone in zones
    ]
    a.timezone = questionary.select(
        "Its timezone:",
        choices=zone_choices,
        default=next(
            c for c in zone_choices if c.value == (a.timezone if a.timezone in zones else zones[0])
        ),
        **FILTERED,
    ).unsafe_ask()


def _language_choices() -> list[Any]:
    import questionary

    return [questionary.Choice(language_name(c), value=c) for c in SUPPORTED_LOCALES]


def _ask_languages(a: Answers) -> None:
    import questionary

    choices = _language_choices()
    a.language = questionary.select(
        "The organisation's main language:",
        choices=choices,
        default=next(c for c in choices if c.value == a.language),
        **FILTERED,
    ).unsafe_ask()
    a.languages = questionary.checkbox(
        "Other languages it works in (space ticks, enter goes on):",
        choices=[
            questionary.Choice(language_name(c), value=c, checked=c in a.languages)
            for c in SUPPORTED_LOCALES
            if c != a.language
        ],
    ).unsafe_ask()


def _ask_phones(a: Answers) -> None:
    import questionary

    region = a.country
    a.emergency_phone = check_help_line(
        questionary.text(
            "Emergency number people should call:",
            default=a.emergency_phone or "112",
            validate=_validator(lambda v: check_help_line(v, region, True)),
        ).unsafe_ask(),
        region,
        True,
    )
    a.office_phone = check_help_line(
        questionary.text(
            "The office's phone (empty: none):",
            default=a.office_phone,
            validate=_validator(lambda v: check_help_line(v, region, False)),
        ).unsafe_ask(),
        region,
        False,
    )


def _ask_coordinator(a: Answers, current: Current) -> None:
    """The first coordinator's name and language; a new invitation for them?"""
    import questionary

    previous = a.coordinator
    a.coordinator = check_name(
        questionary.text(
            "The first coordinator's full name:",
            default=a.coordinator,
            validate=_validator(lambda v: check_name(v, "coordinator's name")),
        ).unsafe_ask(),
        "coordinator's name",
    )
    choices = _language_choices()
    lang = a.coordinator_language if a.coordinator_language in SUPPORTED_LOCALES else a.language
    a.coordinator_language = questionary.select(
        "The coordinator's language:",
        choices=choices,
        default=next(c for c in choices if c.value == lang),
        **FILTERED,
    ).unsafe_ask()
    if current.coordinator_id is not None and a.coordinator == previous:
        a.new_invitation = questionary.confirm(
            f"A new invitation link for {a.coordinator}? (the previous one stops working)",
            default=not current.coordinator_linked,
        ).unsafe_ask()
    else:
        a.new_invitation = True


def _ask_photo(a: Answers) -> None:
    import questionary

    a.profile_photo = questionary.path(
        "A profile photo for the bot (a .jpg; empty: keep it as it is):",
        default="",
        validate=_validator(check_photo),
    ).unsafe_ask()
