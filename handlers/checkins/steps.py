"""The steps of /checkin: the questions, the presses and the typed answers (see the package).
The answers so far live in a `CheckInDraft` until Save."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import timedelta

from bot.i18n import isolate
from bot.services import checkins
from bot.services.errors import Invalid
from domain import CheckInHow, CheckInParty
from handlers.checkins.draft import CheckInDraft
from handlers.checkins.views import HOW_LABELS, data, party_label
from handlers.common import Buttons, Ctx, chunk, id_arg, number_arg
from handlers.meetings_views import example_day

FLOW = CheckInDraft.FLOW
# What a press may do at each step of the conversation.
PRESS_STATE = {"w": "party", "h": "how", "d": "day", "n": "note", "ok": "confirm"}


async def ask_match(ctx: Ctx, page: int) -> None:
    choices, page, pages = await checkins.match_choices(ctx.session, ctx.me, page)
    if not choices:
        await ctx.clear_draft()
        ctx.edit(ctx._("You have no match to record a check-in for."))
        return
    buttons: Buttons = [
        [
            (
                ctx._("No. %(match)s · %(family)s") % {"match": c.id, "family": c.family_name},
                data("m", c.id),
            )
        ]
        for c in choices
    ]
    nav = []
    if page > 0:
        nav.append(("◀️", data("p", page - 1)))
    if page + 1 < pages:
        nav.append(("▶️", data("p", page + 1)))
    if nav:
        buttons.append(nav)
    buttons.append([(ctx._("Cancel"), data("x"))])
    ctx.edit(ctx._("Which match is the check-in about?"), buttons)


async def goto(ctx: Ctx, d: CheckInDraft, state: str, *, new: bool = False) -> None:
    await ctx.save_draft(FLOW, state, d.to_data())
    text, buttons = await question_of(ctx, d, state)
    if new:
        ctx.reply(text, buttons)
    else:
        ctx.edit(text, buttons)


async def question_of(ctx: Ctx, d: CheckInDraft, state: str) -> tuple[str, Buttons]:
    _ = ctx._
    cancel = [(_("Cancel"), data("x"))]
    family = isolate(d.family)
    if state == "party":
        parties = await checkins.party_choices(ctx.session, ctx.me, _match(d))
        buttons = [
            [
                (
                    f"{party_label(ctx, p.party)}: {p.name}"
                    if p.party != CheckInParty.FAMILY
                    else party_label(ctx, p.party).capitalize(),
                    data("w", p.party.value, p.person_id or 0),
                )
            ]
            for p in parties
        ]
        return _("Whom did you contact about the %(family)s family?") % {"family": family}, [
            *buttons,
            cancel,
        ]
    if state == "how":
        buttons = chunk(((_(label), data("h", h.value)) for h, label in HOW_LABELS.items()), 2)
        return _("How was the contact?"), [*buttons, cancel]
    if state == "day":
        text = _("When was it? Tap a button, or type the date (for example %(example)s).") % {
            "example": example_day(ctx)
        }
        return text, [
            [
                # Translators: buttons: the day of a staff check-in.
                (ctx.pgettext("check-in day", "Today"), data("d", 0)),
                (ctx.pgettext("check-in day", "Yesterday"), data("d", 1)),
            ],
            cancel,
        ]
    if state == "note":
        return (
            _("Add a short note if you wish (only staff see it), or tap No note."),
            [[(_("No note"), data("n"))], cancel],
        )
    return _summary(ctx, d), [[(_("Save"), data("ok")), (_("Cancel"), data("x"))]]


def _match(d: CheckInDraft) -> int:
    if d.match_id is None:
        raise Invalid("bad_data")
    return d.match_id


def _entry(d: CheckInDraft) -> checkins.Entry:
    """What Save records; a draft that lacks an answer is bad data."""
    if d.party is None or d.how is None or d.day is None:
        raise Invalid("bad_data")
    return checkins.Entry(
        match_id=_match(d),
        party=d.party,
        person_id=d.person_id,
        how=d.how,
        occurred_on=d.day,
        note=d.note,
    )


def _summary(ctx: Ctx, d: CheckInDraft) -> str:
    _ = ctx._
    entry = _entry(d)
    who = party_label(ctx, entry.party)
    if d.who:
        who = f"{who}: {isolate(d.who)}"
    lines = [
        _("<b>Check-in for match no. %(match)s · %(family)s</b>")
        % {"match": entry.match_id, "family": isolate(d.family)},
        _("Whom: %(who)s") % {"who": who},
        _("How: %(how)s") % {"how": _(HOW_LABELS[entry.how])},
        _("When: %(day)s") % {"day": ctx.tr.day_long(entry.occurred_on)},
    ]
    if d.note:
        lines.append(_("Note: %(note)s") % {"note": isolate(d.note)})
    return "\n".join(lines)


async def _start_for(ctx: Ctx, match_id: int, *, new: bool) -> None:
    choice = await checkins.match_for(ctx.session, ctx.me, match_id)
    await goto(ctx, CheckInDraft(match_id=choice.id, family=choice.family_name), "party", new=new)


# --- entry points ---------------------------------------------------------------------------


async def on_command(ctx: Ctx) -> None:
    args = ctx.context.args or []
    if len(args) == 1 and args[0].isdigit():
        await _start_for(ctx, int(args[0]), new=True)
        return
    await ctx.save_draft(FLOW, "match", CheckInDraft().to_data())
    await ask_match(ctx, 0)


async def on_press(ctx: Ctx, args: list[str]) -> None:
    action, rest = (args[0], args[1:]) if args else ("", [])
    if action == "s":  # from a card or a closed concern or help thread: checked first
        await _start_for(ctx, id_arg(rest[0] if rest else ""), new=True)
        return
    draft = ctx.draft if ctx.draft and ctx.draft.flow == FLOW else None
    d = CheckInDraft.from_data(draft.data) if draft is not None else None
    if draft is None or d is None:  # none, or one that cannot be read: begin again
        if draft is not None:
            await ctx.clear_draft()
        ctx.stale(ctx._("This check-in is no longer in progress. Send /checkin to start again."))
        return
    state = draft.state
    if action == "x":
        await ctx.clear_draft()
        ctx.edit(ctx._("Cancelled. No check-in was saved."))
        return
    if action in ("p", "m"):
        if state != "match":
            await goto(ctx, d, state)
        elif action == "p":
            await ask_match(ctx, number_arg(rest[0] if rest else ""))
        else:
            await _start_for(ctx, id_arg(rest[0] if rest else ""), new=False)
        return
    if PRESS_STATE.get(action) != state:
        await goto(ctx, d, state)
        return
    step = STEPS.get(action)
    if step is not None:
        await step(ctx, d, rest)


async def _on_whom(ctx: Ctx, d: CheckInDraft, rest: list[str]) -> None:
    party, person = [*rest, "", ""][:2]
    chosen = await checkins.party_for(ctx.session, ctx.me, _match(d), party, id_arg(person) or None)
    who = chosen.name if chosen.party != CheckInParty.FAMILY else None
    d = replace(d, party=chosen.party, person_id=chosen.person_id, who=who)
    await goto(ctx, d, "how")


async def _on_how(ctx: Ctx, d: CheckInDraft, rest: list[str]) -> None:
    try:
        d = replace(d, how=CheckInHow(rest[0] if rest else ""))
    except ValueError:
        raise Invalid("bad_data") from None
    await goto(ctx, d, "day")


async def _on_day(ctx: Ctx, d: CheckInDraft, rest: list[str]) -> None:
    back = number_arg(rest[0] if rest else "")
    if back not in (0, 1):
        raise Invalid("bad_data")
    d = replace(d, day=checkins.local_today(ctx.now, ctx.tz) - timedelta(days=back))
    await goto(ctx, d, "note")


async def _on_no_note(ctx: Ctx, d: CheckInDraft, rest: list[str]) -> None:
    await goto(ctx, replace(d, note=None), "confirm")


async def _on_save(ctx: Ctx, d: CheckInDraft, rest: list[str]) -> None:
    await _save(ctx, d)


# A press of a step's button, once the press is known to belong to the step the draft is at
# (`PRESS_STATE`).
STEPS: dict[str, Callable[[Ctx, CheckInDraft, list[str]], Awaitable[None]]] = {
    "w": _on_whom,
    "h": _on_how,
    "d": _on_day,
    "n": _on_no_note,
    "ok": _on_save,
}


async def _save(ctx: Ctx, d: CheckInDraft) -> None:
    entry = _entry(d)
    await checkins.record(ctx.session, ctx.now, ctx.tz, ctx.me, entry)
    await ctx.clear_draft()
    ctx.edit(
        ctx._("Saved: your check-in for match no. %(match)s (%(family)s).")
        % {"match": entry.match_id, "family": isolate(d.family)}
    )
