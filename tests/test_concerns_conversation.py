"""Concerns through the real bot and the Bot API emulator: mentors and mentees raise them, the
staff receive cards and act on them, the scheduler escalates what nobody acknowledged."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.app import App
from bot.clock import ManualClock
from emulator import Emulator, FloodLimits, MessageView
from storage.db import Database
from storage.models import (
    AuditEvent,
    Concern,
    ConcernEvent,
    ConcernStatus,
    HelpKind,
    HelpRequest,
    Match,
    Person,
    Role,
    Severity,
    ThreadStatus,
)
from tests.conftest import deliver, eventually, tick
from tests.factories import building
from tests.harness import Person as User
from tests.harness import Telegram


@dataclass
class World:
    marta: User  # mentor
    wendy: User  # the referring worker
    otto: User  # another worker
    carme: User  # coordinator
    ada: User  # admin
    amal: User  # mentee, reads Arabic
    xavi: User  # a worker of another organisation
    match: Match
    ids: dict[str, int]  # person ids by first name


@pytest.fixture
async def w(db: Database, clock: ManualClock, tg: Telegram, emulator: Emulator) -> World:
    # The stories run at machine speed; a person does not tap three times a second, and the
    # per-chat flood limit is the outbox sender's concern.
    emulator.set_flood_limits(FloodLimits.off())
    users = {
        name: tg.user(name, language_code=lang)
        for name, lang in (
            ("Marta", "en"), ("Wendy", "en"), ("Otto", "en"), ("Carme", "en"), ("Ada", "en"),
            ("Amal", "ar"), ("Xavi", "en"),
        )
    }  # fmt: skip
    async with building(db, clock.now()) as b:
        org = await b.org(emergency_phone="+34 112", locale="en")
        other = await b.org(locale="en")
        people = {
            "Wendy": await b.person(org, Role.WORKER, "Wendy", telegram_id=users["Wendy"].id),
            "Otto": await b.person(org, Role.WORKER, "Otto", telegram_id=users["Otto"].id),
            "Carme": await b.person(org, Role.COORDINATOR, "Carme", telegram_id=users["Carme"].id),
            "Ada": await b.person(org, Role.ADMIN, "Ada", telegram_id=users["Ada"].id),
            "Marta": await b.person(org, Role.MENTOR, "Marta", telegram_id=users["Marta"].id),
            "Xavi": await b.person(other, Role.WORKER, "Xavi", telegram_id=users["Xavi"].id),
        }
        family = await b.family(org, "Haddad")
        people["Amal"] = await b.person(
            org, Role.MENTEE, "Amal", telegram_id=users["Amal"].id, locale="ar", family=family
        )
        match = await b.match(family, [people["Marta"]], people["Wendy"])
    for user in users.values():  # everyone has opened the chat with the bot
        await user.send("/start")
        await nxt(user)
    return World(
        users["Marta"], users["Wendy"], users["Otto"], users["Carme"], users["Ada"],
        users["Amal"], users["Xavi"], match, {name: p.id for name, p in people.items()},
    )  # fmt: skip


async def nxt(user: User) -> MessageView:
    """The user's next message, with the bidi isolates around names and notes taken out."""
    message = await user.next_message()
    return dataclasses.replace(
        message, text=message.text.replace("\u2068", "").replace("\u2069", "")
    )


async def raise_concern(
    app: App, mentor: User, severity: str, text: str = "She has not left the flat for a week"
) -> None:
    """A mentor's whole /concern conversation, up to the confirmation."""
    await mentor.send("/concern")
    assert "What is the concern about?" in (await nxt(mentor)).text
    await mentor.press("Wellbeing or mental health")
    assert "How urgent is it?" in (await nxt(mentor)).text
    await mentor.press(severity)
    if severity == "Emergency":
        assert "+34 112" in (await nxt(mentor)).text
    assert "Describe what you noticed" in (await nxt(mentor)).text
    await mentor.send(text)
    confirm = await nxt(mentor)
    assert text in confirm.text and "Send it to the staff?" in confirm.text
    await mentor.press("Send")


