"""What every handler shares: one transaction per update (which also marks the update handled
in the inbox and stores the replies it owes), the person behind it, their language, and
replies sent only once the transaction has committed (bot/intake.py, bot/replies.py).

A feature handler is `async def step(ctx: Ctx) -> None` (commands), `async def on_press(ctx, args)`
(buttons: callback data `"<prefix>:<arg>:<arg>"`) or `async def on_text(ctx, draft, text)`
(a typed answer while a conversation is in progress). It parses input, calls a service, and
renders the reply with `ctx._`; it holds no business rules and no SQL.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Coroutine, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Message, Update
from telegram.ext import ContextTypes

from bot import replies
from bot.i18n import Translator, normalise_locale, translator
from bot.markup import Buttons as Buttons  # re-exported: every feature builds these
from bot.notifications import bus
from bot.replies import Reply
from bot.runtime import Runtime, runtime_of
from bot.services import audit, drafts, inbox, people, texts
from bot.services.errors import Invalid, NotAllowed, NotFound
from domain import Consent, Role
from storage.models import Draft, Person

log = logging.getLogger(__name__)

CtxHandler = Callable[["Ctx"], Awaitable[None]]
PressHandler = Callable[["Ctx", list[str]], Awaitable[None]]
TextStep = Callable[["Ctx", Draft, str], Awaitable[None]]

# The command that takes a person back into a conversation they set aside.
RESUME_COMMANDS = {
    "log": "log",
    "report": "report",
    "plan": "plan",
    "concern": "concern",
    "problem": "problem",
    "help_ask": "help_staff",
    "request": "request",
    "profile": "profile",
    "checkin": "checkin",
}


def chunk(items: Iterable[tuple[str, str]], per_row: int) -> Buttons:
    row: list[tuple[str, str]] = []
    rows: Buttons = []
    for item in items:
        row.append(item)
        if len(row) == per_row:
            rows.append(row)
            row = []
    if row:
        rows.append(row)
    return rows


def id_arg(value: str) -> int:
    """An id carried by a button. Callback data is untrusted: a malformed one is refused like
    a record this person may not see."""
    try:
        return int(value)
    except ValueError:
        raise NotFound("malformed id") from None


def number_arg(value: str) -> int:
    """A number carried by a button of a conversation step; a malformed one is bad input."""
    try:
        return int(value)
    except ValueError:
        raise Invalid("bad_data") from None


@dataclass
class _Action:
    kind: str  # reply, edit, toast, document, photo
    text: str = ""
    buttons: Buttons | None = None
    alert: bool = False
    document: tuple[str, bytes] | None = None
    keys: list[list[str]] | None = None


@dataclass
class Ctx:
    """One update, seen by a handler."""

    update: Update
    context: ContextTypes.DEFAULT_TYPE
    rt: Runtime
    session: AsyncSession
    now: datetime
    telegram_id: int
    person: Person | None
    tr: Translator
    tz: str
    draft: Draft | None = None
    actions: list[_Action] = field(default_factory=list)
    resume_hint: str | None = None
    deferred: list[Callable[[], Awaitable[Any]]] = field(default_factory=list)

    # language ---------------------------------------------------------------------------
    def _(self, message: str) -> str:
        return self.tr.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.tr.ngettext(singular, plural, n)

    def pgettext(self, context: str, message: str) -> str:
        return self.tr.pgettext(context, message)

    @property
    def me(self) -> Person:
        """The linked person (handlers registered with `linked=True` always have one)."""
        assert self.person is not None
        return self.person

    # replies, sent after commit ----------------------------------------------------------
    def reply(
        self, text: str, buttons: Buttons | None = None, *, keys: list[list[str]] | None = None
    ) -> None:
        """A new message; `keys`: with the persistent reply keyboard (instead of buttons)."""
        self.actions.append(_Action("reply", text, buttons, keys=keys))

    def edit(self, text: str, buttons: Buttons | None = None) -> None:
        """Replace the pressed message (or reply, when the update is not a button press)."""
        kind = "edit" if self.update.callback_query else "reply"
        self.actions.append(_Action(kind, text, buttons))

    def stale(self, text: str, buttons: Buttons | None = None) -> None:
        """A press on a button of a conversation that has ended: the pressed message keeps
        its words and loses its buttons, and a new message says what happened and what to
        do next (rather than replacing the question far up the chat); `buttons`: the next
        useful step."""
        self.settle()
        self.actions.append(_Action("reply", text, buttons))

    def settle(self) -> None:
        """The pressed message keeps its words and loses its buttons: its conversation is
        finished."""
        query = self.update.callback_query
        message = query.message if query is not None else None
        if isinstance(message, Message) and message.text:
            self.actions.append(_Action("edit", message.text_html))

    def after(self, fn: Callable[[], Awaitable[Any]]) -> None:
        """Run `fn()` once the transaction committed and the replies were sent."""
        self.deferred.append(fn)

    def toast(self, text: str, alert: bool = False) -> None:
        self.actions.append(_Action("toast", text, alert=alert))

    def send_document(self, name: str, content: bytes, caption: str = "") -> None:
        self.actions.append(_Action("document", caption, document=(name, content)))

    def send_photo(self, content: bytes, caption: str = "") -> None:
        """An image (PNG) shown in the chat, with an optional caption."""
        self.actions.append(_Action("photo", caption, document=("photo.png", content)))

    # conversation state -----------------------------------------------------------------
    async def save_draft(self, flow: str, state: str, data: dict[str, Any]) -> Draft:
        self.draft = await drafts.save(self.session, self.telegram_id, flow, state, data, self.now)
        self.resume_hint = None
        return self.draft

    async def clear_draft(self, *, everything: bool = False) -> None:
        """End the conversation in progress. A conversation it had set aside comes back, and
        the person is told how to go on with it (or `everything`: `/cancel`)."""
        self.draft = await drafts.clear(
            self.session, self.telegram_id, self.now, everything=everything
        )
        if self.draft is not None:
            command = RESUME_COMMANDS.get(self.draft.flow)
            self.resume_hint = (
                self._(
                    "You still have an unfinished conversation: send /%(command)s to go on "
                    "with it, or /cancel to drop it."
                )
                % {"command": command}
                if command
                else self._(
                    "You still have an unfinished conversation: your next message "
                    "goes on with it. Send /cancel to drop it."
                )
            )

    def audit(self, action: str, target: tuple[str, int] | None = None, **detail: Any) -> None:
        audit.record(
            self.session,
            self.now,
            action,
            actor_id=self.person.id if self.person else None,
            organisation_id=self.person.organisation_id if self.person else None,
            target=target,
            **detail,
        )


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
                person, org, draft = await people.with_draft(session, user.id)
                if person is not None and not person.active:
                    person = None
                tr, tz = client_translator(update), "UTC"
                if person is not None:
                    rd = await people.reader(session, person, org)
                    tr, tz = rd.tr, rd.tz
                ctx = Ctx(update, context, rt, session, now, user.id, person, tr, tz)
                ctx.draft = draft
                if person is not None and update.my_chat_member is None:
                    # Anyone who writes to the bot can be reached by it again.
                    await people.reachable_again(session, now, person)
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
