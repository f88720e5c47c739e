"""`mentorbot setup`: from a token to the first coordinator's invitation, by answering questions.

It checks the token with `getMe` (and shows the bot's name), writes the settings file (mode
0600), creates or upgrades the database, creates the organisation (its timezone from its
country) and its first coordinator, sets the bot's descriptions and command menu in the
organisation's languages (and its profile photo), and prints the coordinator's invitation as
a link and as a QR code. Every answer is checked at once; a wrong one is asked again.

Nothing is changed before the last question is answered (Ctrl-C before then leaves all as it
was). Run again, it asks with the current values as defaults and changes only what changed.
`--from-file answers.toml` takes the answers from a file instead (see `FILE_KEYS`).
"""

from __future__ import annotations

import asyncio
import base64
import concurrent.futures
import functools
import json
import os
import re
import secrets
import shlex
import sys
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any

import httpx
from babel import Locale
from babel.core import get_global

from bot.clock import SystemClock
from bot.config import TELEGRAM_API_URL
from bot.i18n import N_, SUPPORTED_LOCALES, translator
from bot.services import admin, invites
from bot.services import help_lines as help_line_rules
from bot.services.errors import ServiceError
from storage.db import Database
from storage.migrate import check_schema, upgrade
from storage.models import Role

DESCRIPTION = N_(
    "This bot accompanies the mentoring programme of %(org)s: mentors log their meetings and "
    "plan appointments, the people they accompany see their next meetings and can ask for "
    "help, each in their own language.\n\nIt works only with a personal invitation link from "
    "the programme's staff: ask them for yours."
)
SHORT_DESCRIPTION = N_("The mentoring programme of %(org)s, in your language.")
DESCRIPTION_LIMIT, SHORT_LIMIT = 512, 120
DEFAULT_DATABASE = "mentorbot.sqlite3"
KEY_WARNING = (
    "# MENTORBOT_ENCRYPTION_KEY encrypts the data at rest. Keep a copy of it somewhere safe\n"
    "# (a password manager, a sealed envelope): if it is lost, the data is lost with it.\n"
)
# The keys of an answers file (`--from-file`); missing ones keep their current value.
FILE_KEYS = (
    "token", "database_url", "organisation", "country", "timezone", "language", "languages",
    "emergency_phone", "office_phone", "coordinator", "coordinator_language", "profile_photo",
    "new_invitation", "help_lines",
)  # fmt: skip


class SetupError(Exception):
    """One line for the operator; nothing was changed by the step that raised it."""


# --- answers --------------------------------------------------------------------------------


@dataclass
class Answers:
    token: str = ""
    database_url: str = ""
    organisation: str = ""
    country: str = ""
    timezone: str = ""
    language: str = "en"
    languages: list[str] = field(default_factory=list)  # besides `language`
    emergency_phone: str = "112"
    office_phone: str = ""
    coordinator: str = ""
    coordinator_language: str = ""
    profile_photo: str = ""
    new_invitation: bool = True
    # {"gender_violence": "016", ...}: bot.services.help_lines
    help_lines: dict[str, str] = field(default_factory=dict)


@dataclass
class Current:
    """What is there already: the settings file's lines, and the organisation in the database."""

    lines: list[str]
    values: dict[str, str]
    answers: Answers
    org_id: int | None = None
    coordinator_id: int | None = None
    coordinator_linked: bool = False
    schema_current: bool = False


@dataclass(frozen=True)
class BotInfo:
    username: str
    first_name: str
    can_join_groups: bool
    can_read_all_group_messages: bool


# --- validation, shared by the questions and the answers file ---------------------------------


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


# --- Telegram -------------------------------------------------------------------------------


class Telegram:
    """The few Bot API calls of the set-up, made directly (a script that runs once)."""

    def __init__(self, api_url: str, token: str) -> None:
        self.base = f"{api_url.rstrip('/')}/bot{token}"

    def call(
        self,
        method: str,
        params: Mapping[str, Any] | None = None,
        upload: Mapping[str, Any] | None = None,
    ) -> Any:
        data = {
            k: json.dumps(v) if isinstance(v, dict | list) else v for k, v in (params or {}).items()
        }
        try:
            with httpx.Client(timeout=15) as client:
                response = client.post(f"{self.base}/{method}", data=data, files=upload)
                body = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise SetupError(f"Telegram cannot be reached ({type(exc).__name__})") from None
        if not body.get("ok"):
            code = body.get("error_code", response.status_code)
            if code in (401, 404):
                raise SetupError("Telegram does not know this token: copy it again from @BotFather")
            raise SetupError(f"Telegram refused {method}: {body.get('description', code)}")
        return body.get("result")


