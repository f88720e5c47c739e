"""/report's draft is a typed value (`handlers.progress_draft.ReportDraft`): it round-trips
through the row's data under the keys drafts were always written with, a report begun before
goes on, and one whose draft cannot be read is dropped cleanly (the report begins again)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from bot.clock import ManualClock
from bot.services import drafts
from bot.services.progress import DOMAINS
from domain import Role
from handlers.progress_draft import FLOW, ReportDraft
from storage.db import Database
from storage.models import ProgressReport
from tests.factories import building
from tests.harness import Telegram

CODES = list(DOMAINS)
RATED = {code: n % 4 + 1 for n, code in enumerate(CODES)}

ROUND_TRIPS = [
    ReportDraft(),
    ReportDraft.on(7),
    ReportDraft(7, step=2, ratings={"language": 3, "social": 1}, comments={"language": None}),
    ReportDraft(
        7,
        step=len(CODES) - 1,
        ratings=RATED,
        comments={"work": "Started a course"},
        relationship=4,
        needs_support=False,
    ),
]


@pytest.mark.parametrize("draft", ROUND_TRIPS)
def test_the_draft_round_trips_through_the_row_data(draft: ReportDraft) -> None:
    assert ReportDraft.from_data(draft.to_data()) == draft


def test_the_row_keeps_the_keys_it_was_always_written_with() -> None:
    assert ReportDraft().to_data() == {}
    assert ReportDraft.on(7).to_data() == {"m": 7, "i": 0, "r": {}, "c": {}}
    d = ReportDraft.on(7).rated(3).commented("Reads the timetable")
    assert d.to_data() == {
        "m": 7,
        "i": 0,
        "r": {"language": 3},
        "c": {"language": "Reads the timetable"},
    }
    assert ReportDraft(7, relationship=2, needs_support=True).to_data() == {
        "m": 7, "i": 0, "r": {}, "c": {}, "rel": 2, "sup": True,
    }  # fmt: skip


def test_a_draft_written_before_is_read() -> None:
    old = {
        "m": 7, "i": 2, "r": {"language": 3, "social": 1, "autonomy": 2},
        "c": {"language": None, "social": "Few friends yet"}, "rel": 3, "sup": False,
    }  # fmt: skip
    d = ReportDraft.from_data(old)
    assert d == ReportDraft(
        match_id=7,
        step=2,
        ratings={"language": 3, "social": 1, "autonomy": 2},
        comments={"language": None, "social": "Few friends yet"},
        relationship=3,
        needs_support=False,
    )
    assert d is not None and d.domain == "autonomy"
    assert ReportDraft.from_data({"m": "7", "i": "1"}) == ReportDraft(7, step=1)


@pytest.mark.parametrize(
    "data",
    [
        {"m": "four"},
        {"m": 7, "i": "x"},
        {"m": 7, "r": [3, 2]},
        {"m": 7, "r": {"language": None}},
        {"m": 7, "r": {"language": True}},
        {"m": 7, "c": "a comment"},
        {"m": 7, "sup": "yes"},
        {"m": 7, "rel": 2.5},
    ],
)
def test_a_draft_that_cannot_be_read_is_none(data: dict[str, Any]) -> None:
    assert ReportDraft.from_data(data) is None


async def test_a_report_begun_in_the_old_shape_goes_on_and_is_sent(
    db: Database, clock: ManualClock, tg: Telegram
) -> None:
    a = tg.user("Ana")
    async with building(db, clock.now()) as b:
        org = await b.org(quiet_days=[300, 330, 365])
        worker = await b.person(org, Role.WORKER, "Wendy")
        ana = await b.person(org, Role.MENTOR, "Ana", telegram_id=a.id)
        match = await b.match(await b.family(org, "Haddad"), [ana], worker)
    await a.send("/start")
    await a.next_message()
    old = {
        "m": match.id, "i": len(CODES) - 1, "r": RATED,
        "c": {"language": "Reads the bus timetable now", "social": None},
    }  # fmt: skip
    async with db.transaction() as s:
        await drafts.save(s, a.id, FLOW, "rel", old, clock.now())
    await a.send("4")  # the relationship, typed
    question = await a.next_message()
    assert "support from the staff" in question.text
    await a.press("Yes", question)
    summary = await a.next_message()
    assert "Reads the bus timetable now" in summary.text and "4/4" in summary.text
    await a.press("Confirm", summary)
    assert "Thank you!" in (await a.next_message()).text
    async with db.transaction() as s:
        [report] = (await s.scalars(select(ProgressReport))).all()
        assert await drafts.get(s, a.id) is None
    assert report.match_id == match.id and report.relationship == 4 and report.needs_support
    assert {code: v["rating"] for code, v in report.domains.items()} == RATED
    assert report.domains["language"]["comment"] == "Reads the bus timetable now"

    # One that cannot be read is dropped: the report begins again.
    async with db.transaction() as s:
        await drafts.save(s, a.id, FLOW, "comment", {"m": match.id, "r": "3"}, clock.now())
    await a.send("A comment for nothing")
    assert "Send /report to start again" in (await a.next_message()).text
    async with db.transaction() as s:
        assert await drafts.get(s, a.id) is None
