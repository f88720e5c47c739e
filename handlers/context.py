"""The update as a handler sees it (`Ctx`): the person and their conversation in progress as
values, their language, the replies planned (sent after commit); and the small parsers of
button arguments every feature uses. See `handlers.common`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Message, Update
from telegram.ext import ContextTypes

from bot.i18n import Translator
from bot.markup import Buttons
from bot.runtime import Runtime
from bot.services import audit, drafts
from bot.services.drafts import Draft
from bot.services.errors import Invalid, NotFound
from domain import Me

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
    person: Me | None
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
    def me(self) -> Me:
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
    async def save_draft(self, flow: str, state: str, data: Mapping[str, Any]) -> Draft:
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