def check_token(api_url: str, value: str) -> tuple[str, BotInfo]:
    token = value.strip()
    head, _, tail = token.partition(":")
    if not head.isdigit() or len(tail) < 20:
        raise SetupError("a token looks like 123456789:AAE…: copy it whole from @BotFather")
    me = Telegram(api_url, token).call("getMe")
    return token, BotInfo(
        str(me.get("username", "")),
        str(me.get("first_name", "")),
        bool(me.get("can_join_groups")),
        bool(me.get("can_read_all_group_messages")),
    )


# --- the settings file ----------------------------------------------------------------------


def read_settings_file(path: Path) -> tuple[list[str], dict[str, str]]:
    from dotenv import dotenv_values

    if not path.exists():
        return [], {}
    values = {k: v for k, v in dotenv_values(path).items() if v is not None}
    return path.read_text(encoding="utf-8").splitlines(), values


def _quoted(value: str) -> str:
    return value if all(c.isalnum() or c in ":/._-+@=,?&%" for c in value) else shlex.quote(value)


def write_settings_file(path: Path, lines: list[str], changes: Mapping[str, str]) -> bool:
    """Replace or add `KEY=value` lines, keeping every other line as it was; written whole to
    a new file of mode 0600 that takes the old one's place. False when nothing changed."""
    out, done = [], set()
    for line in lines:
        key = line.split("=", 1)[0].strip().removeprefix("export ").strip()
        if key in changes and "=" in line and not line.lstrip().startswith("#"):
            out.append(f"{key}={_quoted(changes[key])}")
            done.add(key)
        else:
            out.append(line)
    for key, value in changes.items():
        if key not in done:
            if key == "MENTORBOT_ENCRYPTION_KEY":
                out.extend(KEY_WARNING.rstrip("\n").splitlines())
            out.append(f"{key}={_quoted(value)}")
    if out == lines and path.exists():
        os.chmod(path, 0o600)
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.new")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write("\n".join(out) + "\n")
    os.chmod(temporary, 0o600)
    os.replace(temporary, path)
    return True


def new_encryption_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


# --- what is there --------------------------------------------------------------------------


async def _read_database(url: str, current: Current) -> None:
    db = Database(url)
    try:
        try:
            await check_schema(db)
        except Exception:  # no schema yet, or not reachable: nothing to read
            return
        current.schema_current = True
        async with db.transaction() as session:
            orgs = await admin.list_orgs(session)
            if not orgs:
                return
            org = orgs[0]
            people = await admin.list_people(session, org.id, "coordinator")
        a = current.answers
        current.org_id = org.id
        a.organisation, a.timezone, a.language = org.name, org.timezone, org.locale
        a.country = org.region or a.country
        a.emergency_phone, a.office_phone = org.emergency_phone, org.office_phone or ""
        a.help_lines = dict(org.help_lines)
        if people:
            first = people[0]
            current.coordinator_id, current.coordinator_linked = first.id, first.linked
            a.coordinator, a.coordinator_language = first.name, first.locale or org.locale
            a.new_invitation = not first.linked
    finally:
        await db.dispose()


def read_current(path: Path) -> Current:
    lines, values = read_settings_file(path)
    env = {**values, **{k: v for k, v in os.environ.items() if k.startswith("MENTORBOT_")}}
    answers = Answers(
        token=env.get("MENTORBOT_TOKEN", ""),
        database_url=env.get("MENTORBOT_DATABASE_URL")
        or f"sqlite+aiosqlite:///{path.resolve().parent / DEFAULT_DATABASE}",
        languages=[
            code
            for code in env.get("MENTORBOT_LANGUAGES", "").replace(" ", "").split(",")
            if code in SUPPORTED_LOCALES
        ],
    )
    current = Current(lines, values, answers)
    if answers.database_url.startswith(("sqlite+aiosqlite:///", "postgresql+asyncpg://")):
        asyncio.run(_read_database(answers.database_url, current))
    answers.languages = [code for code in answers.languages if code != answers.language]
    answers.new_invitation = current.coordinator_id is None or not current.coordinator_linked
    return current


