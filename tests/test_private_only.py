"""Private chats only: in a group the bot says once, without any personal data, that it works
in private chats, starts nothing, and leaves; a button pressed there is refused; a business
account's messages are refused the same way."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from bot.app import App
from bot.chats import allows_groups
from bot.clock import ManualClock
from emulator import Emulator, SimulatedGroup
from storage.db import Database
from storage.models import AuditEvent, Draft, Role
from tests.factories import building
from tests.harness import Person as User
from tests.harness import Telegram

NOTICE = "I work in private chats only"


@dataclass
class Cast:
    marta: User  # a linked mentor, with a match
    names: list[str]  # every name the bot knows in this story


@pytest.fixture
async def cast(db: Database, clock: ManualClock, tg: Telegram) -> Cast:
    marta = tg.user("Marta", language_code="en")
    async with building(db, clock.now()) as b:
        org = await b.org(locale="en")
        worker = await b.person(org, Role.WORKER, "Wendy Oyelaran")
        mentor = await b.person(org, Role.MENTOR, "Marta Vilaró", telegram_id=marta.id)
        family = await b.family(org, "Haddad")
        await b.person(org, Role.MENTEE, "Amal Haddad", family=family)
        await b.match(family, [mentor], worker)
    await marta.send("/start")
    await marta.next_message()
    return Cast(marta, ["Wendy", "Oyelaran", "Marta", "Vilaró", "Haddad", "Amal"])


async def _left(group: SimulatedGroup) -> None:
    await group.wait_for_event(kinds=("left",), after=0)


def _no_names(text: str, names: list[str]) -> None:
    assert not [n for n in names if n in text], text


async def _drafts(db: Database) -> int:
    async with db.transaction() as s:
        return int(await s.scalar(select(func.count()).select_from(Draft)) or 0)


@pytest.mark.parametrize("kind", ["group", "supergroup"])
async def test_added_to_a_group_it_says_so_once_and_leaves(
    app: App, emulator: Emulator, db: Database, cast: Cast, kind: str
) -> None:
    group = emulator.group(cast.marta.user, "Haddad volunteers", kind=kind)
    group.add_bot(by=cast.marta.user)
    await group.send(cast.marta.user, "/mymatches")  # sent before the bot could leave
    await group.send(cast.marta.user, "/concern")
    await _left(group)
    assert group.bot_status == "left"
    [said] = group.messages
    assert NOTICE in said.text and "leaving this group" in said.text and not said.keyboard
    _no_names(said.text, cast.names)
    assert emulator.calls_to("leaveChat", ok=True)
    assert await _drafts(db) == 0  # nothing was started

    # the person's own private /concern finds no draft from the group
    await cast.marta.send("/concern")
    assert "What is the concern about?" in (await cast.marta.next_message()).text


async def test_a_command_in_a_group_it_is_still_in_starts_nothing(
    app: App, emulator: Emulator, db: Database, cast: Cast
) -> None:
    group = emulator.group(cast.marta.user, "Old group", kind="supergroup")
    group.chat.bot_status = "member"  # added before the bot refused groups
    await group.send(cast.marta.user, "/mymatches")
    await group.send(cast.marta.user, "/concern")
    await group.send(cast.marta.user, "She has not left the flat")
    await _left(group)
    [said] = group.messages
    assert NOTICE in said.text
    _no_names(said.text, cast.names)
    assert await _drafts(db) == 0
    assert not [c for c in emulator.calls_to("sendMessage") if c.params.get("chat_id") == group.id][
        1:
    ]


async def test_a_button_pressed_in_a_group_is_refused(
    app: App, emulator: Emulator, db: Database, cast: Cast
) -> None:
    group = emulator.group(cast.marta.user, "Team")
    group.add_bot(by=cast.marta.user)
    await _left(group)
    [said] = group.messages
    async with db.transaction() as s:
        before = await s.scalar(select(func.count(AuditEvent.id)))
    await group.press(cast.marta.user, said, "cn:ack:1", forged=True)
    answer = await group.wait_for_event(kinds=("callback_answer",), after=0)
    assert (
        answer.answer is not None and answer.answer.text == "This bot works in private chats only."
    )
    assert len(group.messages) == 1  # said once
    async with db.transaction() as s:
        assert await s.scalar(select(func.count(AuditEvent.id))) == before


async def test_removing_the_bot_from_a_group_does_not_mark_the_person_unreachable(
    app: App, emulator: Emulator, db: Database, cast: Cast
) -> None:
    group = emulator.group(cast.marta.user, "Team")
    group.chat.bot_status = "member"
    group.remove_bot(by=cast.marta.user)
    await cast.marta.send("/help")  # the next update is handled after the removal
    assert "/log" in (await cast.marta.next_message()).text
    assert group.messages == []
    async with db.transaction() as s:
        refused = await s.scalar(
            select(func.count(AuditEvent.id)).where(AuditEvent.action == "person.unreachable")
        )
    assert not refused


async def test_business_account_messages_are_refused(
    app: App, emulator: Emulator, db: Database, cast: Cast
) -> None:
    bot = emulator.bot()
    user = cast.marta.user.info.user_json()
    bot.enqueue("business_connection", {
        "id": "bc1", "user": user, "user_chat_id": cast.marta.id, "date": 1, "is_enabled": True,
    })  # fmt: skip
    customer = {"id": 555, "is_bot": False, "first_name": "Amal", "last_name": "Haddad"}
    bot.enqueue("business_message", {
        "message_id": 1, "date": 1, "business_connection_id": "bc1", "from": customer,
        "chat": {"id": 555, "type": "private", "first_name": "Amal"}, "text": "/concern",
        "entities": [{"type": "bot_command", "offset": 0, "length": 8}],
    })  # fmt: skip
    said = await cast.marta.next_message()
    assert NOTICE in said.text and "leaving" not in said.text
    await cast.marta.send("/help")
    assert "/log" in (await cast.marta.next_message()).text  # the business message came between
    assert not [
        c for c in emulator.calls_to("sendMessage") if c.params.get("business_connection_id")
    ]
    assert await _drafts(db) == 0


def test_get_me_tells_the_start_up_check_whether_groups_are_allowed() -> None:
    assert allows_groups({"id": 1, "can_join_groups": True})
    assert not allows_groups({"id": 1, "can_join_groups": False})
    assert not allows_groups({"id": 1})

    class Me:
        can_join_groups = True

    assert allows_groups(Me())
