"""Collects each feature's commands, button prefixes and conversation steps, and installs them
into a PTB `Application`. A typed message is routed by the sender's conversation in progress
(kept in the database), so a conversation survives a restart."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from telegram import ChatMember
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    MessageHandler,
    filters,
)
from telegram.ext import (
    BaseHandler as PTBHandler,
)

from bot.services import outbox, people, texts
from domain import Consent, Role
from handlers import private_only
from handlers.common import Ctx, CtxHandler, PressHandler, TextStep, not_linked_text, wrap


@dataclass
class Router:
    handlers: list[PTBHandler[Any, Any, Any]] = field(default_factory=list)
    text_steps: dict[tuple[str, str], TextStep] = field(default_factory=dict)
    fallback: CtxHandler | None = None
    key_handler: Callable[[Ctx, str], Awaitable[bool]] | None = None
    _prefixes: set[str] = field(default_factory=set)
    _public_flows: set[str] = field(default_factory=set)
    _media_steps: set[tuple[str, str]] = field(default_factory=set)

    def command(
        self,
        name: str,
        fn: CtxHandler,
        *,
        linked: bool = True,
        roles: frozenset[Role] | None = None,
    ) -> None:
        self.handlers.append(CommandHandler(name, wrap(fn, linked=linked, roles=roles)))

    def callback(
        self,
        prefix: str,
        fn: PressHandler,
        *,
        linked: bool = True,
        roles: frozenset[Role] | None = None,
    ) -> None:
        """Buttons whose callback data is `"<prefix>:<arg>:…"`; `fn(ctx, args)`."""
        if prefix in self._prefixes or ":" in prefix:
            raise ValueError(f"callback prefix {prefix!r} taken or malformed")
        self._prefixes.add(prefix)

        async def on_press(ctx: Ctx) -> None:
            query = ctx.update.callback_query
            assert query is not None
            await fn(ctx, (query.data or "").split(":")[1:])

        self.handlers.append(
            CallbackQueryHandler(
                wrap(on_press, linked=linked, roles=roles), pattern=f"^{prefix}(:|$)"
            )
        )

    def text_step(
        self, flow: str, state: str, fn: TextStep, *, public: bool = False, media: bool = False
    ) -> None:
        """The handler of typed text while the sender's conversation is at (flow, state).
        Only `public` flows (onboarding) are open to people not yet linked and agreeing.
        A `media` step also takes voice notes, photos, files and locations (with text "")."""
        if (flow, state) in self.text_steps:
            raise ValueError(f"text step {flow}/{state} registered twice")
        self.text_steps[(flow, state)] = fn
        if public:
            self._public_flows.add(flow)
        if media:
            self._media_steps.add((flow, state))

    def set_key_handler(self, fn: Callable[[Ctx, str], Awaitable[bool]]) -> None:
        """What reads a tap on a reply keyboard (before any conversation step): True when the
        text was a button's label and was handled."""
        self.key_handler = fn

    def set_fallback(self, fn: CtxHandler) -> None:
        """What to do with typed text outside any conversation."""
        self.fallback = fn

    def install(self, app: Application) -> None:  # type: ignore[type-arg]
        # First, in a handler group of its own: nothing below sees a group, channel or
        # business-account update.
        private_only.install(app)
        # Edited messages come first, so that no command or step ever reads one.
        app.add_handler(
            MessageHandler(filters.UpdateType.EDITED, wrap(self._on_edited, linked=False))
        )
        for handler in self.handlers:
            app.add_handler(handler)
        app.add_handler(
            ChatMemberHandler(
                wrap(self._on_membership, linked=False), ChatMemberHandler.MY_CHAT_MEMBER
            )
        )
        app.add_handler(
            MessageHandler(filters.TEXT & ~filters.COMMAND, wrap(self._on_text, linked=False))
        )
        app.add_handler(MessageHandler(filters.COMMAND, wrap(self._on_unknown_command)))
        # A button no feature claims (an old one, or forged): stop the spinner, say why.
        app.add_handler(CallbackQueryHandler(wrap(self._on_unknown_press, linked=False)))
        # Photos, stickers, voice notes… outside any feature: answered like typed text.
        others = filters.UpdateType.MESSAGE & ~filters.TEXT & ~filters.StatusUpdate.ALL
        app.add_handler(MessageHandler(others, wrap(self._on_other, linked=False)))

    async def _on_edited(self, ctx: Ctx) -> None:
        """An edited message is never read as an answer (nor as a command): what was sent
        has been acted on already. While a conversation waits, one line says so."""
        if ctx.draft is not None:
            ctx.reply(
                ctx._(
                    "I only read new messages, so I did not take your change to an earlier "
                    "one. To change your answer, send it again."
                )
            )

    async def _on_other(self, ctx: Ctx) -> None:
        draft = ctx.draft
        if draft is not None and (draft.flow, draft.state) in self._media_steps:
            if not self._allowed(ctx, draft.flow):
                ctx.reply(not_linked_text(ctx.tr))
                return
            await self.text_steps[(draft.flow, draft.state)](ctx, draft, "")
            return
        if self.fallback is not None:
            await self.fallback(ctx)

    async def _on_text(self, ctx: Ctx) -> None:
        message = ctx.update.effective_message
        # The one place typed text enters: cleaned once (no NUL or other C0 controls, NFC).
        text = texts.clean((message.text if message else None) or "")
        if self.key_handler is not None and await self.key_handler(ctx, text):
            return
        draft = ctx.draft
        if draft is not None:
            step = self.text_steps.get((draft.flow, draft.state))
            if step is not None and not self._allowed(ctx, draft.flow):
                ctx.reply(not_linked_text(ctx.tr))
                return
            if step is not None:
                await step(ctx, draft, text.strip())
                return
        if self.fallback is not None:
            await self.fallback(ctx)

    async def _on_membership(self, ctx: Ctx) -> None:
        """The person blocked the bot (kicked) or unblocked it (member)."""
        change = ctx.update.my_chat_member
        if change is None or ctx.person is None:
            return
        status = change.new_chat_member.status
        if status in (ChatMember.BANNED, ChatMember.LEFT):
            await outbox.blocked_bot(ctx.session, ctx.now, ctx.person)
        elif status == ChatMember.MEMBER:
            await people.reachable_again(ctx.session, ctx.now, ctx.person)

    def _allowed(self, ctx: Ctx, flow: str) -> bool:
        if flow in self._public_flows:
            return True
        return ctx.person is not None and ctx.person.consent == Consent.GIVEN

    async def _on_unknown_press(self, ctx: Ctx) -> None:
        ctx.toast(ctx._("Sorry, that is not available to you."))

    async def _on_unknown_command(self, ctx: Ctx) -> None:
        ctx.reply(ctx._("I do not know that command. Send /help to see what I can do."))
