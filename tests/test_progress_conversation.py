"""/report through the emulator: the mentor's conversation, the worker's copy in the worker's
language and timezone, the programme's cadence (request, one reminder), refusals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from bot.app import App
from bot.clock import ManualClock
from bot.i18n import translator
from bot.services.progress import DOMAINS
from emulator import Emulator, FloodLimits
from storage.db import Database
from storage.models import (
    Draft,
    JobStatus,
    Match,
    OutboxMessage,
    OutboxStatus,
    Person,
    ProgressReport,
    ReportRequest,
    Role,
)
from tests.conftest import deliver, tick
from tests.factories import building
from tests.harness import Person as TgPerson
from tests.harness import Telegram

RATE = ("1 · Needs a lot of support", "2 · Some progress", "3 · Good progress", "4 · Doing well")


@pytest.fixture(autouse=True)
def _no_flood_limits(emulator: Emulator) -> None:
    emulator.set_flood_limits(FloodLimits.off())


@dataclass
class World:
    haddad: Match  # Ana and Ben
    osei: Match  # Ana, when she has two
    kim: Match  # someone else's
    ana: TgPerson
    ben: TgPerson
    wendy: TgPerson  # the referring worker, Spanish-speaking, in Bogotá


async def make_world(db: Database, clock: ManualClock, tg: Telegram, *, two: bool) -> World:
    a, b, w = tg.user("Ana"), tg.user("Ben"), tg.user("Wendy", language_code="es")
    async with building(db, clock.now()) as bd:
        # Not about quiet matches: none goes quiet within these tests.
        org = await bd.org(report_cadence_days=30, quiet_days=[300, 330, 365])
        worker = await bd.person(
            org, Role.WORKER, "Wendy", telegram_id=w.id, locale="es", timezone="America/Bogota"
        )
        ana = await bd.person(org, Role.MENTOR, "Ana", telegram_id=a.id)
        ben = await bd.person(org, Role.MENTOR, "Ben", telegram_id=b.id)
        carla = await bd.person(org, Role.MENTOR, "Carla")
        # The shared match started 20 days ago: no report is due yet.
        haddad = await bd.match(
            await bd.family(org, "Haddad"), [ana, ben], worker, started_on=date(2026, 2, 10)
        )
        osei = await bd.match(
            await bd.family(org, "Osei"),
            [ana] if two else [carla],
            worker,
            started_on=date(2026, 2, 20),
        )
        kim = await bd.match(
            await bd.family(org, "Kim"), [carla], worker, started_on=date(2026, 2, 20)
        )
    for person in (a, b, w):  # people who opened the bot can be sent messages
        await person.send("/start")
        await person.next_message()
    return World(haddad, osei, kim, a, b, w)


async def answer_report(who: TgPerson, comment: str | None = None) -> None:
    """Answer every domain (the first with a typed comment), then the last two questions."""
    for n, _code in enumerate(DOMAINS):
        await who.press(RATE[n % 4])
        await who.next_message()
        if n == 0 and comment:
            await who.send(comment)
        else:
            await who.press("Skip")
        await who.next_message()
    await who.press("3 · Good")
    await who.next_message()
    await who.press("Yes")
    await who.next_message()


async def reports(db: Database) -> list[ProgressReport]:
    async with db.transaction() as s:
        return list((await s.execute(select(ProgressReport))).scalars())


async def test_report_reaches_the_worker_in_her_language_and_timezone(
    db: Database, clock: ManualClock, tg: Telegram, app: App
) -> None:
    world = await make_world(db, clock, tg, two=False)
    ana = world.ana
    await ana.send("/report")
    msg = await ana.next_message()
    assert "Haddad" in msg.text and "Language" in msg.text  # one match: no family question
    await answer_report(ana, comment="Reads the bus timetable <alone>")
    msg = ana.last_message
    assert "Send this report" in msg.text and "Reads the bus timetable <alone>" in msg.text
    assert await reports(db) == []  # nothing stored before Confirm
    await ana.press("Confirm")
    msg = await ana.next_message()
    assert "sent to the referring worker" in msg.text

    [report] = await reports(db)
    assert report.domains["language"] == {"rating": 1, "comment": "Reads the bus timetable <alone>"}
    assert [report.domains[c]["rating"] for c in DOMAINS] == [1, 2, 3, 4, 1, 2]
    assert (report.relationship, report.needs_support) == (3, True)

    await deliver(app)
    got = await world.wendy.next_message()
    es = translator("es")
    # In Bogotá (UTC-5), 09:00 UTC is 04:00 on Monday 2 March, written the Spanish way.
    assert es.when(clock.now(), "America/Bogota") in got.text
    assert "2 de marzo" in got.text and "4:00" in got.text
    assert "Haddad" in got.text and es.number(world.haddad.id) in got.text
    assert "Reads the bus timetable <alone>" in got.text
    assert "1/4" in got.text and "3/4" in got.text
    async with db.transaction() as s:
        [row] = (await s.execute(select(OutboxMessage))).scalars().all()
    assert (row.kind, row.status, row.ref_id) == ("progress_report", OutboxStatus.SENT, report.id)
    assert row.telegram_chat_id == world.wendy.id


async def test_two_matches_interruption_and_bad_input(
    db: Database, clock: ManualClock, tg: Telegram, app: App
) -> None:
    world = await make_world(db, clock, tg, two=True)
    ana = world.ana
    await ana.send("/report")
    msg = await ana.next_message()
    assert msg.button_labels == ["Haddad", "Osei"]
    await ana.press("Osei")
    await ana.next_message()
    await ana.send("quite well")  # text where a number belongs
    msg = await ana.next_message()
    assert "number from 1 to 4" in msg.text
    await ana.send("2")  # a typed number is fine
    msg = await ana.next_message()
    assert "Add a comment" in msg.text
    # Interrupted: she does something else, then comes back.
    await ana.send("/mymatches")
    await ana.next_message()
    await ana.send("/report")
    msg = await ana.next_message()
    assert msg.button_labels == ["Continue", "Start over"]
    await ana.press("Continue")
    msg = await ana.next_message()
    assert "Add a comment" in msg.text
    await ana.press("Skip")
    await ana.next_message()
    async with db.transaction() as s:
        draft = await s.get(Draft, ana.id)
    assert draft is not None and draft.data["r"] == {"language": 2} and draft.data["i"] == 1
    for _ in range(1, len(DOMAINS)):
        await ana.press(RATE[3])
        await ana.next_message()
        await ana.press("Skip")
        await ana.next_message()
    await ana.press("4 · Very good")
    await ana.next_message()
    await ana.press("No")
    await ana.next_message()
    await ana.press("Confirm")
    await ana.next_message()
    [report] = await reports(db)
    assert report.match_id == world.osei.id and report.needs_support is False


async def test_forged_report_on_another_match_is_refused(
    db: Database, clock: ManualClock, tg: Telegram, app: App
) -> None:
    world = await make_world(db, clock, tg, two=False)
    ana = world.ana
    await ana.send("/report")
    msg = await ana.next_message()
    await ana.press_forged(f"rp:m:{world.kim.id}", msg)
    msg = await ana.next_message()
    assert "not available to you" in msg.text
    async with db.transaction() as s:
        draft = await s.get(Draft, ana.id)
    assert draft is not None and draft.data["m"] == world.haddad.id  # unchanged
    assert await reports(db) == []


async def test_cadence_asks_reminds_once_and_report_now_fulfils(
    db: Database, clock: ManualClock, tg: Telegram, app: App
) -> None:
    world = await make_world(db, clock, tg, two=False)
    ana, ben = world.ana, world.ben
    done = await tick(app)
    assert done["report_requests"] == 0  # 20 days into the match: not yet
    # 30 days after the start (10 Feb, Madrid midnight) both mentors are asked.
    clock.advance(timedelta(days=10))
    done = await tick(app)
    assert done["report_requests"] == 2
    ask_a = await ana.next_message()
    ask_b = await ben.next_message()
    assert "Haddad" in ask_a.text and ask_a.buttons == [[("Report now", f"rp:m:{world.haddad.id}")]]
    assert ask_b.buttons == ask_a.buttons

    # Nobody answers: one reminder each after 7 days, and no more after that.
    clock.advance(timedelta(days=7))
    done = await tick(app)
    assert (done["report_requests"], done["report_reminders"]) == (0, 2)
    assert "reminder" in (await ana.next_message()).text
    await ben.next_message()
    clock.advance(timedelta(days=7))
    done = await tick(app)
    assert (done["report_requests"], done["report_reminders"]) == (0, 0)

    # Ben taps "Report now" on the request and reports: the match's requests are fulfilled.
    await ben.press("Report now", ask_b)
    msg = await ben.next_message()
    assert "Language" in msg.text
    await answer_report(ben)
    await ben.press("Confirm")
    await ben.next_message()
    [report] = await reports(db)
    async with db.transaction() as s:
        requests = list(
            (
                await s.execute(
                    select(ReportRequest).where(ReportRequest.match_id == world.haddad.id)
                )
            ).scalars()
        )
    assert len(requests) == 2
    assert {(r.status, r.report_id) for r in requests} == {(JobStatus.DONE, report.id)}
    await deliver(app)
    assert "Haddad" in (await world.wendy.next_message()).text

    # The next request comes a whole period after that report.
    clock.advance(timedelta(days=29))
    assert (await tick(app))["report_requests"] == 0
    clock.advance(timedelta(days=1))
    assert (await tick(app))["report_requests"] == 2


@pytest.mark.parametrize("locale", ["en", "ar"])
async def test_one_report_per_team_the_others_see_it_was_done(
    db: Database, clock: ManualClock, tg: Telegram, app: App, locale: str
) -> None:
    world = await make_world(db, clock, tg, two=False)
    ana, ben = world.ana, world.ben
    async with db.transaction() as s:
        row = (await s.execute(select(Person).where(Person.telegram_id == ana.id))).scalar_one()
        row.locale = locale
    clock.advance(timedelta(days=10))
    await tick(app)
    ask_a = await ana.next_message()
    ask_b = await ben.next_message()
    # One report for the team: each prompt names the other mentor.
    assert "one report for the team" in ask_b.text and "Ana" in ask_b.text
    assert (
        translator(locale)
        .gettext(
            "It is time for a progress report on the %(family)s family: one report for the team. "
            "%(others)s can send it too; one of you is enough."
        )
        .split("%(family)s")[0]
        in ask_a.text
    )
    await ben.press("Report now", ask_b)
    first = await ben.next_message()
    # The report starts in a new message (it rings), the request above stays as it was.
    assert first.message_id > ask_b.message_id and not first.edited
    await answer_report(ben)
    await ben.press("Confirm")
    await ben.next_message()
    await deliver(app)
    done = await ana.next_message()
    assert done.message_id == ask_a.message_id and not done.keyboard
    assert done.text.replace("\u2068", "").replace("\u2069", "") == translator(locale).gettext(
        "%(mentor)s has sent the progress report on the %(family)s family. Nothing more to do."
    ) % {"mentor": "Ben", "family": "Haddad"}
    # Her old "Report now", pressed from a stale client, says who did it and offers another.
    await ana.press_forged(f"rp:m:{world.haddad.id}", ask_a)
    said = await ana.next_message(where=lambda m: m.message_id > ask_a.message_id)
    tr = translator(locale)
    assert (
        said.text.replace("\u2068", "")
        .replace("\u2069", "")
        .startswith(
            tr.gettext(
                "%(mentor)s already sent the progress report on the %(family)s family on %(day)s. "
                "Nothing more to do."
            ).split("%(day)s")[0]
            % {"mentor": "Ben", "family": "Haddad"}
        )
    )
    assert said.button_labels == [tr.pgettext("progress button", "Write another report anyway")]
    # No reminder comes to Ana for a report that is done.
    clock.advance(timedelta(days=8))
    assert (await tick(app))["report_reminders"] == 0
