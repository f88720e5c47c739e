"""`/mydata`: a person's own data (GDPR Art. 15), as a file to read in their language and the
same as JSON. What others wrote about them is left out (bot/services/subject_access.py)."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from bot.i18n import Translator
from bot.services import subject_access
from domain import Role
from handlers.common import Ctx
from handlers.router import Router

EVERYONE = frozenset(Role)
TEXT_FILE, JSON_FILE = "mydata.txt", "mydata.json"


def _day(tr: Translator, tz: str, value: str | None) -> str:
    if not value:
        return "—"
    if "T" in value:
        return tr.moment(datetime.fromisoformat(value), tz)
    return tr.day(date.fromisoformat(value))


def readable(tr: Translator, tz: str, data: dict[str, Any]) -> str:
    """The data as a text file, headed and labelled in the reader's language."""
    _ = tr.gettext
    me = data["person"]
    lines = [
        _("What the mentoring programme stores about you"),
        _(
            "Left out: what others wrote about you (meeting notes, progress reports, concerns "
            "raised by others). You can ask the programme's staff for it."
        ),
        "",
        _("About you"),
    ]
    for label, value in (
        (_("Name"), me["name"]),
        # Translators: a field of the person's own data (/mydata): their family's name.
        (tr.pgettext("my data field", "Family"), me["family"]),
        # Translators: a field of the person's own data (/mydata): the language they chose.
        (tr.pgettext("my data field", "Language"), me["language"]),
        (_("Phone"), me["phone"]),
        (_("E-mail"), me["email"]),
        (_("Agreed on"), _day(tr, tz, me["consent_at"])),
    ):
        lines.append(f"  {label}: {value if value else '—'}")
    sections: list[tuple[str, list[str]]] = [
        (
            _("Matches"),
            [f"#{m['id']} {m['status']}, {_day(tr, tz, m['started_on'])}" for m in data["matches"]],
        ),
        (
            _("Meetings"),
            [
                f"{_day(tr, tz, m['day'])}, {tr.duration(m['minutes'])}"
                + (f": {m['notes']}" if m.get("notes") else "")
                for m in data["meetings"]
            ],
        ),
        (
            _("Planned meetings"),
            [
                f"{_day(tr, tz, a['starts_at'])}, {a['place']}"
                + (f" ({a['note']})" if a["note"] else "")
                for a in data["appointments"]
            ],
        ),
        (
            _("Your requests for help"),
            [
                f"{_day(tr, tz, m['at'])} {_('You') if m['from'] == 'you' else _('Staff')}: {m['text']}"
                for r in data["help_requests"]
                for m in r["messages"]
            ],
        ),
        (
            _("Concerns you raised"),
            [f"{_day(tr, tz, c['raised_at'])}: {c['description']}" for c in data["concerns"]],
        ),
        (
            _("Your progress reports"),
            [f"{_day(tr, tz, r['at'])}: {r['comment'] or '—'}" for r in data["progress_reports"]],
        ),
    ]
    for title, items in sections:
        lines += ["", title]
        lines += [f"  {item}" for item in items] or [f"  {_('Nothing')}"]
    return "\n".join(lines) + "\n"


async def on_mydata(ctx: Ctx) -> None:
    data = await subject_access.collect(ctx.session, ctx.me)
    text = readable(ctx.tr, ctx.tz, data)
    ctx.send_document(
        TEXT_FILE,
        text.encode("utf-8"),
        ctx._("Your data: what the programme stores about you, to read and as JSON."),
    )
    ctx.send_document(JSON_FILE, json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8"))


def register(router: Router) -> None:
    router.command("mydata", on_mydata, roles=EVERYONE)
