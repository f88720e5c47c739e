"""Help requests through the Bot API emulator: a mentor or a mentee asks, the worker answers,
the thread goes back and forth and is closed; the coordinator hears of unanswered requests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.app import App
from bot.clock import ManualClock
from bot.i18n import translator
from emulator import Emulator, FloodLimits, MessageView
from emulator.state import CallbackQuery
from storage.db import Database
from storage.models import (
    AuditEvent,
    Family,
    HelpKind,
    HelpMessage,
    HelpRequest,
    Match,
    Person,
    Role,
    ThreadStatus,
)
from tests.conftest import deliver, tick
from tests.factories import building
from tests.harness import Person as TgPerson
from tests.harness import Telegram

ARABIC = "أحتاج مساعدة في ملء استمارة المدرسة"
ES, CA, AR = translator("es"), translator("ca"), translator("ar")


@dataclass
class Cast:
    marta: TgPerson  # mentor, English, one match
    bea: TgPerson  # mentor, English, two matches
    wendy: TgPerson  # the referring worker, Spanish
    otto: TgPerson  # another worker of the same organisation
    carme: TgPerson  # coordinator, Catalan
    amal: TgPerson  # mentee, Arabic


@pytest.fixture
async def cast(tg: Telegram, emulator: Emulator, db: Database, clock: ManualClock) -> Cast:
    # These stories run at machine speed; the per-chat flood limit is the sender's tests'
    # concern (a person does not tap three times a second).
    emulator.set_flood_limits(FloodLimits.off())
    marta = tg.user("Marta", language_code="en")
    bea = tg.user("Bea", language_code="en")
    wendy = tg.user("Wendy", language_code="es")
    otto = tg.user("Otto", language_code="en")
    carme = tg.user("Carme", language_code="ca")
    amal = tg.user("Amal", language_code="ar")
    async with building(db, clock.now()) as b:
        org = await b.org(help_target_hours=48)
        worker = await b.person(org, Role.WORKER, "Wendy", telegram_id=wendy.id, locale="es")
        other = await b.person(org, Role.WORKER, "Otto", telegram_id=otto.id)
        await b.person(org, Role.COORDINATOR, "Carme", telegram_id=carme.id, locale="ca")
        mentor = await b.person(org, Role.MENTOR, "Marta", telegram_id=marta.id)
        busy = await b.person(org, Role.MENTOR, "Bea", telegram_id=bea.id)
        family = await b.family(org, "Haddad")
        await b.person(org, Role.MENTEE, "Amal", telegram_id=amal.id, locale="ar", family=family)
        await b.match(family, [mentor, busy], worker)
        await b.match(await b.family(org, "Petrenko"), [busy], other)
    cast = Cast(marta, bea, wendy, otto, carme, amal)
    for person in (marta, bea, wendy, otto, carme, amal):  # everyone has opened the bot once
        await person.send("/start")
        await person.next_message()
    return cast


def _plain(text: str) -> str:
    """The text without the bidi isolates around names and quoted words."""
    return text.replace("\u2068", "").replace("\u2069", "")


def _is_help(message: MessageView) -> bool:
    return any(str(data).startswith("hp:") for row in message.buttons for _, data in row)


def _help_messages(person: TgPerson) -> list[MessageView]:
    return [m for m in person.messages if _is_help(m)]


def _data(message: object, index: int) -> str:
    buttons = message.buttons  # type: ignore[attr-defined]
    return str([b[1] for row in buttons for b in row][index])


async def _requests(db: Database) -> list[HelpRequest]:
    async with db.transaction() as s:
        return list((await s.execute(select(HelpRequest).order_by(HelpRequest.id))).scalars())


async def _forge_press(person: TgPerson, callback_data: str) -> None:
    """What a modified client can do: press a button that was never sent to it, with any
    callback data, on one of the bot's messages in its own chat."""
    user = person.user
    chat = user._begin()
    msg = next(m for m in reversed(list(chat.messages.values())) if m.from_bot)
    qid = user.world.new_query_id(user.id)
    user.bot.callback_queries[qid] = CallbackQuery(qid, user.id, msg.message_id, callback_data)
    user.bot.enqueue(
        "callback_query",
        {
            "id": qid,
            "from": user.info.user_json(),
            "message": user.world.message_json(user.bot, chat, msg),
            "chat_instance": chat.chat_instance,
            "data": callback_data,
        },
    )
    person._cursor = user.mark


