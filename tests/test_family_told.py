""" "The family will be told" is true for each member: a mentor who plans or cancels hears who
was told through the bot and whom to tell themselves; a member who blocks the bot is shown so
in /upcoming, and the mentors hear of it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.app import App
from bot.clock import ManualClock
from bot.i18n import translator
from bot.services import appointments
from storage.db import Database
from storage.models import Person, Role
from tests.conftest import deliver, dispatching, eventually
from tests.factories import building
from tests.harness import Person as User
from tests.harness import Telegram


async def opened(*users: User) -> None:
    """Everyone has opened the chat with the bot."""
    for user in users:
        await user.send("/start")
        await user.next_message()


def plain(text: str) -> str:
    return text.replace("\u2068", "").replace("\u2069", "")


@pytest.mark.parametrize("lang", ["en", "fa"])
async def test_a_blocked_member_is_named_wherever_the_family_is_told(
    tg: Telegram, app: App, db: Database, clock: ManualClock, lang: str
) -> None:
    tr = translator(lang)
    tom, marta = tg.user("Tom", language_code=lang), tg.user("Marta", language_code="en")
    amal, karim = tg.user("Amal", language_code="ar"), tg.user("Karim", language_code="en")
    async with building(db, clock.now()) as b:
        org = await b.org(locale="en")
        worker = await b.person(org, Role.WORKER, "Wendy")
        family = await b.family(org, "Haddad")
        await b.person(org, Role.MENTEE, "Amal", telegram_id=amal.id, locale="ar", family=family)
        karim_row = await b.person(org, Role.MENTEE, "Karim", telegram_id=karim.id, family=family)
        await b.person(org, Role.MENTEE, "Samir", family=family)  # no Telegram
        mentor = await b.person(org, Role.MENTOR, "Tom", telegram_id=tom.id, locale=lang)
        other = await b.person(org, Role.MENTOR, "Marta", telegram_id=marta.id)
        match = await b.match(family, [mentor, other], worker)
    await opened(tom, marta, amal, karim)
    async with dispatching(db) as s:
        me = await s.get(Person, mentor.id)
        assert me is not None
        view = await appointments.create(
            s, me, match.id, clock.now() + timedelta(days=2), "Library", None, clock.now()
        )
    await deliver(app)
    for user in (amal, karim, marta):
        await user.next_message()  # the new meeting's card (Marta: planned by Tom)

    # Karim blocks the bot: both mentors are told, each in their language.
    karim.block()

    async def karim_unreachable() -> bool:
        async with db.transaction() as s:
            row = await s.get(Person, karim_row.id)
            return row is not None and not row.reachable

    await eventually(karim_unreachable)
    await deliver(app)
    for user, reader in ((tom, tr), (marta, translator("en"))):
        notice = plain((await user.next_message()).text)
        assert "Karim" in notice
        assert notice.startswith(
            reader.gettext(
                "%(name)s can no longer be reached through the bot, so they will not see "
                "reminders or messages here. The referring worker was told; please reach them "
                "another way."
            )
            % {"name": "Karim"}
        )

    # /upcoming says Karim cannot be reached, not that he has not answered yet.
    await tom.send("/upcoming")
    listed = plain((await tom.next_message()).text)
    assert (
        tr.gettext("%(name)s: %(state)s")
        % {
            "name": "Karim",
            "state": tr.gettext("cannot be reached through the bot; please phone them"),
        }
        in listed
    )
    assert (
        tr.gettext("%(name)s: %(state)s")
        % {
            "name": "Amal",
            "state": tr.gettext("no answer yet"),
        }
        in listed
    )
    await tom.press_data(f"ap:c:{view.id}")
    ask = plain((await tom.next_message()).text)
    assert tr.gettext("The family will be told.") not in ask
    assert ask.startswith(tr.gettext("Cancel this meeting?"))
    assert tr.gettext("The bot will tell %(names)s.") % {"names": "Amal"} in ask
    assert (
        tr.gettext("The bot cannot reach %(names)s: please tell them yourself.")
        % {"names": tr.join(["Karim", "Samir"])}
        in ask
    )
    await tom.press(tr.gettext("Yes, cancel it"))
    done = plain((await tom.next_message()).text)
    assert tr.gettext("Told through the bot: %(names)s.") % {"names": "Amal"} in done
    assert "Karim" in done and "Samir" in done
    assert tr.gettext("The family is told.") not in done
    await deliver(app)
    assert (await amal.next_message()).text  # Amal does hear of it


async def test_when_the_whole_family_is_reached_the_promise_stays(
    tg: Telegram, app: App, db: Database, clock: ManualClock
) -> None:
    tom, amal = tg.user("Tom", language_code="en"), tg.user("Amal", language_code="ar")
    async with building(db, clock.now()) as b:
        org = await b.org(locale="en")
        worker = await b.person(org, Role.WORKER, "Wendy")
        family = await b.family(org, "Haddad")
        await b.person(org, Role.MENTEE, "Amal", telegram_id=amal.id, locale="ar", family=family)
        mentor = await b.person(org, Role.MENTOR, "Tom", telegram_id=tom.id)
        match = await b.match(family, [mentor], worker)
    await opened(tom, amal)
    async with dispatching(db) as s:
        me = await s.get(Person, mentor.id)
        assert me is not None
        view = await appointments.create(
            s, me, match.id, clock.now() + timedelta(days=2), "Library", None, clock.now()
        )
    await tom.send("/upcoming")
    await tom.next_message()
    await tom.press_data(f"ap:c:{view.id}")
    assert (await tom.next_message()).text.startswith(
        "Cancel this meeting? The family will be told."
    )
    await tom.press("Yes, cancel it")
    assert (await tom.next_message()).text.endswith("The family is told.")
