"""Turning a feature handler into a PTB callback (`wrap`): one transaction per update (which
also marks the update handled in the inbox and stores the replies it owes), the person behind
it, their language, refusals in their words; replies sent only once the transaction has
committed (bot/intake.py, bot/replies.py). See `handlers.common`."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Update
from telegram.ext import ContextTypes

from bot import replies
from bot.i18n import Translator, normalise_locale, translator
from bot.notifications import bus
from bot.replies import Reply
from bot.runtime import runtime_of
from bot.services import audit, inbox, people, texts
from bot.services.errors import Invalid, NotAllowed, NotFound
from domain import Consent, Role
from handlers.context import Ctx

log = logging.getLogger(__name__)


class AlreadyHandled(Exception):
    """The inbox update was handled by an earlier run."""


def planned_replies(ctx: Ctx) -> list[Reply]:
    """The replies a handler asked for, as stored with its changes (see bot/replies.py)."""
    query = ctx.update.callback_query
    chat_id = ctx.update.effective_chat.id if ctx.update.effective_chat else ctx.telegram_id
    for action in ctx.actions:
        # Never fail a reply for its length: cut it to Telegram's limit (UTF-16 units).
        if action.kind != "toast":
            limit = texts.CAPTION_MAX if action.kind in ("document", "photo") else texts.MESSAGE_MAX
            action.text = texts.html_clip(action.text, limit)
    return replies.plan(
        chat_id,
        [(a.kind, a.text, a.buttons, a.alert, a.document, a.keys) for a in ctx.actions],
        query_id=query.id if query is not None else None,
        query_message_id=(
            query.message.message_id if query is not None and query.message is not None else None
        ),
        resume_hint=ctx.resume_hint,
    )


async def _record(ctx: Ctx, session: AsyncSession) -> list[Reply]:
    """Plan the replies; when the update comes from the inbox, mark it handled with them in
    this (the handler's) transaction."""
    planned = planned_replies(ctx)
    handling = replies.current.get()
    if handling is not None and not await inbox.handled(
        session, ctx.now, handling.update_id, planned
    ):
        # Handled already (a commit whose answer was lost): undo this second run.
        raise AlreadyHandled(handling.update_id)
    return planned


async def _after_commit(ctx: Ctx, planned: list[Reply]) -> None:
    """Replies and deferred work once the transaction committed: handed to the dispatcher that
    delivers them (inbox), or delivered here (an update processed outside the inbox)."""
    handling = replies.current.get()
    if handling is not None:
        handling.recorded, handling.replies = True, planned
        handling.deferred.extend(ctx.deferred)
        return
    await replies.deliver(ctx.context.bot, planned)
    for deferred in ctx.deferred:
        await deferred()


def client_translator(update: Update) -> Translator:
    user = update.effective_user
    return translator(normalise_locale(user.language_code if user else None))


def not_linked_text(tr: Translator) -> str:
    return tr.gettext(
        "Hello! This bot is used by mentoring programmes. To use it, you need a personal "
        "invitation link from your programme's staff. Please open the link they gave you, "
        "or ask them for a new one."
    )


def wrap(
    fn: Callable[[Ctx], Awaitable[None]],
    *,
    linked: bool = True,
    roles: frozenset[Role] | None = None,
) -> Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]:
    """Turn a feature handler into a PTB callback: one transaction, the person, their
    language; replies after commit; refusals in the user's language."""

    async def callback(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        user = update.effective_user
        if user is None:
            return
        rt = runtime_of(context.bot_data)
        now = rt.clock.now()
        ctx: Ctx | None = None
        refused: str | None = None
        planned: list[Reply] = []
        queued = False
        try:
            async with rt.db.transaction() as session:
                # Anyone who writes to the bot can be reached by it again.
                came = await people.arrival(
                    session, now, user.id, writes=update.my_chat_member is None
                )
                person = came.me
                tr, tz = client_translator(update), "UTC"
                if came.reader is not None:
                    tr, tz = came.reader.tr, came.reader.tz
                ctx = Ctx(update, context, rt, session, now, user.id, person, tr, tz)
                ctx.draft = came.draft
                if linked and (person is None or person.consent != Consent.GIVEN):
                    ctx.reply(not_linked_text(tr))
                elif roles is not None and (person is None or person.role not in roles):
                    ctx.reply(tr.gettext("This command is not available to you."))
                else:
                    await fn(ctx)
                await bus.dispatch(session)  # what others must be told, before the commit
                planned = await _record(ctx, session)
                queued = bool(session.info.get("outbox_dirty"))
        except (NotAllowed, NotFound) as exc:
            refused = type(exc).__name__
        except Invalid as exc:
            log.info("invalid input refused: %s", exc.code)
            refused = "Invalid"
        if refused is not None and ctx is not None:
            await _refuse(ctx, refused)
            return
        if ctx is not None:
            if queued:  # the sender looks only when there is something to send
                rt.wake_sender()
            await _after_commit(ctx, planned)

    return callback


async def _refuse(ctx: Ctx, reason: str) -> None:
    """A refused action: nothing of it was stored. Audit it, and say so in the user's words."""
    ctx.actions, ctx.resume_hint, ctx.deferred = [], None, []
    if reason == "Invalid":
        ctx.reply(ctx._("Sorry, that did not work. Please try again."))
    else:
        ctx.reply(ctx._("Sorry, that is not available to you."))
    async with ctx.rt.db.transaction() as session:
        # The update's transaction was rolled back: its objects are gone with it.
        person = await people.by_telegram_id(session, ctx.telegram_id)
        data = ctx.update.callback_query.data if ctx.update.callback_query else None
        audit.record(
            session,
            ctx.now,
            "access.refused",
            actor_id=person.id if person else None,
            organisation_id=person.organisation_id if person else None,
            reason=reason,
            callback=(data or "")[:64],
        )
        planned = await _record(ctx, session)
    await _after_commit(ctx, planned)