async def _mentor_asks(marta: TgPerson, label: str, text: str) -> None:
    await marta.send("/help_staff")
    menu = await marta.next_message()
    assert menu.button_labels == [
        "A practical question (a form, an appointment)",
        "About the relationship (how far to go, boundaries)",
        "I need more support as a mentor",
    ]
    await marta.press(label)
    prompt = await marta.next_message()
    assert "Wendy" in prompt.text and "Haddad" in prompt.text
    await marta.send(text)
    done = await marta.next_message()
    assert done.text.startswith("Sent to") and "Wendy" in done.text


@pytest.mark.parametrize(
    ("label", "kind", "card_label"),
    [
        ("A practical question (a form, an appointment)", HelpKind.PRACTICAL,
         "Practical question (a form, an appointment)"),
        ("About the relationship (how far to go, boundaries)", HelpKind.RELATIONSHIP,
         "Question about the relationship (how far the link should go, boundaries)"),
        ("I need more support as a mentor", HelpKind.SUPPORT,
         "Request for more support for the mentor"),
    ],
)  # fmt: skip
async def test_a_mentor_asks_and_the_worker_gets_the_card_in_spanish(
    app: App, db: Database, cast: Cast, label: str, kind: HelpKind, card_label: str
) -> None:
    await _mentor_asks(cast.marta, label, "Which form is for the school <canteen>?")
    await deliver(app)

    card = await cast.wendy.next_message()
    [hr] = await _requests(db)
    assert hr.kind == kind and hr.status == ThreadStatus.OPEN
    assert ES.gettext("New help request") in card.text
    assert ES.gettext(card_label) in card.text
    assert "Marta" in card.text and "Haddad" in card.text
    assert "inglés" in card.text  # "written in English", named in Spanish
    assert "2 de marzo" in card.text and "10:00" in card.text  # Madrid time, Spanish
    assert "\u2068Which form is for the school <canteen>?\u2069" in card.text
    assert card.buttons == [[(ES.pgettext("help request button", "Reply"), f"hp:r:{hr.id}"),
                             (ES.pgettext("help request button", "Close"), f"hp:c:{hr.id}")]]  # fmt: skip
    await cast.carme.expect_no_message(within=0.1)


async def test_the_thread_goes_back_and_forth_until_the_mentor_closes_it(
    app: App, db: Database, clock: ManualClock, cast: Cast
) -> None:
    marta, wendy = cast.marta, cast.wendy
    await _mentor_asks(marta, "A practical question (a form, an appointment)", "Which form?")
    await deliver(app)
    card = await wendy.next_message()

    clock.advance(timedelta(hours=2))
    await wendy.press_data(_data(card, 0))  # Reply
    prompt = await wendy.next_message()
    assert "Marta" in prompt.text
    await wendy.send("El formulario azul, en la secretaría.")
    assert (await wendy.next_message()).text == ES.gettext("Sent.")
    await deliver(app)

    answer = await marta.next_message()
    assert "Answer from Wendy" in _plain(answer.text)
    assert "Written in Spanish:" in answer.text
    assert "El formulario azul, en la secretaría." in answer.text
    assert answer.button_labels == ["Reply", "Close"]
    [hr] = await _requests(db)
    assert hr.answer_due_at is None

    await marta.press("Reply", answer)
    assert "staff" in (await marta.next_message()).text
    await marta.send("Thanks! Do they need a photo too?")
    assert (await marta.next_message()).text == "Sent."
    await deliver(app)
    follow_up = await wendy.next_message()
    assert ES.gettext("New message in a help request") in follow_up.text
    assert "Do they need a photo too?" in follow_up.text

    await marta.press("Close", answer)
    assert (await marta.next_message()).text.startswith("Closed.")
    await deliver(app)
    notice = await wendy.next_message()
    assert "Marta" in notice.text and not notice.buttons

    # The old card's Reply no longer opens the thread.
    await wendy.press_data(_data(card, 0), card)
    assert not (await wendy.next_message()).buttons  # the old card loses its buttons
    assert (await wendy.next_message()).text == ES.gettext("This conversation is closed.")
    [hr] = await _requests(db)
    assert hr.status == ThreadStatus.CLOSED
    async with db.transaction() as s:
        texts = [m.text for m in (await s.execute(select(HelpMessage))).scalars()]
    assert texts == [
        "Which form?",
        "El formulario azul, en la secretaría.",
        "Thanks! Do they need a photo too?",
    ]


