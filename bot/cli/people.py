"""`mentorbot person …`: add, change, list and export people (their erasure: `erasure`)."""

from __future__ import annotations

import argparse
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.cli import erasure
from bot.cli.common import Call, Commands, person_id, print_json
from bot.services import admin
from bot.services.errors import ServiceError

ROLES = ("mentor", "mentee", "worker", "coordinator", "admin")


def add_parsers(sub: Any, out: argparse.ArgumentParser) -> None:
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
    _add_set_parser(person_sub, out)
    erasure.add_parser(person_sub, out)
    person_export = person_sub.add_parser(
        "export",
        help="print, as JSON, everything stored about a person (to review before release)",
    )
    person_export.add_argument("person", metavar="PERSON", help="person id")
    person_list = person_sub.add_parser("list", parents=[out], help="list people")
    person_list.add_argument("--org", help="only this organisation")
    person_list.add_argument("--role", choices=ROLES, help="only this role")


def _add_set_parser(person_sub: Any, out: argparse.ArgumentParser) -> None:
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

    found_id = person_id(call.args.person)

    async def export(session: AsyncSession, _now: datetime) -> dict[str, Any]:
        from storage.models import Person

        person = await session.get(Person, found_id)
        if person is None:
            raise ServiceError(f"no person {found_id}")
        return await subject_access.collect(session, person, full=True)

    call.run_in_transaction(export, print_json)


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


COMMANDS: Commands = {
    ("person", "add"): _person_add,
    ("person", "set"): _person_set,
    ("person", "export"): _person_export,
    ("person", "erase"): erasure.erase,
    ("person", "list"): _person_list,
}
