"""Each kind's rows shaped for the file: days and times in ISO 8601, codes as text, people
and families through `Identities` (as they are, or pseudonyms), free text redacted when
pseudonymised."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from bot.services import audit
from bot.services.exports.identities import REDACTED, Identities
from bot.services.exports.periods import iso_day, iso_time
from bot.services.progress import DOMAINS
from storage.match_life import closure_steps_done

Row = Sequence[Any]


def _ids(joined: str | None, who: Identities) -> str:
    """`"3;5"` of ids aggregated in SQL, each through `who.person`, in id order."""
    if not joined:
        return ""
    return ";".join(str(who.person(i)) for i in sorted(int(x) for x in joined.split(";")))


def meeting_row(r: Row, who: Identities) -> list[object]:
    return [
        r[0],
        r[1],
        who.family(r[2]),
        who.person(r[3]),
        iso_day(r[4]),
        r[5],
        ";".join(str(a) for a in (r[6] or [])),
        r[7],
        who.free(r[8]),
        iso_time(r[9]),
    ]


def _closure(code: Any, kind: Any, steps: Any) -> list[object]:
    """closure_code, closure_kind, closure_steps_done, all_closure_steps_done: empty cells
    while a match is open."""
    if code is None:
        return [None, None, None, None]
    done, every = closure_steps_done(kind, steps)
    return [str(code), None if kind is None else str(kind), done, every]


def match_row(r: Row, who: Identities) -> list[object]:
    return [
        r[0],
        who.family(r[1]),
        who.family_name(r[1], r[2]),
        _ids(r[3], who),
        who.person(r[4]),
        str(r[5]),
        iso_day(r[6]),
        iso_time(r[7]),
        who.free(r[8]),
        iso_time(r[9]),
        *_closure(r[10], r[11], r[12]),
    ]


def person_row(r: Row, who: Identities) -> list[object]:
    return [
        who.person(r[0]),
        str(r[1]),
        who.name(r[0], r[2]),
        who.family(r[3]),
        r[4],
        who.contact(r[5]),
        who.contact(r[6]),
        bool(r[7]),
        str(r[8]),
        bool(r[9]),
        iso_time(r[10]),
    ]


def concern_row(r: Row, who: Identities) -> list[object]:
    return [
        r[0],
        r[1],
        who.family(r[2]),
        who.person(r[3]),
        str(r[4]),
        str(r[5]),
        str(r[6]),
        r[7],
        who.person(r[8]),
        iso_time(r[9]),
        iso_time(r[10]),
        who.person(r[11]),
        iso_time(r[12]),
        r[13],
        who.free(r[14]),
        who.free(r[15]),
    ]


def help_row(r: Row, who: Identities) -> list[object]:
    return [
        r[0],
        r[1],
        who.family(r[2]),
        who.person(r[3]),
        who.person(r[4]),
        str(r[5]),
        str(r[6]),
        iso_time(r[7]),
        iso_time(r[8]),
        r[9],
        iso_time(r[10]),
    ]


def answer_row(r: Row, who: Identities) -> list[object]:
    return [
        r[0],
        r[1],
        who.family(r[2]),
        iso_time(r[3]),
        str(r[4]),
        who.person(r[5]),
        str(r[6]),
        iso_time(r[7]),
    ]


def _rating(domains: Any, code: str) -> object:
    entry = domains.get(code) if isinstance(domains, dict) else None
    rating = entry.get("rating") if isinstance(entry, dict) else None
    return rating if isinstance(rating, int) else None


def progress_row(r: Row, who: Identities) -> list[object]:
    return [
        r[0],
        r[1],
        who.family(r[2]),
        who.person(r[3]),
        iso_time(r[4]),
        r[5],
        bool(r[6]),
        *(_rating(r[7], code) for code in DOMAINS),
        who.free(r[8]),
    ]


def check_in_row(r: Row, who: Identities) -> list[object]:
    return [
        r[0],
        r[1],
        who.family(r[2]),
        who.person(r[3]),
        str(r[4]),
        who.person(r[5]),
        str(r[6]),
        iso_day(r[7]),
        who.free(r[8]),
        iso_time(r[9]),
    ]


def audit_row(r: Row, who: Identities) -> list[object]:
    target: object = r[5]
    if r[4] == "person":
        target = who.person(r[5])
    elif r[4] == "family":
        target = who.family(r[5])
    detail = json.dumps(r[6] or {}, ensure_ascii=False, sort_keys=True)
    return [
        r[0],
        iso_time(r[1]),
        who.person(r[2]),
        audit.canonical(r[3]),
        r[4],
        target,
        (REDACTED if r[6] else None) if who.pseudonymised else detail,
    ]
