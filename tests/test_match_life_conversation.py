"""The life of a match through the emulator, in Spanish (the worker), Catalan (the
coordinator), Arabic (right to left: a mentor and the mentee), Ukrainian and English
(mentors): request → proposal → two mentors accept and one declines → the three-party first
meeting → active → joint evaluation at 3 months (the clock moved) → unplanned closure →
rematch request. Also: a mentor fills their profile; forged presses are refused; an old
request is flagged."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.app import App
from bot.clock import ManualClock
from bot.i18n import translator
from bot.notifications import match_cycle, match_texts
from emulator import Emulator, FloodLimits, MessageView
from storage.db import Database
from storage.match_life import (
    ClosureReason,
    DeclineReason,
    FirstMeetingOutcome,
    MatchStage,
    OfferStatus,
    RequestStatus,
    Topic,
    Urgency,
    closure_steps_done,
)
from storage.models import (
    FamilyProfile,
    Match,
    MatchMentor,
    MatchOffer,
    MatchRequest,
    MatchStatus,
    MentorProfile,
    Role,
)
from tests.conftest import deliver, tick
from tests.factories import building
from tests.harness import Person as TgPerson
from tests.harness import Telegram

ES, CA, AR, UK, EN = (translator(x) for x in ("es", "ca", "ar", "uk", "en"))


@pytest.fixture(autouse=True)
def _no_flood_limits(emulator: Emulator) -> None:
    emulator.set_flood_limits(FloodLimits.off())


async def test_request_proposal_two_accept_one_declines(
    db: Database, clock: ManualClock, tg: Telegram, app: App
) -> None:
    w = tg.user("Wendy", language_code="es")
    c = tg.user("Carme", language_code="ca")
    m1, m2, m3 = tg.user("Amal"), tg.user("Olena"), tg.user("Tom")
    mentee = tg.user("Omar", language_code="ar")
    now = clock.now()
    async with building(db, now) as b:
        org = await b.org(
            "Casal",
            rematch_policy="One rematch, then a review.",
            contact_policy="Ask the office before meeting privately.",
        )
        await b.person(org, Role.WORKER, "Wendy", telegram_id=w.id, locale="es")
        await b.person(org, Role.COORDINATOR, "Carme", telegram_id=c.id, locale="ca")
        amal = await b.person(org, Role.MENTOR, "Amal", telegram_id=m1.id, locale="ar")
        olena = await b.person(org, Role.MENTOR, "Olena", telegram_id=m2.id, locale="uk")
        tom = await b.person(org, Role.MENTOR, "Tom", telegram_id=m3.id, locale="en")
        nobody = await b.person(org, Role.MENTOR, "Nadia", locale="en")
        family = await b.family(org, "Haddad")
        await b.person(org, Role.MENTEE, "Omar", telegram_id=mentee.id, locale="ar", family=family)
        b.session.add(
            FamilyProfile(
                family_id=family.id,
                languages={"ar": 3, "es": 1},
                area="Raval",
                needs=["school"],
                availability=["tue:eve", "sat:am"],
                preferences={},
                updated_at=now,
            )
        )
        for mentor, langs, area in (
            (amal, {"ar": 3, "es": 3}, "Raval"),
            (olena, {"es": 2, "uk": 3}, "Sants"),
            (tom, {"es": 1, "en": 3}, "Raval"),
            (nobody, {"uk": 3}, "Raval"),  # no shared language: never proposed
        ):
            b.session.add(
                MentorProfile(
                    person_id=mentor.id,
                    languages=langs,
                    area=area,
                    availability=["tue:eve"],
                    skills=["school"],
                    capacity=2,
                    updated_at=now,
                )
            )
    for person in (w, c, m1, m2, m3, mentee):
        await person.send("/start")
        await person.next_message()

    # The worker asks, in Spanish.
    await w.send("/request")
    assert (
        ES.gettext("Which family needs mentors? Type the family's name.")
        in (await w.next_message()).text
    )
    await w.send("Haddad")
    await w.next_message()
    await w.press(ES.gettext(match_texts.TOPICS[Topic.PAPERWORK]))
    await w.next_message()
    await w.press(ES.gettext("Done"))
    await w.next_message()
    await w.press(ES.gettext(match_texts.URGENCIES[Urgency.HIGH]))
    await w.next_message()
    await w.send("Leila, 034 555 123, prefers afternoons")
    done = await w.next_message()
    assert (
        ES.gettext("Your request was sent to the coordinators. You will hear when mentors accept.")
        in done.text
    )

    # The coordinator is told, in Catalan, and opens it three days later from the queue.
    await deliver(app)
    told = await c.next_message()
    assert "Haddad" in told.text and CA.gettext(match_texts.URGENCIES[Urgency.HIGH]) in told.text
    clock.advance(timedelta(days=3))
    await c.send("/requests")
    queue = await c.next_message()
    assert "Haddad" in queue.text
    assert (
        CA.ngettext(
            "%(family)s · %(urgency)s · waiting %(n)s day",
            "%(family)s · %(urgency)s · waiting %(n)s days",
            3,
        ).split("%")[0]
        in queue.text
    )
    await c.press("Haddad")
    card = await c.next_message()
    text = card.text
    assert "Leila, 034 555 123" in text  # the note is for staff
    assert "Amal" in text and "Olena" in text and "Tom" in text
    assert "Nadia" not in text  # shares no language
    assert text.index("Amal") < text.index("Tom") < text.index("Olena")  # best first
    assert match_texts.reason(CA, "area", {"area": "Raval"}) in text

    async with db.transaction() as s:
        req = (await s.execute(select(MatchRequest))).scalar_one()
    for mentor_id in (amal.id, olena.id, tom.id):
        await c.press_data(match_texts.request_ask(req.id, mentor_id))
        await c.next_message()
    await deliver(app)

    # Amal reads the offer in Arabic: the summary only, never the name, phone or note.
    offer = await m1.next_message()
    assert "Haddad" not in offer.text and "Leila" not in offer.text and "034" not in offer.text
    assert (
        match_texts.summary(
            AR,
            {
                "needs": ["paperwork", "school"],
                "area": "Raval",
                "languages": {"ar": 3, "es": 1},
                "availability": ["tue:eve", "sat:am"],
            },
        )
        in offer.text
    )
    await m1.press(AR.gettext("Yes, I accept"))
    assert (
        AR.gettext(
            "Thank you for accepting! The referring worker will plan a first meeting with you "
            "and the family."
        )
        in (await m1.next_message()).text
    )
    # Olena accepts in Ukrainian; Tom declines with a reason.
    await m2.next_message()
    await m2.press(UK.gettext("Yes, I accept"))
    await m2.next_message()
    await m3.next_message()
    await m3.press(EN.gettext("No, I decline"))
    await m3.next_message()
    await m3.press(EN.gettext(match_texts.DECLINES[DeclineReason.NO_TIME]))
    assert "declined" in (await m3.next_message()).text

    async with db.transaction() as s:
        offers = {o.mentor_id: o for o in (await s.execute(select(MatchOffer))).scalars()}
        assert offers[amal.id].status == OfferStatus.ACCEPTED
        assert offers[olena.id].status == OfferStatus.ACCEPTED
        assert offers[tom.id].status == OfferStatus.DECLINED
        assert offers[tom.id].decline_reason == DeclineReason.NO_TIME
        team = set((await s.execute(select(MatchMentor.mentor_id))).scalars())
        assert team == {amal.id, olena.id}
        req = (await s.execute(select(MatchRequest))).scalar_one()
        assert req.status == RequestStatus.MATCHING

    # Staff hear of each answer, the worker in Spanish.
    await deliver(app)
    heard = [(await w.next_message()).text for _ in range(3)]
    assert any("Amal" in t for t in heard) and any("Tom" in t for t in heard)

    # A second press on an answered offer changes nothing; a forged one is refused.
    await m3.press_forged(match_texts.offer_yes(offers[amal.id].id))
    assert EN.gettext("Sorry, that is not available to you.") in (await m3.next_message()).text
    await w.press_forged(match_texts.request_ask(req.id, tom.id))
    assert ES.gettext("Sorry, that is not available to you.") in (await w.next_message()).text
    await first_meeting_to_rematch(db, clock, tg, app, w, c, m1, m2, mentee, req.match_id)


def asks_feedback(message: MessageView) -> bool:
    return any((data or "").startswith("fb:") for row in message.buttons for _, data in row)


async def first_meeting_to_rematch(
    db: Database,
    clock: ManualClock,
    tg: Telegram,
    app: App,
    w: TgPerson,
    c: TgPerson,
    m1: TgPerson,
    m2: TgPerson,
    mentee: TgPerson,
    match_id: int | None,
) -> None:
    """The worker plans the three-party meeting, records that everyone agrees, the joint
    evaluation comes at 3 months, then the match ends early and the family is back in the
    queue."""
    assert match_id is not None
    await w.press_data(match_cycle.plan_first(match_id))
    await w.next_messages(2)
    await w.press_data("pl:d:20260310")  # Tuesday 10 March
    await w.next_message()
    await w.press_data("pl:t:1730")
    await w.next_message()
    await w.send("Casal del Raval")
    await w.next_message()
    await w.press(ES.gettext("Skip"))
    await w.next_message()
    await w.press(ES.gettext("Confirm"))
    await w.next_message()
    await deliver(app)
    # The family (Arabic), the mentors and the worker each get the time, place and a calendar.
    card = await mentee.next_message()
    assert "Casal del Raval" in card.text
    assert (await mentee.next_message()).document is not None
    for person in (m1, m2, w):
        planned = await person.next_message(where=lambda m: m.document is not None)
        assert "Casal del Raval" in (planned.text or planned.caption or "")
    assert re.sub("<[^>]+>", "", AR.gettext(match_cycle.FIRST_PLANNED)).split("%")[0] in (
        m1.messages[-1].text or m1.messages[-1].caption or ""
    )

    # A day before, everyone is reminded; after the meeting the worker records the outcome.
    clock.set(datetime(2026, 3, 9, 17, 0, tzinfo=UTC))
    await tick(app)
    assert "Casal del Raval" in (await m2.next_message()).text  # in Ukrainian
    clock.set(datetime(2026, 3, 10, 18, 0, tzinfo=UTC))
    await tick(app)
    asked = await w.next_message(where=lambda m: bool(m.buttons))
    assert "Haddad" in asked.text
    await w.press(ES.gettext(match_cycle.OUTCOMES[FirstMeetingOutcome.AGREED]))
    assert (
        ES.gettext("Recorded: everyone agrees to start. The match is active.")
        in (await w.next_message()).text
    )
    await deliver(app)
    begun = AR.gettext(match_cycle.STARTED_MENTEE).split("%")[0]
    started = await mentee.next_message(where=lambda m: m.text.startswith(begun))
    assert "Amal" in started.text and "Olena" in started.text and AR.rtl
    async with db.transaction() as s:
        match = await s.get(Match, match_id)
        assert match is not None
        assert (match.status, match.stage) == (MatchStatus.ACTIVE, MatchStage.ACTIVE)
        assert match.initiated_on == date(2026, 3, 10)

    # Three months on, each party gets the evaluation's questions in their language; the
    # mentee's are emoji scales.
    clock.set(datetime(2026, 6, 9, 9, 0, tzinfo=UTC))
    await tick(app)
    await mentee.expect_no_message()
    clock.set(datetime(2026, 6, 10, 9, 0, tzinfo=UTC))
    await tick(app)
    question = await mentee.next_message(where=asks_feedback)
    assert AR.gettext("How are things with your mentors?") in question.text
    assert [label for label, _ in question.buttons[0]] == ["😞", "🙁", "😐", "🙂", "😄"]
    await mentee.press("🙂")
    await mentee.next_message()
    await mentee.press("👍")
    assert AR.gettext(match_cycle.THANKS) in (await mentee.next_message()).text
    for mentor, tr in ((m1, AR), (m2, UK)):
        q = await mentor.next_message(where=asks_feedback)
        assert tr.gettext("How is the relationship with the family going?") in q.text
        await mentor.press("😄")
        await mentor.next_message()
        await mentor.press("🤷")
        await mentor.next_message()
    await deliver(app)
    summary = await w.next_message(where=lambda m: "3" in m.text and "Haddad" in m.text)
    assert "🙂 · 👍" in summary.text and "😄 · 🤷" in summary.text
    await tick(app)
    await mentee.expect_no_message()  # once per point

    # An unplanned closure: the worker ends it for a conflict.
    await w.send(f"/endmatch {match_id}")
    await w.next_message()
    await w.press(ES.gettext(match_cycle.CLOSURE_REASONS[ClosureReason.CONFLICT]))
    await w.next_message()
    await w.press(ES.gettext("End the match"))
    assert (
        ES.gettext("The family is back in the queue for new mentors.")
        in (await w.next_message()).text
    )
    await deliver(app)
    bye = await mentee.next_message(where=lambda m: not m.buttons)
    assert AR.gettext(match_cycle.GOODBYE_MENTEE) in bye.text
    assert "Ask the office before meeting privately." in bye.text  # the contact policy
    exit_q = await mentee.next_message(where=asks_feedback)
    assert AR.gettext("How was your time with your mentors?") in exit_q.text
    async with db.transaction() as s:
        match = await s.get(Match, match_id)
        assert match is not None and match.closure_code == ClosureReason.CONFLICT
        assert match.closure_steps is not None
        assert set(match.closure_steps) == {
            "meetings_cancelled",
            "reminders_stopped",
            "offers_withdrawn",
            "contacts_unshared",
            "exit_questions_sent",
            "goodbyes_sent",
            "rematch_requested",
        }
        assert closure_steps_done(match.closure_kind, match.closure_steps) == (7, True)
        requests = list((await s.execute(select(MatchRequest).order_by(MatchRequest.id))).scalars())
        assert [r.status for r in requests] == [RequestStatus.MATCHED, RequestStatus.WAITING]
        assert requests[1].previous_match_id == match_id

    # The coordinator sees the rematch request with its history and the rematch policy.
    await c.send("/requests")
    queue = await c.next_message(where=lambda m: "Haddad" in m.text and bool(m.buttons))
    assert CA.gettext("rematch") in queue.text
    await c.press_data(match_texts.request_open(requests[1].id))
    card = await c.next_message()
    assert "One rematch, then a review." in card.text
    assert CA.gettext(match_cycle.CLOSURE_REASONS[ClosureReason.CONFLICT]) in card.text
    assert CA.gettext("<b>Earlier matches</b>").replace("<b>", "").replace("</b>", "") in card.text


async def test_a_mentor_fills_her_profile_and_an_old_request_is_flagged(
    db: Database, clock: ManualClock, tg: Telegram, app: App
) -> None:
    m, c = tg.user("Amal"), tg.user("Carme", language_code="ca")
    now = clock.now()
    async with building(db, now) as b:
        org = await b.org("Casal", request_age_limit_days=10)
        worker = await b.person(org, Role.WORKER, "Wendy", locale="es")
        await b.person(org, Role.COORDINATOR, "Carme", telegram_id=c.id, locale="ca")
        amal = await b.person(org, Role.MENTOR, "Amal", telegram_id=m.id, locale="ar")
        family = await b.family(org, "Haddad")
        b.session.add(
            MatchRequest(
                organisation_id=org.id,
                family_id=family.id,
                worker_id=worker.id,
                needs=[],
                created_at=now,
            )
        )
    for person in (m, c):
        await person.send("/start")
        await person.next_message()

    await m.send("/profile")
    await m.next_message()
    await m.press(AR.gettext("Languages"))
    await m.next_message()
    await m.press(match_texts.language(AR, "ar"))
    await m.next_message()
    await m.press(AR.gettext("Done"))
    await m.next_message()
    await m.press(AR.gettext("Area"))
    await m.next_message()
    await m.send("El Raval")
    shown = await m.next_message()
    assert "El Raval" in shown.text
    await m.press(AR.gettext("Families at once"))
    await m.next_message()
    await m.press(AR.number(3))
    await m.next_message()
    async with db.transaction() as s:
        profile = await s.get(MentorProfile, amal.id)
        assert profile is not None
        assert (profile.languages, profile.area, profile.capacity) == ({"ar": 1}, "El Raval", 3)
    await m.press_forged("pf:t:xyz:eve")
    assert (
        AR.gettext("Sorry, that did not work. Please try again.") in (await m.next_message()).text
    )

    clock.advance(timedelta(days=9))
    await tick(app)
    await c.expect_no_message()
    clock.advance(timedelta(days=2))
    await tick(app)
    flagged = await c.next_message()
    assert "Haddad" in flagged.text and CA.number(11) in flagged.text
    await tick(app)
    await c.expect_no_message()  # once
