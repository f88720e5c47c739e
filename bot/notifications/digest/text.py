"""The weekly digest's text for one reader: what happened in the last seven days and what
needs them now, in their language (the figures come from `bot.services.digest`; whether there is anything to say at all is
its `has_news`)."""

from __future__ import annotations

from bot.i18n import Translator
from storage.models import Person, Role


def render(tr: Translator, staff: Person, f: dict[str, int]) -> str:
    """The digest's text, or "" when there is nothing to say."""
    _ = tr.gettext
    happened = _happened(tr, f)
    needs = _needs(tr, f)
    if not happened and not needs:
        return ""
    title = (
        _("<b>Your week: your caseload</b>")
        if staff.role == Role.WORKER
        else _("<b>Your week: the programme</b>")
    )
    lines = [title, "", _("<b>The last 7 days</b>")]
    lines += [f"• {h}" for h in happened] or [_("No meeting or answer was logged.")]
    lines += ["", _("<b>Needs you</b>")]
    lines += [f"• {n}" for n in needs] or [_("Nothing is waiting for you.")]
    lines += ["", _("Send /matches to see each match, those needing attention first.")]
    return "\n".join(lines)


def _happened(tr: Translator, f: dict[str, int]) -> list[str]:
    """What happened in the last seven days: meetings, answers, concerns, help requests."""
    _ = tr.gettext
    happened: list[str] = []
    if f["meetings"]:
        happened.append(
            tr.ngettext(
                "%(n)s meeting, %(time)s in all", "%(n)s meetings, %(time)s in all", f["meetings"]
            )
            % {"n": tr.number(f["meetings"]), "time": tr.duration(f["minutes"])}
        )
    if f["coming"] or f["cannot"]:
        happened.append(
            _("families' answers: %(yes)s coming, %(no)s can't come")
            % {"yes": tr.number(f["coming"]), "no": tr.number(f["cannot"])}
        )
    if f["new_concerns"] or f["closed_concerns"]:
        happened.append(
            tr.ngettext(
                "%(n)s new concern, %(closed)s resolved",
                "%(n)s new concerns, %(closed)s resolved",
                f["new_concerns"],
            )
            % {"n": tr.number(f["new_concerns"]), "closed": tr.number(f["closed_concerns"])}
        )
    if f["new_help"] or f["closed_help"]:
        happened.append(
            tr.ngettext(
                "%(n)s new help request, %(closed)s closed",
                "%(n)s new help requests, %(closed)s closed",
                f["new_help"],
            )
            % {"n": tr.number(f["new_help"]), "closed": tr.number(f["closed_help"])}
        )
    return happened


def _needs(tr: Translator, f: dict[str, int]) -> list[str]:
    """What needs the reader now, each figure that is not zero."""
    needs: list[str] = []
    texts = {
        "unacknowledged": tr.ngettext(
            "%(n)s concern past its acknowledgement deadline",
            "%(n)s concerns past their acknowledgement deadline",
            f["unacknowledged"],
        ),
        "reports_overdue": tr.ngettext(
            "%(n)s progress report overdue",
            "%(n)s progress reports overdue",
            f["reports_overdue"],
        ),
        "quiet": tr.ngettext("%(n)s quiet match", "%(n)s quiet matches", f["quiet"]),
        "checkins_overdue": tr.ngettext(
            "%(n)s match with a staff check-in overdue",
            "%(n)s matches with a staff check-in overdue",
            f.get("checkins_overdue", 0),
        ),
        "unreachable": tr.ngettext(
            "%(n)s person the bot cannot reach",
            "%(n)s people the bot cannot reach",
            f["unreachable"],
        ),
        "undelivered": tr.ngettext(
            "%(n)s message that could not be delivered",
            "%(n)s messages that could not be delivered",
            f["undelivered"],
        ),
        "support": tr.ngettext(
            "%(n)s mentor who may need support (send /mentors)",
            "%(n)s mentors who may need support (send /mentors)",
            f.get("support", 0),
        ),
    }
    for key, text in texts.items():
        if f.get(key):
            needs.append(text % {"n": tr.number(f[key])})
    return needs
