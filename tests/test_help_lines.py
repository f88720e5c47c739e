"""Help-line numbers: short national numbers of the organisation's country are accepted."""

from __future__ import annotations

import re

import pytest

from bot.clock import ManualClock
from bot.services import admin
from bot.services.errors import Invalid
from storage.db import Database
from storage.models import Role
from tests.factories import building
from tests.harness import Person as User
from tests.harness import Telegram


@pytest.mark.parametrize("number", ["016", "024", "091", "061", "112", "0 16"])
def test_spanish_short_numbers_are_help_lines(number: str) -> None:
    assert admin.check_help_line(number, "ES") == number.replace(" ", "")
    assert admin.check_emergency_phone(number, "ES") == number.replace(" ", "")


def test_full_numbers_are_stored_international_and_bad_ones_refused() -> None:
    assert admin.check_help_line("934 123 456", "ES") == "+34934123456"
    assert admin.check_help_line("", "ES") is None
    assert admin.check_emergency_phone(None, "ES") == "112"
    for bad in ("999", "12ab", "0"):
        with pytest.raises(Invalid):
            admin.check_help_line(bad, "ES")


async def test_org_add_and_set_take_short_numbers(db: Database, clock: ManualClock) -> None:
    now = clock.now()
    async with db.transaction() as s:
        org = await admin.add_org(
            s, now, name="Casal", timezone="Europe/Madrid", locale="es", emergency_phone="016"
        )
        assert org.emergency_phone == "016"
        changed = await admin.set_org(s, now, org.id, office_phone="024")
        assert changed.office_phone == "024"


async def test_help_lines_are_set_checked_and_removed(db: Database, clock: ManualClock) -> None:
    now = clock.now()
    async with db.transaction() as s:
        org = await admin.add_org(
            s,
            now,
            name="Casal",
            timezone="Europe/Madrid",
            locale="es",
            help_lines="gender_violence=016,mental_health=0 24",
        )
        assert org.help_lines == {"gender_violence": "016", "mental_health": "024"}
        changed = await admin.set_org(
            s, now, org.id, help_lines="mental_health=,child_protection=116111,emergency=091"
        )
        assert changed.help_lines == {"gender_violence": "016", "child_protection": "116111"}
        assert changed.emergency_phone == "091"
        for bad in ("gender_violence=999", "weather=016", "016"):
            with pytest.raises(Invalid):
                await admin.set_org(s, now, org.id, help_lines=bad)


# --- what a mentee sees -------------------------------------------------------------------

LINES = {"gender_violence": "016", "mental_health": "024", "child_protection": "116111"}


@pytest.fixture
async def mentees(db: Database, clock: ManualClock, tg: Telegram) -> dict[str, User]:
    users = {lang: tg.user(f"Mentee {lang}", language_code=lang) for lang in ("en", "ar")}
    async with building(db, clock.now()) as b:
        org = await b.org(locale="en", emergency_phone="112", help_lines=LINES)
        family = await b.family(org, "Haddad")
        mentor = await b.person(org, Role.MENTOR, "Marta")
        worker = await b.person(org, Role.WORKER, "Wendy")
        for lang, user in users.items():
            await b.person(
                org, Role.MENTEE, f"Mentee {lang}", telegram_id=user.id, locale=lang, family=family
            )
        await b.match(family, [mentor], worker)
    return users


def numbers_in(text: str) -> list[str]:
    return [n for n in re.findall(r"\d+", text.replace(" ", "")) if n in ("112", *LINES.values())]


TEXTS = {
    "en": {
        "safety": ("If you are in danger now, call", "Violence against women", "Other help lines"),
        "wellbeing": ("You are not alone", "Emergencies", "Other help lines"),
    },
    "ar": {
        "safety": ("في حال وجود خطر عليك الآن", "العنف ضد المرأة", "أرقام مساعدة أخرى"),
        "wellbeing": ("لست وحدك", "الطوارئ", "أرقام مساعدة أخرى"),
    },
}


@pytest.mark.parametrize("lang", ["en", "ar"])
@pytest.mark.parametrize(
    ("choice", "order"),
    [
        ("safety", ["112", "016", "116111", "024"]),
        ("wellbeing", ["024", "112", "016", "116111"]),
    ],
)
async def test_each_mentee_choice_shows_its_help_lines_first_in_their_language(
    mentees: dict[str, User], lang: str, choice: str, order: list[str]
) -> None:
    user = mentees[lang]
    await user.send("/problem")
    await user.next_message()
    await user.press_data(f"cn:p:{choice}")
    shown = (await user.next_message()).text
    assert numbers_in(shown) == order
    for words in TEXTS[lang][choice]:
        assert words in shown
    # the question goes on: what happened
    assert (await user.next_message()).text


async def test_other_choices_show_no_help_lines_and_contacts_list_them_all(
    mentees: dict[str, User],
) -> None:
    user = mentees["ar"]
    await user.send("/problem")
    await user.next_message()
    await user.press_data("cn:p:housing")
    assert numbers_in((await user.next_message()).text) == []
    await user.send("/cancel")
    await user.next_message()
    await user.send("/contacts")
    shown = (await user.next_message()).text
    assert numbers_in(shown) == ["112", "016", "024", "116111"]
    assert "العنف ضد المرأة" in shown
