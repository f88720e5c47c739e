"""The weekly digest through the emulator: on the organisation's weekday and hour, in each
reader's language, the text then the chart as a photo; once; nothing when nothing to say."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot import charts
from bot.app import App
from bot.clock import ManualClock
from bot.i18n import translator
from bot.services import digest
from emulator import Emulator, FloodLimits
from storage.db import Database
from storage.models import DigestRun, Meeting, OutboxMessage, Person, Role
from tests.conftest import tick
from tests.factories import building
from tests.harness import Person as TgPerson
from tests.harness import Telegram
from tests.test_cli import Cli, env, run  # noqa: F401 (fixtures)

ES, AR = translator("es"), translator("ar")


@pytest.fixture(autouse=True)
def _no_flood_limits(emulator: Emulator) -> None:
    emulator.set_flood_limits(FloodLimits.off())


@dataclass
class World:
    wendy: TgPerson  # worker, Spanish, a busy match
    amal: TgPerson  # worker, Arabic, a quiet match
    nora: TgPerson  # worker without matches: nothing to say
    ids: dict[str, int]


async def make_world(db: Database, clock: ManualClock, tg: Telegram) -> World:
    w = tg.user("Wendy", language_code="es")
    a, n = tg.user("Amal", language_code="ar"), tg.user("Nora")
    now = clock.now()  # Monday 2 March 2026, 10:00 in Madrid
    today = now.date()
    async with building(db, now) as b:
        org = await b.org(digest_weekday=0, digest_hour=9)
        wendy = await b.person(org, Role.WORKER, "Wendy", telegram_id=w.id, locale="es")
        amal = await b.person(org, Role.WORKER, "Amal", telegram_id=a.id, locale="ar")
        nora = await b.person(org, Role.WORKER, "Nora", telegram_id=n.id)
        mentor = await b.person(org, Role.MENTOR, "Ana")
        busy = await b.match(
            await b.family(org, "Haddad"), [mentor], wendy, started_on=today - timedelta(days=90)
        )
        for days in (1, 3, 10, 17, 40):
            b.session.add(Meeting(match_id=busy.id, mentor_id=mentor.id, duration_minutes=60,
                                  occurred_on=today - timedelta(days=days), created_at=now,
                                  updated_at=now))  # fmt: skip
        await b.match(
            await b.family(org, "Karimi"), [mentor], amal, started_on=today - timedelta(days=30)
        )
        ids = {"wendy": wendy.id, "amal": amal.id, "nora": nora.id}
    for person in (w, a, n):
        await person.send("/start")
        await person.next_message()
    return World(w, a, n, ids)


async def _digests(db: Database) -> int:
    async with db.transaction() as s:
        return int(
            await s.scalar(
                select(func.count(OutboxMessage.id)).where(OutboxMessage.kind.like("digest%"))
            )
            or 0
        )


async def test_digests_in_spanish_and_arabic_with_their_chart(
    db: Database, clock: ManualClock, tg: Telegram, app: App
) -> None:
    world = await make_world(db, clock, tg)
    start = clock.now()
    clock.set(start - timedelta(days=1))  # Sunday: not the day
    await tick(app)
    clock.set(start - timedelta(hours=2))  # Monday 08:00 in Madrid: before the hour
    await tick(app)
    assert await _digests(db) == 0

    clock.set(start)
    await tick(app)
    es_title = ES.gettext("<b>Your week: your caseload</b>").replace("<b>", "").replace("</b>", "")
    text = await world.wendy.next_message(where=lambda m: es_title in (m.text or ""))
    meetings = ES.ngettext("%(n)s meeting, %(time)s in all", "%(n)s meetings, %(time)s in all", 2)
    assert meetings % {"n": "2", "time": ES.duration(120)} in text.text
    photo = await world.wendy.next_message(where=lambda m: m.photo is not None)
    assert photo.photo is not None and photo.photo.data.startswith(b"\x89PNG")
    assert photo.message_id > text.message_id  # the chart after the text

    ar_title = AR.gettext("<b>Your week: your caseload</b>").replace("<b>", "").replace("</b>", "")
    assert ar_title != es_title
    ar_text = await world.amal.next_message(where=lambda m: ar_title in (m.text or ""))
    quiet = AR.ngettext("%(n)s quiet match", "%(n)s quiet matches", 1) % {"n": AR.number(1)}
    assert quiet in ar_text.text
    ar_photo = await world.amal.next_message(where=lambda m: m.photo is not None)
    assert ar_photo.photo is not None and ar_photo.photo.data.startswith(b"\x89PNG")

    # Nothing to say to Nora; and nobody gets a second digest that day.
    await tick(app)
    clock.set(start + timedelta(hours=5))
    await tick(app)
    assert await _digests(db) == 4
    async with db.transaction() as s:
        runs = {r.person_id: r.sent for r in (await s.execute(select(DigestRun))).scalars()}
    assert runs == {world.ids["wendy"]: True, world.ids["amal"]: True, world.ids["nora"]: False}
    assert all(m.photo is None for m in world.nora.messages)


async def test_the_chart_counts_meetings_per_week_in_the_readers_script(
    db: Database, clock: ManualClock, tg: Telegram
) -> None:
    world = await make_world(db, clock, tg)
    async with db.transaction() as s:
        wendy = await s.get(Person, world.ids["wendy"])
        assert wendy is not None
        weeks, counts = await digest.weekly_meetings(s, wendy, clock.now().date())
    assert len(weeks) == len(counts) == digest.WEEKS and weeks[-1].weekday() == 0
    # Days 1 and 3 before Monday 2 March fall in the week of 23 February; 10 and 17 one and two
    # weeks earlier; 40 days back is its own week.
    assert counts[-1] == 0 and counts[-2] == 2 and counts[-3] == 1 and counts[-4] == 1
    assert sum(counts) == 5
    labels = [
        AR.gettext("Meetings per week, last 12 weeks"),
        AR.gettext("Meetings"),
        AR.gettext("Your caseload"),
        *[AR.day(w, "d MMM") for w in weeks],
    ]
    font = charts.font_for("ar")
    for label in labels:
        assert charts.missing_glyphs(label, font) == set(), label


async def test_the_cli_dry_run_prints_it_and_writes_the_chart(
    run: Cli,  # noqa: F811 (the fixture of tests/test_cli.py)
    db: Database,
    clock: ManualClock,
    tmp_path: Path,
) -> None:
    async with building(db, clock.now()) as b:
        org = await b.org()
        wendy = await b.person(org, Role.WORKER, "Wendy", locale="es")
        mentor = await b.person(org, Role.MENTOR)
        # Quiet since 2020 whatever today is: the digest has something to say.
        await b.match(await b.family(org, "Haddad"), [mentor], wendy, started_on=date(2020, 1, 1))
        worker_id, mentor_id, org_id = wendy.id, mentor.id, org.id
    policy = await run.ok(
        "org", "set", str(org_id), "--quiet-days", "10,20,30", "--digest-day", "fri",
        "--digest-hour", "17", "--json",
    )  # fmt: skip
    assert policy.json()["quiet_days"] == [10, 20, 30]
    assert (policy.json()["digest_weekday"], policy.json()["digest_hour"]) == (4, 17)
    await run.fails("org", "set", str(org_id), "--digest-hour", "24", reason="digest hour")
    chart = tmp_path / "chart.png"
    out = await run.ok("digest", "--person", str(worker_id), "--dry-run", "--chart", str(chart))
    assert ES.gettext("<b>Your week: your caseload</b>") in out.out
    assert ES.ngettext("%(n)s quiet match", "%(n)s quiet matches", 1) % {"n": "1"} in out.out
    assert chart.read_bytes().startswith(b"\x89PNG")
    async with db.transaction() as s:
        assert await s.scalar(select(func.count(OutboxMessage.id))) == 0  # nothing sent
    await run.fails("digest", "--person", str(mentor_id), "--dry-run", reason="coordinators")
