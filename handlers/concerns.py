"""Concerns, raised by mentors: `/concern` (category, severity, which match, what happened,
confirm) and the `cn:new:<match>` button at the end of a meeting log. All `cn:` buttons are
dispatched here; the mentees' `/problem` is in `handlers.concerns_mentee`, the staff's side in
`handlers.concerns_staff`, the summary and the answers once sent in `handlers.concerns_views`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from bot.notifications.concerns import (
    CATEGORY_LABELS,
    SEVERITY_HELP,
    SEVERITY_LABELS,
    SEVERITY_MARKS,
)
from bot.notifications.concerns import callbacks as cb
from bot.services import concerns
from bot.services.drafts import Draft
from bot.services.errors import Invalid, NotAllowed, NotFound
from domain import Role, Severity
from handlers import concerns_draft as drafts
from handlers import concerns_mentee, concerns_staff
from handlers import concerns_views as views
from handlers.common import Buttons, Ctx, chunk
from handlers.concerns_draft import ConcernDraft
from handlers.router import Router
from handlers.texts import too_long

FLOW = drafts.FLOW
FLOW_PROBLEM = concerns_mentee.FLOW


def new_concern_button(label: str, match_id: int) -> tuple[str, str]:
    """The button other features offer a mentor to raise a concern on a match."""
    return (label, cb.New(match_id).pack())


# --- mentors: /concern -----------------------------------------------------------------------


async def on_concern(ctx: Ctx) -> None:
    if ctx.draft is not None and ctx.draft.flow == FLOW:
        _ask_continue(ctx, None)
        return
    await _start(ctx, None)


async def _on_new(ctx: Ctx, match_id: int) -> None:
    """The button at the end of a meeting log: a concern on that match (checked first). A
    concern already being written is not dropped: continue it, or start over on this match."""
    await concerns.check_match(ctx.session, ctx.me, match_id)
    if ctx.draft is not None and ctx.draft.flow == FLOW:
        _ask_continue(ctx, match_id)
        return
    await _start(ctx, match_id)


def _ask_continue(ctx: Ctx, match_id: int | None) -> None:
    again = cb.Restart(match_id).pack()
    ctx.reply(
        ctx._("You were writing a concern. Continue it, or start over?"),
        [[(ctx._("Continue"), cb.Continue().pack()), (ctx._("Start over"), again)]],
    )


async def _start(ctx: Ctx, match_id: int | None) -> None:
    if ctx.me.role != Role.MENTOR:
        raise NotAllowed("the concern flow is for mentors")
    matches = await concerns.raisable_matches(ctx.session, ctx.me)
    if match_id is not None:
        choice = await concerns.check_match(ctx.session, ctx.me, match_id)
        start = ConcernDraft(match_id=choice.id, family=choice.family)
    elif not matches:
        ctx.reply(ctx._("You have no active match, so there is no one to raise a concern about."))
        return
    elif len(matches) == 1:
        start = ConcernDraft(match_id=matches[0].id, family=matches[0].family)
    else:
        start = ConcernDraft()
    await ctx.save_draft(FLOW, "category", start.to_data())
    _ask_category(ctx, edit=False)


def _ask_category(ctx: Ctx, *, edit: bool) -> None:
    text = ctx._("What is the concern about?")
    buttons = [
        [(ctx._(label), cb.Category(c.value).pack())] for c, label in CATEGORY_LABELS.items()
    ]
    (ctx.edit if edit else ctx.reply)(text, buttons)


async def _ask_severity(ctx: Ctx, *, edit: bool) -> None:
    lines = [ctx._("How urgent is it?"), ""]
    for choice in await concerns.severity_choices(ctx.session, ctx.me):
        lines.append(
            SEVERITY_MARKS[choice.severity]
            + " "
            + ctx._(SEVERITY_HELP[choice.severity]) % {"duration": ctx.tr.duration(choice.minutes)}
        )
    buttons = chunk(
        (
            (f"{SEVERITY_MARKS[s]} {ctx._(SEVERITY_LABELS[s])}", cb.SeverityPick(s.value).pack())
            for s in Severity
        ),
        2,
    )
    (ctx.edit if edit else ctx.reply)("\n".join(lines), buttons)


async def _ask_match(ctx: Ctx, *, edit: bool) -> None:
    matches = await concerns.raisable_matches(ctx.session, ctx.me)
    buttons: Buttons = [[(m.family, cb.MatchPick(m.id).pack())] for m in matches]
    (ctx.edit if edit else ctx.reply)(ctx._("Which match is it about?"), buttons)


def _ask_text(ctx: Ctx, *, edit: bool) -> None:
    text = ctx._(
        "Describe what you noticed, in a few sentences: what you saw or heard, and when. "
        "Send /cancel to stop."
    )
    (ctx.edit if edit else ctx.reply)(text)


def _ask_confirm(ctx: Ctx, concern: ConcernDraft, *, edit: bool) -> None:
    text = views.summary(ctx, concern.to_data()) + "\n\n" + ctx._("Send it to the staff?")
    buttons = [[(ctx._("Send"), cb.Confirm().pack()), (ctx._("Cancel"), cb.Cancel().pack())]]
    (ctx.edit if edit else ctx.reply)(text, buttons)


async def _ask(ctx: Ctx, draft: Draft, *, edit: bool) -> None:
    """Ask the question the conversation is at (again)."""
    if draft.state == "category":
        _ask_category(ctx, edit=edit)
    elif draft.state == "severity":
        await _ask_severity(ctx, edit=edit)
    elif draft.state == "match":
        await _ask_match(ctx, edit=edit)
    elif draft.state == "text":
        _ask_text(ctx, edit=edit)
    elif (concern := await drafts.typed(ctx, draft.data)) is not None:
        _ask_confirm(ctx, concern, edit=edit)


def _draft(ctx: Ctx, *states: str) -> Draft | None:
    draft = ctx.draft
    if draft is None or draft.flow != FLOW or draft.state not in states:
        return None
    return draft


async def _on_category(ctx: Ctx, arg: str) -> None:
    concern = await drafts.current(ctx, "category")
    if concern is None:
        return
    category = concerns_mentee.category_of(arg)
    await ctx.save_draft(FLOW, "severity", concern.with_(category=category).to_data())
    await _ask_severity(ctx, edit=True)


async def _on_severity(ctx: Ctx, arg: str) -> None:
    concern = await drafts.current(ctx, "severity")
    if concern is None:
        return
    try:
        severity = Severity(arg)
    except ValueError:
        raise NotFound("unknown severity") from None
    concern = concern.with_(severity=severity)
    if severity == Severity.EMERGENCY:
        # Before anything else: what to do now.
        ctx.reply(views.emergency_line(ctx, await concerns.emergency_phone(ctx.session, ctx.me)))
    if concern.match_id is not None:
        await ctx.save_draft(FLOW, "text", concern.to_data())
        _ask_text(ctx, edit=True)
    else:
        await ctx.save_draft(FLOW, "match", concern.to_data())
        await _ask_match(ctx, edit=True)


async def _on_match(ctx: Ctx, match_id: int) -> None:
    concern = await drafts.current(ctx, "match")
    if concern is None:
        return
    choice = await concerns.check_match(ctx.session, ctx.me, match_id)
    concern = concern.with_(match_id=choice.id, family=choice.family)
    await ctx.save_draft(FLOW, "text", concern.to_data())
    _ask_text(ctx, edit=True)


async def on_text(ctx: Ctx, draft: Draft, text: str) -> None:
    if not text:
        _ask_text(ctx, edit=False)
        return
    try:
        concerns.check_description(text)
    except Invalid as exc:
        ctx.reply(too_long(ctx, exc) or ctx._("Sorry, that did not work. Please try again."))
        return
    concern = await drafts.typed(ctx, draft.data)
    if concern is None:
        return
    concern = concern.with_(text=text)
    await ctx.save_draft(FLOW, "confirm", concern.to_data())
    _ask_confirm(ctx, concern, edit=False)


async def on_choice_text(ctx: Ctx, draft: Draft, text: str) -> None:
    """Typed text while buttons are expected: ask again."""
    await _ask(ctx, draft, edit=False)


async def _on_confirm(ctx: Ctx) -> None:
    concern = await drafts.current(ctx, "confirm")
    if concern is None:
        return
    if concern.match_id is None or concern.category is None or concern.severity is None:
        await drafts.drop(ctx)  # it cannot be sent
        return
    try:
        raised = await concerns.raise_concern(
            ctx.session, ctx.now, ctx.me, concern.match_id, concern.category, concern.text,
            concern.severity,
        )  # fmt: skip
    except Invalid:
        await ctx.save_draft(FLOW, "text", concern.to_data())
        _ask_text(ctx, edit=False)
        return
    await ctx.clear_draft()
    text = views.summary(ctx, concern.to_data()) + "\n\n" + views.sent_text(ctx, raised)
    if raised.severity == Severity.EMERGENCY:
        # What to do now comes first, in the same message (no extra message to wait for).
        text = views.emergency_line(ctx, raised.emergency_phone) + "\n\n" + text
    ctx.edit(text)


async def _on_cancel(ctx: Ctx) -> None:
    if ctx.draft is not None and ctx.draft.flow in (FLOW, FLOW_PROBLEM):
        await ctx.clear_draft()
    ctx.edit(ctx._("Stopped. Nothing was sent."))


async def _on_continue(ctx: Ctx) -> None:
    draft = _draft(ctx, "category", "severity", "match", "text", "confirm")
    if draft is None:
        await _start(ctx, None)
        return
    await _ask(ctx, draft, edit=True)


# --- wiring ----------------------------------------------------------------------------------


# A press of each kind of concern button, and who handles it: the mentor's /concern here, the
# mentee's /problem in `handlers.concerns_mentee`, the staff's card in `handlers.concerns_staff`.
PRESSES: dict[type[cb.Press], Callable[[Ctx, Any], Awaitable[None]]] = {
    cb.New: lambda ctx, p: _on_new(ctx, p.match_id),
    cb.Category: lambda ctx, p: _on_category(ctx, p.category),
    cb.SeverityPick: lambda ctx, p: _on_severity(ctx, p.severity),
    cb.MatchPick: lambda ctx, p: _on_match(ctx, p.match_id),
    cb.Confirm: lambda ctx, p: _on_confirm(ctx),
    cb.Cancel: lambda ctx, p: _on_cancel(ctx),
    cb.Continue: lambda ctx, p: _on_continue(ctx),
    cb.Restart: lambda ctx, p: _start(ctx, p.match_id),
    cb.Problem: lambda ctx, p: concerns_mentee.on_category(ctx, p.category),
    cb.Open: concerns_staff.on_open,
    cb.Acknowledge: concerns_staff.on_acknowledge,
    cb.Resolve: concerns_staff.on_resolve,
    cb.Reply: concerns_staff.on_reply,
    cb.Reassign: concerns_staff.on_reassign,
    cb.ReassignTo: concerns_staff.on_reassign_to,
}


async def on_press(ctx: Ctx, args: list[str]) -> None:
    """Every `cn:` button: parsed by `bot.notifications.concerns.callbacks` (a malformed one is
    NotFound), then handed to its handler."""
    press = cb.parse(args)
    await PRESSES[type(press)](ctx, press)


def register(router: Router) -> None:
    router.command("concern", on_concern, roles=frozenset({Role.MENTOR}))
    router.callback(cb.PREFIX, on_press)
    for state in ("category", "severity", "match", "confirm"):
        router.text_step(FLOW, state, on_choice_text)
    router.text_step(FLOW, "text", on_text)
    concerns_staff.register(router)
    concerns_mentee.register(router)