def api_url() -> str:
    return os.environ.get("MENTORBOT_API_URL", "").strip() or TELEGRAM_API_URL


# --- asking ---------------------------------------------------------------------------------

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
    import questionary

    a = replace(current.answers, languages=list(current.answers.languages))
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
    a.database_url = questionary.text(
        "Database (SQLite file, or PostgreSQL):",
        default=a.database_url,
        validate=_validator(check_database_url),
    ).unsafe_ask()
    if a.database_url != current.answers.database_url:
        # Another database: what it holds gives the defaults of the next questions.
        other = Current(current.lines, current.values, Answers(database_url=a.database_url))
        asyncio.run(_read_database(a.database_url, other))
        if other.org_id is not None:
            a = replace(other.answers, token=a.token, languages=a.languages)
            current.org_id, current.coordinator_id = other.org_id, other.coordinator_id
            current.coordinator_linked = other.coordinator_linked
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
    else:
        zone_choices = [
            questionary.Choice(f"{zone}  {zone_comment(zone)}".rstrip(), value=zone)
            for zone in zones
        ]
        a.timezone = questionary.select(
            "Its timezone:",
            choices=zone_choices,
            default=next(
                c
                for c in zone_choices
                if c.value == (a.timezone if a.timezone in zones else zones[0])
            ),
            **FILTERED,
        ).unsafe_ask()
    choices = [questionary.Choice(language_name(c), value=c) for c in SUPPORTED_LOCALES]
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
    previous = a.coordinator
    a.coordinator = check_name(
        questionary.text(
            "The first coordinator's full name:",
            default=a.coordinator,
            validate=_validator(lambda v: check_name(v, "coordinator's name")),
        ).unsafe_ask(),
        "coordinator's name",
    )
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
    a.profile_photo = questionary.path(
        "A profile photo for the bot (a .jpg; empty: keep it as it is):",
        default="",
        validate=_validator(check_photo),
    ).unsafe_ask()
    return a, bot


def _groups_advice(bot: BotInfo) -> None:
    if bot.can_join_groups:
        print(
            "  The bot can be added to groups. It works in private chats only: in @BotFather send "
            "/setjoingroups, choose the bot, answer Disable."
        )


