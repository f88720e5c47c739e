"""`mentorbot org …` and `mentorbot family …`: organisations, their policy, and families."""

from __future__ import annotations

import argparse
from typing import Any

from bot.cli.common import Call, Commands
from bot.services import admin


def add_parsers(sub: Any, out: argparse.ArgumentParser) -> None:
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


# The policy settings `org add` and `org set` share, by their keyword in bot.services.admin.
POLICY = (
    "emergency_phone", "office_phone", "office_hours", "address", "reminders",
    "confirm_by_minutes", "report_cadence_days", "help_target_hours", "ack_deadlines",
    "quiet_days", "checkin_cadence", "digest_day", "digest_hour", "retention", "help_lines",
    "support_thresholds",
)  # fmt: skip


def _org_policy(args: argparse.Namespace) -> dict[str, Any]:
    return {name: getattr(args, name) for name in POLICY}


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


COMMANDS: Commands = {
    ("org", "add"): _org_add,
    ("org", "set"): _org_set,
    ("org", "list"): _org_list,
    ("family", "add"): _family_add,
    ("family", "list"): _family_list,
}