async def test_the_worker_closes_and_the_mentor_is_told(app: App, db: Database, cast: Cast) -> None:
    await _mentor_asks(cast.marta, "I need more support as a mentor", "I feel overwhelmed")
    await deliver(app)
    card = await cast.wendy.next_message()
    await cast.wendy.press_data(_data(card, 1))  # Close
    closed = await cast.wendy.next_message()
    assert closed.text == ES.gettext("Closed. The others in this conversation were told.")
    # The worker is offered to record a check-in with the match's people, in one tap.
    assert [label for row in closed.buttons for label, _ in row] == [
        ES.gettext("Record a check-in")
    ]
    await deliver(app)
    told = await cast.marta.next_message()
    assert "Wendy closed your help request" in _plain(told.text)
    # Closing twice changes nothing.
    await cast.wendy.press_data(_data(card, 1), card)
    assert (await cast.wendy.next_message()).text == ES.gettext(
        "This conversation was already closed."
    )


async def test_a_mentor_with_two_matches_picks_the_family(
    app: App, db: Database, cast: Cast
) -> None:
    bea = cast.bea
    await bea.send("/help_staff")
    await bea.next_message()
    await bea.press("A practical question (a form, an appointment)")
    which = await bea.next_message()
    assert which.button_labels == ["Haddad", "Petrenko"]
    await bea.press("Petrenko")
    prompt = await bea.next_message()
    assert "Otto" in prompt.text and "Petrenko" in prompt.text
    await bea.send("Where is the job centre?")
    await bea.next_message()
    await deliver(app)
    card = await cast.otto.next_message()
    assert "Bea" in card.text and "Petrenko" in card.text
    await cast.wendy.expect_no_message(within=0.1)


async def test_an_interrupted_question_continues_or_starts_over(
    app: App, db: Database, cast: Cast
) -> None:
    marta = cast.marta
    await marta.send("/help_staff")
    await marta.next_message()
    await marta.press("About the relationship (how far to go, boundaries)")
    await marta.next_message()
    # She leaves and comes back.
    await marta.send("/help_staff")
    offer = await marta.next_message()
    assert offer.button_labels == ["Continue", "Start over"]
    await marta.press("Continue")
    again = await marta.next_message()
    assert "Write your question" in again.text
    await marta.send("x" * 3001)
    assert "too long" in (await marta.next_message()).text
    await marta.send("Can I invite them to my home?")
    done = await marta.next_message()
    assert done.text.startswith("Sent to")
    [hr] = await _requests(db)
    assert hr.kind == HelpKind.RELATIONSHIP

    # Start over: the kind is asked again.
    await marta.send("/help_staff")
    await marta.next_message()
    await marta.press("A practical question (a form, an appointment)")
    await marta.next_message()
    await marta.send("/help_staff")
    await marta.next_message()
    await marta.press("Start over")
    assert (await marta.next_message()).text == "What do you need help with?"


async def test_a_mentee_in_arabic_asks_and_the_worker_sees_the_language_named(
    app: App, db: Database, cast: Cast
) -> None:
    amal, wendy = cast.amal, cast.wendy
    await amal.send("/needhelp")
    prompt = await amal.next_message()
    assert "Wendy" in prompt.text
    assert [d for row in prompt.buttons for _, d in row] == ["hp:q:talk", "hp:q:call", "hp:q:paper"]
    await amal.send(ARABIC)
    done = await amal.next_message()
    assert done.text == AR.gettext(
        "Sent to %(worker)s. The answer will come here, in this chat."
    ) % {"worker": "\u2068Wendy\u2069"}
    await deliver(app)

    card = await wendy.next_message()
    assert ES.gettext("A mentee asks for help") in card.text
    assert "Amal" in card.text
    assert "árabe" in card.text  # the language, named in the worker's Spanish
    assert ARABIC in card.text  # the original words, kept
    [hr] = await _requests(db)
    assert hr.kind == HelpKind.MENTEE

    await wendy.press_data(_data(card, 0))
    await wendy.next_message()
    await wendy.send("Te llamo mañana por la mañana.")
    await wendy.next_message()
    await deliver(app)
    answer = await amal.next_message()
    assert "Te llamo mañana por la mañana." in answer.text
    assert "الإسبانية" in answer.text  # "Spanish", named in Arabic
    assert [d for row in answer.buttons for _, d in row] == [f"hp:r:{hr.id}", f"hp:c:{hr.id}"]


