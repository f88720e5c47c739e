"""The CLI of a match's life: profiles, requests, proposals, asking mentors, and the
organisation's matching policy (`mentorbot profile|request|policy …`)."""

from __future__ import annotations

import argparse
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.cli.common import Call, Commands, print_json, table
from bot.i18n import translator
from bot.notifications import match_texts
from bot.services import admin, match_requests, policy, profiles
from bot.services.errors import NotFound
from storage.models import Family


def add_parsers(sub: Any, out: argparse.ArgumentParser) -> None:
    prof = sub.add_parser("profile", help="matching profiles of mentors and families")
    prof_sub = prof.add_subparsers(dest="action", required=True, metavar="ACTION")
    mentor = prof_sub.add_parser("mentor", parents=[out], help="set a mentor's profile")
    mentor.add_argument("person", metavar="PERSON", help="the mentor's id")
    family = prof_sub.add_parser("family", parents=[out], help="set a family's profile")
    family.add_argument("family", metavar="FAMILY", help="the family's id")
    for parser in (mentor, family):
        parser.add_argument("--languages", metavar="CODE:LEVEL,…", help="e.g. ar:3,es:2 (1-3)")
        parser.add_argument("--area", metavar="TEXT", help="district or area")
        parser.add_argument("--availability", metavar="DAY:PART,…", help="e.g. tue:eve,sat:am")
    mentor.add_argument("--skills", metavar="TOPIC,…", help="paperwork, language, job, …")
    mentor.add_argument("--capacity", metavar="N", help="families at once (1-10)")
    mentor.add_argument("--gender", help="female, male, nonbinary (empty: not given)")
    family.add_argument("--needs", metavar="TOPIC,…", help="paperwork, language, job, …")
    family.add_argument("--prefers", metavar="GENDER", help="a mentor's gender, or 'any'")

    req = sub.add_parser("request", help="requests for mentors: the coordinators' queue")
    req_sub = req.add_subparsers(dest="action", required=True, metavar="ACTION")
    add = req_sub.add_parser("add", parents=[out], help="a worker asks for mentors")
    add.add_argument("--family", required=True, help="a family's id, or a new family's name")
    add.add_argument("--worker", required=True, help="the referring worker's id")
    add.add_argument("--needs", default="", metavar="TOPIC,…")
    add.add_argument("--urgency", default="normal", choices=("low", "normal", "high"))
    add.add_argument("--note", help="for staff only; never shown to mentors")
    lst = req_sub.add_parser("list", parents=[out], help="the open requests, oldest first")
    lst.add_argument("--coordinator", required=True, help="whose queue (a coordinator's id)")
    prop = req_sub.add_parser("propose", parents=[out], help="the best mentors, with reasons")
    prop.add_argument("request", metavar="REQUEST", type=int)
    prop.add_argument("--coordinator", required=True, help="a coordinator's id")
    ask = req_sub.add_parser("ask", parents=[out], help="ask mentors to join the team")
    ask.add_argument("request", metavar="REQUEST", type=int)
    ask.add_argument("--coordinator", required=True, help="a coordinator's id")
    ask.add_argument("--mentor", action="append", required=True, type=int)

    pol = sub.add_parser("policy", parents=[out], help="an organisation's matching policy")
    pol.add_argument("org", metavar="ORG")
    pol.add_argument("--request-age-limit-days", metavar="N", help="flag requests older (45)")
    pol.add_argument("--rematch-policy", metavar="TEXT", help="the written rematch policy")
    pol.add_argument("--contact-policy", metavar="TEXT", help="contact after a match closes")


def _mentor_profile(call: Call) -> None:
    args = call.args
    fields = {
        "languages": args.languages,
        "area": args.area,
        "availability": args.availability,
        "skills": args.skills,
        "capacity": args.capacity,
        "gender": args.gender,
    }
    found = call.run_in_transaction(
        lambda s, now: profiles.set_mentor_profile(s, now, args.person, **fields)
    )
    print_json(found) if call.as_json else print(found.person_id)


