"""`mentorbot match …`: add, close and list matches (a family, its mentors and their worker)."""

from __future__ import annotations

import argparse
from typing import Any

from bot.cli.common import Call, Commands, day
from bot.services import admin


def add_parsers(sub: Any, out: argparse.ArgumentParser) -> None:
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
        "--started-on", type=day, help="YYYY-MM-DD (default: today)", metavar="DAY"
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


COMMANDS: Commands = {
    ("match", "add"): _match_add,
    ("match", "close"): _match_close,
    ("match", None): _match_list,
}