async def test_a_mentee_closes_and_asks_again_with_one_tap(
    app: App, db: Database, cast: Cast
) -> None:
    amal, wendy = cast.amal, cast.wendy
    await amal.send("/needhelp")
    await amal.next_message()
    await amal.send(ARABIC)
    await amal.next_message()
    await deliver(app)
    card = await wendy.next_message()
    await wendy.press_data(_data(card, 0))
    await wendy.next_message()
    await wendy.send("Ya está resuelto.")
    await wendy.next_message()
    await deliver(app)
    answer = await amal.next_message()

    await amal.press_data(_data(answer, 1), answer)  # Close
    closed = await amal.next_message()
    assert [d for row in closed.buttons for _, d in row] == ["hp:n"]
    await deliver(app)
    told = await wendy.next_message()
    assert "Amal" in told.text and not told.buttons
    [hr] = await _requests(db)
    assert hr.status == ThreadStatus.CLOSED

    await amal.press_data("hp:n", closed)  # "I need help", again
    prompt = await amal.next_message()
    assert [d for row in prompt.buttons for _, d in row] == ["hp:q:talk", "hp:q:call", "hp:q:paper"]
    await amal.press_data("hp:q:talk", prompt)
    await amal.next_message()
    await deliver(app)
    card = await wendy.next_message()
    assert ES.gettext("I need to talk to my worker.") in card.text
    assert len(await _requests(db)) == 2


async def test_a_mentee_can_ask_with_one_tap(app: App, db: Database, cast: Cast) -> None:
    await cast.amal.send("/needhelp")
    await cast.amal.next_message()
    await cast.amal.press_data("hp:q:call")
    await cast.amal.next_message()
    await deliver(app)
    card = await cast.wendy.next_message()
    assert ES.gettext("Please call me.") in card.text
    assert AR.gettext("Please call me.") in card.text  # what Amal sent, in her language


async def test_an_unanswered_request_reaches_the_coordinator_once(
    app: App, db: Database, clock: ManualClock, cast: Cast
) -> None:
    await _mentor_asks(cast.marta, "I need more support as a mentor", "Nobody answers me")
    await deliver(app)
    await cast.wendy.next_message()

    # Other features may write on a tick too; only the help messages matter here.
    clock.advance(timedelta(hours=47, minutes=59))
    assert (await tick(app))["help_overdue"] == 0
    assert _help_messages(cast.carme) == []

    clock.advance(timedelta(minutes=1))
    done = await tick(app)
    assert done["help_overdue"] == 1
    alert = await cast.carme.next_message(where=_is_help)
    assert CA.gettext("Help request not answered in time") in alert.text
    assert "Wendy" in alert.text and "Marta" in alert.text and "anglès" in alert.text
    assert "Nobody answers me" in alert.text

    clock.advance(timedelta(hours=6))
    assert (await tick(app))["help_overdue"] == 0
    await deliver(app)
    assert len(_help_messages(cast.carme)) == 1

    # The coordinator may step in and answer.
    await cast.carme.press_data(_data(alert, 0), alert)
    await cast.carme.next_message()
    await cast.carme.send("Et truco avui.")
    await cast.carme.next_message()
    await deliver(app)
    answer = await cast.marta.next_message(where=_is_help)
    assert "Carme" in answer.text and "Et truco avui." in answer.text
    assert "Catalan" in answer.text


@pytest.mark.parametrize("forger", ["otto", "bea", "amal"])
async def test_a_forged_reply_press_by_someone_else_is_refused_and_audited(
    app: App, db: Database, cast: Cast, forger: str
) -> None:
    await _mentor_asks(cast.marta, "A practical question (a form, an appointment)", "Private")
    await deliver(app)
    await cast.wendy.next_message()
    [hr] = await _requests(db)

    person: TgPerson = getattr(cast, forger)
    await person.send("/cancel")
    await person.next_message()
    await _forge_press(person, f"hp:r:{hr.id}")
    refusal = await person.next_message()
    assert "not available to you" in refusal.text or refusal.text == translator(
        {"otto": "en", "bea": "en", "amal": "ar"}[forger]
    ).gettext("Sorry, that is not available to you.")
    # The forger is not in a reply conversation: typed text goes nowhere near the thread.
    await person.send("let me read it")
    await deliver(app)
    await cast.marta.expect_no_message(within=0.2)
    async with db.transaction() as s:
        events = list(
            (
                await s.execute(select(AuditEvent).where(AuditEvent.action == "access.refused"))
            ).scalars()
        )
        count = len(list((await s.execute(select(HelpMessage))).scalars()))
    assert [e.detail["callback"] for e in events] == [f"hp:r:{hr.id}"]
    assert events[0].detail["reason"] == "NotAllowed"
    assert count == 1