async def the_concern(db: Database) -> Concern:
    async with db.transaction() as s:
        found = (await s.execute(select(Concern).order_by(Concern.id.desc()))).scalars().first()
        assert found is not None
        return found


# --- raising ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("severity", "hours"), [("Low", 72), ("Medium", 24), ("High", 4)])
async def test_a_mentor_raises_a_concern_and_the_worker_gets_the_card(
    app: App, db: Database, clock: ManualClock, w: World, severity: str, hours: int
) -> None:
    await raise_concern(app, w.marta, severity)
    sent = await nxt(w.marta)
    assert "Sent to Wendy" in sent.text and sent.buttons == []
    await deliver(app)
    card = await nxt(w.wendy)
    assert "Concern #1: " in card.text and severity in card.text
    assert "Marta" in card.text and "Haddad" in card.text
    assert "She has not left the flat for a week" in card.text
    assert "Wellbeing or mental health" in card.text
    assert [label for row in card.buttons for label, _ in row] == [
        "Acknowledge", "Resolve", "Reply", "Reassign",
    ]  # fmt: skip
    concern = await the_concern(db)
    assert concern.severity == Severity(severity.lower())
    assert concern.ack_deadline_at == clock.now() + timedelta(hours=hours)
    await w.carme.expect_no_message()


async def test_the_emergency_number_comes_first_and_the_coordinator_is_alerted(
    app: App, db: Database, w: World
) -> None:
    await w.marta.send("/concern")
    await nxt(w.marta)
    await w.marta.press("Safety or violence")
    await nxt(w.marta)
    await w.marta.press("Emergency")
    first = await nxt(w.marta)
    assert "+34 112" in first.text and "danger" in first.text
    assert "Describe what you noticed" in (await nxt(w.marta)).text
    await w.marta.send("Her husband threatened her")
    await nxt(w.marta)
    await w.marta.press("Send")
    sent = await nxt(w.marta)
    assert sent.text.startswith("🚨 If anyone is in danger right now, call +34 112")
    assert "Sent to Wendy and the coordinators" in sent.text
    await deliver(app)
    for staff in (w.wendy, w.carme):
        card = await nxt(staff)
        assert "Emergency" in card.text and "Her husband threatened her" in card.text
    await w.ada.expect_no_message()
    concern = await the_concern(db)
    assert concern.severity == Severity.EMERGENCY


async def test_the_button_after_a_meeting_log_starts_the_flow_for_that_match(
    app: App, db: Database, w: World
) -> None:
    await w.marta.press_forged(f"cn:new:{w.match.id}")
    assert "What is the concern about?" in (await nxt(w.marta)).text
    await w.marta.press_forged("cn:new:9999")  # not her match
    assert "not available to you" in (await nxt(w.marta)).text


async def test_the_button_after_a_meeting_log_keeps_a_concern_being_written(
    app: App, db: Database, w: World
) -> None:
    await w.marta.send("/concern")
    await nxt(w.marta)
    await w.marta.press("Wellbeing or mental health")
    assert "How urgent is it?" in (await nxt(w.marta)).text
    await w.marta.press_forged(f"cn:new:{w.match.id}")
    assert "Continue it, or start over?" in (await nxt(w.marta)).text
    await w.marta.press("Continue")
    assert "How urgent is it?" in (await nxt(w.marta)).text  # the category chosen is kept
    await w.marta.press_forged(f"cn:new:{w.match.id}")
    await nxt(w.marta)
    await w.marta.press("Start over")
    assert "What is the concern about?" in (await nxt(w.marta)).text
    await w.marta.press("Wellbeing or mental health")
    await nxt(w.marta)
    await w.marta.press("High")
    # Started over on that match: what happened comes next.
    assert "Describe what you noticed" in (await nxt(w.marta)).text


