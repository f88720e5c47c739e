"""A concern's card for one reader: its text (cut to Telegram's length, with a button to
show the whole description) and its buttons."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from bot.i18n import Translator, isolate
from bot.notifications.concerns import callbacks
from bot.notifications.concerns.texts import (
    CATEGORY_LABELS,
    ESCALATED_TIMEOUT,
    ESCALATED_UNREACHABLE,
    SEVERITY_LABELS,
    SEVERITY_MARKS,
    SKIPPED,
    STATUS_LABELS,
    UNACK_NOBODY,
    UNACK_TIMEOUT,
    WHOLE_TEXT,
)
from bot.notifications.help import language_label
from bot.services import texts
from bot.services.escalation import (
    Level,
    Reason,
)
from storage.models import (
    Concern,
    ConcernEvent,
    ConcernStatus,
    Person,
    Role,
)


@dataclass(frozen=True)
class CardView:
    """A concern's card, rendered for one reader."""

    text: str
    buttons: list[list[tuple[str, str]]]


@dataclass
class Facts:
    concern: Concern
    reporter: Person
    family: str
    names: dict[int, str]
    events: list[ConcernEvent]
    minutes: int


def _chain_line(tr: Translator, tz: str, event: ConcernEvent) -> str | None:
    detail = event.detail or {}
    minutes = int(detail.get("minutes") or 0)
    line: str | None = None
    if event.kind == "escalated":
        to = Level(int(detail.get("to_level", 0)))
        table = (
            ESCALATED_TIMEOUT if detail.get("reason") == Reason.TIMEOUT else ESCALATED_UNREACHABLE
        )
        template = table.get(to)
        line = tr.gettext(template) % {"duration": tr.duration(minutes)} if template else None
    elif event.kind == "skipped" and event.level is not None:
        line = tr.gettext(SKIPPED[Level(event.level)])
    elif event.kind == "unacknowledged":
        if detail.get("reason") == Reason.TIMEOUT:
            line = tr.gettext(UNACK_TIMEOUT) % {"duration": tr.duration(minutes)}
        else:
            line = tr.gettext(UNACK_NOBODY)
    if line is None:
        return None
    return tr.gettext("%(event)s (%(when)s)") % {
        "event": line, "when": tr.when(event.created_at, tz),
    }  # fmt: skip


def render_card(tr: Translator, tz: str, facts: Facts) -> CardView:
    """The card, cut to Telegram's length if the description is very long; then its first
    button shows the whole description."""
    card = texts.fit(partial(_card_text, tr, tz, facts), facts.concern.description)
    buttons = card_buttons(tr, facts.concern)
    if card.clipped:
        buttons = [[(tr.gettext(WHOLE_TEXT), callbacks.whole_text(facts.concern.id))], *buttons]
    return CardView(card.text, buttons)


def _card_text(tr: Translator, tz: str, facts: Facts, description: str) -> str:
    c = facts.concern
    _ = tr.gettext
    severity = f"{SEVERITY_MARKS[c.severity]} {_(SEVERITY_LABELS[c.severity])}"
    lines = [
        "<b>" + _("Concern #%(id)s: %(severity)s") % {"id": c.id, "severity": severity} + "</b>",
        _("Status: %(status)s") % {"status": _(STATUS_LABELS[c.status])},
        _("Category: %(category)s") % {"category": _(CATEGORY_LABELS[c.category])},
        _("Family: %(family)s") % {"family": isolate(facts.family)},
        (
            _("Raised by %(name)s (mentee)")
            if facts.reporter.role == Role.MENTEE
            else _("Raised by %(name)s (mentor)")
        )
        % {"name": isolate(facts.reporter.name)},
        _("Raised: %(when)s") % {"when": tr.when(c.raised_at, tz)},
        _("Assigned to: %(name)s") % {"name": isolate(facts.names.get(c.assigned_worker_id, "?"))},
        "",
    ]
    language = language_label(c.language, tr.locale) if c.language != tr.locale else None
    if language:  # the reporter's own words, never machine-translated: say which language
        lines.append(_("Written in %(language)s:") % {"language": language})
    lines.append("<blockquote>" + isolate(description) + "</blockquote>")
    chain = [line for e in facts.events if (line := _chain_line(tr, tz, e))]
    if chain:
        lines += ["", *chain]
    lines.append("")
    if c.status == ConcernStatus.OPEN and c.ack_deadline_at is not None:
        lines.append(
            "<b>"
            + _("Acknowledge by %(when)s (%(duration)s)")
            % {"when": tr.when(c.ack_deadline_at, tz), "duration": tr.duration(facts.minutes)}
            + "</b>"
        )
    elif c.status == ConcernStatus.UNACKNOWLEDGED:
        lines.append(
            "<b>⚠️ "
            + _("Nobody acknowledged this concern in time. Please acknowledge it now.")
            + "</b>"
        )
    if c.acknowledged_at is not None and c.acknowledged_by_id is not None:
        lines.append(
            _("Acknowledged by %(name)s, %(when)s.")
            % {
                "name": isolate(facts.names.get(c.acknowledged_by_id, "?")),
                "when": tr.when(c.acknowledged_at, tz),
            }
        )
    if c.status == ConcernStatus.RESOLVED and c.resolved_at is not None:
        lines.append(
            _("Resolved by %(name)s, %(when)s.")
            % {
                "name": isolate(facts.names.get(c.resolved_by_id or 0, "?")),
                "when": tr.when(c.resolved_at, tz),
            }
        )
        if c.resolution_note:
            lines.append(_("Resolution: %(note)s") % {"note": isolate(c.resolution_note)})
    return "\n".join(lines).strip()


def card_buttons(tr: Translator, c: Concern) -> list[list[tuple[str, str]]]:
    if c.status == ConcernStatus.RESOLVED:
        return []
    first: list[tuple[str, str]] = []
    if c.status in (ConcernStatus.OPEN, ConcernStatus.UNACKNOWLEDGED):
        # Translators: button on a concern card: the worker takes the concern on ("I'll handle it").
        acknowledge = tr.pgettext("concern button", "Acknowledge")
        first.append((acknowledge, callbacks.Acknowledge(c.id).pack()))
    first.append((tr.pgettext("concern button", "Resolve"), callbacks.Resolve(c.id).pack()))
    return [
        first,
        [
            (tr.pgettext("concern button", "Reply"), callbacks.Reply(c.id).pack()),
            (tr.pgettext("concern button", "Reassign"), callbacks.Reassign(c.id).pack()),
        ],
    ]
