"""Meeting use cases on the database: authorisation, duplicates, corrections, the overview."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from bot.clock import ManualClock
from bot.services import meetings
from bot.services.errors import Invalid, NotAllowed, NotFound
from bot.services.meetings import Entry
from storage.db import Database
from storage.models import AuditEvent, Match, MatchStatus, Meeting, Person, Role
from tests.factories import building

TZ = "Europe/Madrid"
TODAY = date(2026, 3, 2)


@dataclass
class World:
    ana: Person
    ben: Person  # shares match `shared` with Ana
    carla: Person  # another family's mentor
    shared: Match
    other: Match
    closed: Match


@pytest.fixture
async def world(db: Database, clock: ManualClock) -> World:
    async with building(db, clock.now()) as b:
        org = await b.org()
        worker = await b.person(org, Role.WORKER, "Wendy")
        ana = await b.person(org, Role.MENTOR, "Ana", telegram_id=1001)
        ben = await b.person(org, Role.MENTOR, "Ben", telegram_id=1002)
        carla = await b.person(org, Role.MENTOR, "Carla", telegram_id=1003)
        shared = await b.match(
            await b.family(org, "Haddad"), [ana, ben], worker, started_on=date(2026, 1, 15)
        )
        other = await b.match(await b.family(org, "Osei"), [carla], worker)
        closed = await b.match(
            await b.family(org, "Kovalenko"), [ana], worker, status=MatchStatus.CLOSED
        )
    return World(ana, ben, carla, shared, other, closed)


def entry(match: Match, day: date = TODAY, **kw: object) -> Entry:
    values: dict[str, object] = {
        "duration_minutes": 60,
        "activities": ("walk",),
        "mood": 4,
        "notes": None,
    }
    values.update(kw)
    return Entry(match.id, day, **values)  # type: ignore[arg-type]


async def count_meetings(db: Database) -> int:
    async with db.transaction() as s:
        return int((await s.execute(select(func.count(Meeting.id)))).scalar_one())


async def test_log_and_list(db: Database, clock: ManualClock, world: World) -> None:
    async with db.transaction() as s:
        m = await meetings.log_meeting(
            s, clock.now(), TZ, world.ana, entry(world.shared, notes=" went well ")
        )
        assert m.mentor_id == world.ana.id and m.notes == "went well"
    async with db.transaction() as s:
        mine = await meetings.recent_own(s, clock.now(), TZ, world.ana)
        assert [v.id for v in mine] == [m.id]
        assert mine[0].family_name == "Haddad"
        assert await meetings.recent_own(s, clock.now(), TZ, world.ben) == []
        actions = (await s.execute(select(AuditEvent.action))).scalars().all()
        assert "meeting.logged" in actions


async def test_a_mentor_cannot_log_for_a_match_that_is_not_theirs(
    db: Database, clock: ManualClock, world: World
) -> None:
    for match in (world.other, world.closed):
        with pytest.raises(NotAllowed):
            async with db.transaction() as s:
                await meetings.log_meeting(s, clock.now(), TZ, world.ana, entry(match))
    with pytest.raises(NotAllowed):
        async with db.transaction() as s:
            await meetings.check_new_day(s, clock.now(), TZ, world.ana, world.other.id, TODAY)
    with pytest.raises(NotAllowed):  # no such match at all looks the same
        async with db.transaction() as s:
            await meetings.mentor_match(s, world.ana, 999_999)
    assert await count_meetings(db) == 0


async def test_only_active_matches_are_offered(db: Database, world: World) -> None:
    async with db.transaction() as s:
        names = [c.family_name for c in await meetings.active_matches(s, world.ana)]
    assert names == ["Haddad"]


async def test_bad_input_is_refused(db: Database, clock: ManualClock, world: World) -> None:
    cases = [
        (entry(world.shared, TODAY + timedelta(days=1)), "date_future"),
        (entry(world.shared, date(2026, 1, 14)), "date_before_match"),
        (entry(world.shared, duration_minutes=0), "duration_zero"),
        (entry(world.shared, duration_minutes=721), "duration_too_long"),
        (entry(world.shared, activities=()), "activities"),
        (entry(world.shared, mood=0), "mood"),
    ]
    for bad, code in cases:
        with pytest.raises(Invalid) as err:
            async with db.transaction() as s:
                await meetings.log_meeting(s, clock.now(), TZ, world.ana, bad)
        assert err.value.code == code
    assert await count_meetings(db) == 0


async def test_duplicates_are_asked_about(db: Database, clock: ManualClock, world: World) -> None:
    async with db.transaction() as s:
        first = await meetings.log_meeting(s, clock.now(), TZ, world.ana, entry(world.shared))
    async with db.transaction() as s:
        found = await meetings.check_new_day(s, clock.now(), TZ, world.ana, world.shared.id, TODAY)
        assert found == first.id
        # A co-mentor's meeting the same day is not a duplicate of theirs.
        assert (
            await meetings.check_new_day(s, clock.now(), TZ, world.ben, world.shared.id, TODAY)
            is None
        )
    with pytest.raises(Invalid, match="duplicate"):
        async with db.transaction() as s:
            await meetings.log_meeting(s, clock.now(), TZ, world.ana, entry(world.shared))
    async with db.transaction() as s:
        await meetings.log_meeting(
            s, clock.now(), TZ, world.ana, entry(world.shared), allow_duplicate=True
        )
        await meetings.log_meeting(s, clock.now(), TZ, world.ben, entry(world.shared))
    assert await count_meetings(db) == 3


async def test_corrections_only_own_and_within_the_window(
    db: Database, clock: ManualClock, world: World
) -> None:
    async with db.transaction() as s:
        mine = await meetings.log_meeting(
            s, clock.now(), TZ, world.ana, entry(world.shared, TODAY - timedelta(days=3))
        )
        old = await meetings.log_meeting(
            s, clock.now(), TZ, world.ana, entry(world.shared, TODAY - timedelta(days=40))
        )
        bens = await meetings.log_meeting(s, clock.now(), TZ, world.ben, entry(world.shared))
    async with db.transaction() as s:
        fixed = await meetings.update_meeting(
            s,
            clock.now(),
            TZ,
            world.ana,
            mine.id,
            entry(
                world.shared,
                TODAY - timedelta(days=2),
                duration_minutes=90,
                mood=2,
                activities=("sport", "meal"),
                notes="x",
            ),
        )
        assert (fixed.duration_minutes, fixed.mood, fixed.activities) == (90, 2, ["sport", "meal"])
        assert fixed.occurred_on == TODAY - timedelta(days=2)
    # Another mentor's meeting, even in the same match: not theirs to see or correct.
    with pytest.raises(NotFound):
        async with db.transaction() as s:
            await meetings.own_meeting(s, clock.now(), TZ, world.ana, bens.id)
    with pytest.raises(NotFound):
        async with db.transaction() as s:
            await meetings.update_meeting(
                s, clock.now(), TZ, world.ana, bens.id, entry(world.shared)
            )
    # Outside the window: neither listed nor correctable.
    with pytest.raises(NotAllowed):
        async with db.transaction() as s:
            await meetings.update_meeting(
                s,
                clock.now(),
                TZ,
                world.ana,
                old.id,
                entry(world.shared, TODAY - timedelta(days=40)),
            )
    # Moving a meeting out of the window, or into another match, is refused.
    with pytest.raises(Invalid, match="date_outside_window"):
        async with db.transaction() as s:
            await meetings.update_meeting(
                s,
                clock.now(),
                TZ,
                world.ana,
                mine.id,
                entry(world.shared, TODAY - timedelta(days=35)),
            )
    with pytest.raises(NotAllowed):
        async with db.transaction() as s:
            await meetings.update_meeting(
                s, clock.now(), TZ, world.ana, mine.id, entry(world.other)
            )
    async with db.transaction() as s:
        listed = [v.id for v in await meetings.recent_own(s, clock.now(), TZ, world.ana)]
    assert listed == [mine.id]
    # Once the window has passed, the meeting can no longer be corrected.
    clock.advance(timedelta(days=31))
    with pytest.raises(NotAllowed):
        async with db.transaction() as s:
            await meetings.own_meeting(s, clock.now(), TZ, world.ana, mine.id)


async def test_a_corrected_day_is_checked_on_the_mentors_own_meeting(
    db: Database, clock: ManualClock, world: World
) -> None:
    async with db.transaction() as s:
        mine = await meetings.log_meeting(
            s, clock.now(), TZ, world.ana, entry(world.shared, TODAY - timedelta(days=3))
        )
        bens = await meetings.log_meeting(s, clock.now(), TZ, world.ben, entry(world.shared))
    async with db.transaction() as s:
        day = TODAY - timedelta(days=1)
        await meetings.check_corrected_day(s, clock.now(), TZ, world.ana, mine.id, day)
        for bad, code in (
            (TODAY + timedelta(days=1), "date_future"),
            (date(2026, 1, 10), "date_before_match"),
            (TODAY - timedelta(days=35), "date_outside_window"),
        ):
            with pytest.raises(Invalid, match=code):
                await meetings.check_corrected_day(s, clock.now(), TZ, world.ana, mine.id, bad)
        # A co-mentor's meeting in the same match is not hers to move.
        with pytest.raises(NotFound):
            await meetings.check_corrected_day(s, clock.now(), TZ, world.ana, bens.id, day)


async def test_overview_shows_co_mentors_meetings(
    db: Database, clock: ManualClock, world: World
) -> None:
    async with db.transaction() as s:
        await meetings.log_meeting(
            s, clock.now(), TZ, world.ben, entry(world.shared, date(2026, 2, 24))
        )
        await meetings.log_meeting(
            s, clock.now(), TZ, world.ana, entry(world.shared, date(2026, 2, 20))
        )
        await meetings.log_meeting(s, clock.now(), TZ, world.carla, entry(world.other))
    async with db.transaction() as s:
        [seen] = await meetings.overview(s, world.ana)
    assert seen.family_name == "Haddad" and seen.worker_name == "Wendy"
    assert seen.co_mentors == ("Ben",)
    assert [(x.mentor_name, x.occurred_on) for x in seen.latest] == [
        ("Ben", date(2026, 2, 24)),
        ("Ana", date(2026, 2, 20)),
    ]
