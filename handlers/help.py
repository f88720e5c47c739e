"""Help from staff: `/help_staff` (mentors) and `/needhelp` (mentees); the thread's Reply and
Close buttons are in `handlers.help_thread`. All `hp:` buttons are dispatched here."""

from __future__ import annotations

from bot.i18n import isolate as _iso
from bot.services import help as help_requests
from bot.services.errors import Invalid, NotAllowed, NotFound
from bot.services.help import ASK_LABELS, PREFIX, PRESETS
from domain import HelpKind, Role
from handlers import help_thread as thread
from handlers.common import Buttons, Ctx, id_arg
from handlers.router import Router
from storage.models import Draft

FLOW_ASK = "help_ask"

KIND_CODES: dict[str, HelpKind] = {
    "p": HelpKind.PRACTICAL,
    "r": HelpKind.RELATIONSHIP,
    "s": HelpKind.SUPPORT,
}
CODE_OF = {kind: code for code, kind in KIND_CODES.items()}


# --- mentors ---------------------------------------------------------------------------------


async def on_help_staff(ctx: Ctx) -> None:
    draft = ctx.draft
    if (
        draft is not None
        and draft.flow == FLOW_ASK
        and draft.data.get("kind") in KIND_CODES.values()
    ):
        ctx.reply(
            ctx._("You have started asking the staff for help. Continue, or start over?"),
            [[(ctx._("Continue"), f"{PREFIX}:go"), (ctx._("Start over"), f"{PREFIX}:new")]],
        )
        return
    await _ask_kind(ctx)


async def _ask_kind(ctx: Ctx) -> None:
    await ctx.save_draft(FLOW_ASK, "kind", {})
    buttons: Buttons = [
        [(ctx._(label), f"{PREFIX}:k:{CODE_OF[kind]}")] for kind, label in ASK_LABELS.items()
    ]
    ctx.reply(ctx._("What do you need help with?"), buttons)


async def _on_kind(ctx: Ctx, code: str) -> None:
    kind = KIND_CODES.get(code)
    if kind is None:
        raise NotFound("no such kind")
    choices = await help_requests.mentor_matches(ctx.session, ctx.me)
    if not choices:
        await ctx.clear_draft()
        ctx.reply(ctx._("You have no active match yet, so there is no worker to ask."))
        return
    if len(choices) == 1:
        await _ask_text(ctx, kind, choices[0])
        return
    await ctx.save_draft(FLOW_ASK, "match", {"kind": kind.value})
    ctx.reply(
        ctx._("Which family is it about?"),
        [[(c.family_name, f"{PREFIX}:m:{c.id}")] for c in choices],
    )


async def _on_match(ctx: Ctx, arg: str) -> None:
    draft = ctx.draft
    kind_value = draft.data.get("kind") if draft is not None and draft.flow == FLOW_ASK else None
    if kind_value not in KIND_CODES.values():
        await _ask_kind(ctx)  # an old button: begin again
        return
    choice = await help_requests.mentor_match(ctx.session, ctx.me, id_arg(arg))
    await _ask_text(ctx, HelpKind(str(kind_value)), choice)


async def _ask_text(ctx: Ctx, kind: HelpKind, choice: help_requests.MatchChoice) -> None:
    await ctx.save_draft(
        FLOW_ASK, "text", {"kind": kind.value, "match_id": choice.id, "family": choice.family_name}
    )
    ctx.reply(
        ctx._(
            "Write your question for %(worker)s in one message (about the family %(family)s). "
            "Send /cancel to stop."
        )
        % {"worker": _iso(choice.worker_name), "family": _iso(choice.family_name)}
    )


async def _resume(ctx: Ctx) -> None:
    draft = ctx.draft
    if draft is None or draft.flow != FLOW_ASK:
        await _ask_kind(ctx)
        return
    kind_value = draft.data.get("kind")
    if draft.state == "match" and kind_value in KIND_CODES.values():
        await _on_kind(ctx, CODE_OF[HelpKind(str(kind_value))])
    elif draft.state == "text" and kind_value in KIND_CODES.values():
        choice = await help_requests.mentor_match(ctx.session, ctx.me, int(draft.data["match_id"]))
        await _ask_text(ctx, HelpKind(str(kind_value)), choice)
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
    await ctx.save_draft(FLOW_ASK, "text", {"kind": HelpKind.MENTEE.value})
    buttons: Buttons = [[(ctx._(text), f"{PREFIX}:q:{code}")] for code, text in PRESETS.items()]
    ctx.reply(
        ctx._("Write your message to %(worker)s, in your own language. Or press a button:")
        % {"worker": _iso(choice.worker_name)},
        buttons,
    )


async def _on_preset(ctx: Ctx, code: str) -> None:
    if code not in PRESETS:
        raise NotFound("no such ready-made message")
    draft = ctx.draft
    if (
        ctx.me.role == Role.MENTEE
        and ctx.update.callback_query is not None
        and (draft is None or draft.flow != FLOW_ASK or draft.data.get("kind") != HelpKind.MENTEE)
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
    if draft is not None and draft.flow == FLOW_ASK:
        await ctx.clear_draft()
    ctx.settle()  # the question is answered: its buttons go
    _said_sent(ctx, sent)


# --- asking: the typed text ------------------------------------------------------------------


async def on_ask_text(ctx: Ctx, draft: Draft, text: str) -> None:
    kind = HelpKind(draft.data["kind"])
    match_id = draft.data.get("match_id")
    try:
        sent = await help_requests.ask(
            ctx.session,
            ctx.now,
            ctx.me,
            kind,
            text,
            match_id=int(match_id) if match_id is not None else None,
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


async def on_press(ctx: Ctx, args: list[str]) -> None:
    try:
        await _dispatch(ctx, args)
    except (NotAllowed, NotFound) as exc:
        action, arg = [*args, "", ""][:2]
        target = (help_requests.REF, int(arg)) if action in ("r", "c") and arg.isdigit() else None
        thread.refused(ctx, exc, target)


async def _dispatch(ctx: Ctx, args: list[str]) -> None:
    action, arg = [*args, "", ""][:2]
    if action == "r":
        await thread.on_reply(ctx, arg)
    elif action == "c":
        await thread.on_close(ctx, arg)
    elif action == "k":
        await _on_kind(ctx, arg)
    elif action == "m":
        await _on_match(ctx, arg)
    elif action == "q":
        await _on_preset(ctx, arg)
    elif action in ("go", "new"):
        if ctx.me.role != Role.MENTOR:
            raise NotAllowed("mentor flow")
        await (_resume(ctx) if action == "go" else _ask_kind(ctx))
    elif action == "n":
        await on_need_help(ctx)
    else:
        raise NotFound("unknown help button")


async def on_choose_text(ctx: Ctx, draft: Draft, text: str) -> None:
    """Typed text while the buttons are expected: show them again."""
    await _resume(ctx)


def register(router: Router) -> None:
    router.command("help_staff", on_help_staff, roles=frozenset({Role.MENTOR}))
    router.command("needhelp", on_need_help, roles=frozenset({Role.MENTEE}))
    router.callback(PREFIX, on_press)
    router.text_step(FLOW_ASK, "kind", on_choose_text)
    router.text_step(FLOW_ASK, "match", on_choose_text)
    router.text_step(FLOW_ASK, "text", on_ask_text)
    router.text_step(thread.FLOW_REPLY, "text", thread.on_reply_text)
