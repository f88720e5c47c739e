"""The `mentorbot` command: run the bot, the demo, the emulator, and the admin commands.

Admin commands print what they created (its id, or JSON with `--json`), and on bad input exit
non-zero with a one-line reason, having changed nothing (each command is one transaction).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import io
import json
import logging
import os
import re
import sys
import threading
import traceback
from collections.abc import Awaitable, Callable, Iterator, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from bot import cli_match
from bot.clock import SystemClock
from bot.config import Settings, SettingsError, load_settings
from bot.notifications import bus
from bot.services import admin, exports, importer, invites
from bot.services.errors import ServiceError
from storage.db import Database
from storage.migrate import SchemaMismatch, check_schema, upgrade

T = TypeVar("T")
USERNAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{3,31}$")
WEBHOOK_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
ROLES = ("mentor", "mentee", "worker", "coordinator", "admin")
DELEGATED = {
    "emulator": ("emulator.cli", "the local Bot API emulator"),
    "demo": ("bot.demo", "the demo: emulator, bot and a web page to chat as every role"),
}


class CliError(Exception):
    """A one-line reason to stop, printed without a traceback."""


# parser -----------------------------------------------------------------------------------
def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mentorbot",
        description="A Telegram bot for social-mentoring programmes: run it, and set up "
        "organisations, people, invitations and matches.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    out = argparse.ArgumentParser(add_help=False)
    out.add_argument("--json", action="store_true", help="print the result as JSON")

    run = sub.add_parser("run", help="run the bot (long polling, or --webhook)")
    run.add_argument("--webhook", action="store_true", help="receive updates by webhook")

    setup = sub.add_parser(
        "setup",
        help="set up or change the bot, its settings file, the database, the organisation and "
        "its first coordinator (asks questions; run it again to change an answer)",
    )
    setup.add_argument(
        "--settings",
        type=Path,
        default=Path(".env"),
        metavar="FILE",
        help="the settings file to write (default: .env here, which the bot reads)",
    )
    setup.add_argument(
        "--from-file",
        type=Path,
        metavar="ANSWERS.toml",
        help="take the answers from a TOML file instead of asking (keys: see the README)",
    )
    sub.add_parser(
        "doctor",
        parents=[out],
        help="check everything that can fail in production, each with its fix "
        "(exit 0 only when all pass)",
    )

    db = sub.add_parser("db", help="database schema")
    db_sub = db.add_subparsers(dest="action", required=True, metavar="ACTION")
    db_sub.add_parser("upgrade", help="create or upgrade the schema")
    db_sub.add_parser("check", help="say whether the schema is current")

    keys = sub.add_parser("keys", help="encryption keys of the free texts stored")
    keys_sub = keys.add_subparsers(dest="action", required=True, metavar="ACTION")
    keys_sub.add_parser("new", help="print a fresh key for MENTORBOT_ENCRYPTION_KEY")
    rotate = keys_sub.add_parser(
        "rotate",
        help="re-encrypt every free text under the first key (and encrypt plain ones)",
        description="Re-encrypt, a batch at a time, every value that is plain or encrypted "
        "with another key than the first of MENTORBOT_ENCRYPTION_KEY (or the key file); the "
        "old keys must still be listed after it until this has finished.",
    )
    rotate.add_argument("--batch", type=int, default=200, help="rows per transaction")

    org = sub.add_parser("org", help="organisations")
    org_sub = org.add_subparsers(dest="action", required=True, metavar="ACTION")
    org_add = org_sub.add_parser("add", parents=[out], help="add an organisation")
    org_add.add_argument("--name", required=True)
    org_add.add_argument("--timezone", required=True, help="e.g. Europe/Madrid")
    org_add.add_argument("--locale", required=True, help="default language, e.g. ca")
    org_add.add_argument(
        "--country", help="ISO country code for phone numbers (default: from the timezone)"
    )
    org_set = org_sub.add_parser(
        "set",
        parents=[out],
        help="change an organisation's contacts and policy",
        description="Change only the settings given; an empty text clears an office phone, "
        "office hours or address.",
    )
    org_set.add_argument("org", metavar="ORG", help="organisation name or id")
    org_set.add_argument("--country", help="ISO country code for phone numbers")
    org_set.add_argument("--name", help="a new name")
    org_set.add_argument("--timezone", help="e.g. Atlantic/Canary")
    org_set.add_argument("--locale", help="default language, e.g. es")
    for parser_ in (org_add, org_set):
        _org_policy_arguments(parser_)
    org_sub.add_parser("list", parents=[out], help="list organisations")

    family = sub.add_parser("family", help="families (households of mentees)")
    family_sub = family.add_subparsers(dest="action", required=True, metavar="ACTION")
    family_add = family_sub.add_parser("add", parents=[out], help="add a family")
    family_add.add_argument("--org", required=True, help="organisation name or id")
    family_add.add_argument("--name", required=True)
    family_list = family_sub.add_parser("list", parents=[out], help="list families")
    family_list.add_argument("--org", help="only this organisation")

    person = sub.add_parser("person", help="people")
    person_sub = person.add_subparsers(dest="action", required=True, metavar="ACTION")
    person_add = person_sub.add_parser("add", parents=[out], help="add a person")
    person_add.add_argument("--org", required=True, help="organisation name or id")
    person_add.add_argument("--role", required=True, choices=ROLES)
    person_add.add_argument("--name", required=True)
    person_add.add_argument("--locale", help="language, e.g. ar (default: the Telegram app's)")
    person_add.add_argument("--timezone", help="default: the organisation's")
    person_add.add_argument("--phone", help="read in the organisation's country unless +…")
    person_add.add_argument("--email")
    person_add.add_argument(
        "--family", help="a mentee's family, name or id (made if new; default: their own)"
    )
    person_add.add_argument("--country", help="ISO country code for --phone")
    person_set = person_sub.add_parser(
        "set",
        parents=[out],
        help="change a person's details",
        description="Change only the settings given; an empty text clears a locale, "
        "timezone, phone or email.",
    )
    person_set.add_argument("person", metavar="PERSON", help="person id")
    person_set.add_argument("--locale", help="language, e.g. ar")
    person_set.add_argument("--timezone", help='e.g. Europe/Madrid ("" for the organisation\'s)')
    person_set.add_argument("--phone", help="read in the organisation's country unless +…")
    person_set.add_argument("--country", help="ISO country code for --phone")
    person_set.add_argument("--email")
    person_set.add_argument(
        "--share-phone", metavar="yes|no", help="mentees of their matches see the phone"
    )
    person_set.add_argument(
        "--share-email", metavar="yes|no", help="mentees of their matches see the email"
    )
    person_set.add_argument(
        "--quiet-hours",
        metavar="HH:MM-HH:MM",
        help="local hours without reminders, e.g. 21:00-08:00 (the same time twice: none)",
    )
    person_set.add_argument("--active", metavar="yes|no", help="no: the person has left")
    person_set.add_argument(
        "--unlink",
        action="store_true",
        help="disconnect their Telegram account (a lost phone); then send a new invite",
    )
    person_erase = person_sub.add_parser(
        "erase",
        parents=[out],
        help="erase a person: their details, the texts they wrote and the records about them",
        description="Erase a person (see docs/privacy.md): rows stay for the statistics, "
        "holding ids, codes and dates. Messages the bot sent them in the last 48 hours are "
        "deleted in Telegram (with MENTORBOT_TOKEN); older ones stay on their device. Logged "
        "by id in MENTORBOT_ERASURE_LOG, so that --replay applies the erasures again after "
        "a backup is restored.",
    )
    person_export = person_sub.add_parser(
        "export",
        help="print, as JSON, everything stored about a person (to review before release)",
    )
    person_export.add_argument("person", metavar="PERSON", help="person id")
    erase_what = person_erase.add_mutually_exclusive_group(required=True)
    erase_what.add_argument("person", metavar="PERSON", nargs="?", help="person id")
    erase_what.add_argument(
        "--replay", type=Path, metavar="FILE", help="erase again everyone an erasure log names"
    )
    person_erase.add_argument("--dry-run", action="store_true", help="only say what would go")
    person_list = person_sub.add_parser("list", parents=[out], help="list people")
    person_list.add_argument("--org", help="only this organisation")
    person_list.add_argument("--role", choices=ROLES, help="only this role")

    invite = sub.add_parser(
        "invite",
        parents=[out],
        help="make a person's invitation link (revokes their previous one)",
        description="Print a personal invitation link; its last line is the link.",
    )
    invite.add_argument("person", metavar="PERSON", help="person id")
    invite.add_argument("--ttl-days", type=int, default=invites.DEFAULT_TTL_DAYS)
    invite.add_argument("--bot-username", help="default: MENTORBOT_BOT_USERNAME, else getMe")

    match = sub.add_parser("match", help="matches: a family, its mentors and their worker")
    match_sub = match.add_subparsers(dest="action", required=True, metavar="ACTION")
    match_add = match_sub.add_parser("add", parents=[out], help="add a match")
    who = match_add.add_mutually_exclusive_group(required=True)
    who.add_argument("--mentee", help="a mentee's id (the match is for their family)")
    who.add_argument("--family", help="a family id")
    match_add.add_argument(
        "--mentor", action="append", required=True, help="a mentor's id (repeat for more)"
    )
    match_add.add_argument("--worker", required=True, help="the referring worker's id")
    match_add.add_argument(
        "--started-on", type=_date, help="YYYY-MM-DD (default: today)", metavar="DAY"
    )
    match_close = match_sub.add_parser("close", parents=[out], help="close a match")
    match_close.add_argument("match", metavar="MATCH", help="match id")
    match_close.add_argument(
        "--reason",
        required=True,
        help="goals_reached, period_ended (planned); family_moved, mentor_unavailable, "
        "conflict, unreachable (unplanned: the family goes back to the request queue)",
    )
    match_close.add_argument("--note", help="a note for staff")
    match_list = match_sub.add_parser("list", parents=[out], help="list matches")
    match_list.add_argument("--org", help="only this organisation")
    match_list.add_argument("--status", choices=("proposed", "active", "closed"))

    imp = sub.add_parser(
        "import",
        parents=[out],
        help="import people, families and matches from a CSV file (all rows or none; "
        f"at most {importer.MAX_ROWS:,} rows and {importer.MAX_BYTES // 2**20} MB)",
    )
    imp.add_argument("file", metavar="FILE.csv", type=Path)

    cli_match.add_parsers(sub, out)
    exp = sub.add_parser(
        "export",
        help="export one kind of record for a period, as CSV or XLSX (docs/exports.md)",
        description="Columns are documented in docs/exports.md; days in ISO, times in UTC.",
    )
    exp.add_argument(
        "kind", metavar="KIND", choices=tuple(exports.KINDS), help=", ".join(exports.KINDS)
    )
    _period_arguments(exp)
    exp.add_argument("--format", choices=("csv", "xlsx"), default="csv")
    exp.add_argument(
        "--pseudonymise",
        action="store_true",
        help="stable pseudonyms for people, families and contacts; free text redacted",
    )
    exp.add_argument(
        "--out",
        metavar="FILE",
        type=Path,
        help="the file to write (default: CSV to standard output, XLSX to KIND_FROM_TO.xlsx)",
    )

    rep = sub.add_parser(
        "report",
        help="the programme report of a period: a PDF and an XLSX with the same figures",
        description="Written in the organisation's language; each figure says how it is "
        "computed (docs/exports.md).",
    )
    _period_arguments(rep)
    rep.add_argument(
        "--out",
        metavar="FILE.pdf",
        type=Path,
        help="the PDF to write (default: programme-report_FROM_TO.pdf); the XLSX goes next "
        "to it, with the same name",
    )

    digest = sub.add_parser(
        "digest",
        help="a worker's or coordinator's weekly digest, as it would be sent now",
        description="Compose the digest of one member of staff now, in their language and "
        "timezone. With --dry-run, print its text and write its chart to a PNG file; "
        "without, queue both for the running bot to send.",
    )
    digest.add_argument("--person", type=int, required=True, metavar="N", help="the person's id")
    digest.add_argument("--dry-run", action="store_true", help="print, send nothing")
    digest.add_argument(
        "--chart", type=Path, metavar="FILE.png", help="where to write the chart (--dry-run)"
    )

    for name, (_module, text) in DELEGATED.items():
        sub.add_parser(name, help=text, add_help=False)
    return parser


def _period_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--org", required=True, help="organisation name or id")
    parser.add_argument(
        "--from", dest="first", required=True, type=_date, metavar="DAY", help="YYYY-MM-DD"
    )
    parser.add_argument(
        "--to", dest="last", required=True, type=_date, metavar="DAY", help="YYYY-MM-DD (included)"
    )


def _org_policy_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--retention",
        metavar="NAME=N,…",
        help="how long records are kept: outbox_days (default 30), inbox_days (30), "
        "drafts_days (7), closed_months (24); any of them",
    )
    parser.add_argument("--emergency-phone", help="emergency number (default 112)")
    parser.add_argument("--office-phone", help="the office's phone number")
    parser.add_argument(
        "--help-lines",
        metavar="PURPOSE=NUMBER,…",
        help="help lines shown to mentees by situation: gender_violence, mental_health, "
        "child_protection (and emergency), e.g. gender_violence=016,mental_health=024; "
        "short numbers of the organisation's country are fine; an empty number removes one",
    )
    parser.add_argument("--office-hours", metavar="TEXT", help="opening hours, as text")
    parser.add_argument("--address", metavar="TEXT", help="the office's address")
    parser.add_argument(
        "--reminders",
        metavar="MINUTES,…",
        help="reminders before an appointment, in minutes (default 1440,240; at most 5, "
        "each at most 14 days)",
    )
    parser.add_argument(
        "--confirm-by-minutes",
        metavar="N",
        help="minutes before an appointment when mentors hear that nobody answered "
        "(default 120; less than the earliest reminder)",
    )
    parser.add_argument(
        "--report-cadence-days", metavar="N", help="days between progress reports (7-180)"
    )
    parser.add_argument(
        "--help-target-hours",
        metavar="N",
        help="hours staff have to answer a request for help (1-336)",
    )
    parser.add_argument(
        "--ack-deadlines",
        metavar="SEVERITY=MINUTES,…",
        help="minutes to acknowledge a concern per severity, e.g. "
        "emergency=15,high=240,medium=1440,low=4320 (all four)",
    )
    parser.add_argument(
        "--quiet-days",
        metavar="MENTORS,WORKER,COORDINATORS",
        help="days without a logged meeting before each hears that a match is quiet "
        "(default 14,28,45)",
    )
    parser.add_argument(
        "--checkin-cadence",
        metavar="FIRST_MONTH,MONTHLY",
        help="staff check-ins due with each party of a match in its first month, then in "
        "each calendar month (default 2,1)",
    )
    parser.add_argument(
        "--digest-day", metavar="DAY", help="the staff's weekly digest: mon…sun (default mon)"
    )
    parser.add_argument(
        "--digest-hour", metavar="H", help="the digest's hour, in each reader's time (default 8)"
    )
    parser.add_argument(
        "--support-thresholds",
        metavar="KEY=N,…",
        help="when a mentor is flagged to the coordinators as maybe needing support, over the "
        "last 90 days: help=3,wait_hours=48,concerns=2,quiet=2 (the defaults; any of the keys)",
    )


def _org_policy(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "emergency_phone": args.emergency_phone,
        "office_phone": args.office_phone,
        "office_hours": args.office_hours,
        "address": args.address,
        "reminders": args.reminders,
        "confirm_by_minutes": args.confirm_by_minutes,
        "report_cadence_days": args.report_cadence_days,
        "help_target_hours": args.help_target_hours,
        "ack_deadlines": args.ack_deadlines,
        "quiet_days": args.quiet_days,
        "checkin_cadence": args.checkin_cadence,
        "digest_day": args.digest_day,
        "digest_hour": args.digest_hour,
        "retention": args.retention,
        "help_lines": args.help_lines,
        "support_thresholds": args.support_thresholds,
    }


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a day: {text!r} (use YYYY-MM-DD)") from None


# output -----------------------------------------------------------------------------------
def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {k: _plain(v) for k, v in dataclasses.asdict(value).items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def _print_json(value: Any) -> None:
    print(json.dumps(_plain(value), ensure_ascii=False, indent=2, default=str))


def _table(rows: list[list[Any]], header: list[str]) -> None:
    cells = [header, *[["" if c is None else str(c) for c in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    for row in cells:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())


# running ----------------------------------------------------------------------------------
async def _in_transaction(
    settings: Settings, work: Callable[[AsyncSession, datetime], Awaitable[T]]
) -> T:
    db = Database(settings.database_url, keyring=settings.keyring())
    try:
        await check_schema(db)
        async with db.transaction() as session:
            result = await work(session, SystemClock().now())
            await bus.dispatch(session)
            return result
    finally:
        await db.dispose()


async def _bot_username(settings: Settings, given: str | None) -> str:
    name = (given or settings.bot_username or "").strip().lstrip("@")
    if not name and settings.token is not None and settings.token.get_secret_value().strip():
        from telegram import Bot
        from telegram.error import TelegramError

        bot = Bot(settings.require_token(), base_url=f"{settings.api_base}/bot")
        try:
            async with bot:
                name = bot.username or ""
        except TelegramError as exc:
            raise CliError(
                f"could not ask Telegram for the bot's username ({type(exc).__name__}): "
                "give --bot-username"
            ) from None
    if not name:
        raise CliError(
            "the bot's username is unknown: give --bot-username, or set "
            "MENTORBOT_BOT_USERNAME or MENTORBOT_TOKEN"
        )
    if not USERNAME.match(name):
        raise CliError(f"malformed bot username {name!r}")
    return name


async def _digest(session: AsyncSession, now: datetime, person_id: int, dry_run: bool) -> Any:
    from bot.services import digest, outbox
    from storage.models import Person

    person = await session.get(Person, person_id) if 0 < person_id < 2**31 else None
    if person is None:
        raise CliError(f"no person {person_id}")
    composed = await digest.compose(session, person, now)
    if not dry_run and not composed.empty:
        key = f"digest:{person.id}:manual:{now.isoformat()}"
        outbox.enqueue(session, now, person, "digest", composed.text, dedupe_key=key)
        if composed.chart is not None:
            outbox.enqueue(
                session,
                now,
                person,
                "digest_chart",
                "",
                document=outbox.Document("digest.png", composed.chart, "image/png"),
                dedupe_key=f"{key}:chart",
            )
    return composed


# admin subcommands ---------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class Call:
    """One admin subcommand as invoked: its parsed arguments and the settings."""

    args: argparse.Namespace
    settings: Settings

    @property
    def as_json(self) -> bool:
        return bool(getattr(self.args, "json", False))

    def run_in_transaction(
        self,
        fn: Callable[[AsyncSession, datetime], Awaitable[T]],
        render: Callable[[T], None] | None = None,
    ) -> T:
        """Run `fn` in one transaction; once it committed, hand its result to `render`."""
        result = asyncio.run(_in_transaction(self.settings, fn))
        if render is not None:
            render(result)
        return result

    def id_or_json(self, value: Any) -> None:
        """What was created or changed: its id, or the whole of it with --json."""
        _print_json(value) if self.as_json else print(value.id)

    def rows_or_json(
        self, header: list[str], row: Callable[[Any], list[Any]]
    ) -> Callable[[list[Any]], None]:
        """A listing: a table with `header`, one `row` an item, or JSON with --json."""

        def render(items: list[Any]) -> None:
            if self.as_json:
                _print_json(items)
            else:
                _table([row(item) for item in items], header)

        return render


def _digest_command(call: Call) -> None:
    args = call.args
    composed = call.run_in_transaction(
        lambda s, now: _digest(s, now, args.person, bool(args.dry_run))
    )
    if composed.empty:
        print(f"nothing to say to person {args.person} this week: no digest")
        return
    print(composed.text)
    if args.dry_run and composed.chart is not None:
        path = args.chart or Path(f"digest-{args.person}.png")
        path.write_bytes(composed.chart)
        print(f"chart: {path}")
    elif not args.dry_run:
        print(f"queued for person {args.person}")


def _org_add(call: Call) -> None:
    args = call.args
    call.run_in_transaction(
        lambda s, now: admin.add_org(
            s,
            now,
            name=args.name,
            timezone=args.timezone,
            locale=args.locale,
            country=args.country,
            **_org_policy(args),
        ),
        call.id_or_json,
    )


def _org_set(call: Call) -> None:
    args = call.args
    call.run_in_transaction(
        lambda s, now: admin.set_org(
            s,
            now,
            args.org,
            country=args.country,
            name=args.name,
            timezone=args.timezone,
            locale=args.locale,
            **_org_policy(args),
        ),
        call.id_or_json,
    )


def _org_list(call: Call) -> None:
    call.run_in_transaction(
        lambda s, now: admin.list_orgs(s),
        call.rows_or_json(
            ["id", "name", "timezone", "locale", "emergency"],
            lambda o: [o.id, o.name, o.timezone, o.locale, o.emergency_phone],
        ),
    )


def _family_add(call: Call) -> None:
    args = call.args
    call.run_in_transaction(
        lambda s, now: admin.add_family(s, now, org=args.org, name=args.name), call.id_or_json
    )


def _family_list(call: Call) -> None:
    call.run_in_transaction(
        lambda s, now: admin.list_families(s, call.args.org),
        call.rows_or_json(
            ["id", "org", "name", "members"],
            lambda f: [f.id, f.organisation_id, f.name, " ".join(map(str, f.member_ids))],
        ),
    )


def _person_add(call: Call) -> None:
    args = call.args
    call.run_in_transaction(
        lambda s, now: admin.add_person(
            s,
            now,
            org=args.org,
            role=args.role,
            name=args.name,
            locale=args.locale,
            timezone=args.timezone,
            phone=args.phone,
            email=args.email,
            family=args.family,
            country=args.country,
        ),
        call.id_or_json,
    )


def _person_set(call: Call) -> None:
    args = call.args
    call.run_in_transaction(
        lambda s, now: admin.set_person(
            s,
            now,
            args.person,
            locale=args.locale,
            timezone=args.timezone,
            phone=args.phone,
            email=args.email,
            share_phone=args.share_phone,
            share_email=args.share_email,
            quiet_hours=args.quiet_hours,
            active=args.active,
            country=args.country,
            unlink=args.unlink,
        ),
        call.id_or_json,
    )


def _person_export(call: Call) -> None:
    from bot.services import subject_access

    person_id = _person_id(call.args.person)

    async def export(session: AsyncSession, _now: datetime) -> dict[str, Any]:
        from storage.models import Person

        person = await session.get(Person, person_id)
        if person is None:
            raise ServiceError(f"no person {person_id}")
        return await subject_access.collect(session, person, full=True)

    call.run_in_transaction(export, _print_json)


def _person_list(call: Call) -> None:
    args = call.args
    call.run_in_transaction(
        lambda s, now: admin.list_people(s, args.org, args.role),
        call.rows_or_json(
            ["id", "org", "role", "name", "locale", "family", "linked", "consent"],
            lambda p: [
                p.id,
                p.organisation_id,
                p.role,
                p.name,
                p.locale,
                p.family_id,
                "yes" if p.linked else "no",
                p.consent,
            ],
        ),
    )


def _match_add(call: Call) -> None:
    args = call.args
    call.run_in_transaction(
        lambda s, now: admin.add_match(
            s,
            now,
            mentors=args.mentor,
            worker=args.worker,
            mentee=args.mentee,
            family=args.family,
            started_on=args.started_on,
        ),
        call.id_or_json,
    )


def _match_close(call: Call) -> None:
    args = call.args
    call.run_in_transaction(
        lambda s, now: admin.close_match(s, now, args.match, args.reason, args.note),
        call.id_or_json,
    )


def _match_list(call: Call) -> None:
    args = call.args
    call.run_in_transaction(
        lambda s, now: admin.list_matches(s, args.org, args.status),
        call.rows_or_json(
            ["id", "org", "family", "family name", "mentors", "worker", "status", "started"],
            lambda m: [
                m.id,
                m.organisation_id,
                m.family_id,
                m.family_name,
                " ".join(map(str, m.mentor_ids)),
                m.worker_id,
                m.status,
                m.started_on,
            ],
        ),
    )


def _match_life(call: Call) -> None:
    cli_match.run(call.args, call.run_in_transaction, _print_json, _table)


Subcommand = Callable[[Call], None]

# The admin commands by (command, action); (command, None) takes every action of a command.
# Each is one transaction, its output printed after it committed.
ADMIN_COMMANDS: dict[tuple[str, str | None], Subcommand] = {
    ("digest", None): _digest_command,
    ("org", "add"): _org_add,
    ("org", "set"): _org_set,
    ("org", "list"): _org_list,
    ("family", "add"): _family_add,
    ("family", "list"): _family_list,
    ("person", "add"): _person_add,
    ("person", "set"): _person_set,
    ("person", "export"): _person_export,
    ("person", "erase"): lambda call: _erase(call.args, call.settings, call.as_json),
    ("person", "list"): _person_list,
    ("invite", None): lambda call: _invite(call.args, call.settings, call.as_json),
    ("match", "add"): _match_add,
    ("match", "close"): _match_close,
    ("match", None): _match_list,
    **{(command, None): _match_life for command in cli_match.COMMANDS},
    ("import", None): lambda call: _import(call.args, call.settings, call.as_json),
    ("export", None): lambda call: _export(call.args, call.settings),
    ("report", None): lambda call: _report(call.args, call.settings),
}


def _admin(args: argparse.Namespace, settings: Settings) -> None:
    """The admin commands: one transaction each, output after it committed."""
    command, action = args.command, getattr(args, "action", None)
    run = ADMIN_COMMANDS.get((command, action)) or ADMIN_COMMANDS.get((command, None))
    if run is not None:
        run(Call(args, settings))


def _invite(args: argparse.Namespace, settings: Settings, as_json: bool) -> None:
    if not str(args.person).strip().lstrip("#").isdigit():
        raise CliError(f"unknown person {args.person!r} (give the person's id)")
    username = asyncio.run(_bot_username(settings, args.bot_username))
    issued = asyncio.run(
        _in_transaction(
            settings,
            lambda s, now: invites.create(
                s, now, int(str(args.person).strip().lstrip("#")), args.ttl_days
            ),
        )
    )
    link = invites.deep_link(username, issued.token)
    if as_json:
        _print_json(
            {
                "invite_id": issued.invite_id,
                "person_id": issued.person_id,
                "expires_at": issued.expires_at,
                "revoked": issued.revoked,
                "link": link,
            }
        )
        return
    print(
        f"invitation {issued.invite_id} for person {issued.person_id}, valid until "
        f"{issued.expires_at:%Y-%m-%d %H:%M} UTC"
        + (" (the previous one no longer works)" if issued.revoked else "")
    )
    print(link)


@contextlib.contextmanager
def _import_progress(size: int, shown: bool) -> Iterator[Callable[[int, int], None]]:
    """A progress bar on the terminal (stderr) while a file is read: bytes and rows."""
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(
        TextColumn("importing"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%  {task.fields[rows]:,} rows"),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        disable=not shown,
        transient=True,
    ) as bar:
        task = bar.add_task("import", total=max(size, 1), rows=0)
        yield lambda done, rows: bar.update(task, completed=done, rows=rows)


def _import(args: argparse.Namespace, settings: Settings, as_json: bool) -> None:
    path: Path = args.file
    try:
        size = path.stat().st_size
        raw = path.open("rb")
    except OSError as exc:
        raise CliError(f"cannot read {path}: {exc.strerror or exc}") from None
    if size > importer.MAX_BYTES:
        raw.close()
        raise CliError(
            f"{path.name} is larger than {importer.MAX_BYTES // 2**20} MB: split it into "
            "smaller files"
        )
    shown = sys.stderr.isatty() and not as_json
    try:
        with (
            io.TextIOWrapper(raw, encoding="utf-8-sig", newline="") as stream,
            _import_progress(size, shown) as progress,
        ):
            report = asyncio.run(
                _in_transaction(
                    settings,
                    lambda s, now: importer.import_lines(
                        s, now, stream, lambda rows: progress(raw.tell(), rows)
                    ),
                )
            )
    except UnicodeDecodeError:
        raise CliError(f"{path} is not UTF-8 text: save the CSV as UTF-8") from None
    except importer.ImportRejected as exc:
        rejected = exc.report.rejected
        if as_json:
            _print_json({"imported": False, "rejected": rejected})
        else:
            for item in rejected[: importer.MAX_REPORTED]:
                print(f"line {item.line}: {item.reason}", file=sys.stderr)
            if len(rejected) > importer.MAX_REPORTED:
                print(f"… and {len(rejected) - importer.MAX_REPORTED} more", file=sys.stderr)
        lines = len({r.line for r in rejected})
        raise CliError(f"nothing was imported: {lines} line(s) of {path.name} rejected") from None
    if as_json:
        _print_json(
            {
                "imported": True,
                "people": report.people,
                "families": report.families,
                "matches": report.matches,
            }
        )
    else:
        print(
            f"imported from {path.name}: people {len(report.people)}, "
            f"families {len(report.families)}, matches {len(report.matches)}"
        )


def _export(args: argparse.Namespace, settings: Settings) -> None:
    """One export in one transaction (which also keeps a new pseudonym secret)."""
    out: Path | None = args.out
    if out is None and args.format == "xlsx":
        out = Path(f"{args.kind}_{args.first}_{args.last}.xlsx")

    async def work(session: AsyncSession, now: datetime) -> int:
        org = await admin.find_org(session, args.org)
        if out is None:
            return await exports.export(
                session,
                now,
                org,
                args.kind,
                args.first,
                args.last,
                sys.stdout,
                pseudonymise=args.pseudonymise,
            )
        partial = out.with_name(out.name + ".part")
        try:
            # A spreadsheet opens a UTF-8 CSV file rightly when it starts with a BOM.
            stream: Any = (
                partial.open("w", encoding="utf-8-sig", newline="")
                if args.format == "csv"
                else partial.open("wb")
            )
        except OSError as exc:
            raise CliError(f"cannot write {out}: {exc.strerror or exc}") from None
        try:
            with stream:
                count = await exports.export(
                    session,
                    now,
                    org,
                    args.kind,
                    args.first,
                    args.last,
                    stream,
                    fmt=args.format,
                    pseudonymise=args.pseudonymise,
                )
            partial.replace(out)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        return count

    count = asyncio.run(_in_transaction(settings, work))
    if out is not None:
        print(f"{count} row(s) written to {out}", file=sys.stderr)


def _report(args: argparse.Namespace, settings: Settings) -> None:
    from bot.services import programme_report, report_render

    async def work(session: AsyncSession, now: datetime) -> report_render.Made:
        org = await admin.find_org(session, args.org)
        return await report_render.make(
            session, now, programme_report.Scope(org), args.first, args.last, org.locale
        )

    made = asyncio.run(_in_transaction(settings, work))
    out: Path = args.out or Path(f"{made.documents.name}.pdf")
    sheet = out.with_suffix(".xlsx")
    try:
        out.write_bytes(made.documents.pdf)
        sheet.write_bytes(made.documents.xlsx)
    except OSError as exc:
        raise CliError(f"cannot write {out}: {exc.strerror or exc}") from None
    print(out)
    print(sheet)


def _check_webhook(settings: Settings) -> None:
    if settings.webhook_url is None:
        raise CliError("MENTORBOT_WEBHOOK_URL is not set: give the public HTTPS URL")
    if settings.webhook_url.scheme != "https":
        raise CliError("MENTORBOT_WEBHOOK_URL must be an https:// URL (Telegram requires it)")
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else ""
    if not WEBHOOK_SECRET.match(secret):
        raise CliError(
            "MENTORBOT_WEBHOOK_SECRET must be set to 1-256 characters of A-Z a-z 0-9 _ -: "
            "Telegram sends it with every update, and other requests are refused"
        )


STOP_SECONDS = 9.0  # after SIGTERM, the process is gone within this, whatever hangs


def _force_exit() -> None:
    sys.stderr.write(
        f"mentorbot: still stopping {STOP_SECONDS:.0f} s after the signal: exiting now "
        "(messages being sent are sent again at the next start)\n"
    )
    sys.stderr.flush()
    os._exit(1)


def _run(settings: Settings, webhook: bool) -> None:
    from bot import preflight
    from bot.intake import serve

    settings.require_token()
    if webhook:
        _check_webhook(settings)
    # Transient faults (database restarting, network) wait here with backoff; permanent ones
    # end the command with one line.
    asyncio.run(preflight.check(settings))
    watchdog: list[threading.Timer] = []

    def on_signal() -> None:
        if not watchdog:  # the first signal: stop in order, but within STOP_SECONDS
            timer = threading.Timer(STOP_SECONDS, _force_exit)
            timer.daemon = True
            timer.start()
            watchdog.append(timer)

    try:
        # Updates are stored in the inbox before Telegram is told they arrived (bot/intake.py).
        fatal = asyncio.run(serve(settings, webhook=webhook, on_signal=on_signal))
    finally:
        for timer in watchdog:
            timer.cancel()
    if fatal is not None:
        raise CliError(fatal)


def _doctor(settings: Settings, as_json: bool) -> int:
    from bot import doctor

    results = asyncio.run(doctor.run(settings))
    ok = all(r.ok for r in results)
    if as_json:
        _print_json({"ok": ok, "checks": [r.as_dict() for r in results]})
    else:
        print(doctor.render(results))
    return 0 if ok else 1


async def _db(settings: Settings, action: str) -> None:
    db = Database(settings.database_url, keyring=settings.keyring())
    try:
        if action == "upgrade":
            await upgrade(db)
        await check_schema(db)
    finally:
        await db.dispose()
    print("database schema is up to date")


def _erase(args: argparse.Namespace, settings: Settings, as_json: bool) -> None:
    from bot.services import erasure

    if args.replay is not None:
        from bot.erasing import replay_ids

        try:
            ids = replay_ids(args.replay)
        except (OSError, ValueError) as exc:
            raise CliError(f"cannot read the erasure log: {exc}") from None
    else:
        ids = [_person_id(args.person)]
    results = []
    for person_id in ids:

        def work(session: AsyncSession, now: datetime, p: int = person_id) -> Awaitable[Any]:
            return erasure.erase(session, now, p, actor_id=None, dry_run=args.dry_run)

        done = asyncio.run(_in_transaction(settings, work))
        told = asyncio.run(_after_erasure(settings, done))
        results.append((done, told))
    if as_json:
        _print_json(
            [
                {
                    "person": d.person_id,
                    "dry_run": d.dry_run,
                    "already_erased": d.already_erased,
                    "counts": d.counts,
                    "telegram_deleted": t.deleted if t else 0,
                    "person_told": bool(t and t.told),
                }
                for d, t in results
            ]
        )
        return
    for done, told in results:
        verb = "would erase" if done.dry_run else "erased"
        if done.already_erased and not done.counts:
            print(f"person {done.person_id} was already erased: nothing left to erase")
            continue
        print(f"person {done.person_id} ({done.role}): {verb}")
        for kind, n in sorted(done.counts.items()):
            print(f"  {kind}: {n}")
        if done.dry_run:
            print(f"  messages to delete in Telegram (sent within 48 h): {len(done.messages)}")
            continue
        if told is None:
            print(
                "  Telegram: not contacted (MENTORBOT_TOKEN is not set): the "
                f"{len(done.messages)} recent message(s) stay, and the person was not told"
            )
        else:
            print(
                f"  Telegram: {told.deleted} recent message(s) deleted; "
                + (
                    "the person was told"
                    if told.told
                    else f"the person was not told ({told.error})"
                )
            )
        print(
            "  Messages older than 48 hours stay on their device: Telegram does not let "
            "bots delete them."
        )


async def _after_erasure(settings: Settings, done: Any) -> Any:
    from bot.erasing import in_telegram, log_erasure

    if done.dry_run or (done.already_erased and not done.counts):
        return None
    try:
        log_erasure(settings.erasure_log, done, SystemClock().now())
    except OSError as exc:
        raise CliError(
            f"person {done.person_id} is erased, but MENTORBOT_ERASURE_LOG could not be "
            f"written ({exc.strerror}): add the id by hand"
        ) from None
    if settings.token is None or not settings.token.get_secret_value().strip():
        return None
    from telegram import Bot

    bot = Bot(settings.require_token(), base_url=f"{settings.api_base}/bot")
    async with bot:
        return await in_telegram(bot, done)


def _person_id(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise CliError(f"not a person id: {text!r}") from None


def _keys(settings: Settings, args: argparse.Namespace) -> None:
    from storage.crypto import new_key

    if args.action == "new":
        print(new_key())
        return
    keyring = settings.keyring()
    if keyring is None:
        raise CliError("no key is set: set MENTORBOT_ENCRYPTION_KEY (see `mentorbot keys new`)")
    if not 1 <= args.batch <= 10_000:
        raise CliError("--batch must be 1-10000")
    total = asyncio.run(_rotate(settings, keyring, args.batch))
    print(f"{total} row(s) re-encrypted under key {keyring.current}")


async def _rotate(settings: Settings, keyring: Any, batch: int) -> int:
    from bot.services import keys

    db = Database(settings.database_url, keyring=keyring)
    total = 0
    try:
        await check_schema(db)
        for table in keys.encrypted_tables():
            after: Any = None
            while True:
                async with db.transaction() as session:
                    done, after = await keys.rotate_batch(session, table, keyring, after, batch)
                total += done
                if after is None:
                    break
    finally:
        await db.dispose()
    return total


def _delegate(name: str, argv: list[str]) -> int:
    """`mentorbot emulator …` and `mentorbot demo …`: imported only when asked for."""
    module_name, _text = DELEGATED[name]
    import importlib

    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name and module_name.startswith(exc.name):
            print(
                f"mentorbot: the {name} command is not available in this installation "
                f"({module_name} is missing)",
                file=sys.stderr,
            )
            return 1
        raise
    entry = getattr(module, "main", None)
    if entry is None:
        print(f"mentorbot: {module_name} has no main()", file=sys.stderr)
        return 1
    result = entry(argv)
    return int(result or 0)


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list and args_list[0] in DELEGATED:
        return _delegate(args_list[0], args_list[1:])
    # --debug, anywhere: show the traceback of an error instead of its one line.
    debug = "--debug" in args_list
    args_list = [a for a in args_list if a != "--debug"]
    try:
        args = _parser().parse_args(args_list)
    except SystemExit as exc:  # --help, or a usage error already explained by argparse
        return exc.code if isinstance(exc.code, int) else 2
    if args.command == "setup":  # before the settings are read: it writes them
        from bot import setup

        return setup.main(args.settings, args.from_file, debug=debug)
    try:
        settings = load_settings()
        from bot import logs

        logs.configure(
            "DEBUG" if debug else settings.log_level if args.command == "run" else "WARNING",
            secrets=logs.secrets_of(settings),
        )
        logging.getLogger("alembic").setLevel(logging.WARNING)
        if args.command == "run":
            _run(settings, args.webhook)
        elif args.command == "doctor":
            return _doctor(settings, bool(args.json))

        elif args.command == "db":
            asyncio.run(_db(settings, args.action))
        elif args.command == "keys":
            _keys(settings, args)
        else:
            _admin(args, settings)
    except (SettingsError, SchemaMismatch, CliError, ServiceError) as exc:
        if debug:
            traceback.print_exc()
        print(f"mentorbot: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        # Anything else: one line that says what failed, and whether waiting may help.
        from bot.preflight import PermanentFault, classify

        if debug:
            traceback.print_exc()
        fault = classify(exc)
        known = isinstance(exc, PermanentFault) or not fault.line.startswith("unexpected")
        line = (
            fault.line if known else f"unexpected error ({type(exc).__name__}): {_first_line(exc)}"
        )
        hint = "" if debug or known else " (--debug shows the traceback)"
        print(f"mentorbot: {line}{hint}", file=sys.stderr)
        return 1
    return 0


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else "no details"
