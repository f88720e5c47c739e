"""The same flows (onboarding, a reminder, a concern card) in Arabic, Ukrainian and Spanish:
the reader's script, bidi isolates around names and places, dates in the reader's calendar
words, and the plural forms of the reader's language."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from babel import Locale

from bot import commands
from bot.app import App
from bot.clock import ManualClock
from bot.i18n import (
    FSI,
    GENDERED_LOCALES,
    PDI,
    SAFETY_TEXTS,
    SUPPORTED_LOCALES,
    language_name,
    translator,
)
from bot.services import appointments, concerns
from emulator import Emulator
from handlers.start import address_question
from handlers.start_texts import CONSENT, WELCOME
from storage.db import Database
from storage.models import Role
from tests.conftest import deliver, tick
from tests.factories import building
from tests.harness import Telegram
from tests.test_onboarding import invited, menu_calls, open_link

MADRID = "Europe/Madrid"
THURSDAY_1730 = datetime(2026, 3, 5, 16, 30, tzinfo=UTC)  # 17:30 in Madrid

SCRIPTS = {
    "ar": re.compile(r"[\u0600-\u06FF]"),
    "uk": re.compile(r"[\u0400-\u04FF]"),
    "es": re.compile(r"[a-zñáéíóú]"),
    "tr": re.compile(r"[a-zçğıöşüâî]"),
    "ka": re.compile(r"[\u10D0-\u10FF]"),
    "bn": re.compile(r"[\u0980-\u09FF]"),
    "wo": re.compile(r"[a-zàéëóñŋ]"),
}
# What Babel's CLDR data calls March in each language, and the plural of "hours" for 4 and 24.
MARCH = {
    "ar": "مارس",
    "uk": "березня",
    "es": "marzo",
    "tr": "Mart",
    "ka": "მარტი",
    "bn": "মার্চ",
    "wo": "Mars",
}
FOUR_HOURS = {
    "ar": "4 ساعات",
    "uk": "4 години",
    "es": "4 horas",
    "tr": "4 saat",
    "ka": "4 საათი",
    "bn": "4 ঘণ্টা",
    "wo": "4 waxtu",
}
TWENTY_FOUR_HOURS = {
    "ar": "24 ساعة",
    "uk": "24 години",
    "es": "24 horas",
    "tr": "24 saat",
    "ka": "24 საათი",
    "bn": "24 ঘণ্টা",
    "wo": "24 waxtu",
}
LANGUAGES = ["ar", "uk", "es", "tr", "ka", "bn", "wo"]


def in_script(lang: str, text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    native = [c for c in letters if SCRIPTS[lang].match(c.lower())]
    return len(native) > len(letters) * 0.6


@pytest.mark.parametrize("lang", LANGUAGES)
async def test_onboarding_in_the_readers_language(
    lang: str, tg: Telegram, db: Database, clock: ManualClock, emulator: Emulator
) -> None:
    tr = translator(lang)
    _, token = await invited(db, clock, Role.MENTEE, name="Amina Haddad")
    user = tg.user("Amina", language_code=lang)
    await open_link(user, token)
    ask = await user.next_message()
    assert ask.text == tr.gettext("Welcome! Please choose your language.")
    assert in_script(lang, ask.text)
    assert ask.buttons[0][0][0] == "✓ " + language_name(lang)

    await user.press("✓ " + language_name(lang))
    consent = await user.next_message()
    assert tr.gettext(CONSENT[Role.MENTEE]) in consent.text
    assert in_script(lang, consent.text)
    assert f"{FSI}Amina Haddad{PDI}" in consent.text  # a Latin name isolated in any script

    await user.press(tr.gettext("I agree"))
    welcome = await user.next_message()
    assert tr.gettext(WELCOME[Role.MENTEE]) in welcome.text
    # ar, uk, es mark gender: how to address the person is asked after the welcome
    if lang in GENDERED_LOCALES:
        assert welcome.text.endswith(address_question(tr))
    else:
        assert welcome.text.endswith(tr.gettext(WELCOME[Role.MENTEE])) and not welcome.buttons
    await emulator.wait_for_call("setMyCommands", count=1)  # set once the reply is sent
    (menu,) = menu_calls(emulator, user.chat_id)
    described = {c["command"]: c["description"] for c in menu["commands"]}
    expected = {name: tr.gettext(text) for name, text in commands.MENUS[Role.MENTEE]}
    assert described == expected
    assert all(in_script(lang, d) for d in described.values())


@pytest.mark.parametrize("lang", LANGUAGES)
async def test_a_reminder_in_the_readers_language_and_calendar(
    lang: str, tg: Telegram, app: App, db: Database, clock: ManualClock
) -> None:
    tr = translator(lang)
    amina, ana = tg.user("Amina", language_code=lang), tg.user("Ana", language_code="ca")
    async with building(db, clock.now()) as b:
        org = await b.org(locale="ca")
        worker = await b.person(org, Role.WORKER, "Wendy")
        family = await b.family(org, "Haddad")
        await b.person(org, Role.MENTEE, "Amina", telegram_id=amina.id, locale=lang, family=family)
        mentor = await b.person(org, Role.MENTOR, "Ana", telegram_id=ana.id, locale="ca")
        match = await b.match(family, [mentor], worker)
    for person in (amina, ana):
        await person.send("/help")
        await person.next_message()
    async with db.transaction() as session:  # a Catalan-speaking mentor plans it
        await appointments.create(
            session, mentor, match.id, THURSDAY_1730, "Biblioteca Sant Pau", None, clock.now()
        )
    await deliver(app)
    await amina.next_messages(2)  # the notice and its calendar file
    clock.set(THURSDAY_1730 - timedelta(days=1))
    await tick(app)
    reminder = await amina.next_message()
    assert tr.when(THURSDAY_1730, MADRID) in reminder.text
    assert MARCH[lang] in reminder.text
    assert f"{FSI}Biblioteca Sant Pau{PDI}" in reminder.text
    assert in_script(lang, reminder.text.replace("Biblioteca Sant Pau", ""))
    assert [row[0][0] for row in reminder.buttons] == [
        tr.gettext("I'll be there"),
        tr.gettext("I can't come"),
        tr.gettext("I'd like another time"),
    ]


@pytest.mark.parametrize(
    ("severity", "hours"), [("high", FOUR_HOURS), ("medium", TWENTY_FOUR_HOURS)]
)
@pytest.mark.parametrize("lang", LANGUAGES)
async def test_a_concern_card_in_the_workers_language_with_its_plural_forms(
    lang: str,
    severity: str,
    hours: dict[str, str],
    tg: Telegram,
    app: App,
    db: Database,
    clock: ManualClock,
) -> None:
    tr = translator(lang)
    wendy, ana = tg.user("Wendy", language_code=lang), tg.user("Ana", language_code="ca")
    async with building(db, clock.now()) as b:
        org = await b.org(locale="ca")
        worker = await b.person(org, Role.WORKER, "Wendy", telegram_id=wendy.id, locale=lang)
        family = await b.family(org, "Haddad")
        mentor = await b.person(org, Role.MENTOR, "Ana", telegram_id=ana.id, locale="ca")
        match = await b.match(family, [mentor], worker)
    await wendy.send("/help")
    await wendy.next_message()
    async with db.transaction() as session:
        await concerns.raise_concern(
            session,
            clock.now(),
            mentor,
            match.id,
            "housing",
            "No heating since Monday",
            severity,
        )
    await deliver(app)
    card = await wendy.next_message()
    assert hours[lang] in card.text  # the plural form for that number, in that language
    assert MARCH[lang] in card.text
    assert f"{FSI}No heating since Monday{PDI}" in card.text
    assert f"{FSI}Ana{PDI}" in card.text
    assert in_script(lang, card.text.replace("No heating since Monday", ""))
    # written by a Catalan-speaking mentor: the language is named, the words are kept
    assert (
        tr.gettext("Written in %(language)s:")
        % {"language": Locale.parse("ca").get_display_name(lang)}
        in card.text
    )
    labels = [label for row in card.buttons for label, _ in row]
    assert tr.pgettext("concern button", "Acknowledge") in labels


# Catalogs added in the second round -------------------------------------------------------------

DANGER = "If you are in danger now, call %(phone)s."


async def test_an_unreviewed_catalogs_safety_texts_come_with_the_organisations_language(
    db: Database, clock: ManualClock
) -> None:
    from bot.services import people

    assert DANGER in SAFETY_TEXTS
    async with building(db, clock.now()) as b:
        org = await b.org(locale="es")
        family = await b.family(org, "Yilmaz")
        mentee = await b.person(org, Role.MENTEE, "Elif", locale="tr", family=family)
        reviewed = await b.person(org, Role.MENTEE, "Amal", locale="ar", family=family)
    async with db.transaction() as session:
        tr = (await people.reader(session, mentee)).tr
        ar = (await people.reader(session, reviewed)).tr
    turkish, spanish = translator("tr").gettext(DANGER), translator("es").gettext(DANGER)
    assert tr.gettext(DANGER) == f"{turkish}\n{spanish}"
    assert (tr.gettext(DANGER) % {"phone": "112"}).count("112") == 2
    assert tr.gettext("I need help") == translator("tr").gettext("I need help")  # not a safety text
    assert ar.gettext(DANGER) == translator("ar").gettext(DANGER)  # a catalog already in use


@pytest.mark.parametrize("lang", ["ka", "bn", "wo"])
async def test_a_new_catalogs_safety_texts_come_with_the_organisations_language(
    lang: str, db: Database, clock: ManualClock
) -> None:
    from bot.services import people

    async with building(db, clock.now()) as b:
        org = await b.org(locale="es")
        family = await b.family(org, "Haddad")
        mentee = await b.person(org, Role.MENTEE, "Amina", locale=lang, family=family)
    async with db.transaction() as session:
        tr = (await people.reader(session, mentee)).tr
    native, spanish = translator(lang).gettext(DANGER), translator("es").gettext(DANGER)
    assert native != DANGER and in_script(lang, native)
    assert tr.gettext(DANGER) == f"{native}\n{spanish}"


async def test_default_menus_only_for_two_letter_codes(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str | None] = []

    class Bot:
        async def set_my_commands(
            self, commands: object, scope: object = None, language_code: str | None = None
        ) -> None:
            calls.append(language_code)

    monkeypatch.setattr(commands, "SUPPORTED_LOCALES", (*SUPPORTED_LOCALES, "ckb", "fa_AF"))
    await commands.set_default_menus(Bot())  # type: ignore[arg-type]
    assert calls[0] is None and "tr" in calls
    assert calls[1:] == [code for code in SUPPORTED_LOCALES if code != "en"]


# A typed day in the words of the reader's language, where dateparser knows it (not Wolof:
# there the all-number forms are read).
TYPED_MARCH_5 = {"ka": "5 მარტი", "bn": "5 মার্চ", "wo": None}


@pytest.mark.parametrize("lang", sorted(TYPED_MARCH_5))
def test_a_day_typed_in_words_of_a_new_language(lang: str) -> None:
    from bot.services.dates import read_day

    now = datetime(2026, 3, 1, 12, 0)
    words = TYPED_MARCH_5[lang]
    if words is not None:
        assert read_day(words, lang, now, "future") == now.date().replace(day=5)
    assert read_day("5/3", lang, now, "future") == now.date().replace(day=5)
    assert read_day("2026-03-05", lang, now, "future") == now.date().replace(day=5)
