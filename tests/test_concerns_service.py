"""Concerns at the service level, on the database with a settable clock: raising, the cards,
acknowledging, resolving, replying, reassigning, the escalation chain and /pending."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from bot.clock import ManualClock
from bot.notifications.concerns import outgoing
from bot.services import concerns
from bot.services.errors import Invalid, NotAllowed, NotFound
from storage.db import Database
from storage.models import (
    AuditEvent,
    Concern,
    ConcernCategory,
    ConcernEvent,
    ConcernStatus,
    Family,
    HelpKind,
    HelpRequest,
    Match,
    Organisation,
    OutboxMessage,
    OutboxStatus,
    Person,
    Role,
    Severity,
    ThreadStatus,
)
from tests.conftest import KEYRING, dispatching
from tests.factories import building

DURATION = {
    Severity.EMERGENCY: timedelta(minutes=15),
    Severity.HIGH: timedelta(hours=4),
    Severity.MEDIUM: timedelta(hours=24),
    Severity.LOW: timedelta(hours=72),
}


@dataclass
class World:
    org: Organisation
    worker: Person
    other_worker: Person
    coordinator: Person
    admin: Person
    mentor: Person
    stranger_mentor: Person
    family: Family
    mentee: Person
    match: Match
    other_worker_elsewhere: Person  # a worker of another organisation


@pytest.fixture
async def w(db: Database, clock: ManualClock) -> World:
    ids = iter(range(7001, 7100))
    async with building(db, clock.now()) as b:
        org = await b.org(emergency_phone="112")
        worker = await b.person(org, Role.WORKER, "Wendy", telegram_id=next(ids), locale="es")
        other_worker = await b.person(org, Role.WORKER, "Otto", telegram_id=next(ids))
        coordinator = await b.person(org, Role.COORDINATOR, "Carme", telegram_id=next(ids))
        admin = await b.person(org, Role.ADMIN, "Ada", telegram_id=next(ids))
        mentor = await b.person(org, Role.MENTOR, "Marta", telegram_id=next(ids))
        stranger = await b.person(org, Role.MENTOR, "Sergi", telegram_id=next(ids))
        family = await b.family(org, "Haddad")
        mentee = await b.person(
            org, Role.MENTEE, "Amal", telegram_id=next(ids), locale="ar", family=family
        )
        match = await b.match(family, [mentor], worker)
        other_family = await b.family(org, "Other")
        await b.match(other_family, [stranger], other_worker)
        elsewhere = await b.org()
        foreign = await b.person(elsewhere, Role.WORKER, "Xavi", telegram_id=next(ids))
    return World(
        org, worker, other_worker, coordinator, admin, mentor, stranger, family, mentee, match,
        foreign,
    )  # fmt: skip


async def raise_(
    db: Database,
    clock: ManualClock,
    w: World,
    severity: Severity = Severity.HIGH,
    category: ConcernCategory = ConcernCategory.WELLBEING,
) -> concerns.Raised:
    async with dispatching(db) as s:
        mentor = await s.get(Person, w.mentor.id)
        assert mentor is not None
        return await concerns.raise_concern(
            s, clock.now(), mentor, w.match.id, category, "She has not left the flat", severity
        )


async def tick(db: Database, clock: ManualClock) -> int:
    async with dispatching(db) as s:
        return await concerns.escalate_due(s, clock.now())


async def concern(db: Database, concern_id: int) -> Concern:
    async with dispatching(db) as s:
        found = await s.get(Concern, concern_id)
        assert found is not None
        return found


async def cards(db: Database, concern_id: int, *, edits: bool = False) -> list[OutboxMessage]:
    async with dispatching(db) as s:
        query = select(OutboxMessage).where(
            OutboxMessage.ref_type == "concern",
            OutboxMessage.ref_id == concern_id,
            OutboxMessage.kind == concerns.CARD,
        )
        if not edits:
            query = query.where(OutboxMessage.edit_of_id.is_(None))
        return list((await s.execute(query.order_by(OutboxMessage.id))).scalars())


async def events(db: Database, concern_id: int) -> list[ConcernEvent]:
    async with dispatching(db) as s:
        return await concerns.events_of(s, concern_id)


async def act(db: Database, person_id: int, fn, *args, **kw):  # type: ignore[no-untyped-def]
    async with dispatching(db) as s:
        person = await s.get(Person, person_id)
        assert person is not None
        return await fn(s, *args[:1], person, *args[1:], **kw)


async def set_person(db: Database, person_id: int, **values: object) -> None:
    async with dispatching(db) as s:
        await s.execute(update(Person).where(Person.id == person_id).values(**values))


# --- raising ---------------------------------------------------------------------------------


@pytest.mark.parametrize("severity", list(Severity))
async def test_raising_sends_the_worker_a_card_with_the_deadline_of_its_severity(
    db: Database, clock: ManualClock, w: World, severity: Severity
) -> None:
    raised = await raise_(db, clock, w, severity)
    c = await concern(db, raised.concern_id)
    assert c.status == ConcernStatus.OPEN and c.level == 0
    assert c.severity == severity
    assert c.assigned_worker_id == w.worker.id
    assert c.ack_deadline_at == clock.now() + DURATION[severity]
    assert raised.reached and raised.emergency_phone == "112"
    sent = await cards(db, c.id)
    expected = {w.worker.id, w.coordinator.id} if severity == Severity.EMERGENCY else {w.worker.id}
    assert {m.person_id for m in sent} == expected
    card = next(m for m in sent if m.person_id == w.worker.id)
    assert "Marta" in card.text and "Haddad" in card.text
    assert "She has not left the flat" in card.text
    assert [d for row in card.buttons or [] for _, d in row] == [
        f"cn:ack:{c.id}", f"cn:res:{c.id}", f"cn:rep:{c.id}", f"cn:ra:{c.id}",
    ]  # fmt: skip
    kinds = [e.kind for e in await events(db, c.id)]
    assert kinds == ["raised", "notified"]
    async with dispatching(db) as s:
        audited = (
            await s.execute(select(AuditEvent.action).where(AuditEvent.target_id == c.id))
        ).scalars()
        assert {"concern.raised", "concern.notified"} <= set(audited)


async def test_the_card_is_in_the_workers_language_and_timezone(
    db: Database, clock: ManualClock, w: World
) -> None:
    raised = await raise_(db, clock, w, Severity.HIGH)
    (card,) = await cards(db, raised.concern_id)
    # Wendy reads Spanish, in Madrid: 09:00 UTC is 10:00, and 13:00 UTC (the deadline) is 14:00
    assert "marzo" in card.text and "10:00" in card.text and "14:00" in card.text


async def test_the_organisation_sets_the_deadlines(
    db: Database, clock: ManualClock, w: World
) -> None:
    async with dispatching(db) as s:
        await s.execute(
            update(Organisation)
            .where(Organisation.id == w.org.id)
            .values(ack_deadlines_minutes={"emergency": 5, "high": 60, "medium": 120, "low": 600})
        )
    raised = await raise_(db, clock, w, Severity.HIGH)
    assert raised.deadline == clock.now() + timedelta(minutes=60)


async def test_only_the_matchs_people_raise_concerns_on_it(
    db: Database, clock: ManualClock, w: World
) -> None:
    async with dispatching(db) as s:
        stranger = await s.get(Person, w.stranger_mentor.id)
        worker = await s.get(Person, w.worker.id)
        assert stranger is not None and worker is not None
        with pytest.raises(NotAllowed):
            await concerns.raise_concern(
                s, clock.now(), stranger, w.match.id, "health", "text", "high"
            )
        with pytest.raises(NotAllowed):
            await concerns.raise_concern(s, clock.now(), worker, w.match.id, "health", "x", "high")
        mentor = await s.get(Person, w.mentor.id)
        assert mentor is not None
        with pytest.raises(Invalid):
            await concerns.raise_concern(s, clock.now(), mentor, w.match.id, "health", "  ", "high")
        with pytest.raises(Invalid):
            await concerns.raise_concern(s, clock.now(), mentor, w.match.id, "nope", "x", "high")
        with pytest.raises(Invalid):
            await concerns.raise_concern(s, clock.now(), mentor, w.match.id, "health", "x")
    async with dispatching(db) as s:
        assert (await s.execute(select(Concern))).first() is None


@pytest.mark.parametrize(
    ("category", "severity"),
    [(ConcernCategory.SAFETY, Severity.HIGH), (ConcernCategory.HOUSING, Severity.MEDIUM)],
)
async def test_a_mentee_problem_gets_its_severity_from_the_service(
    db: Database, clock: ManualClock, w: World, category: ConcernCategory, severity: Severity
) -> None:
    async with dispatching(db) as s:
        mentee = await s.get(Person, w.mentee.id)
        assert mentee is not None
        raised = await concerns.raise_problem(s, clock.now(), mentee, category, "مشكلة في البيت")
    c = await concern(db, raised.concern_id)
    assert (c.severity, c.match_id, c.raised_by_id) == (severity, w.match.id, w.mentee.id)
    assert c.language == "ar"
    (card,) = await cards(db, c.id)
    assert "Amal" in card.text and "مشكلة في البيت" in card.text


async def test_a_worker_who_cannot_be_reached_is_skipped_when_raising(
    db: Database, clock: ManualClock, w: World
) -> None:
    await set_person(db, w.worker.id, reachable=False)
    raised = await raise_(db, clock, w, Severity.MEDIUM)
    c = await concern(db, raised.concern_id)
    assert c.level == 1 and c.status == ConcernStatus.OPEN
    assert [m.person_id for m in await cards(db, c.id)] == [w.coordinator.id]
    evs = await events(db, c.id)
    assert [(e.kind, e.level) for e in evs] == [("raised", 0), ("skipped", 0), ("notified", 1)]


async def test_nobody_reachable_makes_the_concern_unacknowledged_at_once(
    db: Database, clock: ManualClock, w: World
) -> None:
    await set_person(db, w.worker.id, telegram_id=None)
    await set_person(db, w.coordinator.id, reachable=False)
    await set_person(db, w.admin.id, active=False)
    await set_person(db, w.other_worker.id, reachable=False)
    raised = await raise_(db, clock, w, Severity.HIGH)
    assert not raised.reached
    c = await concern(db, raised.concern_id)
    assert c.status == ConcernStatus.UNACKNOWLEDGED and c.ack_deadline_at is None
    kinds = [(e.kind, e.level) for e in await events(db, c.id)]
    assert kinds == [
        ("raised", 0),
        ("skipped", 0),
        ("skipped", 1),
        ("skipped", 2),
        ("unacknowledged", 0),
    ]
    assert await cards(db, c.id) == []
    assert await tick(db, clock) == 0


# --- the escalation chain --------------------------------------------------------------------


@pytest.mark.parametrize("severity", list(Severity))
async def test_every_level_in_turn_then_unacknowledged(
    db: Database, clock: ManualClock, w: World, severity: Severity
) -> None:
    raised = await raise_(db, clock, w, severity)
    step = DURATION[severity]

    clock.advance(step - timedelta(seconds=1))
    assert await tick(db, clock) == 0
    clock.advance(timedelta(seconds=1))
    assert await tick(db, clock) == 1
    assert await tick(db, clock) == 0  # the same instant again: nothing fires twice
    c = await concern(db, raised.concern_id)
    assert (c.level, c.status) == (1, ConcernStatus.OPEN)
    assert c.ack_deadline_at == clock.now() + step
    coordinator_cards = [m for m in await cards(db, c.id) if m.person_id == w.coordinator.id]
    assert coordinator_cards and "Escalado" not in coordinator_cards[-1].text
    assert "Escalated to the coordinators: not acknowledged within" in coordinator_cards[-1].text
    # the worker's card is edited to say so (in Spanish, so only check it was edited)
    worker_card = next(m for m in await cards(db, c.id) if m.person_id == w.worker.id)
    edits = [m for m in await cards(db, c.id, edits=True) if m.edit_of_id == worker_card.id]
    assert edits

    clock.advance(step)
    assert await tick(db, clock) == 1
    c = await concern(db, raised.concern_id)
    assert c.level == 2
    admin_cards = [m for m in await cards(db, c.id) if m.person_id == w.admin.id]
    assert len(admin_cards) == 1
    assert "Escalated to the admins" in admin_cards[0].text

    clock.advance(step)
    assert await tick(db, clock) == 1
    c = await concern(db, raised.concern_id)
    assert c.status == ConcernStatus.UNACKNOWLEDGED and c.ack_deadline_at is None
    unack = [m for m in await cards(db, c.id) if m.dedupe_key and "unack" in m.dedupe_key]
    # everyone it belongs to; never the other workers, whom it does not concern
    assert {m.person_id for m in unack} == {w.worker.id, w.coordinator.id, w.admin.id}
    clock.advance(step * 10)
    assert await tick(db, clock) == 0
    kinds = [e.kind for e in await events(db, c.id)]
    assert kinds.count("escalated") == 2 and kinds.count("unacknowledged") == 1


async def test_a_blocked_coordinator_goes_straight_to_the_admins(
    db: Database, clock: ManualClock, w: World
) -> None:
    raised = await raise_(db, clock, w, Severity.HIGH)
    await set_person(db, w.coordinator.id, reachable=False, unreachable_reason="blocked")
    clock.advance(DURATION[Severity.HIGH])
    assert await tick(db, clock) == 1
    c = await concern(db, raised.concern_id)
    assert c.level == 2
    evs = [(e.kind, e.level) for e in await events(db, c.id)]
    assert ("skipped", 1) in evs and ("escalated", 2) in evs
    assert w.coordinator.id not in {m.person_id for m in await cards(db, c.id)}
    (admin_card,) = [m for m in await cards(db, c.id) if m.person_id == w.admin.id]
    assert "Skipped the coordinators" in admin_card.text


async def test_a_worker_who_blocks_the_bot_is_left_at_once_not_at_the_deadline(
    db: Database, clock: ManualClock, w: World
) -> None:
    raised = await raise_(db, clock, w, Severity.LOW)
    assert await tick(db, clock) == 0
    await set_person(db, w.worker.id, reachable=False, unreachable_reason="blocked")
    clock.advance(timedelta(minutes=1))
    assert await tick(db, clock) == 1
    c = await concern(db, raised.concern_id)
    assert c.level == 1
    last = [e for e in await events(db, c.id) if e.kind == "escalated"][-1]
    assert last.detail["reason"] == "unreachable"


async def test_acknowledged_just_before_the_deadline_never_escalates(
    db: Database, clock: ManualClock, w: World
) -> None:
    raised = await raise_(db, clock, w, Severity.HIGH)
    clock.advance(DURATION[Severity.HIGH] - timedelta(seconds=1))
    acted = await act(db, w.worker.id, concerns.acknowledge, clock.now(), raised.concern_id)
    assert acted.changed
    clock.advance(timedelta(days=10))
    assert await tick(db, clock) == 0
    c = await concern(db, raised.concern_id)
    assert c.status == ConcernStatus.ACKNOWLEDGED and c.level == 0
    assert c.acknowledged_by_id == w.worker.id
    ack = [e for e in await events(db, c.id) if e.kind == "acknowledged"]
    assert len(ack) == 1 and ack[0].detail["late"] is False


async def test_acknowledged_just_after_the_deadline_before_the_tick(
    db: Database, clock: ManualClock, w: World
) -> None:
    raised = await raise_(db, clock, w, Severity.HIGH)
    clock.advance(DURATION[Severity.HIGH] + timedelta(seconds=1))
    await act(db, w.worker.id, concerns.acknowledge, clock.now(), raised.concern_id)
    assert await tick(db, clock) == 0
    c = await concern(db, raised.concern_id)
    assert c.status == ConcernStatus.ACKNOWLEDGED and c.level == 0
    (ack,) = [e for e in await events(db, c.id) if e.kind == "acknowledged"]
    assert ack.detail["late"] is True


async def test_acknowledged_after_the_escalation_by_the_coordinator(
    db: Database, clock: ManualClock, w: World
) -> None:
    raised = await raise_(db, clock, w, Severity.EMERGENCY)
    clock.advance(DURATION[Severity.EMERGENCY])
    assert await tick(db, clock) == 1
    clock.advance(timedelta(minutes=1))
    acted = await act(db, w.coordinator.id, concerns.acknowledge, clock.now(), raised.concern_id)
    assert acted.changed and acted.reporter_told
    again = await act(db, w.worker.id, concerns.acknowledge, clock.now(), raised.concern_id)
    assert not again.changed
    clock.advance(timedelta(hours=2))
    assert await tick(db, clock) == 0
    c = await concern(db, raised.concern_id)
    assert (c.status, c.level, c.acknowledged_by_id) == (
        ConcernStatus.ACKNOWLEDGED, 1, w.coordinator.id,
    )  # fmt: skip


async def test_an_unacknowledged_concern_can_still_be_acknowledged(
    db: Database, clock: ManualClock, w: World
) -> None:
    await set_person(db, w.coordinator.id, reachable=False)
    await set_person(db, w.admin.id, reachable=False)
    raised = await raise_(db, clock, w, Severity.EMERGENCY)
    clock.advance(DURATION[Severity.EMERGENCY])
    assert await tick(db, clock) == 1
    assert (await concern(db, raised.concern_id)).status == ConcernStatus.UNACKNOWLEDGED
    with pytest.raises(NotAllowed):  # not hers: another worker is never brought in
        await act(db, w.other_worker.id, concerns.acknowledge, clock.now(), raised.concern_id)
    await act(db, w.worker.id, concerns.acknowledge, clock.now(), raised.concern_id)
    assert (await concern(db, raised.concern_id)).status == ConcernStatus.ACKNOWLEDGED


async def test_a_late_tick_after_a_restart_catches_up_one_step_at_a_time(
    db: Database, database_url: str, clock: ManualClock, w: World
) -> None:
    raised = await raise_(db, clock, w, Severity.EMERGENCY)
    clock.advance(timedelta(hours=5))  # the bot was down: far past several deadlines
    fresh = Database(database_url, keyring=KEYRING)  # a new process
    try:
        async with dispatching(fresh) as s:
            assert await concerns.escalate_due(s, clock.now()) == 1
        async with dispatching(fresh) as s:
            assert await concerns.escalate_due(s, clock.now()) == 0
    finally:
        await fresh.dispose()
    c = await concern(db, raised.concern_id)
    assert c.level == 1 and c.ack_deadline_at == clock.now() + DURATION[Severity.EMERGENCY]


async def test_two_ticks_at_once_escalate_only_once(
    db: Database, database_url: str, clock: ManualClock, w: World
) -> None:
    ids = [(await raise_(db, clock, w, Severity.HIGH)).concern_id for _ in range(5)]
    clock.advance(DURATION[Severity.HIGH])
    other = Database(database_url, keyring=KEYRING)
    try:

        async def run(database: Database) -> int:
            async with dispatching(database) as s:
                return await concerns.escalate_due(s, clock.now())

        results = await asyncio.gather(run(db), run(other), run(db), run(other))
    finally:
        await other.dispose()
    assert sum(results) == 5
    for concern_id in ids:
        kinds = [e.kind for e in await events(db, concern_id)]
        assert kinds.count("escalated") == 1
        coordinator_cards = [
            m for m in await cards(db, concern_id) if m.person_id == w.coordinator.id
        ]
        assert len(coordinator_cards) == 1


# --- staff actions ---------------------------------------------------------------------------


async def test_another_organisations_staff_may_not_touch_a_concern(
    db: Database, clock: ManualClock, w: World
) -> None:
    raised = await raise_(db, clock, w, Severity.HIGH)
    cid = raised.concern_id
    for fn, args in (
        (concerns.acknowledge, (clock.now(), cid)),
        (concerns.resolve, (clock.now(), cid, "done")),
        (concerns.reply, (clock.now(), cid, "hi")),
        (concerns.reassign, (clock.now(), cid, w.other_worker.id)),
    ):
        with pytest.raises(NotAllowed):
            await act(db, w.other_worker_elsewhere.id, fn, *args)
    with pytest.raises(NotAllowed):
        async with dispatching(db) as s:
            foreign = await s.get(Person, w.other_worker_elsewhere.id)
            assert foreign is not None
            await concerns.view_card(s, clock.now(), foreign, cid)
    with pytest.raises(NotAllowed):  # a mentor is not staff
        await act(db, w.mentor.id, concerns.acknowledge, clock.now(), cid)
    with pytest.raises(NotFound):
        await act(db, w.worker.id, concerns.acknowledge, clock.now(), cid + 1000)
    c = await concern(db, cid)
    assert c.status == ConcernStatus.OPEN and c.acknowledged_at is None
    assert [e.kind for e in await events(db, cid)] == ["raised", "notified"]


async def test_acknowledging_tells_the_reporter_in_their_language(
    db: Database, clock: ManualClock, w: World
) -> None:
    await set_person(db, w.mentor.id, locale="es")
    raised = await raise_(db, clock, w, Severity.HIGH)
    await act(db, w.worker.id, concerns.acknowledge, clock.now(), raised.concern_id)
    async with dispatching(db) as s:
        (notice,) = (
            await s.execute(select(OutboxMessage).where(OutboxMessage.person_id == w.mentor.id))
        ).scalars()
    assert notice.kind == "concern_acknowledged"
    assert "Wendy" in notice.text and "2 de marzo" in notice.text


async def test_resolving_keeps_the_note_and_tells_the_reporter(
    db: Database, clock: ManualClock, w: World
) -> None:
    raised = await raise_(db, clock, w, Severity.MEDIUM)
    with pytest.raises(Invalid):
        await act(db, w.worker.id, concerns.resolve, clock.now(), raised.concern_id, "   ")
    clock.advance(timedelta(hours=1))
    acted = await act(
        db, w.worker.id, concerns.resolve, clock.now(), raised.concern_id, "Talked to the family"
    )
    assert acted.card.buttons == []
    c = await concern(db, raised.concern_id)
    assert c.status == ConcernStatus.RESOLVED and c.resolution_note == "Talked to the family"
    assert c.resolved_by_id == w.worker.id and c.acknowledged_at == clock.now()
    async with dispatching(db) as s:
        kinds = (
            await s.execute(
                select(OutboxMessage.kind).where(OutboxMessage.person_id == w.mentor.id)
            )
        ).scalars()
        assert list(kinds) == ["concern_resolved"]
    with pytest.raises(Invalid):
        await act(db, w.worker.id, concerns.resolve, clock.now(), raised.concern_id, "again")
    clock.advance(timedelta(days=5))
    assert await tick(db, clock) == 0


async def test_a_reply_is_relayed_to_the_reporter_and_acknowledges(
    db: Database, clock: ManualClock, w: World
) -> None:
    raised = await raise_(db, clock, w, Severity.HIGH)
    await act(db, w.worker.id, concerns.reply, clock.now(), raised.concern_id, "I call her <now>")
    async with dispatching(db) as s:
        rows = (
            await s.execute(select(OutboxMessage).where(OutboxMessage.person_id == w.mentor.id))
        ).scalars()
        by_kind = {m.kind: m for m in rows}
    assert "I call her &lt;now&gt;" in by_kind["concern_reply"].text
    assert "concern_acknowledged" in by_kind
    c = await concern(db, raised.concern_id)
    assert c.status == ConcernStatus.ACKNOWLEDGED
    async with dispatching(db) as s:
        details = (
            await s.execute(select(AuditEvent.detail).where(AuditEvent.action == "concern.replied"))
        ).scalars()
        assert all("text" not in d for d in details)


async def test_reassigning_hands_the_card_to_another_worker_of_the_organisation(
    db: Database, clock: ManualClock, w: World
) -> None:
    raised = await raise_(db, clock, w, Severity.HIGH)
    cid = raised.concern_id
    async with dispatching(db) as s:
        worker = await s.get(Person, w.worker.id)
        assert worker is not None
        options = await concerns.reassign_options(s, worker, cid)
    assert [o.id for o in options] == [w.other_worker.id]
    with pytest.raises(NotAllowed):
        await act(db, w.worker.id, concerns.reassign, clock.now(), cid, w.other_worker_elsewhere.id)
    with pytest.raises(NotAllowed):
        await act(db, w.worker.id, concerns.reassign, clock.now(), cid, w.coordinator.id)
    clock.advance(timedelta(hours=3))
    await act(db, w.worker.id, concerns.reassign, clock.now(), cid, w.other_worker.id)
    c = await concern(db, cid)
    assert c.assigned_worker_id == w.other_worker.id
    assert c.ack_deadline_at == clock.now() + DURATION[Severity.HIGH]
    assert w.other_worker.id in {m.person_id for m in await cards(db, cid)}
    (ev,) = [e for e in await events(db, cid) if e.kind == "reassigned"]
    assert ev.detail == {"from_worker": w.worker.id, "to_worker": w.other_worker.id}
    # the new worker blocks the bot: the concern moves on at the next tick
    await set_person(db, w.other_worker.id, reachable=False)
    assert await tick(db, clock) == 1
    assert (await concern(db, cid)).level == 1


# --- pending ---------------------------------------------------------------------------------


async def test_pending_lists_open_concerns_and_help_requests_of_the_organisation(
    db: Database, clock: ManualClock, w: World
) -> None:
    low = await raise_(db, clock, w, Severity.LOW)
    clock.advance(timedelta(minutes=5))
    high = await raise_(db, clock, w, Severity.HIGH)
    done = await raise_(db, clock, w, Severity.EMERGENCY)
    await act(db, w.worker.id, concerns.resolve, clock.now(), done.concern_id, "ok")
    await act(db, w.worker.id, concerns.acknowledge, clock.now(), high.concern_id)
    async with dispatching(db) as s:
        s.add(
            HelpRequest(
                organisation_id=w.org.id, match_id=w.match.id, requester_id=w.mentor.id,
                worker_id=w.worker.id, kind=HelpKind.PRACTICAL, status=ThreadStatus.OPEN,
                created_at=clock.now(), answer_due_at=clock.now() + timedelta(hours=48),
            )
        )  # fmt: skip
    await set_person(db, w.coordinator.id, reachable=False)
    await set_person(db, w.admin.id, reachable=False)
    await set_person(db, w.worker.id, reachable=False)  # the low one ends unacknowledged
    clock.advance(timedelta(minutes=1))
    assert await tick(db, clock) == 1
    async with dispatching(db) as s:
        coordinator = await s.get(Person, w.coordinator.id)
        assert coordinator is not None
        found = await concerns.pending(s, coordinator)
    # nobody acknowledged the low one: it comes before the acknowledged high one
    assert [(p.id, p.status) for p in found.concerns] == [
        (low.concern_id, ConcernStatus.UNACKNOWLEDGED),
        (high.concern_id, ConcernStatus.ACKNOWLEDGED),
    ]
    assert len(found.help) == 1
    async with dispatching(db) as s:
        foreign = await s.get(Person, w.other_worker_elsewhere.id)
        mentor = await s.get(Person, w.mentor.id)
        assert foreign is not None and mentor is not None
        assert (await concerns.pending(s, foreign)).concerns == []
        with pytest.raises(NotAllowed):
            await concerns.pending(s, mentor)


async def test_cards_are_edited_in_place_when_the_state_changes(
    db: Database, clock: ManualClock, w: World
) -> None:
    raised = await raise_(db, clock, w, Severity.EMERGENCY)
    originals = await cards(db, raised.concern_id)
    async with dispatching(db) as s:  # as if the sender had delivered them
        await s.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_([m.id for m in originals]))
            .values(status=OutboxStatus.SENT, telegram_message_id=555)
        )
    await act(
        db, w.coordinator.id, concerns.acknowledge, clock.now(), raised.concern_id,
        shown_message_id=555,
    )  # fmt: skip
    edits = [m for m in await cards(db, raised.concern_id, edits=True) if m.edit_of_id]
    # the coordinator's own card is updated by the answer to the press; the worker's by an edit
    assert [m.person_id for m in edits] == [w.worker.id]
    assert edits[0].buttons is not None
    assert f"cn:ack:{raised.concern_id}" not in str(edits[0].buttons)
    assert "Carme" in edits[0].text


async def test_what_became_of_each_card_is_recorded_once(
    db: Database, clock: ManualClock, w: World
) -> None:
    raised = await raise_(db, clock, w, Severity.EMERGENCY)
    by_person = {m.person_id: m for m in await cards(db, raised.concern_id)}
    sent_at = clock.now() + timedelta(seconds=2)
    async with dispatching(db) as s:
        await s.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == by_person[w.worker.id].id)
            .values(status=OutboxStatus.SENT, sent_at=sent_at, telegram_message_id=9)
        )
        await s.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == by_person[w.coordinator.id].id)
            .values(status=OutboxStatus.FAILED, last_error="blocked")
        )
    clock.advance(timedelta(minutes=1))
    for _ in range(2):  # a second tick records nothing again
        assert await tick(db, clock) == 0
        found = [
            (e.kind, e.detail["person_id"], e.created_at)
            for e in await events(db, raised.concern_id)
            if e.kind in ("delivered", "undelivered")
        ]
        assert found == [
            ("delivered", w.worker.id, sent_at),
            ("undelivered", w.coordinator.id, clock.now()),
        ]


async def test_a_crash_in_the_middle_of_a_step_loses_nothing_and_fires_once(
    db: Database, clock: ManualClock, w: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    raised = await raise_(db, clock, w, Severity.HIGH)
    clock.advance(DURATION[Severity.HIGH])
    real = outgoing.send_cards

    async def crash(*args: object, **kw: object) -> list[int]:
        raise RuntimeError("the process died here")

    monkeypatch.setattr(outgoing, "send_cards", crash)
    with pytest.raises(RuntimeError):
        await tick(db, clock)
    c = await concern(db, raised.concern_id)
    assert (c.level, c.status) == (0, ConcernStatus.OPEN)  # the whole step was rolled back
    assert "escalated" not in [e.kind for e in await events(db, c.id)]

    monkeypatch.setattr(outgoing, "send_cards", real)
    clock.advance(timedelta(minutes=1))  # the next tick, after the restart
    assert await tick(db, clock) == 1
    assert await tick(db, clock) == 0
    c = await concern(db, raised.concern_id)
    assert c.level == 1
    assert [e.kind for e in await events(db, c.id)].count("escalated") == 1
    assert len([m for m in await cards(db, c.id) if m.person_id == w.coordinator.id]) == 1


async def test_an_acknowledgement_racing_the_escalation_leaves_one_consistent_story(
    db: Database, database_url: str, clock: ManualClock, w: World
) -> None:
    raised = await raise_(db, clock, w, Severity.HIGH)
    clock.advance(DURATION[Severity.HIGH])
    other = Database(database_url, keyring=KEYRING)
    try:
        await asyncio.gather(
            act(db, w.worker.id, concerns.acknowledge, clock.now(), raised.concern_id),
            tick(other, clock),
        )
    finally:
        await other.dispose()
    c = await concern(db, raised.concern_id)
    assert c.status == ConcernStatus.ACKNOWLEDGED and c.ack_deadline_at is None
    kinds = [e.kind for e in await events(db, c.id)]
    assert kinds.count("acknowledged") == 1 and kinds.count("escalated") <= 1
    if "escalated" in kinds:  # the tick went first: then the worker acknowledged
        assert kinds.index("escalated") < kinds.index("acknowledged")
        assert c.level == 1
    else:
        assert c.level == 0
    clock.advance(timedelta(days=3))
    assert await tick(db, clock) == 0


async def test_the_longest_card_still_fits_in_one_telegram_message(
    db: Database, clock: ManualClock, w: World
) -> None:
    await set_person(db, w.mentor.id, name="M" * 200)
    await set_person(db, w.coordinator.id, reachable=False)  # one more line: a skipped level
    async with dispatching(db) as s:
        mentor = await s.get(Person, w.mentor.id)
        assert mentor is not None
        raised = await concerns.raise_concern(
            s, clock.now(), mentor, w.match.id, ConcernCategory.RELATIONSHIP,
            "ü" * concerns.DESCRIPTION_MAX, Severity.EMERGENCY,
        )  # fmt: skip
    for _ in range(2):
        clock.advance(DURATION[Severity.EMERGENCY])
        await tick(db, clock)
    assert (await concern(db, raised.concern_id)).status == ConcernStatus.UNACKNOWLEDGED
    await act(
        db, w.admin.id, concerns.resolve, clock.now(), raised.concern_id, "n" * concerns.NOTE_MAX
    )
    texts = [m.text for m in await cards(db, raised.concern_id, edits=True)]
    assert len(texts) > 5
    assert max(len(t) for t in texts) < 3600  # room for longer languages
