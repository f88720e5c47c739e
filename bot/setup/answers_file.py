"""`mentorbot setup --from-file answers.toml`: the answers of a file, checked like the
questions; the keys it leaves out keep their current value."""

from __future__ import annotations

import tomllib
from dataclasses import replace
from pathlib import Path
from typing import Any

from bot.i18n import SUPPORTED_LOCALES
from bot.services import admin
from bot.services import help_lines as help_line_rules
from bot.services.errors import ServiceError
from bot.setup.answers import FILE_KEYS, Answers, BotInfo, Current, SetupError
from bot.setup.checks import (
    check_country,
    check_database_url,
    check_help_line,
    check_name,
    check_photo,
    territory_zones,
)
from bot.setup.telegram import api_url, check_token

# The type of each key's value, when it is not a text.
NOT_TEXT: dict[str, type] = {"languages": list, "new_invitation": bool, "help_lines": dict}


def from_file(path: Path, current: Current) -> tuple[Answers, BotInfo]:
    """The answers of a TOML file, checked like the questions; missing ones stay as they are."""
    given = _read(path)
    a = replace(current.answers, languages=list(current.answers.languages))
    for key in FILE_KEYS:
        if key in given:
            expected = NOT_TEXT.get(key, str)
            if not isinstance(given[key], expected):
                raise SetupError(f"{path.name}: {key} must be a {expected.__name__}")
            setattr(a, key, given[key])
    a.token, bot = check_token(api_url(), a.token)
    a.database_url = check_database_url(a.database_url)
    a.organisation = check_name(a.organisation, "organisation name")
    a.country = check_country(a.country) if a.country else ""
    _check_timezone(a, timezone_given="timezone" in given)
    region = a.country or admin.region_of(a.timezone) or ""
    _check_languages(a)
    a.emergency_phone = check_help_line(a.emergency_phone, region, True)
    a.office_phone = check_help_line(a.office_phone, region, False)
    a.help_lines = _check_help_lines(a.help_lines, region)  # an empty number removes a line
    a.coordinator = check_name(a.coordinator, "coordinator's name")
    a.profile_photo = check_photo(a.profile_photo)
    if current.coordinator_id is not None and a.coordinator == current.answers.coordinator:
        a.new_invitation = bool(given.get("new_invitation", not current.coordinator_linked))
    else:
        a.new_invitation = True
    return a, bot


def _read(path: Path) -> dict[str, Any]:
    try:
        given = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SetupError(f"cannot read {path}: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise SetupError(f"{path.name} is not TOML: {exc}") from None
    unknown = sorted(set(given) - set(FILE_KEYS))
    if unknown:
        raise SetupError(f"{path.name}: unknown key(s) {', '.join(unknown)}")
    return given


def _check_timezone(a: Answers, *, timezone_given: bool) -> None:
    """The country's timezone unless one was given (a country with several needs it)."""
    zones = territory_zones(a.country) if a.country else []
    if not timezone_given and zones and a.timezone not in zones:
        if len(zones) > 1:
            raise SetupError(f"{a.country} has several timezones: give one of {', '.join(zones)}")
        a.timezone = zones[0]
    if not a.timezone:
        raise SetupError("give the country (or the timezone)")
    try:
        admin.check_timezone(a.timezone)
    except ServiceError as exc:
        raise SetupError(str(exc)) from None


def _check_languages(a: Answers) -> None:
    for code in [a.language, a.coordinator_language or a.language, *a.languages]:
        if code not in SUPPORTED_LOCALES:
            raise SetupError(f"unknown language {code!r} (one of {' '.join(SUPPORTED_LOCALES)})")
    a.languages = [c for c in a.languages if c != a.language]
    a.coordinator_language = a.coordinator_language or a.language


def _check_help_lines(lines: dict[str, str], region: str) -> dict[str, str]:
    try:
        return help_line_rules.check_help_lines(
            {str(k): str(v) for k, v in lines.items()}, region or None
        )
    except ServiceError as exc:
        raise SetupError(str(exc)) from None