# --- the staff's buttons ---------------------------------------------------------------------


async def raised_and_delivered(app: App, w: World, severity: str = "High") -> None:
    await raise_concern(app, w.marta, severity)
    await nxt(w.marta)
    await deliver(app)
    await nxt(w.wendy)


async def test_acknowledge_tells_the_reporter(app: App, db: Database, w: World) -> None:
    await raised_and_delivered(app, w)
    await w.wendy.press("Acknowledge")
    card = await nxt(w.wendy)
    assert card.edited and "Acknowledged by Wendy" in card.text
    assert "Acknowledge" not in [label for row in card.buttons for label, _ in row]
    assert "told" in (await w.wendy.answer() or "")
    await deliver(app)
    notice = await nxt(w.marta)
    assert "was received by Wendy" in notice.text
    concern = await the_concern(db)
    assert concern.status == ConcernStatus.ACKNOWLEDGED


async def test_resolve_asks_for_a_note_and_tells_the_reporter(
    app: App, db: Database, w: World
) -> None:
    await raised_and_delivered(app, w)
    await w.wendy.press("Resolve")
    assert "resolution note" in (await nxt(w.wendy)).text
    await w.wendy.send("Spoke with the family; a psychologist visits on Friday")
    resolved = await nxt(w.wendy)
    assert "is resolved" in resolved.text
    # A check-in with the match's people is one tap away.
    assert [label for row in resolved.buttons for label, _ in row] == ["Record a check-in"]
    await deliver(app)
    assert "marked as resolved by Wendy" in (await nxt(w.marta)).text
    card = await nxt(w.wendy)  # her card, edited in place
    assert card.edited and "Resolved by Wendy" in card.text and card.buttons == []
    concern = await the_concern(db)
    assert concern.status == ConcernStatus.RESOLVED
    assert concern.resolution_note == "Spoke with the family; a psychologist visits on Friday"
    await w.wendy.press("Record a check-in", resolved)
    assert "Whom did you contact about the" in (await nxt(w.wendy)).text


async def test_reply_is_relayed_to_the_reporter(app: App, db: Database, w: World) -> None:
    await raised_and_delivered(app, w)
    await w.wendy.press("Reply")
    assert "Write your message" in (await nxt(w.wendy)).text
    await w.wendy.send("Thank you, I will call her today")
    assert "Sent to the person" in (await nxt(w.wendy)).text
    await deliver(app)
    texts = [(await nxt(w.marta)).text for _ in range(2)]
    assert any("was received by Wendy" in t for t in texts)
    assert any("Thank you, I will call her today" in t and "Wendy" in t for t in texts)


async def test_reassign_to_another_worker(app: App, db: Database, w: World) -> None:
    await raised_and_delivered(app, w)
    await w.wendy.press("Reassign")
    choices = await nxt(w.wendy)
    assert [label for row in choices.buttons for label, _ in row] == ["Otto"]
    await w.wendy.press("Otto")
    assert "now assigned to another worker" in (await nxt(w.wendy)).text
    await deliver(app)
    card = await nxt(w.otto)
    assert "Assigned to: Otto" in card.text and "Acknowledge" in str(card.buttons)
    concern = await the_concern(db)
    assert concern.assigned_worker_id == w.ids["Otto"]
    # her own card lost the details and the buttons: it is no longer hers
    old = next(m for m in w.wendy.messages if m.text.startswith(f"Concern #{concern.id}"))
    assert "now assigned to another worker" in old.text and not old.buttons
    assert "She has not left the flat" not in old.text
    await w.wendy.press_forged(f"cn:ack:{concern.id}")
    assert "not available to you" in (await nxt(w.wendy)).text


