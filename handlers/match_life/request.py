"""A referring worker's `/request`: the family's name, what they need, how urgent, a note for
the coordinators; the answers live in a `RequestDraft` until the request is sent. Its buttons
are typed presses (`bot.notifications.match_texts`: `RequestNeed`, `RequestNeedsDone`,
`RequestUrgency`, `RequestNoNote`, prefix `rq`)."""

from __future__ import annotations

from dataclasses import replace

from bot.notifications import match_texts, presses
from bot.notifications.match_texts import (
    RequestNeed,
    RequestNeedsDone,
    RequestNoNote,
    RequestUrgency,
)
from bot.services import match_requests
from bot.services.drafts import Draft
from bot.services.errors import Invalid
from handlers.common import Buttons, Ctx, chunk
from handlers.match_life.draft import REQUEST_FLOW, RequestDraft
from handlers.match_life.profile import mark
from storage.match_life import Topic, Urgency


async def on_request(ctx: Ctx) -> None:
    await ctx.save_draft(REQUEST_FLOW, "family", RequestDraft().to_data())
    ctx.reply(ctx._("Which family needs mentors? Type the family's name."))


def _needs_buttons(ctx: Ctx, chosen: tuple[str, ...]) -> Buttons:
    items = [
        (mark(t.value in chosen) + ctx._(match_texts.TOPICS[t]), RequestNeed(t).pack())
        for t in Topic
    ]
    return [*chunk(items, 2), [(ctx._("Done"), RequestNeedsDone().pack())]]


async def on_family_text(ctx: Ctx, draft: Draft, text: str) -> None:
    name = " ".join(text.split())
    if not name or len(name) > 200:
        ctx.reply(ctx._("Please type the family's name (at most 200 characters)."))
        return
    asked = await _typed(ctx, draft)
    if asked is None:
        return
    await ctx.save_draft(REQUEST_FLOW, "needs", replace(asked, family=name).to_data())
    ctx.reply(ctx._("What does the family need help with? Tap to switch."), _needs_buttons(ctx, ()))


async def on_note_text(ctx: Ctx, draft: Draft, text: str) -> None:
    if len(text) > match_requests.NOTE_MAX:
        ctx.reply(
            ctx._("Your note is too long: please shorten it to %(n)s characters.")
            % {"n": ctx.tr.number(match_requests.NOTE_MAX)}
        )
        return
    asked = await _typed(ctx, draft)
    if asked is not None:
        await _create(ctx, replace(asked, note=text))


async def _typed(ctx: Ctx, draft: Draft) -> RequestDraft | None:
    """The request a typed answer goes on with; one that cannot be read is dropped."""
    asked = RequestDraft.from_data(draft.data)
    if asked is None:
        await ctx.clear_draft()
        ctx.reply(ctx._("This request is no longer in progress. Send /request to start again."))
    return asked


async def _create(ctx: Ctx, asked: RequestDraft) -> None:
    if asked.family is None:
        raise Invalid("bad_data")
    try:
        await match_requests.create_request(
            ctx.session,
            ctx.now,
            ctx.me,
            family_name=asked.family,
            needs=list(asked.needs),
            urgency=(asked.urgency or Urgency.NORMAL).value,
            note=asked.note,
            actor_id=ctx.me.id,
        )
    except Invalid as exc:
        if exc.code in ("open_match", "open_request"):
            await ctx.clear_draft()
            ctx.reply(
                ctx._(
                    "This family already has an open match or request, so nothing new was "
                    "sent. The coordinators have it."
                )
            )
            return
        raise
    await ctx.clear_draft()
    ctx.reply(
        ctx._("Your request was sent to the coordinators. You will hear when mentors accept.")
    )


async def on_worker_press(ctx: Ctx, press: presses.Press) -> None:
    """A press of a worker writing a request (`match_texts.WRITING_PRESSES`)."""
    draft = ctx.draft if ctx.draft is not None and ctx.draft.flow == REQUEST_FLOW else None
    asked = RequestDraft.from_data(draft.data) if draft is not None else None
    if draft is None or asked is None:  # none, or one that cannot be read: begin again
        if draft is not None:
            await ctx.clear_draft()
        ctx.edit(ctx._("This request is no longer in progress. Send /request to start again."))
        return
    if isinstance(press, RequestNeed) and draft.state == "needs":
        asked = replace(asked, needs=tuple(sorted(set(asked.needs) ^ {press.topic.value})))
        await ctx.save_draft(REQUEST_FLOW, "needs", asked.to_data())
        ctx.edit(
            ctx._("What does the family need help with? Tap to switch."),
            _needs_buttons(ctx, asked.needs),
        )
    elif isinstance(press, RequestNeedsDone) and draft.state == "needs":
        await ctx.save_draft(REQUEST_FLOW, "urgency", asked.to_data())
        items = [(ctx._(match_texts.URGENCIES[u]), RequestUrgency(u).pack()) for u in Urgency]
        ctx.edit(ctx._("How urgent is it?"), [items])
    elif isinstance(press, RequestUrgency) and draft.state == "urgency":
        urgent = replace(asked, urgency=press.urgency)
        await ctx.save_draft(REQUEST_FLOW, "note", urgent.to_data())
        ctx.edit(
            ctx._("Add a note for the coordinators? Mentors never see it. Type it, or tap Skip."),
            [[(ctx._("Skip"), RequestNoNote().pack())]],
        )
    elif isinstance(press, RequestNoNote) and draft.state == "note":
        await _create(ctx, asked)
    else:
        ctx.toast(ctx._("Please answer the last question."))
