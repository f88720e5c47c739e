"""/mentors: the mentors who may need the coordinators' support (bot/services/support.py),
each with their figures over the last 90 days and a suggestion: a supervision call or a group
session. Coordinators only; the service refuses anyone else."""

from __future__ import annotations

from bot.i18n import isolate
from bot.services import support
from bot.services.support import MentorSignal, Suggestion
from domain import Role
from handlers.common import Ctx
from handlers.router import Router

ROLES = frozenset({Role.COORDINATOR})


def _figures(ctx: Ctx, m: MentorSignal) -> str:
    tr = ctx.tr

    def mark(key: str, text: str) -> str:
        return f"⚠️ {text}" if key in m.over else text

    parts = [
        mark(
            "help",
            ctx.ngettext("%(n)s help request", "%(n)s help requests", m.help)
            % {"n": tr.number(m.help)},
        )
    ]
    if m.wait_hours is not None:
        parts.append(
            mark(
                "wait_hours",
                ctx.ngettext(
                    "waited %(n)s hour on average for an answer",
                    "waited %(n)s hours on average for an answer",
                    m.wait_hours,
                )
                % {"n": tr.number(m.wait_hours)},
            )
        )
    parts.append(
        mark(
            "concerns",
            ctx.ngettext("%(n)s concern raised", "%(n)s concerns raised", m.concerns)
            % {"n": tr.number(m.concerns)},
        )
    )
    parts.append(
        mark(
            "quiet",
            ctx.ngettext("%(n)s quiet match", "%(n)s quiet matches", m.quiet)
            % {"n": tr.number(m.quiet)},
        )
    )
    return " · ".join(parts)


def suggestion_text(ctx: Ctx, suggestion: Suggestion) -> str:
    if suggestion == Suggestion.CALL:
        return ctx._("Suggestion: a supervision call with them.")
    return ctx._("Suggestion: invite them to a group session with other mentors.")


def render(ctx: Ctx, found: support.Signals) -> str:
    t, tr = found.thresholds, ctx.tr
    lines = [
        ctx._("<b>Mentors who may need support</b>"),
        ctx._(
            "Last %(days)s days. A mentor is shown from %(help)s help requests, a mean wait of "
            "%(wait)s hours, %(concerns)s concerns or %(quiet)s quiet matches."
        )
        % {
            "days": tr.number(support.WINDOW_DAYS),
            "help": tr.number(t["help"]),
            "wait": tr.number(t["wait_hours"]),
            "concerns": tr.number(t["concerns"]),
            "quiet": tr.number(t["quiet"]),
        },
    ]
    if not found.mentors:
        lines += ["", ctx._("No mentor is above the thresholds.")]
    for m in found.mentors:
        lines += [
            "",
            f"<b>{isolate(m.name)}</b>",
            _figures(ctx, m),
            "→ " + suggestion_text(ctx, m.suggestion),
        ]
    return "\n".join(lines)


async def on_command(ctx: Ctx) -> None:
    found = await support.signals(ctx.session, ctx.me, ctx.now)
    ctx.reply(render(ctx, found))


def register(router: Router) -> None:
    router.command("mentors", on_command, roles=ROLES)
