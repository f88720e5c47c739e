"""What the meeting conversation shows: each step's question and buttons, the summary, and the
reasons a typed answer is asked again. Rendering only; the rules are in bot.services.meetings."""

from __future__ import annotations

from datetime import date, timedelta

from bot.i18n import isolate
from bot.notifications import meetings as cb
from bot.services import meetings
from bot.services.meetings import ACTIVITIES, COMMON_DURATIONS, EDIT_WINDOW_DAYS, MOOD_LABELS
from handlers.common import Buttons, Ctx, chunk
from handlers.meetings_draft import LogDraft

FLOW = LogDraft.FLOW


def short_duration(ctx: Ctx, minutes: int) -> str:
    """A button label: "30 min", "1 h", "1 h 30"."""
    hours, mins = divmod(minutes, 60)
    if not hours:
        return ctx._("%(num)d min") % {"num": mins}
    if not mins:
        return ctx._("%(num)d h") % {"num": hours}
    return ctx._("%(hours)d h %(minutes)02d") % {"hours": hours, "minutes": mins}


def example_day(ctx: Ctx) -> str:
    """A date three days ago in the reader's short format, as an example to type."""
    return ctx.tr.day(meetings.local_today(ctx.now, ctx.tz) - timedelta(days=3), "short")


def reason(ctx: Ctx, code: str, started_on: date | None = None) -> str:
    """Why a typed answer was not accepted, in the reader's words."""
    if code == "date_unreadable":
        return ctx._(
            "I could not read that date. Please type it like %(example)s, or use the buttons."
        ) % {"example": example_day(ctx)}
    if code == "date_future":
        return ctx._("That date is in the future. Please give the day the meeting happened.")
    if code == "date_before_match" and started_on is not None:
        return ctx._("That date is before the match started (%(day)s). Please check it.") % {
            "day": ctx.tr.day(started_on)
        }
    if code == "date_outside_window":
        return ctx.ngettext(
            "You can only correct meetings of the last %(num)d day.",
            "You can only correct meetings of the last %(num)d days.",
            EDIT_WINDOW_DAYS,
        ) % {"num": EDIT_WINDOW_DAYS}
    texts = {
        "date_before_match": ctx._("That date is before the match started. Please check it."),
        "duration_not_number": ctx._(
            "Please type the duration as a number, for example 45 (minutes) or 1:30."
        ),
        "duration_zero": ctx._("The duration must be more than zero."),
        "duration_too_long": ctx._(
            "That is more than 12 hours. Please check the duration of the meeting."
        ),
        "mood_not_number": ctx._("Please tap one of the buttons to say how the family seemed."),
        "activities": ctx._("Please choose at least one activity."),
        "use_buttons": ctx._("Please answer with the buttons above."),
    }
    return texts.get(code, ctx._("Sorry, that did not work. Please try again."))


def ask_match(ctx: Ctx, choices: list[meetings.MatchChoice]) -> tuple[str, Buttons]:
    buttons = [
        [(c.family_name, cb.MatchPick(c.id).pack())] for c in choices
    ]  # labels are plain text
    return ctx._("Which family did you meet?"), buttons


def ask_day(ctx: Ctx, family: str) -> tuple[str, Buttons]:
    text = ctx._(
        "When did you meet the %(family)s family?\n"
        "Tap a button, or type the date (for example %(example)s)."
    ) % {"family": isolate(family), "example": example_day(ctx)}
    # Translators: buttons: the day the meeting took place.
    today = ctx.pgettext("meeting day", "Today")
    return text, [
        [
            (today, cb.DayPick(0).pack()),
            (ctx.pgettext("meeting day", "Yesterday"), cb.DayPick(1).pack()),
        ]
    ]


def ask_minutes(ctx: Ctx) -> tuple[str, Buttons]:
    text = ctx._("How long was the meeting?\nTap a button, or type it (for example 45 or 1:30).")
    return text, chunk(
        ((short_duration(ctx, m), cb.MinutesPick(m).pack()) for m in COMMON_DURATIONS), 3
    )


