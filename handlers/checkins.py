"""/checkin: a worker or coordinator records a contact with a party of a match: which match
(paged buttons, or straight from a match card or after closing a concern or help thread),
whom (the match's mentors and mentees by name, or the family), how, when (today, yesterday
or a typed day), a short note, then Save. The answers live in the Draft (flow "checkin")
until Save; every press is re-checked by bot.services.checkins (the match must be in the
reader's caseload or organisation).

Buttons: `ck:<action>:<arg>…`, built by `data()` and read by `on_press` only here.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from bot.i18n import NP_, isolate
from bot.services import checkins
from bot.services.errors import Invalid
from domain import CheckInHow, CheckInParty, Role
from handlers.common import Buttons, Ctx, chunk, id_arg, number_arg
from handlers.meetings_views import example_day
from handlers.router import Router
from handlers.texts import too_long

FLOW = "checkin"
PREFIX = "ck"
ROLES = frozenset({Role.WORKER, Role.COORDINATOR})
PARTY_LABELS: dict[CheckInParty, str] = {
    # Translators: whom a member of staff contacted about a match (lower case, in a list).
    CheckInParty.MENTOR: NP_("check-in party", "mentor"),
    CheckInParty.MENTEE: NP_("check-in party", "mentee"),
    CheckInParty.FAMILY: NP_("check-in party", "the family"),
}
HOW_LABELS: dict[CheckInHow, str] = {
    # Translators: buttons: how a member of staff contacted someone.
    CheckInHow.PHONE: NP_("check-in how", "Phone call"),
    CheckInHow.VISIT: NP_("check-in how", "Visit"),
    CheckInHow.MESSAGE: NP_("check-in how", "Message"),
    CheckInHow.GROUP: NP_("check-in how", "Group session"),
}
# What a press may do at each step of the conversation.
PENDING_LISTED = 10
PRESS_STATE = {"w": "party", "h": "how", "d": "day", "n": "note", "ok": "confirm"}


def data(action: str, *args: object) -> str:
    """The callback data of a check-in button."""
    return ":".join([PREFIX, action, *(str(a) for a in args)])


def start_data(match_id: int) -> str:
    """One tap into /checkin for this match (match cards, closed concerns and help)."""
    return data("s", match_id)


def record_button(ctx: Ctx, match_id: int) -> tuple[str, str]:
    return ctx._("Record a check-in"), start_data(match_id)


async def proposal(
    ctx: Ctx, *, concern_id: int | None = None, help_id: int | None = None
) -> Buttons | None:
    """The "Record a check-in" button offered once staff closed a concern or a help thread
    of a match they may record check-ins for."""
    match_id = await checkins.proposed_after_closing(
        ctx.session, ctx.me, concern_id=concern_id, help_id=help_id
    )
    return None if match_id is None else [[record_button(ctx, match_id)]]


def party_label(ctx: Ctx, party: CheckInParty) -> str:
    return ctx._(PARTY_LABELS[party])


def overdue_text(ctx: Ctx, parties: tuple[CheckInParty, ...]) -> str:
    """ "check-in overdue: mentor, the family" (a line of /matches and /pending)."""
    return ctx._("check-in overdue: %(parties)s") % {
        "parties": ctx.tr.join([party_label(ctx, p) for p in parties])
    }


async def pending_lines(ctx: Ctx) -> list[str]:
    """/pending's section on overdue check-ins (workers and coordinators)."""
    if ctx.me.role not in ROLES:
        return []
    total, found = await checkins.overdue(
        ctx.session, ctx.me, checkins.local_today(ctx.now, ctx.tz), limit=PENDING_LISTED
    )
    if not total:
        return []
    lines = ["<b>" + ctx._("Check-ins overdue") + "</b>"]
    for item in found:
        lines.append(
            ctx._("No. %(match)s · %(family)s: %(overdue)s")
            % {
                "match": item.match_id,
                "family": isolate(item.family_name),
                "overdue": overdue_text(ctx, item.parties),
            }
        )
    if total > len(found):
        lines.append(
            ctx.ngettext(
                "and %(n)s more match: send /matches and choose Check-in overdue.",
                "and %(n)s more matches: send /matches and choose Check-in overdue.",
                total - len(found),
            )
            % {"n": ctx.tr.number(total - len(found))}
        )
    return lines


# --- steps ----------------------------------------------------------------------------------


async def _ask_match(ctx: Ctx, page: int) -> None:
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


async def _goto(ctx: Ctx, d: dict[str, Any], state: str, *, new: bool = False) -> None:
    await ctx.save_draft(FLOW, state, d)
    text, buttons = await _question(ctx, d, state)
    if new:
        ctx.reply(text, buttons)
    else:
        ctx.edit(text, buttons)


async def _question(ctx: Ctx, d: dict[str, Any], state: str) -> tuple[str, Buttons]:
    _ = ctx._
    cancel = [(_("Cancel"), data("x"))]
    family = isolate(str(d.get("f", "")))
    if state == "party":
        parties = await checkins.party_choices(ctx.session, ctx.me, int(d["m"]))
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


def _summary(ctx: Ctx, d: dict[str, Any]) -> str:
    _ = ctx._
    party = CheckInParty(d["party"])
    who = party_label(ctx, party)
    if d.get("who"):
        who = f"{who}: {isolate(str(d['who']))}"
    lines = [
        _("<b>Check-in for match no. %(match)s · %(family)s</b>")
        % {"match": d["m"], "family": isolate(str(d["f"]))},
        _("Whom: %(who)s") % {"who": who},
        _("How: %(how)s") % {"how": _(HOW_LABELS[CheckInHow(d["how"])])},
        _("When: %(day)s") % {"day": ctx.tr.day_long(date.fromisoformat(d["day"]))},
    ]
    if d.get("note"):
        lines.append(_("Note: %(note)s") % {"note": isolate(str(d["note"]))})
    return "\n".join(lines)


