"""A service's refusal inside any handler is audited and answered in the user's words."""

from __future__ import annotations

from sqlalchemy import select

from bot.clock import ManualClock
from bot.i18n import translator
from bot.services.errors import NotAllowed
from handlers.common import Ctx, wrap
from storage.db import Database
from storage.models import AuditEvent, Role
from tests.factories import building
from tests.harness import Telegram


async def test_a_refused_press_is_audited_and_answered(
    tg: Telegram, db: Database, clock: ManualClock, app: object
) -> None:
    from telegram.ext import CallbackQueryHandler

    async def forbidden(ctx: Ctx) -> None:
        ctx.reply("x")  # never sent: the service refuses first
        raise NotAllowed("not yours")

    app.add_handler(CallbackQueryHandler(wrap(forbidden), pattern="^zz"), group=-1)  # type: ignore[attr-defined]
    alice = tg.user("Alice", language_code="en")
    async with building(db, clock.now()) as b:
        org = await b.org()
        mentor = await b.person(org, Role.MENTOR, telegram_id=alice.id)
    await alice.send("/help")
    await alice.next_message()
    await alice.press_forged("zz:1")
    refusal = await alice.next_message()
    assert "not available to you" in refusal.text
    async with db.transaction() as session:
        events = (
            (await session.execute(select(AuditEvent).where(AuditEvent.action == "access.refused")))
            .scalars()
            .all()
        )
    assert [(e.actor_id, e.organisation_id, e.detail["callback"]) for e in events] == [
        (mentor.id, org.id, "zz:1")
    ]


async def test_a_refusal_does_not_announce_a_conversation_coming_back(
    tg: Telegram, db: Database, clock: ManualClock, app: object
) -> None:
    """The handler's change is rolled back: nothing it said would happen has happened."""
    from telegram.ext import CallbackQueryHandler

    async def ends_then_refused(ctx: Ctx) -> None:
        await ctx.save_draft("log", "day", {})
        await ctx.save_draft("report", "rate", {})  # sets the meeting log aside
        await ctx.clear_draft()  # the meeting log comes back…
        raise NotAllowed("not yours")  # …but the service refuses: all of it is undone

    app.add_handler(CallbackQueryHandler(wrap(ends_then_refused), pattern="^zy"), group=-1)  # type: ignore[attr-defined]
    alice = tg.user("Alice", language_code="en")
    async with building(db, clock.now()) as b:
        org = await b.org()
        await b.person(org, Role.MENTOR, telegram_id=alice.id)
    await alice.send("/help")
    await alice.next_message()
    await alice.press_forged("zy:1")
    refusal = await alice.next_message()
    assert "not available to you" in refusal.text
    await alice.expect_no_message()


async def test_a_button_of_no_feature_is_answered(
    tg: Telegram, db: Database, clock: ManualClock, app: object
) -> None:
    """An old button (of a feature that changed) or a forged one: the spinner stops with a
    reason, and nothing else happens."""
    alice = tg.user("Alice", language_code="en")
    async with building(db, clock.now()) as b:
        org = await b.org()
        await b.person(org, Role.MENTOR, telegram_id=alice.id, locale="es")
    await alice.send("/help")
    await alice.next_message()
    await alice.press_forged("qq:1")
    assert await alice.answer(timeout=3) == translator("es").gettext(
        "Sorry, that is not available to you."
    )
    await alice.expect_no_message()
