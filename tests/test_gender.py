"""Grammatical gender: a person may say how to be addressed (asked once at onboarding,
changeable in /language, neutral by default); messages to them take the gendered variant,
messages about a third person take that person's choice."""

from __future__ import annotations

import pytest
from babel.messages.catalog import Catalog
from sqlalchemy import select

from bot.catalogs import extract
from bot.clock import ManualClock
from bot.i18n import ABOUT, ADDRESSING, language_name, translator
from bot.services import help as help_requests
from handlers.start import ADDRESS_DONE, ADDRESS_LABELS
from storage.db import Database
from storage.models import HelpKind, OutboxMessage, Person, Role
from tests.conftest import dispatching
from tests.factories import building
from tests.harness import Telegram
from tests.test_help_service import World, w  # noqa: F401  (the fixture)
from tests.test_onboarding import invited, open_link, person_row

WELCOME_BACK = "Welcome back! Send /help to see what I can do for you."
ONLY_MENTOR = "You are this family's only mentor."
COME = "Will you come? Tap one answer."
CLOSED = "%(name)s closed your help request of %(when)s."


@pytest.mark.parametrize(
    ("lang", "message", "woman", "man", "neutral"),
    [
        ("ar", COME, "هل ستحضرين؟", "هل ستحضر؟", "هل يمكنك الحضور؟"),
        ("es", ONLY_MENTOR, "la única mentora", "el único mentor", "la única persona mentora"),
        ("ru", ONLY_MENTOR, "единственная наставница", "единственный наставник", "кроме вас"),
    ],
)
def test_a_message_to_the_reader_takes_the_form_they_chose(
    lang: str, message: str, woman: str, man: str, neutral: str
) -> None:
    assert woman in translator(lang, None, "feminine").gettext(message)
    assert man in translator(lang, None, "masculine").gettext(message)
    assert neutral in translator(lang).gettext(message)  # the default: neutral
    assert neutral in translator(lang, None, "something else").gettext(message)
    # A language without gender, and English, read the same whatever the choice.
    assert translator("fa", None, "feminine").gettext(message) == translator("fa").gettext(message)
    assert translator("en", None, "feminine").gettext(message) == message


@pytest.mark.parametrize(
    ("lang", "woman", "man"),
    [("ru", "закрыла", "закрыл"), ("uk", "закрила", "закрив"), ("ar", "أغلقت", "أغلق ")],
)
def test_a_message_about_someone_takes_their_form_not_the_readers(
    lang: str, woman: str, man: str
) -> None:
    for reader in (None, "feminine", "masculine"):
        tr = translator(lang, None, reader)
        assert woman in tr.about("feminine", CLOSED)
        assert man in tr.about("masculine", CLOSED)
        assert tr.about(None, CLOSED) == translator(lang).gettext(CLOSED)


def test_every_variant_has_its_neutral_message() -> None:
    template: Catalog = extract()
    plain = {m.id for m in template if m.id and not m.context}
    contexts = set(ADDRESSING.values()) | set(ABOUT.values())
    variants = [m for m in template if m.context in contexts]
    assert len(variants) >= 16
    assert all(m.id in plain for m in variants), "a variant whose message is no longer used"


@pytest.mark.parametrize("lang", ["ar", "es", "ru"])
async def test_onboarding_asks_gently_and_the_choice_is_used(
    lang: str, tg: Telegram, db: Database, clock: ManualClock
) -> None:
    person_id, token = await invited(db, clock, Role.MENTEE)
    user = tg.user("Amina", language_code=lang)
    await open_link(user, token)
    await user.next_message()
    await user.press("✓ " + language_name(lang))
    await user.next_message()
    tr = translator(lang)
    await user.press(tr.gettext("I agree"))
    welcome = await user.next_message()
    assert (
        tr.gettext(
            "One more question, only if you like: how should I address you? In your language "
            "some words change for a woman or a man. You can change it at any time with /language."
        )
        in welcome.text
    )
    labels = [label for row in welcome.buttons for label, _ in row]
    assert labels == [
        tr.gettext(ADDRESS_LABELS["f"]),
        tr.gettext(ADDRESS_LABELS["m"]),
        "✓ " + tr.gettext(ADDRESS_LABELS["n"]),  # neutral until they answer
    ]
    assert (await person_row(db, person_id)).address is None

    await user.press(tr.gettext(ADDRESS_LABELS["f"]))
    # (a mentee's reply keyboard came with the welcome, in a message of its own)
    done = await user.next_message(where=lambda m: m.reply_keyboard is None)
    woman = translator(lang, None, "feminine")
    assert done.text == woman.gettext(ADDRESS_DONE["feminine"])
    assert (await person_row(db, person_id)).address == "feminine"
    await user.send("/start")
    back = await user.next_message()
    assert back.text == woman.gettext(WELCOME_BACK)
    if lang in ("ar", "es"):
        assert back.text != tr.gettext(WELCOME_BACK)  # a real variant, not the neutral form