def ask_activities(ctx: Ctx, chosen: list[str]) -> tuple[str, Buttons]:
    text = ctx._("What did you do together? Choose one or more, then Done.")
    items = (
        (("✓ " if code in chosen else "") + ctx._(label), cb.ActivityPick(code).pack())
        for code, label in ACTIVITIES.items()
    )
    return text, [*chunk(items, 2), [(ctx._("Done"), cb.ActivitiesDone().pack())]]


def ask_mood(ctx: Ctx) -> tuple[str, Buttons]:
    text = ctx._("How did the family seem?")
    return text, [[(ctx._(label), cb.MoodPick(n).pack())] for n, label in MOOD_LABELS.items()]


def ask_notes(ctx: Ctx) -> tuple[str, Buttons]:
    text = ctx._("Anything to note for yourself or the staff? Type it, or tap Skip.")
    return text, [[(ctx._("Skip"), cb.SkipNotes().pack())]]


def describe(ctx: Ctx, family: str, d: LogDraft) -> str:
    """The meeting in the draft, as lines for the summary (every step answered)."""
    entry = d.entry()
    acts = [ctx._(ACTIVITIES[a]) for a in entry.activities if a in ACTIVITIES]
    mood = entry.mood
    lines = [
        ctx._("Family: %(family)s") % {"family": isolate(family)},
        ctx._("Date: %(day)s") % {"day": ctx.tr.day_long(entry.occurred_on)},
        ctx._("Duration: %(duration)s") % {"duration": ctx.tr.duration(entry.duration_minutes)},
        ctx._("Activities: %(activities)s") % {"activities": ctx.tr.join(acts)},
        ctx._("How the family seemed: %(mood)s")
        % {"mood": ctx._(MOOD_LABELS[mood]) if mood in MOOD_LABELS else "–"},
    ]
    if entry.notes:
        lines.append(ctx._("Notes: %(notes)s") % {"notes": isolate(entry.notes)})
    return "\n".join(lines)


def summary(ctx: Ctx, family: str, d: LogDraft) -> tuple[str, Buttons]:
    if d.correcting:
        head = ctx._("<b>Your corrected meeting</b>")
        ok = ctx._("Save")
    else:
        head = ctx._("<b>Please check your meeting</b>")
        ok = ctx._("Confirm")
    buttons = [
        [
            (ok, cb.Confirm().pack()),
            (ctx.pgettext("meeting button", "Edit"), cb.Edit().pack()),
            (ctx._("Discard"), cb.Discard().pack()),
        ]
    ]
    return head + "\n" + describe(ctx, family, d), buttons


def edit_menu(ctx: Ctx, d: LogDraft, several_matches: bool) -> tuple[str, Buttons]:
    fields = [
        # Translators: a field of a logged meeting the mentor can change (a button).
        (ctx.pgettext("meeting field", "Date"), cb.EditField("day").pack()),
        (ctx.pgettext("meeting field", "Duration"), cb.EditField("minutes").pack()),
        (ctx.pgettext("meeting field", "Activities"), cb.EditField("acts").pack()),
        (ctx._("How the family seemed"), cb.EditField("mood").pack()),
        (ctx.pgettext("meeting field", "Notes"), cb.EditField("notes").pack()),
    ]
    if several_matches and not d.correcting:
        # Translators: a field of a logged meeting: which family (match) it was with.
        fields.insert(0, (ctx.pgettext("meeting field", "Family"), cb.EditField("match").pack()))
    rows = chunk(fields, 2)
    rows.append([(ctx._("Back to the summary"), cb.EditField("back").pack())])
    return ctx._("What do you want to change?"), rows


def ask_duplicate(ctx: Ctx, family: str, day: date, can_edit: bool) -> tuple[str, Buttons]:
    text = ctx._(
        "You already logged a meeting with the %(family)s family on %(day)s. "
        "Was this another meeting, or do you want to edit that one?"
    ) % {"family": isolate(family), "day": ctx.tr.day_long(day)}
    rows = [[(ctx._("Add another"), cb.Duplicate("add").pack())]]
    if can_edit:
        rows.append([(ctx._("Edit that one"), cb.Duplicate("edit").pack())])
    rows.append([(ctx._("Another date"), cb.Duplicate("day").pack())])
    return text, rows
