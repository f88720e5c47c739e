"""The same flows (onboarding, a reminder, a concern card) in Arabic, Ukrainian and Spanish:
the reader's script, bidi isolates around names and places, dates in the reader's calendar
words, and the plural forms of the reader's language."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from babel import Locale
from telegram import BotCommand

from bot import commands
from bot.app import App
from bot.catalogs import PLURAL_FORMS
from bot.clock import ManualClock
from bot.i18n import (
    FSI,
    GENDERED_LOCALES,
    PDI,
    RTL_LOCALES,
    SAFETY_TEXTS,
    SUPPORTED_LOCALES,
    UNREVIEWED_SAFETY,
    isolate,
    language_name,
    normalise_locale,
    telegram_code,
    translator,
)
from bot.services import appointments, concerns
from emulator import Emulator
from handlers.start import address_question
from handlers.start_texts import CONSENT, SHORT_CONSENT, WELCOME
from storage.db import Database
from storage.models import Role
from tests.conftest import deliver, dispatching, tick
from tests.factories import building
from tests.harness import Telegram
from tests.test_onboarding import invited, menu_calls, open_link

MADRID = "Europe/Madrid"
THURSDAY_1730 = datetime(2026, 3, 5, 16, 30, tzinfo=UTC)  # 17:30 in Madrid

_ARABIC_SCRIPT = r"[\u0600-\u06FF]"


@dataclass(frozen=True)
class Flow:
    """What a reader of one language sees in the flows below: the letters of its script, what
    Babel's CLDR data calls March, the plural of "hours" for 4 and 24, a day typed in words
    that reads as 5 March (None where dateparser does not know the language), and whether it
    is written right to left. A language added later adds one line to LANGUAGES."""

    script: str
    march: str
    four_hours: str
    twenty_four_hours: str
    typed_day: str | None = None
    rtl: bool = False


LANGUAGES: dict[str, Flow] = {
    "ar": Flow(_ARABIC_SCRIPT, "مارس", "4 ساعات", "24 ساعة", "5 مارس", rtl=True),
    "uk": Flow(r"[\u0400-\u04FF]", "березня", "4 години", "24 години", "5 березня"),
    "es": Flow(r"[a-zñáéíóú]", "marzo", "4 horas", "24 horas", "5 de marzo"),
    "tr": Flow(r"[a-zçğıöşüâî]", "Mart", "4 saat", "24 saat", "5 Mart"),
    "ur": Flow(_ARABIC_SCRIPT, "مارچ", "4 گھنٹے", "24 گھنٹے", "5 مارچ", rtl=True),
    "fa_AF": Flow(_ARABIC_SCRIPT, "مارچ", "4 ساعت", "24 ساعت", "5 مارچ", rtl=True),
    "ckb": Flow(_ARABIC_SCRIPT, "ئازار", "4 کاتژمێر", "24 کاتژمێر", "5 ئازار", rtl=True),
    "so": Flow(r"[a-z']", "Maarso", "4 saacadood", "24 saacadood"),
    "kmr": Flow(r"[a-zçêîşû]", "adar", "4 saet", "24 saet"),
    "am": Flow(r"[\u1200-\u137F]", "ማርች", "4 ሰዓት", "24 ሰዓት"),
    "ka": Flow(r"[\u10D0-\u10FF]", "მარტი", "4 საათი", "24 საათი", "5 მარტი"),
    "bn": Flow(r"[\u0980-\u09FF]", "মার্চ", "4 ঘণ্টা", "24 ঘণ্টা", "5 মার্চ"),
    "wo": Flow(r"[a-zàéëóñŋ]", "Mars", "4 waxtu", "24 waxtu"),
}
# The catalogs of the second round (each marked unreviewed): safety texts come with the
# organisation's language, and their plural rules and menus are checked below.
NEW_ROUND = ("tr", "ur", "fa_AF", "ckb", "kmr", "so", "am", "wo", "ka", "bn")
NEW_LANGUAGES = [code for code in NEW_ROUND if code in LANGUAGES]


def in_script(lang: str, text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    native = [c for c in letters if re.match(LANGUAGES[lang].script, c.lower())]
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
    short = tr.gettext(SHORT_CONSENT[Role.MENTEE])
    assert short in consent.text and short.count("\n") == 2  # three short lines
    assert tr.gettext(CONSENT[Role.MENTEE]) not in consent.text
    assert in_script(lang, consent.text)
    assert f"{FSI}Amina Haddad{PDI}" in consent.text  # a Latin name isolated in any script
    await user.press(tr.pgettext("privacy notice", "Read more"))
    full = await user.next_message()
    assert full.edited and tr.gettext(CONSENT[Role.MENTEE]) in full.text
    assert [len(row) for row in full.buttons] == [2]  # agree or not; nothing more to read

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
    # right to left, each /command is isolated so that it reads "/next", not "next/"
    await user.send("/help")
    listed = (await user.next_message()).text
    assert (f"{FSI}/next{PDI}" in listed) == LANGUAGES[lang].rtl
    assert in_script(lang, listed)


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
    async with dispatching(db) as session:  # a Catalan-speaking mentor plans it
        await appointments.create(
            session, mentor, match.id, THURSDAY_1730, "Biblioteca Sant Pau", None, clock.now()
        )
    await deliver(app)
    await amina.next_messages(2)  # the notice and its calendar file
    clock.set(THURSDAY_1730 - timedelta(days=1))
    await tick(app)
    reminder = await amina.next_message()
    assert tr.when(THURSDAY_1730, MADRID) in reminder.text
    assert LANGUAGES[lang].march in reminder.text
    assert f"{FSI}Biblioteca Sant Pau{PDI}" in reminder.text
    assert in_script(lang, reminder.text.replace("Biblioteca Sant Pau", ""))
    assert [row[0][0] for row in reminder.buttons] == [
        tr.gettext("I'll be there"),
        tr.gettext("I can't come"),
        tr.gettext("I'd like another time"),
    ]


@pytest.mark.parametrize("severity", ["high", "medium"])
@pytest.mark.parametrize("lang", LANGUAGES)
async def test_a_concern_card_in_the_workers_language_with_its_plural_forms(
    lang: str,
    severity: str,
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
    async with dispatching(db) as session:
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
    flow = LANGUAGES[lang]
    hours = flow.four_hours if severity == "high" else flow.twenty_four_hours
    assert hours in card.text  # the plural form for that number, in that language
    assert flow.march in card.text
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
    async with dispatching(db) as session:
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
    async with dispatching(db) as session:
        tr = (await people.reader(session, mentee)).tr
    native, spanish = translator(lang).gettext(DANGER), translator("es").gettext(DANGER)
    assert native != DANGER and in_script(lang, native)
    assert tr.gettext(DANGER) == f"{native}\n{spanish}"


async def test_default_menus_only_for_two_letter_codes(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str | None, str]] = []

    class Bot:
        async def set_my_commands(
            self,
            commands: list[BotCommand],
            scope: object = None,
            language_code: str | None = None,
        ) -> None:
            calls.append((language_code, commands[0].description))

    # The nine codes of the second round, whether or not their catalog is in this checkout.
    monkeypatch.setattr(
        commands, "SUPPORTED_LOCALES", tuple(dict.fromkeys((*SUPPORTED_LOCALES, *NEW_ROUND)))
    )
    await commands.set_default_menus(Bot())  # type: ignore[arg-type]
    codes = [code for code, _ in calls]
    assert codes[0] is None and "tr" in codes and "ur" in codes
    assert all(code and len(code) == 2 and code.isalpha() for code in codes[1:]), codes
    assert len(codes) == len(set(codes))  # one default menu per Telegram code
    # ckb and fa_AF get none (their readers get their menu per chat); kmr is Telegram's "ku"
    assert telegram_code("ckb") is None and telegram_code("fa_AF") is None
    assert "ku" in codes and "fa" in codes
    fa = dict(calls)["fa"]
    assert fa == translator("fa").gettext(commands.MENUS[None][0][1])  # Persian, not Dari


@pytest.mark.parametrize(
    ("sent", "locale"),
    [
        ("fa-AF", "fa_AF"),
        ("prs", "fa_AF"),
        ("fa-IR", "fa"),
        ("fa", "fa"),
        ("ur-PK", "ur"),
        ("ckb-IQ", "ckb"),
        ("ku-Arab", "ckb"),
    ],
)
def test_an_apps_language_code_finds_its_catalog(sent: str, locale: str) -> None:
    assert normalise_locale(sent) == locale


def test_every_language_of_the_second_round_has_its_rules_decided() -> None:
    for code in NEW_ROUND:
        assert code in PLURAL_FORMS, code
        assert telegram_code(code) is None or len(telegram_code(code) or "") == 2
    assert {"ur", "ckb", "fa_AF"} <= RTL_LOCALES


@pytest.mark.parametrize("lang", LANGUAGES)
def test_direction_isolates_and_typed_days(lang: str) -> None:
    from babel.dates import format_date

    from bot.services.dates import read_day

    flow, tr = LANGUAGES[lang], translator(lang)
    assert tr.rtl == flow.rtl
    assert (lang in RTL_LOCALES) == flow.rtl
    assert isolate("Amina <b>") == f"{FSI}Amina &lt;b&gt;{PDI}"
    now = datetime(2026, 3, 1, 12, 0)
    march_5 = now.date().replace(day=5)
    if flow.typed_day:  # words, where dateparser knows the language
        assert read_day(flow.typed_day, tr.formats, now, "future") == march_5
    # the all-number forms, in every language: the one it writes, and the ISO one
    short = format_date(march_5, "short", locale=Locale.parse(tr.formats))
    assert read_day(short, tr.formats, now, "future") == march_5, short
    assert read_day("2026-03-05", tr.formats, now, "future") == march_5
    assert read_day("5.3.2026", tr.formats, now, "future") in (
        march_5,
        march_5.replace(month=5, day=3),
    )


@pytest.mark.parametrize("lang", NEW_LANGUAGES)
def test_a_new_catalogs_safety_texts_are_shown_with_the_organisations_language(lang: str) -> None:
    assert lang in UNREVIEWED_SAFETY
    own, spanish = translator(lang).gettext(DANGER), translator("es").gettext(DANGER)
    assert own != DANGER and in_script(lang, own)
    assert translator(lang, companion="es").gettext(DANGER) == f"{own}\n{spanish}"
    assert translator(lang, companion=lang).gettext(DANGER) == own


def test_urdu_readers_are_addressed_as_they_chose() -> None:
    come = "Will you come? Tap one answer."
    assert "ur" in GENDERED_LOCALES
    neutral = translator("ur").gettext(come)
    woman = translator("ur", address="feminine").gettext(come)
    man = translator("ur", address="masculine").gettext(come)
    assert "گی" in woman and "گے" in man
    assert "گی" not in neutral and "گے" not in neutral  # the default is the same for everyone
    assert len({neutral, woman, man}) == 3


def test_a_second_round_language_is_named_in_the_readers_words() -> None:
    from bot.notifications.help import language_label

    assert language_label("fa_AF", "es") == "darí"  # not "persa (Afganistán)"
    assert language_label("fa_AF", "en") == "Dari"
    assert language_label("ar", "ckb") == "عەرەبی"
    assert language_name("fa_AF") == "دری"


@pytest.mark.parametrize("lang", ["so", "kmr", "am"])
def test_new_catalogs_are_translated_and_their_safety_texts_come_with_the_organisations(
    lang: str,
) -> None:
    own, spanish = translator(lang).gettext(DANGER), translator("es").gettext(DANGER)
    assert own != DANGER and "%(phone)s" in own
    assert translator(lang, companion="es").gettext(DANGER) == f"{own}\n{spanish}"


def test_kurmanji_is_named_as_its_readers_name_it() -> None:
    assert language_name("kmr") == "Kurmancî"  # CLDR: "kurdî (kurmancî) (latînî, Türkiye)"
    assert translator("es").language("kmr") == "kurdo"


# Typed days: words where dateparser knows the language (Somali, Amharic; not Kurmanji, which
# falls back to English words), the all-number forms everywhere; a typed time in every one.
TOMORROW = {"so": "berri", "kmr": "tomorrow", "am": "ነገ"}


@pytest.mark.parametrize("lang", ["so", "kmr", "am"])
def test_typed_days_and_times_are_read_in_the_new_languages(lang: str) -> None:
    from datetime import date, time

    from bot.services.appointments import parse_time
    from bot.services.dates import read_day

    tr = translator(lang)
    now = datetime(2026, 3, 1, 12, 0)
    assert parse_time("17:30", tr.locale) == time(17, 30)
    assert read_day("5/3", tr.formats, now, "future") == date(2026, 3, 5)  # day first
    assert read_day("2026-03-05", tr.formats, now, "future") == date(2026, 3, 5)
    assert read_day(TOMORROW[lang], tr.formats, now, "future") == date(2026, 3, 2)


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