async def test_a_second_worker_is_refused_the_concern_and_the_match(
    app: App, db: Database, w: World
) -> None:
    await raised_and_delivered(app, w)
    concern = await the_concern(db)
    for data in (f"cn:open:{concern.id}", f"cn:ack:{concern.id}", f"mt:{w.match.id}"):
        await w.otto.press_forged(data)
        assert "not available to you" in (await nxt(w.otto)).text
    await w.otto.send(f"/match {w.match.id}")
    assert "not available to you" in (await nxt(w.otto)).text
    after = await the_concern(db)
    assert after.status == ConcernStatus.OPEN and after.acknowledged_at is None


async def test_a_forged_press_on_another_organisations_concern_is_refused(
    app: App, db: Database, w: World
) -> None:
    await raised_and_delivered(app, w)
    concern = await the_concern(db)
    await w.xavi.press_forged(f"cn:ack:{concern.id}")
    assert "not available to you" in (await nxt(w.xavi)).text
    for data in (f"cn:res:{concern.id}", f"cn:to:{concern.id}:{w.ids['Xavi']}", "cn:ack:x"):
        await w.xavi.press_forged(data)
        assert "not available to you" in (await nxt(w.xavi)).text
    async with db.transaction() as s:
        refused = (
            await s.execute(
                select(AuditEvent)
                .where(AuditEvent.action == "access.refused", AuditEvent.actor_id == w.ids["Xavi"])
                .order_by(AuditEvent.id)
            )
        ).scalars()
        found = [(e.detail["callback"], e.detail["reason"]) for e in refused]
    assert found == [
        (f"cn:ack:{concern.id}", "NotAllowed"),
        (f"cn:res:{concern.id}", "NotAllowed"),
        (f"cn:to:{concern.id}:{w.ids['Xavi']}", "NotAllowed"),
        ("cn:ack:x", "NotFound"),
    ]
    after = await the_concern(db)
    assert after.status == ConcernStatus.OPEN and after.acknowledged_at is None
    assert after.assigned_worker_id == w.ids["Wendy"]


# --- escalation ------------------------------------------------------------------------------


async def test_escalation_to_the_coordinator_then_the_admin(
    app: App, clock: ManualClock, db: Database, w: World
) -> None:
    await raised_and_delivered(app, w, "High")
    clock.advance(timedelta(hours=4))
    await tick(app)
    card = await nxt(w.carme)
    assert "Escalated to the coordinators: not acknowledged within 4 hours" in card.text
    edited = await nxt(w.wendy)
    assert edited.edited and "Escalated to the coordinators" in edited.text
    await w.ada.expect_no_message()

    clock.advance(timedelta(hours=4))
    await tick(app)
    card = await nxt(w.ada)
    assert "Escalated to the admins: not acknowledged within 4 hours" in card.text
    await w.ada.press("Acknowledge")
    assert "Acknowledged by Ada" in (await nxt(w.ada)).text
    clock.advance(timedelta(hours=40))
    await tick(app)
    concern = await the_concern(db)
    assert (concern.status, concern.level) == (ConcernStatus.ACKNOWLEDGED, 2)


async def _unreachable(db: Database, person_id: int) -> bool:
    async with db.transaction() as s:
        person = await s.get(Person, person_id)
        return person is not None and not person.reachable


async def test_a_worker_who_blocked_the_bot_is_skipped(
    app: App, clock: ManualClock, db: Database, w: World
) -> None:
    w.wendy.block()  # the bot learns it at once (my_chat_member) and marks her unreachable
    await eventually(lambda: _unreachable(db, w.ids["Wendy"]))
    await raise_concern(app, w.marta, "Medium")
    await nxt(w.marta)
    await deliver(app)  # no waiting 24 hours for someone who cannot read it
    card = await nxt(w.carme)
    assert "Skipped the worker: cannot be reached by the bot" in card.text
    concern = await the_concern(db)
    assert concern.level == 1
    async with db.transaction() as s:
        steps = (
            await s.execute(
                select(ConcernEvent.kind, ConcernEvent.detail)
                .where(ConcernEvent.concern_id == concern.id)
                .order_by(ConcernEvent.id)
            )
        ).all()
    assert [kind for kind, _ in steps][:3] == ["raised", "skipped", "notified"]
    assert steps[1][1] == {"reason": "unreachable"}

    # the next concern goes straight to the coordinator
    await raise_concern(app, w.marta, "Low", "Another worry")
    assert "Wendy cannot be reached through the bot now" in (await nxt(w.marta)).text
    await deliver(app)
    card = await nxt(w.carme)
    assert "Another worry" in card.text and "Skipped the worker" in card.text


