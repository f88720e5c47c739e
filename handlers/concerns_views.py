"""What the concern conversations show around their questions: the summary of a concern, what
became of it once sent, the emergency line, and the answer to an old button. Rendering only;
the rules are in bot.services.concerns."""

from __future__ import annotations

from typing import Any

from bot.i18n import isolate
from bot.services import concerns
from bot.services.concerns import CATEGORY_LABELS, SEVERITY_LABELS, SEVERITY_MARKS
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
