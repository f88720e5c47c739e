"""What people are shown of progress reports: the domains a report rates and the labels of its
marks (`N_`), and the report as the referring worker reads it."""

from __future__ import annotations

from bot.i18n import NP_, Translator, isolate
from storage.models import ProgressReport

DOMAINS: dict[str, str] = {
    # Translators: an area a progress report rates: learning the country's language (not the app's language setting).
    "language": NP_("progress domain", "Language"),
    # Translators: an area a progress report rates: the people the mentee knows and can turn to, not social media.
    "social": NP_("progress domain", "Social network"),
    # Translators: an area a progress report rates.
    "autonomy": NP_("progress domain", "Autonomy with paperwork and services"),
    # Translators: an area a progress report rates.
    "work": NP_("progress domain", "Work or training"),
    # Translators: an area a progress report rates: having a stable home.
    "housing": NP_("progress domain", "Housing"),
    # Translators: an area a progress report rates: how the mentee feels, health of mind and body.
    "wellbeing": NP_("progress domain", "Wellbeing"),
}
RATINGS = (1, 2, 3, 4)
RATING_LABELS: dict[int, str] = {
    # Translators: a mark from 1 to 4 on a button; 1, the lowest.
    1: NP_("progress rating", "Needs a lot of support"),
    # Translators: a mark from 1 to 4 on a button; 2.
    2: NP_("progress rating", "Some progress"),
    # Translators: a mark from 1 to 4 on a button; 3.
    3: NP_("progress rating", "Good progress"),
    # Translators: a mark from 1 to 4 on a button; 4, the highest.
    4: NP_("progress rating", "Doing well"),
}
RELATIONSHIP_LABELS: dict[int, str] = {
    # Translators: how the mentor-mentee relationship is going, 1 of 4.
    1: NP_("relationship rating", "Difficult"),
    # Translators: how the mentor-mentee relationship is going, 2 of 4.
    2: NP_("relationship rating", "Could be better"),
    # Translators: how the mentor-mentee relationship is going, 3 of 4 (an adjective about the relationship).
    3: NP_("relationship rating", "Good"),
    # Translators: how the mentor-mentee relationship is going, 4 of 4.
    4: NP_("relationship rating", "Very good"),
}


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
