"""What /invite and /newlink show: the cancel row, role labels, the invitation with its QR
code (the buttons' callback data: handlers/invite/callbacks.py)."""

from __future__ import annotations

from bot import qr
from bot.i18n import isolate
from bot.services import invites
from bot.services.staff_invites import Issued
from domain import Role
from handlers.common import Ctx
from handlers.invite.callbacks import Cancel

NAME, ROLE, LANGUAGE, FAMILY, MATCH, FIND = "name", "role", "language", "family", "match", "find"
ADDERS = frozenset({Role.COORDINATOR})
RELINKERS = frozenset({Role.WORKER, Role.COORDINATOR})


def cancel_row(ctx: Ctx) -> list[tuple[str, str]]:
    return [(ctx._("Cancel"), Cancel().pack())]


def role_label(ctx: Ctx, role: Role) -> str:
    if role == Role.MENTEE:
        return ctx.pgettext("role", "Mentee")
    if role == Role.MENTOR:
        return ctx.pgettext("role", "Mentor")
    if role == Role.WORKER:
        return ctx.pgettext("role", "Worker")
    return ctx.pgettext("role", "Coordinator")


def show_invitation(ctx: Ctx, issued: Issued) -> None:
    link = invites.deep_link(ctx.rt.bot_username, issued.token)
    lines = []
    if issued.unlinked:
        lines.append(
            ctx._(
                "%(name)s's old Telegram account is disconnected and their earlier links no "
                "longer work."
            )
            % {"name": isolate(issued.name)}
        )
    lines.append(
        ctx._(
            "The invitation for <b>%(name)s</b> (%(role)s): send them this link, or show them "
            "the QR code below to scan with their phone's camera. It works once, until "
            "%(date)s."
        )
        % {
            "name": isolate(issued.name),
            "role": role_label(ctx, issued.role),
            "date": ctx.tr.day(issued.expires_at, tz=ctx.tz),
        }
    )
    lines.append(link)
    ctx.edit("\n\n".join(lines))
    ctx.send_photo(
        qr.png(link),
        ctx._("Invitation for %(name)s: scan with the phone's camera.")
        % {"name": isolate(issued.name)},
    )