async def test_a_language_without_gender_is_not_asked(
    tg: Telegram, db: Database, clock: ManualClock
) -> None:
    _, token = await invited(db, clock, Role.MENTEE)
    user = tg.user("Amina", language_code="fa")
    await open_link(user, token)
    await user.next_message()
    await user.press("✓ " + language_name("fa"))
    await user.next_message()
    await user.press(translator("fa").gettext("I agree"))
    welcome = await user.next_message()
    assert not welcome.buttons


async def test_the_choice_is_changed_in_language(
    tg: Telegram, db: Database, clock: ManualClock
) -> None:
    user = tg.user("Olga", language_code="ru")
    async with building(db, clock.now()) as b:
        org = await b.org()
        person = await b.person(
            org, Role.MENTOR, "Olga", telegram_id=user.id, locale="ru", address="feminine"
        )
    await user.send("/language")
    await user.next_message()
    await user.press(language_name("ru"))
    asked = await user.next_message()
    ru = translator("ru", None, "feminine")
    labels = [label for row in asked.buttons for label, _ in row]
    assert labels[0] == "✓ " + ru.gettext(ADDRESS_LABELS["f"])  # the current choice, marked
    await user.press(ru.gettext(ADDRESS_LABELS["n"]))
    done = await user.next_message()
    assert done.text == translator("ru").gettext(ADDRESS_DONE[None])
    assert (await person_row(db, person.id)).address is None


async def test_a_forged_address_press_changes_nothing(
    tg: Telegram, db: Database, clock: ManualClock
) -> None:
    user = tg.user("Olga", language_code="es")
    async with building(db, clock.now()) as b:
        org = await b.org()
        person = await b.person(
            org, Role.MENTEE, "Olga", telegram_id=user.id, locale="es", address="masculine"
        )
    await user.send("/language")
    message = await user.next_message()
    await user.press_forged("ad:x", message)
    refusal = await user.next_message()
    assert refusal.text and "✓" not in refusal.text
    assert (await person_row(db, person.id)).address == "masculine"


async def test_the_requester_reads_about_the_closer_in_the_closers_form(
    db: Database,
    clock: ManualClock,
    w: World,  # noqa: F811
) -> None:
    async with dispatching(db) as s:
        mentor = await s.get(Person, w.mentor.id)
        worker = await s.get(Person, w.worker.id)
        assert mentor is not None and worker is not None
        mentor.locale, mentor.address = "ru", "masculine"
        worker.address = "feminine"
    async with dispatching(db) as s:
        mentor = await s.get(Person, w.mentor.id)
        assert mentor is not None
        sent = await help_requests.ask(s, clock.now(), mentor, HelpKind.PRACTICAL, "A question")
    async with dispatching(db) as s:
        worker = await s.get(Person, w.worker.id)
        assert worker is not None
        await help_requests.close(s, clock.now(), worker, sent.request_id)
    async with dispatching(db) as s:
        rows = await s.execute(
            select(OutboxMessage)
            .where(OutboxMessage.person_id == w.mentor.id)
            .order_by(OutboxMessage.id)
        )
        notice = list(rows.scalars())[-1]
    assert "закрыла" in notice.text  # Wendy asked to be addressed as a woman
