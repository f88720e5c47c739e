"""Every answer checked, by the questions and the answers file alike: countries and their
timezones, names, phone numbers, the photo, the database."""

from __future__ import annotations

import asyncio
import concurrent.futures
import functools
import os
import re
from importlib import resources
from pathlib import Path

from babel import Locale
from babel.core import get_global

from bot.services import admin
from bot.services.errors import ServiceError
from bot.setup.answers import SetupError
from storage.db import Database


def territory_zones(country: str) -> list[str]:
    """The IANA timezones of a country (CLDR's territory data, through Babel), the most
    populous first as the tz database's zone.tab orders them: Spain is Europe/Madrid,
    Africa/Ceuta and Atlantic/Canary."""
    zones = [str(zone) for zone in get_global("territory_zones").get(country.upper(), [])]
    ranked = [zone for code, zone, _ in _zone_tab() if code == country.upper() and zone in zones]
    # zone.tab's order is geographic first; a zone "for most of" a country or its mainland
    # goes first all the same (Ukraine: Europe/Kyiv).
    ranked.sort(key=lambda zone: not re.search(r"\bmost\b|mainland", zone_comment(zone)))
    return ranked + [zone for zone in zones if zone not in ranked]


def zone_comment(zone: str) -> str:
    """The tz database's words for a zone of a country with several ("Canary Islands")."""
    return next((comment for _, name, comment in _zone_tab() if name == zone), "")


@functools.cache
def _zone_tab() -> list[tuple[str, str, str]]:
    try:
        text = (resources.files("tzdata") / "zoneinfo" / "zone.tab").read_text(encoding="utf-8")
    except (ModuleNotFoundError, OSError):
        return []
    rows = []
    for line in text.splitlines():
        if line and not line.startswith("#"):
            fields = line.split("\t")
            if len(fields) >= 3:
                rows.append((fields[0], fields[2], fields[3] if len(fields) > 3 else ""))
    return rows


def countries() -> dict[str, str]:
    """ISO code → English name, for the countries that have a timezone."""
    names = Locale("en").territories
    return {
        code: str(names.get(code, code))
        for code in get_global("territory_zones")
        if len(code) == 2 and code.isalpha()
    }


def check_country(value: str) -> str:
    text = value.strip()
    known = countries()
    if text.upper() in known:
        return text.upper()
    by_name = {name.casefold(): code for code, name in known.items()}
    found = by_name.get(text.casefold())
    if found is None:
        raise SetupError(f"unknown country {text!r}: give its name in English or its code (ES)")
    return found


def language_name(code: str) -> str:
    return f"{code}  {Locale.parse(code).get_display_name(code) or code}"


def check_help_line(value: str, region: str, required: bool) -> str:
    if not value.strip():
        if required:
            raise SetupError("a number is needed (112 is the emergency number across Europe)")
        return ""
    try:
        return admin.check_help_line(value, region or None) or ""
    except ServiceError as exc:
        raise SetupError(str(exc)) from None


def check_name(value: str, what: str) -> str:
    try:
        return admin.check_name(value, what)
    except ServiceError as exc:
        raise SetupError(str(exc)) from None


def check_photo(value: str) -> str:
    if not value.strip():
        return ""
    path = Path(value.strip()).expanduser()
    try:
        head = path.read_bytes()[:3]
    except OSError as exc:
        raise SetupError(f"cannot read {path}: {exc.strerror}") from None
    if head != b"\xff\xd8\xff":
        raise SetupError(f"{path.name} is not a JPEG picture (Telegram takes .jpg only)")
    return str(path)


def check_database_url(value: str) -> str:
    """A database the bot can use: a SQLite file in a folder this user may write, or a
    PostgreSQL database that answers (it need not hold the schema yet)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    text = value.strip()
    if not text.startswith(("sqlite+aiosqlite:///", "postgresql+asyncpg://")):
        raise SetupError("it must start with sqlite+aiosqlite:/// or postgresql+asyncpg://")
    try:
        url = make_url(text)
    except ArgumentError:
        raise SetupError("this is not a database URL") from None
    if url.get_backend_name() == "sqlite":
        folder = Path(url.database or "").expanduser().resolve().parent
        if not folder.is_dir() or not os.access(folder, os.W_OK):
            raise SetupError(
                f"the folder {folder} does not exist, or this user may not write there"
            )
        return text
    with concurrent.futures.ThreadPoolExecutor(1) as pool:  # questions run an event loop
        try:
            pool.submit(asyncio.run, _ping(text)).result(timeout=20)
        except Exception as exc:
            from bot.preflight import classify

            raise SetupError(classify(exc).line) from None
    return text


async def _ping(url: str) -> None:
    db = Database(url)
    try:
        await asyncio.wait_for(db.ping(), 15)
    finally:
        await db.dispose()