def _family_profile(call: Call) -> None:
    args = call.args

    async def set_family(s: AsyncSession, now: datetime) -> profiles.FamilyView:
        text = str(args.family).strip()
        family = await s.get(Family, int(text)) if text.isdigit() else None
        if family is None:
            raise NotFound(f"unknown family {args.family!r}")
        return await profiles.set_family_profile(
            s,
            now,
            family,
            languages=args.languages,
            area=args.area,
            needs=args.needs,
            availability=args.availability,
            mentor_gender=args.prefers,
        )

    view = call.run_in_transaction(set_family)
    print_json(view) if call.as_json else print(view.family_id)


def _request_add(call: Call) -> None:
    args = call.args
    req = call.run_in_transaction(
        lambda s, now: match_requests.add_request(
            s,
            now,
            family=args.family,
            worker=args.worker,
            needs=args.needs,
            urgency=args.urgency,
            note=args.note,
        )
    )
    print_json({"id": req.id, "family_id": req.family_id}) if call.as_json else print(req.id)


def _request_list(call: Call) -> None:
    args = call.args

    async def rows(s: AsyncSession, now: datetime) -> list[match_requests.QueueRow]:
        staff = await admin.find_person(s, args.coordinator)
        return await match_requests.queue(s, staff, now)

    found_rows = call.run_in_transaction(rows)
    if call.as_json:
        print_json(found_rows)
        return
    table(
        [
            [
                r.id,
                r.family_name,
                r.urgency.value,
                r.status.value,
                r.age_days,
                "OVERDUE" if r.overdue else "",
                "rematch" if r.rematch else "",
                r.accepted,
            ]
            for r in found_rows
        ],
        ["id", "family", "urgency", "status", "days", "flag", "", "mentors"],
    )


def _request_propose(call: Call) -> None:
    args = call.args
    tr = translator("en")

    async def card(s: AsyncSession, now: datetime) -> match_requests.RequestCard:
        staff = await admin.find_person(s, args.coordinator)
        return await match_requests.request_card(s, staff, args.request, now)

    found_card = call.run_in_transaction(card)
    if call.as_json:
        print_json(found_card)
        return
    print(f"mentors will see:\n{match_texts.summary(tr, found_card.summary)}")
    table(
        [
            [
                c.mentor_id,
                c.name,
                c.score.points,
                c.offer.value if c.offer else "",
                match_texts.reasons(tr, list(c.score.reasons)),
            ]
            for c in found_card.candidates
        ],
        ["mentor", "name", "score", "asked", "reasons"],
    )
    print(f"{found_card.left_out} mentor(s) left out (no shared language, full, or never free)")


def _request_ask(call: Call) -> None:
    args = call.args

    async def ask(s: AsyncSession, now: datetime) -> list[int]:
        staff = await admin.find_person(s, args.coordinator)
        return [
            (await match_requests.ask_mentor(s, now, staff, args.request, m)).id
            for m in args.mentor
        ]

    offers = call.run_in_transaction(ask)
    print_json(offers) if call.as_json else print(" ".join(map(str, offers)))


def _policy(call: Call) -> None:
    args = call.args
    found_policy = call.run_in_transaction(
        lambda s, now: policy.set_policy(
            s,
            now,
            args.org,
            request_age_limit_days=args.request_age_limit_days,
            rematch_policy=args.rematch_policy,
            contact_policy=args.contact_policy,
        )
    )
    print_json(found_policy) if call.as_json else print(found_policy.organisation_id)


COMMANDS: Commands = {
    ("profile", "mentor"): _mentor_profile,
    ("profile", "family"): _family_profile,
    ("request", "add"): _request_add,
    ("request", "list"): _request_list,
    ("request", "propose"): _request_propose,
    ("request", "ask"): _request_ask,
    ("policy", None): _policy,
}