async def test_a_forged_close_press_changes_nothing(app: App, db: Database, cast: Cast) -> None:
    await _mentor_asks(cast.marta, "A practical question (a form, an appointment)", "Private")
    await deliver(app)
    [hr] = await _requests(db)
    await cast.otto.send("/cancel")
    await cast.otto.next_message()
    await _forge_press(cast.otto, f"hp:c:{hr.id}")
    await cast.otto.next_message()
    [hr] = await _requests(db)
    assert hr.status == ThreadStatus.OPEN


async def test_only_mentors_and_mentees_get_their_command(app: App, cast: Cast) -> None:
    await cast.amal.send("/help_staff")
    refused = await cast.amal.next_message()
    assert refused.text == AR.gettext("This command is not available to you.")
    await cast.marta.send("/needhelp")
    assert (await cast.marta.next_message()).text == "This command is not available to you."


async def test_a_forged_family_choice_is_refused(app: App, db: Database, cast: Cast) -> None:
    async with db.transaction() as s:
        petrenko = (
            await s.execute(
                select(Match.id)
                .join(Family, Family.id == Match.family_id)
                .where(Family.name == "Petrenko")
            )
        ).scalar_one()
    marta = cast.marta
    await marta.send("/help_staff")
    await marta.next_message()
    await marta.press("A practical question (a form, an appointment)")
    await marta.next_message()
    await _forge_press(marta, f"hp:m:{petrenko}")  # Bea's other family, not Marta's
    refusal = await marta.next_message()
    assert refusal.text == "Sorry, that is not available to you."
    # Her question still goes to her own family's worker.
    await marta.send("Which form?")
    await marta.next_message()
    await deliver(app)
    [hr] = await _requests(db)
    assert hr.match_id != petrenko
    await cast.otto.expect_no_message(within=0.1)
    assert "Haddad" in (await cast.wendy.next_message()).text


@pytest.mark.parametrize("lang", ["ar", "en"])
async def test_a_finished_help_question_loses_its_buttons_and_a_stale_press_says_so(
    app: App, db: Database, cast: Cast, lang: str
) -> None:
    amal = cast.amal
    async with db.transaction() as s:
        row = (await s.execute(select(Person).where(Person.telegram_id == amal.id))).scalar_one()
        row.locale = lang
    tr = translator(lang)
    await amal.send("/needhelp")
    prompt = await amal.next_message()
    await amal.press_data("hp:q:call", prompt)
    settled = await amal.next_message()
    # The question keeps its words and loses its buttons: nothing can be sent twice.
    assert settled.message_id == prompt.message_id and not settled.buttons
    assert settled.text == prompt.text
    sent = await amal.next_message()
    assert "Wendy" in sent.text and sent.message_id > prompt.message_id
    # A stale client presses the old button again: words, and the next useful step.
    await amal.press_forged("hp:q:talk", prompt)
    stale = await amal.next_message(where=lambda m: m.message_id > sent.message_id)
    assert stale.text == tr.gettext(
        "Your message from here was already sent, or you stopped. To ask the staff again, "
        "tap the button."
    )
    assert [d for row in stale.buttons for _, d in row] == ["hp:n"]
    assert len(await _requests(db)) == 1
    # The worker closes the thread; Amal's old Reply button says it is closed, and offers help.
    await deliver(app)
    card = await cast.wendy.next_message()
    [hr] = await _requests(db)
    await cast.wendy.press_data(f"hp:c:{hr.id}", card)
    await cast.wendy.next_message()
    await deliver(app)
    told = await amal.next_message()
    await amal.press_forged(f"hp:r:{hr.id}", told)
    closed = await amal.next_message(where=lambda m: m.message_id > told.message_id)
    assert closed.text == tr.gettext(
        "This conversation is closed. If you need help again, tap the button."
    )
    assert [d for row in closed.buttons for _, d in row] == ["hp:n"]
