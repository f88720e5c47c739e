"""Help from staff: `/help_staff` (mentors) and `/needhelp` (mentees); the thread's Reply and
Close buttons are in `handlers.help_thread`. All `hp:` buttons are parsed by
`bot.notifications.help_callbacks` and dispatched here, through `ON_PRESS`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from bot.i18n import isolate as _iso
from bot.notifications import help_callbacks as cb
from bot.notifications.help import ASK_LABELS
from bot.services import help as help_requests
from bot.services.errors import Invalid, NotAllowed, NotFound
from bot.services.help import PRESETS
from domain import HelpKind, Role
from handlers import help_thread as thread
from handlers.common import Buttons, Ctx
from handlers.help_drafts import AskDraft
from handlers.router import Router
from storage.models import Draft

FLOW_ASK = AskDraft.FLOW
KIND_CODES = cb.KIND_CODES
CODE_OF = cb.CODE_OF


def ask_draft(ctx: Ctx) -> AskDraft | None:
    """The question in progress, when the conversation in progress is one and can be read."""
    draft = ctx.draft
    if draft is None or draft.flow != FLOW_ASK:
        return None
    return AskDraft.from_data(draft.data)


async def _save(ctx: Ctx, state: str, ask: AskDraft) -> None:
    await ctx.save_draft(FLOW_ASK, state, ask.to_data())


# --- mentors ---------------------------------------------------------------------------------


async def on_help_staff(ctx: Ctx) -> None:
    ask = ask_draft(ctx)
    if ask is not None and ask.mentor_kind is not None:
        ctx.reply(
            ctx._("You have started asking the staff for help. Continue, or start over?"),
            [
                [
                    (ctx._("Continue"), cb.Resume().pack()),
                    (ctx._("Start over"), cb.StartOver().pack()),
                ]
            ],
        )
        return
    await _ask_kind(ctx)


async def _ask_kind(ctx: Ctx) -> None:
    await _save(ctx, "kind", AskDraft())
    buttons: Buttons = [
        [(ctx._(label), cb.ChooseKind(kind).pack())] for kind, label in ASK_LABELS.items()
    ]
    ctx.reply(ctx._("What do you need help with?"), buttons)


async def _on_kind(ctx: Ctx, kind: HelpKind) -> None:
    choices = await help_requests.mentor_matches(ctx.session, ctx.me)
    if not choices:
        await ctx.clear_draft()
        ctx.reply(ctx._("You have no active match yet, so there is no worker to ask."))
        return
    if len(choices) == 1:
        await _ask_text(ctx, kind, choices[0])
        return
    await _save(ctx, "match", AskDraft(kind=kind))
    ctx.reply(
        ctx._("Which family is it about?"),
        [[(c.family_name, cb.ChooseMatch(c.id).pack())] for c in choices],
    )


async def _on_match(ctx: Ctx, match_id: int) -> None:
    ask = ask_draft(ctx)
    kind = ask.mentor_kind if ask is not None else None
    if kind is None:
        await _ask_kind(ctx)  # an old button: begin again
        return
    choice = await help_requests.mentor_match(ctx.session, ctx.me, match_id)
    await _ask_text(ctx, kind, choice)


async def _ask_text(ctx: Ctx, kind: HelpKind, choice: help_requests.MatchChoice) -> None:
    await _save(ctx, "text", AskDraft(kind=kind, match_id=choice.id, family=choice.family_name))
    ctx.reply(
        ctx._(
            "Write your question for %(worker)s in one message (about the family %(family)s). "
            "Send /cancel to stop."
        )
        % {"worker": _iso(choice.worker_name), "family": _iso(choice.family_name)}
    )


async def _resume(ctx: Ctx) -> None:
    ask = ask_draft(ctx)
    kind = ask.mentor_kind if ask is not None else None
    state = ctx.draft.state if ctx.draft is not None else None
    if ask is None or kind is None:
        await _ask_kind(ctx)
    elif state == "match":
        await _on_kind(ctx, kind)
    elif state == "text" and ask.match_id is not None:
        choice = await help_requests.mentor_match(ctx.session, ctx.me, ask.match_id)
        await _ask_text(ctx, kind, choice)
    else:
        await _ask_kind(ctx)


# --- mentees ---------------------------------------------------------------------------------


async def on_need_help(ctx: Ctx) -> None:
    choice = await help_requests.mentee_match(ctx.session, ctx.me)
    if choice is None:
        ctx.reply(
            ctx._(
                "You do not have a worker in this programme yet. Please phone the "
                "organisation's office."
            )
        )
        return
    await _save(ctx, "text", AskDraft(kind=HelpKind.MENTEE))
    buttons: Buttons = [[(ctx._(text), cb.Preset(code).pack())] for code, text in PRESETS.items()]
    ctx.reply(
        ctx._("Write your message to %(worker)s, in your own language. Or press a button:")
        % {"worker": _iso(choice.worker_name)},
        buttons,
    )


async def _on_preset(ctx: Ctx, code: str) -> None:
    if code not in PRESETS:
        raise NotFound("no such ready-made message")
    ask = ask_draft(ctx)
    if (
        ctx.me.role == Role.MENTEE
        and ctx.update.callback_query is not None
        and (ask is None or ask.kind != HelpKind.MENTEE)
    ):
        # A button of a question already answered (a message sent, or /cancel): nothing is
        # sent twice; the words say so, and the button asks again.
        ctx.stale(
            ctx._(
                "Your message from here was already sent, or you stopped. To ask the staff "
                "again, tap the button."
            ),
            [[thread.need_help_button(ctx)]],
        )
        return
    sent = await help_requests.ask(ctx.session, ctx.now, ctx.me, HelpKind.MENTEE, preset=code)
    if ctx.draft is not None and ctx.draft.flow == FLOW_ASK:
        await ctx.clear_draft()
    ctx.settle()  # the question is answered: its buttons go
    _said_sent(ctx, sent)


# --- asking: the typed text ------------------------------------------------------------------


async def on_ask_text(ctx: Ctx, draft: Draft, text: str) -> None:
    ask = AskDraft.from_data(draft.data)
    if ask is None or ask.kind is None:  # a draft that cannot be read: begin again
        await ctx.clear_draft()
        await (on_need_help(ctx) if ctx.me.role == Role.MENTEE else _ask_kind(ctx))
        return
    try:
        sent = await help_requests.ask(
            ctx.session, ctx.now, ctx.me, ask.kind, text, match_id=ask.match_id
        )
    except (NotAllowed, NotFound) as exc:
        await ctx.clear_draft()
        thread.refused(ctx, exc)
        return
    except Invalid as exc:
        if exc.code == "no_match":
            await ctx.clear_draft()
            ctx.reply(ctx._("You have no active match now, so there is no worker to ask."))
            return
        thread.ask_again(ctx, exc)
        return
    await ctx.clear_draft()
    _said_sent(ctx, sent)


def _said_sent(ctx: Ctx, sent: help_requests.Sent) -> None:
    if sent.recipients:
        ctx.reply(
            ctx._("Sent to %(worker)s. The answer will come here, in this chat.")
            % {"worker": _iso(sent.worker_name)}
        )
    else:
        ctx.reply(
            ctx._(
                "Your message is saved, but the staff cannot be reached through the bot right "
                "now. Please phone the organisation's office."
            )
        )


# --- wiring ----------------------------------------------------------------------------------


async def _resume_or_restart(ctx: Ctx, press: cb.Resume | cb.StartOver) -> None:
    if ctx.me.role != Role.MENTOR:
        raise NotAllowed("mentor flow")
    await (_resume(ctx) if isinstance(press, cb.Resume) else _ask_kind(ctx))


# One handler per press (`bot.notifications.help_callbacks`): the data drawn on the buttons
# and the routing of a press are both defined by the press's type.
ON_PRESS: dict[type[cb.Press], Callable[[Ctx, Any], Awaitable[None]]] = {
    cb.Reply: lambda ctx, press: thread.on_reply(ctx, press.request_id),
    cb.Close: lambda ctx, press: thread.on_close(ctx, press.request_id),
    cb.NeedHelp: lambda ctx, press: on_need_help(ctx),
    cb.ChooseKind: lambda ctx, press: _on_kind(ctx, press.kind),
    cb.ChooseMatch: lambda ctx, press: _on_match(ctx, press.match_id),
    cb.Preset: lambda ctx, press: _on_preset(ctx, press.code),
    cb.Resume: _resume_or_restart,
    cb.StartOver: _resume_or_restart,
}


async def on_press(ctx: Ctx, args: list[str]) -> None:
    press: cb.Press | None = None
    try:
        press = cb.parse(args)
        await ON_PRESS[type(press)](ctx, press)
    except (NotAllowed, NotFound) as exc:
        target = (
            (help_requests.REF, press.request_id)
            if isinstance(press, cb.Reply | cb.Close)
            else None
        )
        thread.refused(ctx, exc, target)


async def on_choose_text(ctx: Ctx, draft: Draft, text: str) -> None:
    """Typed text while the buttons are expected: show them again."""
    await _resume(ctx)


def register(router: Router) -> None:
    router.command("help_staff", on_help_staff, roles=frozenset({Role.MENTOR}))
    router.command("needhelp", on_need_help, roles=frozenset({Role.MENTEE}))
    router.callback(cb.PREFIX, on_press)
    router.text_step(FLOW_ASK, "kind", on_choose_text)
    router.text_step(FLOW_ASK, "match", on_choose_text)
    router.text_step(FLOW_ASK, "text", on_ask_text)
    router.text_step(thread.FLOW_REPLY, "text", thread.on_reply_text)