async def _start_for(ctx: Ctx, match_id: int, *, new: bool) -> None:
    choice = await checkins.match_for(ctx.session, ctx.me, match_id)
    await _goto(ctx, {"m": choice.id, "f": choice.family_name}, "party", new=new)


# --- entry points ---------------------------------------------------------------------------


async def on_command(ctx: Ctx) -> None:
    args = ctx.context.args or []
    if len(args) == 1 and args[0].isdigit():
        await _start_for(ctx, int(args[0]), new=True)
        return
    await ctx.save_draft(FLOW, "match", {})
    await _ask_match(ctx, 0)


async def on_press(ctx: Ctx, args: list[str]) -> None:
    action, rest = (args[0], args[1:]) if args else ("", [])
    if action == "s":  # from a card or a closed concern or help thread: checked first
        await _start_for(ctx, id_arg(rest[0] if rest else ""), new=True)
        return
    draft = ctx.draft if ctx.draft and ctx.draft.flow == FLOW else None
    if draft is None:
        ctx.stale(ctx._("This check-in is no longer in progress. Send /checkin to start again."))
        return
    d, state = dict(draft.data), draft.state
    if action == "x":
        await ctx.clear_draft()
        ctx.edit(ctx._("Cancelled. No check-in was saved."))
        return
    if action in ("p", "m"):
        if state != "match":
            await _goto(ctx, d, state)
        elif action == "p":
            await _ask_match(ctx, number_arg(rest[0] if rest else ""))
        else:
            await _start_for(ctx, id_arg(rest[0] if rest else ""), new=False)
        return
    if PRESS_STATE.get(action) != state:
        await _goto(ctx, d, state)
        return
    if action == "w":
        party, person = [*rest, "", ""][:2]
        chosen = await checkins.party_for(
            ctx.session, ctx.me, int(d["m"]), party, id_arg(person) or None
        )
        d.update(party=chosen.party.value, pid=chosen.person_id)
        d["who"] = chosen.name if chosen.party != CheckInParty.FAMILY else None
        await _goto(ctx, d, "how")
    elif action == "h":
        try:
            d["how"] = CheckInHow(rest[0] if rest else "").value
        except ValueError:
            raise Invalid("bad_data") from None
        await _goto(ctx, d, "day")
    elif action == "d":
        back = number_arg(rest[0] if rest else "")
        if back not in (0, 1):
            raise Invalid("bad_data")
        d["day"] = (checkins.local_today(ctx.now, ctx.tz) - timedelta(days=back)).isoformat()
        await _goto(ctx, d, "note")
    elif action == "n":
        d["note"] = None
        await _goto(ctx, d, "confirm")
    elif action == "ok":
        await _save(ctx, d)


async def _save(ctx: Ctx, d: dict[str, Any]) -> None:
    entry = checkins.Entry(
        match_id=int(d["m"]),
        party=CheckInParty(d["party"]),
        person_id=d.get("pid"),
        how=CheckInHow(d["how"]),
        occurred_on=date.fromisoformat(d["day"]),
        note=d.get("note"),
    )
    await checkins.record(ctx.session, ctx.now, ctx.tz, ctx.me, entry)
    await ctx.clear_draft()
    ctx.edit(
        ctx._("Saved: your check-in for match no. %(match)s (%(family)s).")
        % {"match": entry.match_id, "family": isolate(str(d["f"]))}
    )


# --- typed answers --------------------------------------------------------------------------


async def on_day_text(ctx: Ctx, draft: Any, text: str) -> None:
    d = dict(draft.data)
    try:
        day = checkins.parse_day(text, ctx.tr.formats, ctx.now, ctx.tz)
        checkins.check_day(day, checkins.local_today(ctx.now, ctx.tz))
    except Invalid as exc:
        await _ask_again(ctx, d, "day", _reason(ctx, exc.code))
        return
    d["day"] = day.isoformat()
    await _goto(ctx, d, "note", new=True)


async def on_note_text(ctx: Ctx, draft: Any, text: str) -> None:
    d = dict(draft.data)
    try:
        d["note"] = checkins.check_note(text.strip())
    except Invalid as exc:
        await _ask_again(ctx, d, "note", too_long(ctx, exc) or _reason(ctx, exc.code))
        return
    await _goto(ctx, d, "confirm", new=True)


async def on_button_text(ctx: Ctx, draft: Any, text: str) -> None:
    await _ask_again(
        ctx, dict(draft.data), draft.state, ctx._("Please answer with the buttons above.")
    )


async def _ask_again(ctx: Ctx, d: dict[str, Any], state: str, why: str) -> None:
    if state == "match":
        ctx.reply(why)
        await _ask_match(ctx, 0)
        return
    question, buttons = await _question(ctx, d, state)
    ctx.reply(f"{why}\n\n{question}", buttons)


def _reason(ctx: Ctx, code: str) -> str:
    if code == "date_unreadable":
        return ctx._(
            "I could not read that date. Please type it like %(example)s, or use the buttons."
        ) % {"example": example_day(ctx)}
    if code == "date_future":
        return ctx._("That date is in the future. Please give the day of the contact.")
    if code == "date_too_old":
        return ctx._("That date is more than a year ago. Please check it.")
    return ctx._("Sorry, that did not work. Please try again.")


def register(router: Router) -> None:
    router.command("checkin", on_command, roles=ROLES)
    router.callback(PREFIX, on_press, roles=ROLES)
    router.text_step(FLOW, "day", on_day_text)
    router.text_step(FLOW, "note", on_note_text)
    for state in ("match", "party", "how", "confirm"):
        router.text_step(FLOW, state, on_button_text)
