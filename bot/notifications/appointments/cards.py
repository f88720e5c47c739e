"""How an appointment reads to each person: the card a mentee gets (planned, moved, reminder),
with its one-tap answer buttons, and the notices mentors get. Rendered for one reader."""

from __future__ import annotations

from bot.i18n import Translator, isolate
from bot.notifications.appointments.callbacks import ANSWER_CODES, AnswerPress
from bot.notifications.appointments.texts import (
    ANSWER_LABELS,
    ANSWER_STATES,
    HEADINGS,
    UNREACHABLE_STATE,
)
from bot.services.appointments.views import AppointmentView
from domain import Answer
from domain.values import Buttons


def who(tr: Translator, names: list[str]) -> str:
    return tr.join([isolate(name) for name in names])


def answer_buttons(
    tr: Translator, view: AppointmentView, chosen: Answer | None, kind: str = "reminder"
) -> Buttons:
    """One button a row (long labels, large targets); the chosen one is ticked. The card's
    kind rides along so that the card can be shown again with the answer, and the
    appointment's sequence so that a press on a card of an earlier time is not taken for the
    new one."""
    rows: Buttons = []
    for answer in ANSWER_CODES:
        label = tr.gettext(ANSWER_LABELS[answer])
        if answer == chosen:
            label = f"✓ {label}"
        data = AnswerPress(view.id, answer, kind, view.sequence).pack()
        rows.append([(label, data)])
    return rows


def mentee_card(
    tr: Translator, tz: str, view: AppointmentView, kind: str, answer: Answer | None
) -> str:
    """A mentee's card: what, when (their clock), where, who; and their answer if given."""
    lines = [
        "<b>" + tr.gettext(HEADINGS[kind]) % {"who": who(tr, view.mentor_names)} + "</b>",
        tr.gettext("When: %(when)s") % {"when": tr.when(view.starts_at, tz)},
        tr.gettext("Where: %(place)s") % {"place": isolate(view.place)},
    ]
    if view.note:
        lines.append(tr.gettext("Note: %(note)s") % {"note": isolate(view.note)})
    if answer is None:
        lines.append(tr.gettext("Will you come? Tap one answer."))
    else:
        lines.append(
            tr.gettext("Your answer: %(answer)s") % {"answer": tr.gettext(ANSWER_LABELS[answer])}
        )
    return "\n".join(lines)


def mentor_line(tr: Translator, tz: str, view: AppointmentView) -> str:
    """One appointment in a mentor's list: when, where, and each family member's answer."""
    lines = [
        f"<b>{tr.when(view.starts_at, tz)}</b> · {isolate(view.family_name)}",
        tr.gettext("Where: %(place)s") % {"place": isolate(view.place)},
    ]
    if view.note:
        lines.append(tr.gettext("Note: %(note)s") % {"note": isolate(view.note)})
    for attendee in view.attendees:
        state = ANSWER_STATES[attendee.answer] if attendee.reachable else UNREACHABLE_STATE
        lines.append(
            tr.gettext("%(name)s: %(state)s")
            % {"name": isolate(attendee.name), "state": tr.gettext(state)}
        )
    if not view.attendees:
        lines.append(tr.gettext("Nobody in this family uses the bot: remember to phone them."))
    return "\n".join(lines)


def who_is_told(tr: Translator, view: AppointmentView, done: bool) -> str | None:
    """When not every family member can be told through the bot: who is (or will be) told,
    and whom the mentor must tell. None when the whole family is reached."""
    if view.reached and not view.unreached and not view.asleep:
        return None
    lines: list[str] = []
    if view.reached:
        lines.append(
            (
                tr.gettext("Told through the bot: %(names)s.")
                if done
                else tr.gettext("The bot will tell %(names)s.")
            )
            % {"names": who(tr, view.reached)}
        )
    elif not view.attendees:
        lines.append(
            tr.gettext("Nobody in this family uses the bot: remember to tell them yourself.")
        )
    elif not view.asleep:
        lines.append(
            tr.gettext(
                "Nobody in this family can be reached through the bot: remember to tell them "
                "yourself."
            )
        )
    if view.unreached and view.attendees:
        lines.append(
            tr.gettext("The bot cannot reach %(names)s: please tell them yourself.")
            % {"names": who(tr, view.unreached)}
        )
    if view.asleep:
        lines.append(
            tr.gettext(
                "%(names)s will not hear of it through the bot before the meeting: their quiet "
                "hours last until after it. Please tell them yourself."
            )
            % {"names": who(tr, view.asleep)}
        )
    return "\n".join(lines)


def answer_notice(tr: Translator, tz: str, view: AppointmentView, name: str, answer: Answer) -> str:
    """What the mentors read when a family member answers."""
    values = {"name": isolate(name), "when": tr.when(view.starts_at, tz)}
    if answer == Answer.COMING:
        return tr.gettext("%(name)s will be there on %(when)s.") % values
    if answer == Answer.CANNOT:
        return tr.gettext("%(name)s cannot come on %(when)s.") % values
    return (
        tr.gettext(
            "%(name)s would like another time instead of %(when)s. Please propose another time."
        )
        % values
    )


def no_answer_notice(tr: Translator, tz: str, view: AppointmentView) -> str:
    return tr.gettext(
        "Nobody from the %(family)s family has confirmed the meeting on %(when)s at %(place)s. "
        "You may want to phone them."
    ) % {
        "family": isolate(view.family_name),
        "when": tr.when(view.starts_at, tz),
        "place": isolate(view.place),
    }


def co_mentor_notice(tr: Translator, tz: str, view: AppointmentView, actor: str, kind: str) -> str:
    """What the other mentors of the match read when one of them plans, moves or cancels."""
    values = {
        "name": isolate(actor),
        "family": isolate(view.family_name),
        "when": tr.when(view.starts_at, tz),
        "place": isolate(view.place),
    }
    if kind == "planned":
        text = tr.gettext(
            "%(name)s planned a meeting with the %(family)s family on %(when)s at %(place)s."
        )
    elif kind == "moved":
        text = tr.gettext(
            "%(name)s moved the meeting with the %(family)s family to %(when)s at %(place)s."
        )
    else:
        text = tr.gettext("%(name)s cancelled the meeting with the %(family)s family on %(when)s.")
    return text % values


def cancelled_notice(tr: Translator, tz: str, view: AppointmentView) -> str:
    """What a mentee reads when a meeting is cancelled."""
    return tr.gettext("The meeting with %(who)s on %(when)s is cancelled.") % {
        "who": who(tr, view.mentor_names),
        "when": tr.when(view.starts_at, tz),
    }
