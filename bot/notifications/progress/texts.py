"""What people read of progress reports: the report as the referring worker reads it, the
programme's request (and its reminder) to the mentors, and what a co-mentor's prompt says once
a teammate sent the report; each in the reader's language and timezone."""

from __future__ import annotations

from collections.abc import Sequence

from bot.i18n import N_, Translator, isolate
from bot.notifications.matches import open_match
from bot.notifications.progress.callbacks import MatchPick
from bot.services.progress import DOMAINS, RATING_LABELS, RATINGS, RELATIONSHIP_LABELS
from domain.values import Buttons
from storage.models import ProgressReport

DONE_BY_ANOTHER = N_(
    "%(mentor)s has sent the progress report on the %(family)s family. Nothing more to do."
)


def render_for_worker(
    tr: Translator,
    tz: str,
    report: ProgressReport,
    family_name: str,
    mentor_name: str,
    match_id: int,
) -> str:
    """The report as the referring worker reads it: their language, their timezone."""
    _ = tr.gettext
    lines = [
        _("<b>Progress report: %(family)s family</b> (match no. %(match)s)")
        % {"family": isolate(family_name), "match": match_id},
        _("From %(mentor)s, %(when)s")
        % {"mentor": isolate(mentor_name), "when": tr.when(report.created_at, tz)},
        "",
    ]
    for code, label in DOMAINS.items():
        item = report.domains.get(code) or {}
        rating = int(item.get("rating") or 0)
        lines.append(
            _("%(domain)s: %(rating)s/%(scale)s · %(label)s")
            % {
                "domain": _(label),
                "rating": tr.number(rating),
                "scale": tr.number(len(RATINGS)),
                "label": _(RATING_LABELS[rating]) if rating in RATING_LABELS else "",
            }
        )
        if item.get("comment"):
            lines.append("   " + isolate(str(item["comment"])))
    lines.append("")
    lines.append(
        _("How the relationship is going: %(rating)s/%(scale)s · %(label)s")
        % {
            "rating": tr.number(report.relationship),
            "scale": tr.number(len(RATINGS)),
            "label": _(RELATIONSHIP_LABELS[report.relationship]),
        }
    )
    if report.needs_support:
        lines.append(_("⚠️ The mentor asks for support from staff."))
    else:
        lines.append(_("The mentor does not need support from staff."))
    return "\n".join(lines)


def worker_buttons(tr: Translator, match_id: int) -> Buttons:
    """Under the worker's copy: open the match's card (`mt:<id>`, `handlers.matches`)."""
    return [[(tr.gettext("Open the match"), open_match(match_id))]]


def done_by_another(tr: Translator, author: str, family: str) -> str:
    """A co-mentor's prompt, edited once `author` sent the report."""
    return tr.gettext(DONE_BY_ANOTHER) % {"mentor": isolate(author), "family": isolate(family)}


def request_text(tr: Translator, family: str, team: Sequence[str], reminder: bool) -> str:
    """The programme's request for a report on the family (or its reminder); `team`: the
    match's other mentors, any of whom may send it."""
    name = isolate(family)
    _ = tr.gettext
    if team:
        # One report for the family, whoever of the team sends it.
        values = {"family": name, "others": tr.join([isolate(n) for n in team])}
        if reminder:
            return (
                _(
                    "A reminder: the programme is waiting for the team's progress report on the "
                    "%(family)s family. %(others)s can send it too; one of you is enough."
                )
                % values
            )
        return (
            _(
                "It is time for a progress report on the %(family)s family: one report for "
                "the team. %(others)s can send it too; one of you is enough."
            )
            % values
        )
    if reminder:
        return _(
            "A reminder: the programme is waiting for your progress report on the %(family)s "
            "family. It takes a few minutes."
        ) % {"family": name}
    return _(
        "It is time for a progress report on the %(family)s family. "
        "It takes a few minutes, with buttons."
    ) % {"family": name}


def request_buttons(tr: Translator, match_id: int) -> Buttons:
    return [[(tr.gettext("Report now"), MatchPick(match_id).pack())]]