async def test_nobody_acknowledges_and_pending_shows_it_at_the_top(
    app: App, clock: ManualClock, db: Database, w: World
) -> None:
    await raised_and_delivered(app, w, "Low")
    await raise_concern(app, w.marta, "Emergency", "Urgent thing")
    await nxt(w.marta)
    await deliver(app)
    for _ in range(3):
        clock.advance(timedelta(minutes=15))
        await tick(app)
    concern = await the_concern(db)
    assert concern.status == ConcernStatus.UNACKNOWLEDGED
    async with db.transaction() as s:
        s.add(
            HelpRequest(
                organisation_id=w.match.organisation_id, match_id=w.match.id,
                requester_id=w.ids["Marta"], worker_id=w.ids["Wendy"], kind=HelpKind.PRACTICAL,
                status=ThreadStatus.OPEN, created_at=clock.now() - timedelta(hours=3),
                answer_due_at=clock.now() + timedelta(hours=45),
            )
        )  # fmt: skip
    await w.otto.send("/pending")  # another worker: none of it is his
    assert "Nothing is pending" in (await nxt(w.otto)).text
    await w.otto.press_forged(f"cn:open:{concern.id}")
    assert "not available to you" in (await nxt(w.otto)).text
    await w.carme.send("/pending")
    listing = await nxt(w.carme)
    lines = listing.text.splitlines()
    assert lines[0] == "Open concerns"
    assert "NOBODY ACKNOWLEDGED" in lines[1] and f"#{concern.id}" in lines[1]
    assert "#1" in lines[2] and "acknowledge by" in lines[2]
    assert lines[3:5] == ["", "Open help requests"]
    assert "Marta: open for 3 hours, answer by" in lines[5]
    await w.carme.press(f"#{concern.id} Haddad")
    card = await nxt(w.carme)
    assert "Nobody acknowledged this concern in time" in card.text
    await w.marta.send("/pending")
    assert "not available" in (await nxt(w.marta)).text


# --- mentees ---------------------------------------------------------------------------------


async def test_a_mentee_raises_a_problem_in_their_language(
    app: App, db: Database, w: World
) -> None:
    await w.amal.send("/problem")
    question = await nxt(w.amal)
    assert len([b for row in question.buttons for b in row]) == 8
    await w.amal.press_data("cn:p:housing")
    await nxt(w.amal)
    await w.amal.send("صاحب البيت يريد أن نخرج")
    await nxt(w.amal)
    await deliver(app)
    card = await nxt(w.wendy)
    assert "صاحب البيت يريد أن نخرج" in card.text and "Amal" in card.text
    concern = await the_concern(db)
    assert (concern.severity, concern.language) == (Severity.MEDIUM, "ar")
    await w.wendy.press("Acknowledge")
    await nxt(w.wendy)
    await deliver(app)
    notice = await nxt(w.amal)
    assert "مارس" in notice.text  # the date, in Arabic


async def test_a_mentee_who_does_not_feel_safe_gets_the_emergency_number_at_once(
    app: App, db: Database, w: World
) -> None:
    await w.amal.send("/problem")
    await nxt(w.amal)
    await w.amal.press_data("cn:p:safety")
    assert "+34 112" in (await nxt(w.amal)).text
    await nxt(w.amal)
    await w.amal.send("خائفة")
    await nxt(w.amal)
    concern = await the_concern(db)
    assert concern.severity == Severity.HIGH
