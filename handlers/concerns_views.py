"""What the concern conversations show around their questions: the summary of a concern, what
became of it once sent, the emergency line, and the answer to an old button. Rendering only;
the rules are in bot.services.concerns."""

from __future__ import annotations

from typing import Any

from bot.i18n import isolate
from bot.services import concerns
from bot.services.concerns import CATEGORY_LABELS, SEVERITY_LABELS, SEVERITY_MARKS
from bot.services.help_lines import PURPOSE_LABELS, HelpLine
from domain import ConcernCategory, Severity
from handlers.common import Ctx


def emergency_line(ctx: Ctx, phone: str) -> str:
    return (
        "🚨 <b>"
        + ctx._(
            "If anyone is in danger right now, call %(phone)s first, and stay with the person "
            "if it is safe for you."
        )
        % {"phone": isolate(phone)}
        + "</b>"
    )


def help_line_list(ctx: Ctx, lines: list[HelpLine]) -> list[str]:
    """One line per help line: what it is for, then its number."""
    return [
        "• "
        + ctx._("%(purpose)s: %(phone)s")
        % {"purpose": ctx._(PURPOSE_LABELS[line.purpose]), "phone": isolate(line.phone)}
        for line in lines
    ]


def situation_lines(ctx: Ctx, category: ConcernCategory, lines: list[HelpLine]) -> str:
    """The help lines for a mentee's situation: the most fitting one in a sentence of its
    own, then the others."""
    if not lines:
        return ""
    first, rest = lines[0], lines[1:]
    if category == ConcernCategory.WELLBEING:
        head = (
            "📞 <b>"
            + ctx._(
                "If you feel you cannot keep yourself safe, or you think of hurting yourself, "
                "call %(phone)s now. You are not alone."
            )
            % {"phone": isolate(first.phone)}
            + "</b>"
        )
    else:
        head = (
            "🚨 <b>"
            + ctx._("If you are in danger now, call %(phone)s.") % {"phone": isolate(first.phone)}
            + "</b>"
        )
    if not rest:
        return head
    return "\n".join([head, "", ctx._("Other help lines:"), *help_line_list(ctx, rest)])


def stale(ctx: Ctx, command: str) -> None:
    ctx.stale(
        ctx._("This question is closed. Send %(command)s to start again.") % {"command": command}
    )


def summary(ctx: Ctx, data: dict[str, Any]) -> str:
    severity = Severity(data["severity"])
    return "\n".join(
        [
            "<b>" + ctx._("Your concern") + "</b>",
            ctx._("Category: %(category)s")
            % {"category": ctx._(CATEGORY_LABELS[ConcernCategory(data["category"])])},
            ctx._("Severity: %(severity)s")
            % {"severity": f"{SEVERITY_MARKS[severity]} {ctx._(SEVERITY_LABELS[severity])}"},
            ctx._("Family: %(family)s") % {"family": isolate(data.get("family", ""))},
            "",
            "<blockquote>" + isolate(data.get("text", "")) + "</blockquote>",
        ]
    )


def sent_text(ctx: Ctx, raised: concerns.Raised) -> str:
    if not raised.reached:
        return ctx._(
            "Your concern is saved, but nobody on the staff can be reached through the bot right "
            "now. Please phone the office: %(phone)s."
        ) % {"phone": isolate(raised.office_phone or raised.emergency_phone)}
    values = {
        "name": isolate(raised.worker_name),
        "when": ctx.tr.when(raised.deadline, ctx.tz) if raised.deadline else "",
    }
    if not raised.worker_reached:
        return (
            ctx._(
                "%(name)s cannot be reached through the bot now, so it was sent to other staff "
                "of the programme. Someone must acknowledge it by %(when)s; you will be told here."
            )
            % values
        )
    if raised.coordinators_alerted:
        return (
            ctx._(
                "Sent to %(name)s and the coordinators. Someone must acknowledge it by %(when)s; "
                "you will be told here."
            )
            % values
        )
    return (
        ctx._("Sent to %(name)s, who must acknowledge it by %(when)s. You will be told here.")
        % values
    )
