"""The mentee's persistent reply keyboard, through the Bot API emulator: shown when they agree,
one button per row, persistent and resized; a tap runs its command and is never offered to
pass on; a label of an older version still works and the keyboard is then sent again. In
Arabic and in English."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from bot.app import App
from bot.clock import ManualClock
from bot.i18n import language_name, translator
from bot.services import invites, keyboard
from emulator import Emulator
from storage.db import Database
from storage.models import Person, Relay, Role
from tests.conftest import TOKEN
from tests.factories import building
from tests.harness import Telegram


def current(locale: str) -> list[list[str]]:
    return keyboard.rows(translator(locale))


async def relays(db: Database) -> int:
    async with db.transaction() as s:
        return int((await s.execute(select(func.count()).select_from(Relay))).scalar_one())


@pytest.mark.parametrize("locale", ["ar", "en"])
async def test_the_keyboard_comes_with_the_agreement_and_its_taps_are_commands(
    tg: Telegram, db: Database, clock: ManualClock, app: App, emulator: Emulator, locale: str
) -> None:
    tr = translator(locale)
    amal = tg.user("Amal", language_code=locale)
    async with building(db, clock.now()) as b:
        org = await b.org("Casal", office_phone="+34931234567")
        family = await b.family(org, "Haddad")
        mentor = await b.person(org, Role.MENTOR, "Tom Walker")
        worker = await b.person(org, Role.WORKER, "Laura")
        person = await b.person(org, Role.MENTEE, "Amal Haddad", locale=None, family=family)
        await b.match(family, [mentor], worker)
    async with db.transaction() as s:
        token = (await invites.create(s, clock.now(), person.id)).token
    await amal.send(f"/start {token}")
    await amal.next_message()
    await amal.press(language_name(locale))
    await amal.next_message()
    await amal.press(tr.gettext("I agree"))
    await amal.next_message()  # the consent, agreed (edited in place)
    intro = await amal.next_message()
    assert intro.text == tr.gettext(keyboard.INTRO)
    assert amal.reply_keyboard == current(locale)
    markup = amal.user.reply_keyboard_markup
    assert markup is not None and markup["is_persistent"] is True
    assert markup["resize_keyboard"] is True and all(len(row) == 1 for row in markup["keyboard"])
    labels = keyboard.labels(tr)
    await amal.press_key(labels["next"])
    assert (await amal.next_message()).text == tr.gettext(
        "No meetings are planned yet. Your mentors will tell you here."
    )
    await amal.press_key(labels["contacts"])
    assert tr.gettext("Your contacts") in (await amal.next_message()).text
    await amal.press_key(labels["language"])
    assert (await amal.next_message()).text == tr.gettext("Choose your language:")
    await amal.press_key(labels["needhelp"])
    assert (await amal.next_message()).text
    assert await relays(db) == 0  # no tap was offered to pass on


async def test_an_older_label_still_works_and_the_keyboard_is_sent_again(
    tg: Telegram, db: Database, clock: ManualClock, app: App, emulator: Emulator
) -> None:
    amal = tg.user("Amal", language_code="ar")
    old = {
        "next": "📅 مواعيدي القديمة",
        "contacts": "📞 القديمة",
        "needhelp": "🆘 x",
        "language": "🌐 y",
    }
    async with building(db, clock.now()) as b:
        org = await b.org("Casal")
        family = await b.family(org, "Haddad")
        await b.person(org, Role.MENTEE, "Amal Haddad", telegram_id=amal.id, locale="ar",
                       family=family)  # fmt: skip
    async with db.transaction() as s:
        row = (await s.execute(select(Person).where(Person.telegram_id == amal.id))).scalar_one()
        row.keyboard_labels = json.dumps(old)
    await amal.send("/cancel")
    await amal.next_message()
    # The phone still shows the keyboard of an older version of the catalogs.
    await emulator.api(
        "sendMessage", TOKEN, chat_id=amal.id, text="…",
        reply_markup={"keyboard": [[v] for v in old.values()], "is_persistent": True},
    )  # fmt: skip
    await amal.press_key("📅 مواعيدي القديمة")
    answer = await amal.next_message()
    assert answer.text == translator("ar").gettext(
        "No meetings are planned yet. Your mentors will tell you here."
    )
    again = await amal.next_message()
    assert again.text == translator("ar").gettext(keyboard.INTRO)
    assert amal.reply_keyboard == current("ar")
    assert await relays(db) == 0
    # The new labels work too; the keyboard is not sent a third time.
    await amal.press_key(keyboard.labels(translator("ar"))["next"])
    await amal.next_message()
    await amal.expect_no_message()


async def test_help_isolates_the_commands_and_brings_the_keyboard_back(
    tg: Telegram, db: Database, clock: ManualClock, app: App
) -> None:
    amal = tg.user("Amal", language_code="ar")
    async with building(db, clock.now()) as b:
        org = await b.org("Casal")
        family = await b.family(org, "Haddad")
        await b.person(org, Role.MENTEE, "Amal Haddad", telegram_id=amal.id, locale="ar",
                       family=family)  # fmt: skip
    await amal.send("/help")
    shown = await amal.next_message()
    assert "\u2068/next\u2069" in shown.text
    assert amal.reply_keyboard == current("ar")
