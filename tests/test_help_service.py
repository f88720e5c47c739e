"""Help requests, at the service level: who may ask, answer and close; the answer deadline and
the coordinators' notice; what is queued for whom, in which language."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.clock import ManualClock
from bot.i18n import translator
from bot.notifications import help as help_texts
from bot.services import help as help_requests
from bot.services.errors import Invalid, NotAllowed, NotFound
from storage.db import Database
from storage.models import (
    AuditEvent,
    Family,
    HelpKind,
    HelpMessage,
    HelpRequest,
    Match,
    MatchStatus,
    Organisation,
    OutboxMessage,
    Person,
    Role,
    ThreadStatus,
)
from tests.conftest import dispatching
from tests.factories import building

ARABIC = "أحتاج مساعدة في ملء استمارة المدرسة"
ES, AR = translator("es"), translator("ar")


@dataclass
class World:
    org: Organisation
    worker: Person  # the referring worker of `match`, reads Spanish
    other_worker: Person  # same organisation, not assigned
    coordinator: Person  # reads Catalan
    coordinator2: Person  # reads English
    admin: Person
    mentor: Person  # one match
    co_mentor: Person  # shares `match`
    busy_mentor: Person  # two matches
    stranger_mentor: Person  # another family of the same organisation
    family: Family
    mentee: Person  # writes Arabic
    sibling: Person  # another mentee of the same family
    match: Match
    second_match: Match
    other_org_coordinator: Person
    other_org_worker: Person


@pytest.fixture
async def w(db: Database, clock: ManualClock) -> World:
    ids = iter(range(9001, 9100))
    async with building(db, clock.now()) as b:
        org = await b.org(help_target_hours=48)
        worker = await b.person(org, Role.WORKER, "Wendy", telegram_id=next(ids), locale="es")
        other_worker = await b.person(org, Role.WORKER, "Otto", telegram_id=next(ids))
        coordinator = await b.person(
            org, Role.COORDINATOR, "Carme", telegram_id=next(ids), locale="ca"
        )
        coordinator2 = await b.person(org, Role.COORDINATOR, "Cora", telegram_id=next(ids))
        admin = await b.person(org, Role.ADMIN, "Ada", telegram_id=next(ids))
        mentor = await b.person(org, Role.MENTOR, "Marta", telegram_id=next(ids))
        co_mentor = await b.person(org, Role.MENTOR, "Miquel", telegram_id=next(ids))
        busy = await b.person(org, Role.MENTOR, "Bea", telegram_id=next(ids))
        stranger = await b.person(org, Role.MENTOR, "Sergi", telegram_id=next(ids))
        family = await b.family(org, "Haddad")
        mentee = await b.person(
            org, Role.MENTEE, "Amal", telegram_id=next(ids), locale="ar", family=family,
            phone="+34600111222",
        )  # fmt: skip
        sibling = await b.person(
            org, Role.MENTEE, "Omar", telegram_id=next(ids), locale="ar", family=family
        )
        match = await b.match(family, [mentor, co_mentor, busy], worker)
        family2 = await b.family(org, "Petrenko")
        second = await b.match(family2, [busy], other_worker)
        family3 = await b.family(org, "Diallo")
        await b.match(family3, [stranger], other_worker)
        other = await b.org()
        other_coord = await b.person(other, Role.COORDINATOR, "Xavi", telegram_id=next(ids))
        other_worker2 = await b.person(other, Role.WORKER, "Yara", telegram_id=next(ids))
    return World(
        org, worker, other_worker, coordinator, coordinator2, admin, mentor, co_mentor, busy,
        stranger, family, mentee, sibling, match, second, other_coord, other_worker2,
    )  # fmt: skip


async def _outbox(db: Database, person: Person) -> list[OutboxMessage]:
    async with dispatching(db) as s:
        rows = await s.execute(
            select(OutboxMessage)
            .where(OutboxMessage.person_id == person.id)
            .order_by(OutboxMessage.id)
        )
        return list(rows.scalars())


async def _request(db: Database, request_id: int) -> HelpRequest:
    async with dispatching(db) as s:
        hr = await s.get(HelpRequest, request_id)
        assert hr is not None
        return hr


async def _audits(db: Database, action: str) -> list[AuditEvent]:
    async with dispatching(db) as s:
        rows = await s.execute(select(AuditEvent).where(AuditEvent.action == action))
        return list(rows.scalars())


async def _ask(
    db: Database,
    clock: ManualClock,
    who: Person,
    kind: HelpKind,
    text: str = "A question",
    match_id: int | None = None,
) -> help_requests.Sent:
    async with dispatching(db) as s:
        return await help_requests.ask(s, clock.now(), who, kind, text, match_id=match_id)


async def _reply(db: Database, clock: ManualClock, who: Person, rid: int, text: str) -> None:
    async with dispatching(db) as s:
        await help_requests.reply(s, clock.now(), who, rid, text)


async def _close(db: Database, clock: ManualClock, who: Person, rid: int) -> help_requests.Closed:
    async with dispatching(db) as s:
        return await help_requests.close(s, clock.now(), who, rid)


async def _overdue(db: Database, clock: ManualClock) -> int:
    async with dispatching(db) as s:
        return await help_requests.notify_overdue(s, clock.now())


# --- asking ----------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", [HelpKind.PRACTICAL, HelpKind.RELATIONSHIP, HelpKind.SUPPORT])
async def test_a_mentor_question_is_stored_and_queued_for_the_worker(
    db: Database, clock: ManualClock, w: World, kind: HelpKind
) -> None:
    sent = await _ask(db, clock, w.mentor, kind, "How do I fill in <the> form?")

    hr = await _request(db, sent.request_id)
    assert (hr.kind, hr.match_id, hr.worker_id, hr.requester_id) == (
        kind, w.match.id, w.worker.id, w.mentor.id,
    )  # fmt: skip
    assert hr.status == ThreadStatus.OPEN
    assert hr.answer_due_at == clock.now() + timedelta(hours=48)
    async with dispatching(db) as s:
        message = await s.get(HelpMessage, sent.message_id)
    assert message is not None
    assert (message.text, message.language) == ("How do I fill in <the> form?", "en")

    [card] = await _outbox(db, w.worker)
    assert ES.gettext(help_texts.KIND_LABELS[kind]) in card.text  # the worker reads Spanish
    assert ES.gettext("New help request") in card.text
    assert "Marta" in card.text and "Haddad" in card.text
    assert "inglés" in card.text  # the author's language, named in the worker's (Spanish)
    assert "\u2068How do I fill in &lt;the&gt; form?\u2069" in card.text  # isolated, escaped
    assert "marzo" in card.text  # the date in the worker's language
    assert "10:00" in card.text  # 09:00 UTC is 10:00 in Madrid
    assert card.buttons == [
        [
            [ES.pgettext("help request button", "Reply"), f"hp:r:{hr.id}"],
            [ES.pgettext("help request button", "Close"), f"hp:c:{hr.id}"],
        ]
    ]
    assert (card.ref_type, card.ref_id) == ("help_request", hr.id)
    # Nobody else hears of it.
    for other in (w.coordinator, w.other_worker, w.co_mentor, w.mentee):
        assert await _outbox(db, other) == []
    [event] = await _audits(db, "help.asked")
    assert event.target_id == hr.id and event.actor_id == w.mentor.id
    assert event.detail["kind"] == kind.value
    assert "form" not in str(event.detail)  # ids and codes only


async def test_a_mentor_with_two_matches_must_say_which(
    db: Database, clock: ManualClock, w: World
) -> None:
    with pytest.raises(Invalid) as exc:
        await _ask(db, clock, w.busy_mentor, HelpKind.PRACTICAL)
    assert exc.value.code == "which_match"
    sent = await _ask(db, clock, w.busy_mentor, HelpKind.PRACTICAL, match_id=w.second_match.id)
    hr = await _request(db, sent.request_id)
    assert hr.worker_id == w.other_worker.id
    assert len(await _outbox(db, w.other_worker)) == 1
    assert await _outbox(db, w.worker) == []


async def test_a_mentor_cannot_ask_about_a_match_that_is_not_theirs(
    db: Database, clock: ManualClock, w: World
) -> None:
    with pytest.raises(NotFound):
        await _ask(db, clock, w.mentor, HelpKind.PRACTICAL, match_id=w.second_match.id)
    with pytest.raises(NotAllowed):
        await _ask(db, clock, w.mentor, HelpKind.MENTEE)
    with pytest.raises(NotAllowed):
        await _ask(db, clock, w.worker, HelpKind.PRACTICAL)
    with pytest.raises(NotAllowed):
        await _ask(db, clock, w.mentee, HelpKind.PRACTICAL)
    async with dispatching(db) as s:
        assert (await s.execute(select(HelpRequest))).first() is None


async def test_a_closed_match_is_no_longer_asked_about(
    db: Database, clock: ManualClock, w: World
) -> None:
    async with dispatching(db) as s:
        match = await s.get(Match, w.match.id)
        assert match is not None
        match.status = MatchStatus.CLOSED
    with pytest.raises(Invalid) as exc:
        await _ask(db, clock, w.mentor, HelpKind.PRACTICAL)
    assert exc.value.code == "no_match"
    with pytest.raises(NotFound):
        await _ask(db, clock, w.mentor, HelpKind.PRACTICAL, match_id=w.match.id)
    with pytest.raises(Invalid):
        await _ask(db, clock, w.mentee, HelpKind.MENTEE, "help")


@pytest.mark.parametrize(("text", "code"), [("   ", "empty"), ("x" * 3001, "too_long")])
async def test_bad_text_is_refused_with_a_reason(
    db: Database, clock: ManualClock, w: World, text: str, code: str
) -> None:
    with pytest.raises(Invalid) as exc:
        await _ask(db, clock, w.mentor, HelpKind.PRACTICAL, text)
    assert exc.value.code == code


async def test_a_mentee_message_keeps_its_language_and_names_it(
    db: Database, clock: ManualClock, w: World
) -> None:
    sent = await _ask(db, clock, w.mentee, HelpKind.MENTEE, ARABIC)
    hr = await _request(db, sent.request_id)
    assert (hr.kind, hr.match_id, hr.worker_id) == (HelpKind.MENTEE, w.match.id, w.worker.id)
    [card] = await _outbox(db, w.worker)
    assert "árabe" in card.text  # "Arabic" in the worker's Spanish
    assert ARABIC in card.text  # the original words, not a translation
    assert "+34 600 11 12 22" in card.text  # the worker can phone back
    async with dispatching(db) as s:
        message = await s.get(HelpMessage, sent.message_id)
    assert message is not None and message.language == "ar"


async def test_a_mentee_can_send_a_ready_made_message(
    db: Database, clock: ManualClock, w: World
) -> None:
    async with dispatching(db) as s:
        sent = await help_requests.ask(s, clock.now(), w.mentee, HelpKind.MENTEE, preset="call")
    [card] = await _outbox(db, w.worker)
    chosen = ES.gettext("Chosen with a button: “%(message)s”") % {
        "message": ES.gettext("Please call me.")
    }
    assert chosen in card.text  # what the button means, in the worker's Spanish
    assert f"\u2068{AR.gettext('Please call me.')}\u2069" in card.text  # what Amal sent
    with pytest.raises(Invalid):
        async with dispatching(db) as s:
            await help_requests.ask(s, clock.now(), w.mentee, HelpKind.MENTEE, preset="nope")
    with pytest.raises(NotAllowed):
        async with dispatching(db) as s:
            await help_requests.ask(s, clock.now(), w.mentor, HelpKind.PRACTICAL, preset="call")
    assert sent.recipients == 1


async def test_an_unreachable_worker_means_the_coordinators_get_the_card(
    db: Database, clock: ManualClock, w: World
) -> None:
    async with dispatching(db) as s:
        worker = await s.get(Person, w.worker.id)
        assert worker is not None
        worker.reachable = False
    sent = await _ask(db, clock, w.mentor, HelpKind.SUPPORT)
    assert sent.recipients == 2
    assert len(await _outbox(db, w.coordinator)) == 1
    assert len(await _outbox(db, w.coordinator2)) == 1
    assert await _outbox(db, w.worker) == []


# --- who may write in a thread ---------------------------------------------------------------


@pytest.mark.parametrize("who", ["mentor", "worker", "coordinator"])
async def test_participants_may_reply(db: Database, clock: ManualClock, w: World, who: str) -> None:
    sent = await _ask(db, clock, w.mentor, HelpKind.PRACTICAL)
    await _reply(db, clock, getattr(w, who), sent.request_id, "Some words")
    async with dispatching(db) as s:
        count = len(list((await s.execute(select(HelpMessage))).scalars()))
    assert count == 2


@pytest.mark.parametrize(
    "who",
    ["other_worker", "co_mentor", "stranger_mentor", "sibling", "other_org_coordinator",
     "other_org_worker", "admin"],
)  # fmt: skip
async def test_anyone_else_is_refused_even_with_a_forged_button(
    db: Database, clock: ManualClock, w: World, who: str
) -> None:
    sent = await _ask(db, clock, w.mentor, HelpKind.PRACTICAL)
    person = getattr(w, who)
    with pytest.raises(NotAllowed):
        await _reply(db, clock, person, sent.request_id, "Let me in")
    with pytest.raises(NotAllowed):
        await _close(db, clock, person, sent.request_id)
    with pytest.raises(NotAllowed):
        async with dispatching(db) as s:
            await help_requests.thread(s, person, sent.request_id)
    hr = await _request(db, sent.request_id)
    assert hr.status == ThreadStatus.OPEN and hr.answer_due_at is not None
    with pytest.raises(NotFound):
        await _reply(db, clock, w.worker, 999_999, "nobody")


async def test_a_mentee_thread_is_the_mentees_own(
    db: Database, clock: ManualClock, w: World
) -> None:
    sent = await _ask(db, clock, w.mentee, HelpKind.MENTEE, ARABIC)
    for person in (w.sibling, w.mentor, w.other_worker):
        with pytest.raises(NotAllowed):
            await _reply(db, clock, person, sent.request_id, "x")
    await _reply(db, clock, w.mentee, sent.request_id, "شكرا")


# --- the thread ------------------------------------------------------------------------------


async def test_an_answer_reaches_the_requester_and_clears_the_deadline(
    db: Database, clock: ManualClock, w: World
) -> None:
    sent = await _ask(db, clock, w.mentee, HelpKind.MENTEE, ARABIC)
    clock.advance(timedelta(hours=3))
    await _reply(db, clock, w.worker, sent.request_id, "Te llamo mañana a las 10.")

    hr = await _request(db, sent.request_id)
    assert hr.answer_due_at is None and hr.status == ThreadStatus.OPEN
    [relay] = await _outbox(db, w.mentee)
    assert "Wendy" in relay.text
    assert "\u2068Te llamo mañana a las 10.\u2069" in relay.text
    assert "الإسبانية" in relay.text  # "Spanish", named in the mentee's Arabic
    assert [b[1] for row in relay.buttons or [] for b in row] == [
        f"hp:r:{hr.id}", f"hp:c:{hr.id}",
    ]  # fmt: skip
    [answered] = await _audits(db, "help.answered")
    assert answered.detail["first_answer"] is True

    # The mentee writes back: it goes to the worker, not back to the mentee.
    await _reply(db, clock, w.mentee, sent.request_id, "حسنا")
    worker_cards = await _outbox(db, w.worker)
    assert len(worker_cards) == 2 and "حسنا" in worker_cards[1].text
    assert len(await _outbox(db, w.mentee)) == 1


async def test_a_coordinator_answering_keeps_the_worker_in_the_loop(
    db: Database, clock: ManualClock, w: World
) -> None:
    sent = await _ask(db, clock, w.mentor, HelpKind.RELATIONSHIP)
    await _reply(db, clock, w.coordinator, sent.request_id, "Call me")
    assert len(await _outbox(db, w.mentor)) == 1
    worker_cards = await _outbox(db, w.worker)
    assert len(worker_cards) == 2 and "Carme" in worker_cards[1].text
    # The mentor's next message reaches both staff who are in the thread.
    await _reply(db, clock, w.mentor, sent.request_id, "Thanks")
    assert len(await _outbox(db, w.worker)) == 3
    assert len(await _outbox(db, w.coordinator)) == 1
    assert await _outbox(db, w.coordinator2) == []


async def test_closing_tells_the_other_side_and_ends_the_thread(
    db: Database, clock: ManualClock, w: World
) -> None:
    sent = await _ask(db, clock, w.mentor, HelpKind.PRACTICAL)
    closed = await _close(db, clock, w.mentor, sent.request_id)
    assert (closed.already, closed.told) == (False, 1)
    hr = await _request(db, sent.request_id)
    assert (hr.status, hr.closed_by_id, hr.answer_due_at) == (
        ThreadStatus.CLOSED, w.mentor.id, None,
    )  # fmt: skip
    notice = (await _outbox(db, w.worker))[-1]
    assert notice.kind == "help_closed" and "Marta" in notice.text
    assert notice.buttons is None

    again = await _close(db, clock, w.worker, sent.request_id)
    assert again.already
    with pytest.raises(Invalid) as exc:
        await _reply(db, clock, w.worker, sent.request_id, "too late")
    assert exc.value.code == "closed"
    assert len(await _audits(db, "help.closed")) == 1


async def test_staff_closing_tells_the_requester(
    db: Database, clock: ManualClock, w: World
) -> None:
    sent = await _ask(db, clock, w.mentee, HelpKind.MENTEE, ARABIC)
    closed = await _close(db, clock, w.worker, sent.request_id)
    assert closed.told == 1
    [notice] = await _outbox(db, w.mentee)
    assert "Wendy" in notice.text and notice.kind == "help_closed"
    # A new request is one tap away.
    assert notice.buttons == [[[AR.gettext("I need help"), "hp:n"]]]


# --- the deadline ----------------------------------------------------------------------------


async def test_overdue_exactly_at_the_deadline_not_before_and_only_once(
    db: Database, clock: ManualClock, w: World
) -> None:
    sent = await _ask(db, clock, w.mentor, HelpKind.SUPPORT, "I am struggling")
    due = clock.now() + timedelta(hours=48)

    clock.set(due - timedelta(seconds=1))
    assert await _overdue(db, clock) == 0
    assert await _outbox(db, w.coordinator) == []

    clock.set(due)
    assert await _overdue(db, clock) == 1
    [to_carme] = await _outbox(db, w.coordinator)
    [to_cora] = await _outbox(db, w.coordinator2)
    assert to_carme.kind == "help_overdue"
    assert "anglès" in to_carme.text  # Catalan reader: the language is named in Catalan
    assert "anglès" not in to_cora.text and "English" in to_cora.text
    for card in (to_carme, to_cora):
        assert "Wendy" in card.text and "Marta" in card.text and "I am struggling" in card.text
    assert await _outbox(db, w.admin) == []  # admins only when there is no coordinator
    assert await _outbox(db, w.other_org_coordinator) == []
    hr = await _request(db, sent.request_id)
    assert hr.overdue_notified_at == due

    clock.advance(timedelta(hours=5))
    assert await _overdue(db, clock) == 0
    assert len(await _outbox(db, w.coordinator)) == 1
    assert len(await _audits(db, "help.overdue")) == 1


async def test_overdue_just_after_the_deadline(db: Database, clock: ManualClock, w: World) -> None:
    await _ask(db, clock, w.mentee, HelpKind.MENTEE, ARABIC)
    clock.advance(timedelta(hours=48, seconds=1))
    assert await _overdue(db, clock) == 1
    [card] = await _outbox(db, w.coordinator)
    assert ARABIC in card.text and "àrab" in card.text


async def test_an_answer_or_a_closing_in_time_means_no_notice(
    db: Database, clock: ManualClock, w: World
) -> None:
    answered = await _ask(db, clock, w.mentor, HelpKind.PRACTICAL)
    closed = await _ask(db, clock, w.mentee, HelpKind.MENTEE, ARABIC)
    clock.advance(timedelta(hours=47))
    await _reply(db, clock, w.worker, answered.request_id, "Done")
    await _close(db, clock, w.mentee, closed.request_id)
    # A follow-up from the requester does not start a new deadline.
    await _reply(db, clock, w.mentor, answered.request_id, "One more thing")
    clock.advance(timedelta(days=10))
    assert await _overdue(db, clock) == 0
    assert await _outbox(db, w.coordinator) == []


async def test_the_organisation_target_sets_the_deadline(
    db: Database, clock: ManualClock, w: World
) -> None:
    async with dispatching(db) as s:
        org = await s.get(Organisation, w.org.id)
        assert org is not None
        org.help_target_hours = 4
    sent = await _ask(db, clock, w.mentor, HelpKind.PRACTICAL)
    hr = await _request(db, sent.request_id)
    assert hr.answer_due_at == clock.now() + timedelta(hours=4)


async def test_without_coordinators_the_admins_are_told(
    db: Database, clock: ManualClock, w: World
) -> None:
    async with dispatching(db) as s:
        for pid in (w.coordinator.id, w.coordinator2.id):
            person = await s.get(Person, pid)
            assert person is not None
            person.active = False
    await _ask(db, clock, w.mentor, HelpKind.PRACTICAL)
    clock.advance(timedelta(hours=49))
    assert await _overdue(db, clock) == 1
    assert len(await _outbox(db, w.admin)) == 1


# --- for staff lists -------------------------------------------------------------------------


async def test_open_requests_lists_the_organisations_open_threads(
    db: Database, clock: ManualClock, w: World
) -> None:
    first = await _ask(db, clock, w.mentor, HelpKind.PRACTICAL)
    clock.advance(timedelta(minutes=5))
    second = await _ask(db, clock, w.mentee, HelpKind.MENTEE, ARABIC)
    clock.advance(timedelta(minutes=5))
    third = await _ask(db, clock, w.busy_mentor, HelpKind.SUPPORT, match_id=w.second_match.id)
    await _reply(db, clock, w.worker, first.request_id, "answered")
    await _close(db, clock, w.busy_mentor, third.request_id)

    async with dispatching(db) as s:
        found = await help_requests.open_requests(s, w.org.id)
        elsewhere = await help_requests.open_requests(s, w.other_org_worker.organisation_id)
    assert [h.id for h in found] == [second.request_id, first.request_id]
    assert found[0].kind == HelpKind.MENTEE and found[0].requester_name == "Amal"
    assert found[0].answer_due_at is not None and found[1].answer_due_at is None
    assert found[1].created_at == clock.now() - timedelta(minutes=10)
    assert elsewhere == []


async def test_the_card_shows_the_time_in_the_workers_own_timezone(
    db: Database, clock: ManualClock, w: World
) -> None:
    async with dispatching(db) as s:
        worker = await s.get(Person, w.worker.id)
        assert worker is not None
        worker.timezone = "Asia/Kabul"  # UTC+4:30, unlike the organisation's Madrid
    await _ask(db, clock, w.mentor, HelpKind.PRACTICAL)
    [card] = await _outbox(db, w.worker)
    assert "13:30" in card.text  # 09:00 UTC
    assert "10:00" not in card.text
