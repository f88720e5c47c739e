"""The first meeting's other outcomes, closure from the CLI, evaluation points, and refusals:
another organisation's staff, a mentor pressing staff buttons, forged feedback."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from bot.app import App
from bot.clock import ManualClock
from bot.notifications.match_cycle import close_confirm, feedback_answer
from bot.services import admin, match_cycle, match_requests
from bot.services.errors import Invalid, NotAllowed
from emulator import Emulator, FloodLimits
from storage.db import Database
from storage.match_life import (
    ClosureReason,
    FirstMeetingOutcome,
    RequestStatus,
    closure_steps_done,
    evaluation_points,
)
from storage.models import (
    Appointment,
    AppointmentStatus,
    Match,
    MatchRequest,
    MatchStatus,
    MentorProfile,
    Role,
)
from tests.conftest import dispatching
from tests.factories import building
from tests.harness import Telegram


@pytest.fixture(autouse=True)
def _no_flood_limits(emulator: Emulator) -> None:
    emulator.set_flood_limits(FloodLimits.off())


def test_evaluation_points() -> None:
    assert evaluation_points([3, 6], 6, 2) == []
    assert evaluation_points([3, 6], 6, 3) == [3]
    assert evaluation_points([3, 6], 6, 13) == [3, 6, 12]
    assert evaluation_points([3, 6], 6, 24) == [3, 6, 12, 18, 24]
    assert evaluation_points([2], 4, 10) == [2, 6, 10]
    assert match_cycle.months_between(date(2026, 3, 10), date(2026, 6, 9)) == 2
    assert match_cycle.months_between(date(2026, 3, 10), date(2026, 6, 10)) == 3
    assert ClosureReason.GOALS_REACHED.kind.value == "planned"
    assert ClosureReason.CONFLICT.kind.value == "unplanned"


async def test_a_first_meeting_without_agreement_sends_the_family_back(
    db: Database, clock: ManualClock
) -> None:
    now = clock.now()
    async with building(db, now) as b:
        org = await b.org()
        worker = await b.person(org, Role.WORKER)
        coordinator = await b.person(org, Role.COORDINATOR)
        mentor = await b.person(org, Role.MENTOR)
        family = await b.family(org, "Haddad")
        b.session.add(
            MentorProfile(
                person_id=mentor.id,
                languages={"es": 3},
                availability=[],
                skills=[],
                capacity=1,
                updated_at=now,
            )
        )
        elsewhere = await b.org()
        stranger = await b.person(elsewhere, Role.COORDINATOR)
    async with dispatching(db) as s:
        req = await match_requests.create_request(
            s, now, worker, family_id=family.id, needs=["school"]
        )
        from storage.models import FamilyProfile

        s.add(
            FamilyProfile(
                family_id=family.id,
                languages={"es": 2},
                needs=[],
                availability=[],
                preferences={},
                updated_at=now,
            )
        )
        await s.flush()
        offer = await match_requests.ask_mentor(s, now, coordinator, req.id, mentor.id)
        with pytest.raises(Invalid):
            await match_requests.ask_mentor(s, now, coordinator, req.id, mentor.id)  # twice
        await match_requests.answer_offer(s, now, mentor, offer.id, accept=True)
        with pytest.raises(NotAllowed):
            await match_cycle.prepare_first_meeting(s, now, stranger, offer.match_id)
        with pytest.raises(NotAllowed):
            await match_cycle.prepare_first_meeting(s, now, mentor, offer.match_id)
        await match_cycle.prepare_first_meeting(s, now, worker, offer.match_id)
        closed = await match_cycle.record_first_meeting(
            s, now, worker, offer.match_id, FirstMeetingOutcome.NOT_A_FIT
        )
        assert closed.status == MatchStatus.CLOSED
        assert closed.closure_code == ClosureReason.NOT_STARTED
        requests = list((await s.execute(select(MatchRequest).order_by(MatchRequest.id))).scalars())
        assert [r.status for r in requests] == [RequestStatus.CANCELLED, RequestStatus.WAITING]
        assert requests[1].previous_match_id == offer.match_id
        # A mentor freed by the closure can be asked again for the rematch.
        again = await match_requests.ask_mentor(s, now, coordinator, requests[1].id, mentor.id)
        assert again.match_id != offer.match_id


async def test_closing_in_the_cli_cancels_planned_meetings(
    db: Database, clock: ManualClock
) -> None:
    now = clock.now()
    async with building(db, now) as b:
        org = await b.org()
        worker = await b.person(org, Role.WORKER)
        mentor = await b.person(org, Role.MENTOR)
        match = await b.match(await b.family(org), [mentor], worker)
        b.session.add(
            Appointment(
                match_id=match.id,
                created_by_id=mentor.id,
                starts_at=now + timedelta(days=2),
                place="Café",
                created_at=now,
                updated_at=now,
            )
        )
    async with dispatching(db) as s:
        with pytest.raises(Invalid, match="unknown closure reason"):
            await admin.close_match(s, now, match.id, "the family left")
        info = await admin.close_match(s, now, match.id, "goals_reached", "all done")
        assert info.closure_code == "goals_reached" and info.closure_reason == "all done"
        appointment = (await s.execute(select(Appointment))).scalar_one()
        assert appointment.status == AppointmentStatus.CANCELLED
        stored = await s.get(Match, match.id)
        assert stored is not None and stored.closure_steps is not None
        assert stored.closure_steps["meetings_cancelled"]["n"] == 1
        assert "rematch_requested" not in stored.closure_steps  # planned: no rematch
        # Every step a planned closure must record is there (what exports and reports count).
        assert closure_steps_done(stored.closure_kind, stored.closure_steps) == (6, True)
        assert (await s.execute(select(MatchRequest))).first() is None
        with pytest.raises(Invalid, match="already closed"):
            await admin.close_match(s, now, match.id, "conflict")


async def test_forged_and_foreign_presses_are_refused(
    db: Database, clock: ManualClock, tg: Telegram, app: App
) -> None:
    w, x, m = tg.user("Wendy"), tg.user("Xavi"), tg.user("Ana")
    now = clock.now()
    async with building(db, now) as b:
        org, elsewhere = await b.org(), await b.org()
        worker = await b.person(org, Role.WORKER, telegram_id=w.id)
        mentor = await b.person(org, Role.MENTOR, telegram_id=m.id)
        await b.person(elsewhere, Role.WORKER, telegram_id=x.id)
        match = await b.match(await b.family(org, "Haddad"), [mentor], worker)
    for person in (w, x, m):
        await person.send("/start")
        await person.next_message()
    refused = "not available to you"
    await x.send(f"/endmatch {match.id}")
    assert refused in (await x.next_message()).text
    await x.press_forged(close_confirm(match.id, ClosureReason.CONFLICT))
    assert refused in (await x.next_message()).text
    await m.press_forged(close_confirm(match.id, ClosureReason.CONFLICT))
    assert refused in (await m.next_message()).text
    await m.press_forged(feedback_answer(1, 0, 5))
    assert refused in (await m.next_message()).text
    await w.press_forged(close_confirm(match.id, ClosureReason.LEGACY))
    assert "did not work" in (await w.next_message()).text
    async with db.transaction() as s:
        stored = await s.get(Match, match.id)
        assert stored is not None and stored.status == MatchStatus.ACTIVE
    await w.send(f"/endmatch {match.id}")
    await w.next_message()
    await w.press("Planned: the goals were reached")
    await w.next_message()
    await w.press("End the match")
    assert f"Match no. {match.id} is closed." in (await w.next_message()).text