def from_file(path: Path, current: Current) -> tuple[Answers, BotInfo]:
    """The answers of a TOML file, checked like the questions; missing ones stay as they are."""
    try:
        given = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SetupError(f"cannot read {path}: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise SetupError(f"{path.name} is not TOML: {exc}") from None
    unknown = sorted(set(given) - set(FILE_KEYS))
    if unknown:
        raise SetupError(f"{path.name}: unknown key(s) {', '.join(unknown)}")
    a = replace(current.answers, languages=list(current.answers.languages))
    for key in FILE_KEYS:
        if key in given:
            value = given[key]
            expected: type = (
                list
                if key == "languages"
                else bool
                if key == "new_invitation"
                else dict
                if key == "help_lines"
                else str
            )
            if not isinstance(value, expected):
                raise SetupError(f"{path.name}: {key} must be a {expected.__name__}")
            setattr(a, key, value)
    a.token, bot = check_token(api_url(), a.token)
    a.database_url = check_database_url(a.database_url)
    a.organisation = check_name(a.organisation, "organisation name")
    a.country = check_country(a.country) if a.country else ""
    zones = territory_zones(a.country) if a.country else []
    if "timezone" not in given and zones and a.timezone not in zones:
        if len(zones) > 1:
            raise SetupError(f"{a.country} has several timezones: give one of {', '.join(zones)}")
        a.timezone = zones[0]
    if not a.timezone:
        raise SetupError("give the country (or the timezone)")
    try:
        admin.check_timezone(a.timezone)
    except ServiceError as exc:
        raise SetupError(str(exc)) from None
    region = a.country or admin.region_of(a.timezone) or ""
    for code in [a.language, a.coordinator_language or a.language, *a.languages]:
        if code not in SUPPORTED_LOCALES:
            raise SetupError(f"unknown language {code!r} (one of {' '.join(SUPPORTED_LOCALES)})")
    a.languages = [c for c in a.languages if c != a.language]
    a.coordinator_language = a.coordinator_language or a.language
    a.emergency_phone = check_help_line(a.emergency_phone, region, True)
    a.office_phone = check_help_line(a.office_phone, region, False)
    try:
        lines = help_line_rules.check_help_lines(
            {str(k): str(v) for k, v in a.help_lines.items()}, region or None
        )
    except ServiceError as exc:
        raise SetupError(str(exc)) from None
    a.help_lines = lines  # an empty number removes a line
    a.coordinator = check_name(a.coordinator, "coordinator's name")
    a.profile_photo = check_photo(a.profile_photo)
    if current.coordinator_id is not None and a.coordinator == current.answers.coordinator:
        a.new_invitation = bool(given.get("new_invitation", not current.coordinator_linked))
    else:
        a.new_invitation = True
    return a, bot


# --- doing it -------------------------------------------------------------------------------


@dataclass
class Done:
    settings_written: bool = False
    org: str = ""
    coordinator: str = ""
    link: str | None = None
    telegram: list[str] = field(default_factory=list)


async def _apply_database(a: Answers, current: Current, bot: BotInfo, done: Done) -> None:
    db = Database(a.database_url)
    try:
        await upgrade(db)
        now = SystemClock().now()
        async with db.transaction() as session:
            org_id = current.org_id
            if org_id is None:
                org = await admin.add_org(
                    session,
                    now,
                    name=a.organisation,
                    timezone=a.timezone,
                    locale=a.language,
                    country=a.country or None,
                    emergency_phone=a.emergency_phone,
                    office_phone=a.office_phone or None,
                    help_lines=a.help_lines or None,
                )
                org_id, done.org = org.id, "created"
            else:
                was = current.answers
                changes: dict[str, Any] = {
                    key: new
                    for key, old, new in (
                        ("name", was.organisation, a.organisation),
                        ("timezone", was.timezone, a.timezone),
                        ("locale", was.language, a.language),
                        ("emergency_phone", was.emergency_phone, a.emergency_phone),
                        ("office_phone", was.office_phone, a.office_phone),
                        ("help_lines", was.help_lines, a.help_lines),
                    )
                    if old != new
                }
                if changes:
                    await admin.set_org(session, now, org_id, country=a.country or None, **changes)
                    done.org = "changed: " + ", ".join(sorted(changes))
                else:
                    done.org = "unchanged"
            person_id = current.coordinator_id
            if person_id is None or a.coordinator != current.answers.coordinator:
                person = await admin.add_person(
                    session,
                    now,
                    org=org_id,
                    role=Role.COORDINATOR.value,
                    name=a.coordinator,
                    locale=a.coordinator_language,
                )
                person_id, done.coordinator = person.id, "created"
            elif a.coordinator_language != current.answers.coordinator_language:
                await admin.set_person(session, now, person_id, locale=a.coordinator_language)
                done.coordinator = "changed: locale"
            else:
                done.coordinator = "unchanged"
            if a.new_invitation:
                issued = await invites.create(session, now, person_id)
                done.link = invites.deep_link(bot.username, issued.token)
    finally:
        await db.dispose()


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def apply_telegram(a: Answers, done: Done) -> None:
    """Descriptions and the command menu in each of the organisation's languages (and, with no
    language, in its main one), set only where Telegram has something else; the photo."""
    from bot.commands import default_languages, menu

    api = Telegram(api_url(), a.token)
    # Telegram shows these by the app's language, named by two letters ("" for all others).
    # A language without such a code ("ckb", "fa_AF") has none here, as in bot.commands.
    for locale, code in [(a.language, ""), *default_languages((a.language, *a.languages))]:
        tr = translator(locale)
        wanted = {
            "description": _cut(
                tr.gettext(DESCRIPTION) % {"org": a.organisation}, DESCRIPTION_LIMIT
            ),
            "short_description": _cut(
                tr.gettext(SHORT_DESCRIPTION) % {"org": a.organisation}, SHORT_LIMIT
            ),
        }
        for kind, method in (
            ("description", "Description"),
            ("short_description", "ShortDescription"),
        ):
            have = api.call(f"getMy{method}", {"language_code": code}).get(kind, "")
            if have != wanted[kind]:
                api.call(f"setMy{method}", {"language_code": code, kind: wanted[kind]})
                done.telegram.append(f"{kind} {code or 'default'}")
        commands = [c.to_dict() for c in menu(None, locale)]
        have_commands = api.call("getMyCommands", {"language_code": code})
        if have_commands != commands:
            api.call("setMyCommands", {"language_code": code, "commands": commands})
            done.telegram.append(f"commands {code or 'default'}")
    if a.profile_photo:
        path = Path(a.profile_photo)
        api.call(
            "setMyProfilePhoto",
            {"photo": {"type": "static", "photo": "attach://picture"}},
            upload={"picture": (path.name, path.read_bytes(), "image/jpeg")},
        )
        done.telegram.append("profile photo")


def apply(a: Answers, current: Current, bot: BotInfo, path: Path) -> Done:
    done = Done()
    changes = {
        "MENTORBOT_TOKEN": a.token,
        "MENTORBOT_DATABASE_URL": a.database_url,
        "MENTORBOT_BOT_USERNAME": bot.username,
        "MENTORBOT_LANGUAGES": ",".join([a.language, *a.languages]),
    }
    if api_url() != TELEGRAM_API_URL:
        changes["MENTORBOT_API_URL"] = api_url()
    if not {"MENTORBOT_ENCRYPTION_KEY", "MENTORBOT_ENCRYPTION_KEY_FILE"} & (
        set(current.values) | set(os.environ)
    ):
        changes["MENTORBOT_ENCRYPTION_KEY"] = new_encryption_key()
    changes = {k: v for k, v in changes.items() if current.values.get(k) != v}
    done.settings_written = write_settings_file(path, current.lines, changes)
    if "MENTORBOT_ENCRYPTION_KEY" in changes:
        print(
            f"  {path} holds a new MENTORBOT_ENCRYPTION_KEY: keep a copy of it somewhere safe; "
            "if it is lost, the data is lost with it."
        )
    asyncio.run(_apply_database(a, current, bot, done))
    apply_telegram(a, done)
    return done


def print_invitation(name: str, link: str) -> None:
    import qrcode

    print(f"\nThe invitation for {name} (send it to them only; it works once, for 14 days):")
    print(link)
    code = qrcode.QRCode(border=2)
    code.add_data(link)
    code.print_ascii(out=sys.stdout, invert=True)


def start_line(path: Path) -> str:
    program = (Path(sys.argv[0]).name == "mentorbot" and sys.argv[0]) or "mentorbot"
    if path.resolve() == (Path.cwd() / ".env").resolve():
        return f"Start the bot: {program} run   (here, where .env is)"
    quoted = shlex.quote(str(path))
    return f"Start the bot: set -a; . {quoted}; set +a; {program} run"


def main(path: Path, answers_file: Path | None, *, debug: bool = False) -> int:
    try:
        current = read_current(path)
        if answers_file is not None:
            answers, bot = from_file(answers_file, current)
        else:
            print("Setting up mentorbot. Ctrl-C stops without changing anything.\n")
            answers, bot = ask(current)
    except KeyboardInterrupt:
        print("\nmentorbot setup: stopped; nothing was changed.", file=sys.stderr)
        return 130
    except SetupError as exc:
        print(f"mentorbot setup: {exc}", file=sys.stderr)
        return 1
    try:
        done = apply(answers, current, bot, path)
    except KeyboardInterrupt:
        print(
            "\nmentorbot setup: stopped part-way; run it again to finish (it keeps what was done).",
            file=sys.stderr,
        )
        return 130
    except (SetupError, ServiceError) as exc:
        print(f"mentorbot setup: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:
        if debug:
            raise
        from bot.preflight import classify

        print(f"mentorbot setup: {classify(exc).line} (run it again once mended)", file=sys.stderr)
        return 1
    print(
        f"\nSettings: {path} ({'written' if done.settings_written else 'unchanged'}, mode 0600). "
        f"Organisation: {done.org}. Coordinator: {done.coordinator}. "
        f"Telegram: {', '.join(done.telegram) or 'unchanged'}."
    )
    if done.link:
        print_invitation(answers.coordinator, done.link)
    print(start_line(path))
    return 0
