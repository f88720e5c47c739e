"""Onboarding through the emulator: an invited person opens their link, chooses a language,
reads what is stored about them, and agrees or declines; and every way it can go wrong."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from bot import commands
from bot.clock import ManualClock
from bot.i18n import SUPPORTED_LOCALES, language_name, translator
from bot.services import invites, keyboard
from emulator import Emulator, FloodLimits
from handlers.common import not_linked_text
from handlers.start import address_again, address_question
from handlers.start_texts import CONSENT, REFUSALS, SHORT_CONSENT, WELCOME, declined_text
from storage.db import Database
from storage.models import AuditEvent, Consent, Draft, Invite, Person, Role
from tests.factories import building
from tests.harness import Person as TgPerson
from tests.harness import Telegram


def plain(text: str) -> str:
    return text.replace("\u2068", "").replace("\u2069", "")


async def invited(
    db: Database, clock: ManualClock, role: Role = Role.MENTOR, name: str = "Amina Haddad"
) -> tuple[int, str]:
    """A person of a new organisation, and a fresh invitation token for them."""
    async with building(db, clock.now()) as b:
        org = await b.org("Casal Raval")
        family = await b.family(org) if role == Role.MENTEE else None
        person = await b.person(org, role, name, locale=None, family=family)
    async with db.transaction() as session:
        issued = await invites.create(session, clock.now(), person.id)
    return person.id, issued.token


async def person_row(db: Database, person_id: int) -> Person:
    async with db.transaction() as session:
        person = await session.get(Person, person_id)
        assert person is not None
        return person


async def counts(db: Database) -> dict[str, Any]:
    """What onboarding could have written: used in the bad paths to show nothing changed."""
    async with db.transaction() as session:
        linked = await session.scalar(
            select(func.count()).select_from(Person).where(Person.telegram_id.is_not(None))
        )
        used = await session.scalar(
            select(func.count()).select_from(Invite).where(Invite.used_at.is_not(None))
        )
        drafts = await session.scalar(select(func.count()).select_from(Draft))
        events = await session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action.in_(("person.linked", "consent.given", "consent.declined")))
        )
        consents = list(await session.scalars(select(Person.consent).order_by(Person.id)))
    return {
        "linked": linked,
        "used": used,
        "drafts": drafts,
        "events": events,
        "consents": consents,
    }


async def actions(db: Database) -> list[str]:
    async with db.transaction() as session:
        return list(await session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def menu_calls(emulator: Emulator, chat_id: int) -> list[dict[str, Any]]:
    calls = []
    for call in emulator.calls_to("setMyCommands", ok=True):
        scope = call.params.get("scope") or {}
        if scope.get("type") == "chat" and int(scope.get("chat_id", 0)) == chat_id:
            calls.append(call.params)
    return calls


async def open_link(user: TgPerson, token: str) -> None:
    await user.send(f"/start {token}")


# the happy path, for each role ----------------------------------------------------------------
@pytest.mark.parametrize(
    "role", [Role.MENTOR, Role.MENTEE, Role.WORKER, Role.COORDINATOR, Role.ADMIN]
)
async def test_an_invited_person_chooses_a_language_agrees_and_gets_their_menu(
    role: Role, tg: Telegram, db: Database, clock: ManualClock, emulator: Emulator
) -> None:
    person_id, token = await invited(db, clock, role)
    user = tg.user("Amina", language_code="ar")
    await open_link(user, token)

    ask = await user.next_message()
    assert ask.text == translator("ar").gettext("Welcome! Please choose your language.")
    labels = [label for row in ask.buttons for label, _ in row]
    assert labels[0] == "✓ " + language_name("ar")  # the app's language first, marked
    assert sorted(label.removeprefix("✓ ") for label in labels) == sorted(
        language_name(code) for code in SUPPORTED_LOCALES
    )
    async with db.transaction() as session:
        draft = await session.get(Draft, user.id)
        assert draft is not None and draft.flow == "onboarding"
        assert token not in str(draft.data)  # the draft keeps the invitation's id, not the token
    assert (await person_row(db, person_id)).telegram_id is None  # nothing linked yet

    await user.press(language_name("es"))
    es = translator("es")
    consent = await user.next_message()
    # First three short lines; the full text is one tap away.
    assert es.gettext(SHORT_CONSENT[role]) in plain(consent.text)
    assert es.gettext(CONSENT[role]) not in plain(consent.text)
    assert "Amina Haddad" in plain(consent.text) and "Casal Raval" in plain(consent.text)
    assert [label for row in consent.buttons for label, _ in row] == [
        es.gettext("I agree"),
        es.gettext("I do not agree"),
        es.pgettext("privacy notice", "Read more"),
    ]
    await user.press(es.pgettext("privacy notice", "Read more"))
    more = await user.next_message()
    assert more.edited and es.gettext(CONSENT[role]) in plain(more.text)
    assert [label for row in more.buttons for label, _ in row] == [
        es.gettext("I agree"),
        es.gettext("I do not agree"),
    ]

    await user.press(es.gettext("I agree"))
    agreed = await user.next_message()
    # The consent buttons give way to the optional question of how to address them
    # (Spanish marks gender); nothing else is asked.
    assert agreed.edited
    assert [data for row in agreed.buttons for _, data in row] == ["ad:f", "ad:m", "ad:n"]
    assert es.gettext(CONSENT[role]) in plain(agreed.text)  # what they read and agreed to stays
    assert es.gettext(WELCOME[role]) in agreed.text
    assert agreed.text.endswith(address_question(es))

    person = await person_row(db, person_id)
    assert person.telegram_id == user.id
    assert person.consent == Consent.GIVEN and person.consent_at == clock.now()
    assert person.locale == "es" and person.telegram_language == "ar"
    async with db.transaction() as session:
        invite = (await session.scalars(select(Invite))).one()
        assert invite.used_at == clock.now()
        assert await session.get(Draft, user.id) is None
    assert actions_in_order(await actions(db), ["invite.opened", "person.linked", "consent.given"])

    if role == Role.MENTEE:  # the reply keyboard follows, with a word on what it does
        intro = await user.next_message()
        assert intro.text == es.gettext(keyboard.INTRO) and user.reply_keyboard

    # /help lists that role's commands, in Spanish; by the time it answers, the menu is set
    await user.send("/help")
    help_text = (await user.next_message()).text
    for name, description in commands.MENUS[role]:
        if name != "start":
            assert f"/{name} — {es.gettext(description)}" in help_text
    calls = menu_calls(emulator, user.id)
    assert len(calls) == 1
    expected = [(name, es.gettext(text)) for name, text in commands.MENUS[role]]
    assert [(c["command"], c["description"]) for c in calls[0]["commands"]] == expected
    assert user.commands == [name for name, _ in commands.MENUS[role]]


def actions_in_order(found: list[str], expected: list[str]) -> bool:
    it = iter(found)
    return all(any(a == e for a in it) for e in expected)


async def test_help_differs_by_role(tg: Telegram, db: Database, clock: ManualClock) -> None:
    mentor, mentee = tg.user("Marc"), tg.user("Omar")
    async with building(db, clock.now()) as b:
        org = await b.org()
        await b.person(org, Role.MENTOR, telegram_id=mentor.id)
        await b.person(org, Role.MENTEE, telegram_id=mentee.id, family=await b.family(org))
    await mentor.send("/help")
    await mentee.send("/help")
    mentor_help, mentee_help = (
        (await mentor.next_message()).text,
        (await mentee.next_message()).text,
    )
    assert "/log" in mentor_help and "/log" not in mentee_help
    assert "/needhelp" in mentee_help and "/needhelp" not in mentor_help
    assert "/start" not in mentor_help


# bad paths -----------------------------------------------------------------------------------
async def test_start_without_a_token_explains_in_the_apps_language(
    tg: Telegram, db: Database, clock: ManualClock
) -> None:
    await invited(db, clock)
    before = await counts(db)
    user = tg.user("Ana", language_code="es")
    await user.send("/start")
    assert (await user.next_message()).text == not_linked_text(translator("es"))
    assert await counts(db) == before


@pytest.mark.parametrize("token", ["not-a-real-token-at-all-0123456789", "bad token!", "x" * 80])
async def test_an_unknown_token_is_refused_and_changes_nothing(
    token: str, tg: Telegram, db: Database, clock: ManualClock
) -> None:
    await invited(db, clock)
    before, audit_before = await counts(db), await actions(db)
    user = tg.user("Ana", language_code="es")
    await user.send(f"/start {token}")
    assert (await user.next_message()).text == translator("es").gettext(REFUSALS["unknown"])
    assert await counts(db) == before
    assert await actions(db) == audit_before


async def test_a_used_token_is_refused_and_its_owner_is_greeted(
    tg: Telegram, db: Database, clock: ManualClock
) -> None:
    person_id, token = await invited(db, clock)
    owner = tg.user("Amina", language_code="en")
    await open_link(owner, token)
    await owner.next_message()
    await owner.press(language_name("en"))
    await owner.next_message()
    await owner.press("I agree")
    await owner.next_message()

    before = await counts(db)
    stranger = tg.user("Eve", language_code="fr")
    await open_link(stranger, token)
    assert (await stranger.next_message()).text == translator("fr").gettext(REFUSALS["used"])
    await open_link(owner, token)
    assert (await owner.next_message()).text == REFUSALS["already_linked"]
    assert await counts(db) == before
    assert (await person_row(db, person_id)).telegram_id == owner.id


async def test_an_expired_token_is_refused(tg: Telegram, db: Database, clock: ManualClock) -> None:
    _, token = await invited(db, clock)
    clock.advance(timedelta(days=14, seconds=1))
    before = await counts(db)
    user = tg.user("Ana", language_code="uk")
    await open_link(user, token)
    assert (await user.next_message()).text == translator("uk").gettext(REFUSALS["expired"])
    assert await counts(db) == before


async def test_a_token_expiring_during_onboarding_links_nothing(
    tg: Telegram, db: Database, clock: ManualClock
) -> None:
    person_id, token = await invited(db, clock)
    user = tg.user("Ana")
    await open_link(user, token)
    await user.next_message()
    await user.press(language_name("en"))
    await user.next_message()
    clock.advance(timedelta(days=15))
    await user.press("I agree")
    assert (await user.next_message()).text == REFUSALS["expired"]
    person = await person_row(db, person_id)
    assert person.telegram_id is None and person.consent == Consent.PENDING
    assert (await counts(db))["drafts"] == 0


async def test_a_revoked_token_no_longer_works(
    tg: Telegram, db: Database, clock: ManualClock
) -> None:
    person_id, old = await invited(db, clock)
    async with db.transaction() as session:
        await invites.create(session, clock.now(), person_id)
    user = tg.user("Ana")
    await open_link(user, old)
    assert (await user.next_message()).text == REFUSALS["unknown"]


async def test_an_account_linked_to_someone_else_cannot_take_an_invitation(
    tg: Telegram, db: Database, clock: ManualClock
) -> None:
    user = tg.user("Marc", language_code="ca")
    async with building(db, clock.now()) as b:
        org = await b.org()
        mentor = await b.person(org, Role.MENTOR, telegram_id=user.id, locale="ca")
    other_id, token = await invited(db, clock, Role.MENTEE, "Omar")
    before = await counts(db)
    await open_link(user, token)
    assert (await user.next_message()).text == translator("ca").gettext(REFUSALS["account_taken"])
    assert await counts(db) == before
    assert (await person_row(db, other_id)).telegram_id is None
    assert (await person_row(db, mentor.id)).telegram_id == user.id


async def test_a_link_for_someone_connected_to_another_account_is_refused(
    tg: Telegram, db: Database, clock: ManualClock
) -> None:
    owner, stranger = tg.user("Amina", language_code="ar"), tg.user("Eve", language_code="fr")
    async with building(db, clock.now()) as b:
        person = await b.person(await b.org(), Role.MENTEE, telegram_id=owner.id, locale="ar")
    async with db.transaction() as session:  # staff invite the person again
        token = (await invites.create(session, clock.now(), person.id)).token
    before, audit_before = await counts(db), await actions(db)

    await open_link(stranger, token)
    refused = translator("fr").gettext(REFUSALS["account_taken"])
    assert (await stranger.next_message()).text == refused
    assert await counts(db) == before and await actions(db) == audit_before
    stored = await person_row(db, person.id)
    assert stored.telegram_id == owner.id and stored.consent == Consent.GIVEN


async def test_declining_for_someone_connected_meanwhile_to_another_account_changes_nothing(
    tg: Telegram, db: Database, clock: ManualClock
) -> None:
    person_id, token = await invited(db, clock, Role.MENTEE)
    stranger = tg.user("Eve", language_code="en")
    await open_link(stranger, token)
    await stranger.next_message()
    await stranger.press(language_name("en"))
    await stranger.next_message()
    async with db.transaction() as session:  # meanwhile the person is connected elsewhere
        person = await session.get(Person, person_id)
        assert person is not None
        person.telegram_id, person.consent, person.consent_at = 4242, Consent.GIVEN, clock.now()
    before = await counts(db)

    await stranger.press("I do not agree")
    assert (await stranger.next_message()).text == REFUSALS["account_taken"]
    stored = await person_row(db, person_id)
    assert stored.telegram_id == 4242 and stored.consent == Consent.GIVEN
    after = await counts(db)
    assert after["drafts"] == before["drafts"] - 1
    assert {**after, "drafts": 0} == {**before, "drafts": 0}
    assert "consent.declined" not in await actions(db)


async def test_declining_stores_only_the_refusal_and_the_same_link_works_again(
    tg: Telegram, db: Database, clock: ManualClock, emulator: Emulator
) -> None:
    person_id, token = await invited(db, clock, Role.MENTEE)
    user = tg.user("Omar", language_code="ar")
    await open_link(user, token)
    await user.next_message()
    await user.press("✓ " + language_name("ar"))
    ar = translator("ar")
    await user.next_message()
    await user.press(ar.gettext("I do not agree"))
    declined = await user.next_message()
    assert declined.buttons == [] and declined.text.endswith(declined_text(ar))

    person = await person_row(db, person_id)
    assert person.consent == Consent.DECLINED and person.consent_at == clock.now()
    assert person.telegram_id is None and person.locale is None
    assert person.telegram_language is None
    async with db.transaction() as session:
        assert (await session.scalars(select(Invite))).one().used_at is None
    assert "consent.declined" in await actions(db)
    assert menu_calls(emulator, user.id) == []

    # they change their mind: same link, agree this time
    clock.advance(timedelta(days=2))
    await open_link(user, token)
    await user.next_message()
    await user.press(language_name("fr"))
    fr = translator("fr")
    await user.next_message()
    await user.press(fr.gettext("I agree"))
    await user.next_message()
    person = await person_row(db, person_id)
    assert person.consent == Consent.GIVEN and person.telegram_id == user.id
    assert person.locale == "fr"


async def test_cancel_mid_onboarding_stops_it(
    tg: Telegram, db: Database, clock: ManualClock
) -> None:
    person_id, token = await invited(db, clock)
    user = tg.user("Ana")
    await open_link(user, token)
    await user.next_message()
    await user.send("/cancel")
    assert "Stopped. Nothing was saved." in (await user.next_message()).text
    assert (await counts(db))["drafts"] == 0
    await user.press(language_name("es"))  # an old button, after /cancel
    assert "This step has ended" in (await user.next_message()).text
    assert (await person_row(db, person_id)).telegram_id is None


async def test_typing_during_onboarding_shows_the_step_again(
    tg: Telegram, db: Database, clock: ManualClock
) -> None:
    _, token = await invited(db, clock)
    user = tg.user("Ana", language_code="es")
    await open_link(user, token)
    await user.next_message()
    await user.send("hola")
    again = await user.next_message()
    assert again.buttons and again.buttons[0][0][0] == "✓ " + language_name("es")
    await user.press(language_name("en"))
    await user.next_message()
    await user.send("/start")  # coming back continues where they were
    step = await user.next_message()
    assert [label for row in step.buttons for label, _ in row] == [
        "I agree",
        "I do not agree",
        "Read more",
    ]


async def test_someone_unknown_writing_anything_gets_the_explanation(
    tg: Telegram, db: Database, emulator: Emulator
) -> None:
    emulator.set_flood_limits(FloodLimits.off())  # six messages within a second, on purpose
    user = tg.user("Eve", language_code="ru")
    expected = not_linked_text(translator("ru"))
    for text in ("hello", "/help", "/language", "/log", "/cancel"):
        await user.send(text)
        assert (await user.next_message()).text == expected, text
    await user.send_document(b"%PDF-1.4", "papers.pdf")
    assert (await user.next_message()).text == expected
    async with db.transaction() as session:
        assert await session.scalar(select(func.count()).select_from(Person)) == 0


async def test_language_can_be_switched_at_any_time(
    tg: Telegram, db: Database, clock: ManualClock, emulator: Emulator
) -> None:
    user = tg.user("Marc", language_code="ca")
    async with building(db, clock.now()) as b:
        org = await b.org()
        mentor = await b.person(org, Role.MENTOR, telegram_id=user.id, locale="ca")
    await user.send("/language")
    ask = await user.next_message()
    assert ask.buttons[0][0][0] == "✓ " + language_name("ca")
    await user.press(language_name("fr"))
    fr = translator("fr")
    done = await user.next_message()
    assert done.text.startswith(
        fr.gettext("Done: I will write to you in %(language)s.")
        % {"language": "français"}  # lower case inside a French sentence
    )
    assert done.text.endswith(address_again(fr))  # French marks gender: asked again, optional
    assert (await person_row(db, mentor.id)).locale == "fr"
    await user.send("/help")
    assert fr.gettext("Log a meeting") in (await user.next_message()).text
    calls = menu_calls(emulator, user.id)
    assert calls[-1]["commands"][0]["description"] == fr.gettext("Log a meeting")
    assert "person.language_changed" in await actions(db)


async def test_cancel_outside_a_conversation_says_there_is_nothing(
    tg: Telegram, db: Database, clock: ManualClock
) -> None:
    user = tg.user("Marc")
    async with building(db, clock.now()) as b:
        await b.person(await b.org(), Role.MENTOR, telegram_id=user.id)
    await user.send("/cancel")
    assert (await user.next_message()).text == "There is nothing to stop."
    await user.send("what now?")
    assert "/help" in (await user.next_message()).text


async def test_start_from_someone_already_connected_welcomes_them_back(
    tg: Telegram, db: Database, clock: ManualClock
) -> None:
    user = tg.user("Marc")
    async with building(db, clock.now()) as b:
        await b.person(await b.org(), Role.WORKER, telegram_id=user.id)
    await user.send("/start")
    assert "Welcome back" in (await user.next_message()).text
