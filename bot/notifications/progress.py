"""What people are shown of progress reports: the domains a report rates and the labels of its
marks (`N_`), the report as the referring worker reads it, and the callback data of every
/report button."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from bot.i18n import NP_, Translator, isolate
from bot.notifications.callbacks import join
from bot.services.errors import Invalid
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


# --- callback data ---------------------------------------------------------------------------
# Every /report button: `"rp:<action>:<arg>"`, built and read here, never changed (buttons
# already in people's chats keep working). A malformed number is bad input (Invalid), as the
# conversation's other answers are; an action no button carries parses as None.

PREFIX = "rp"


def _number(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise Invalid("bad_data") from None


@dataclass(frozen=True)
class Press:
    """One /report button; subclasses name their `ACTION` and the step it answers (`STATE`,
    empty for those that work at any step)."""

    ACTION: ClassVar[str]
    STATE: ClassVar[str] = ""

    def args(self) -> tuple[object, ...]:
        return ()

    def pack(self) -> str:
        return join(PREFIX, self.ACTION, *self.args())


@dataclass(frozen=True)
class MatchPick(Press):
    """A family chosen, or "Report now" on the programme's request."""

    ACTION = "m"
    match_id: int

    def args(self) -> tuple[object, ...]:
        return (self.match_id,)


@dataclass(frozen=True)
class Continue(Press):
    """Continue the report in progress."""

    ACTION = "go"

    def args(self) -> tuple[object, ...]:
        return ("c",)


@dataclass(frozen=True)
class StartOver(Press):
    """Start a new report, on this match if one is given."""

    ACTION = "go"
    match_id: int | None = None

    def args(self) -> tuple[object, ...]:
        return ("n",) if self.match_id is None else ("n", self.match_id)


@dataclass(frozen=True)
class Rate(Press):
    ACTION, STATE = "r", "rate"
    rating: int

    def args(self) -> tuple[object, ...]:
        return (self.rating,)


@dataclass(frozen=True)
class SkipComment(Press):
    ACTION, STATE = "c", "comment"

    def args(self) -> tuple[object, ...]:
        return ("skip",)


@dataclass(frozen=True)
class Relationship(Press):
    ACTION, STATE = "rel", "rel"
    rating: int

    def args(self) -> tuple[object, ...]:
        return (self.rating,)


@dataclass(frozen=True)
class Support(Press):
    ACTION, STATE = "sup", "sup"
    needed: bool

    def args(self) -> tuple[object, ...]:
        return ("1" if self.needed else "0",)


@dataclass(frozen=True)
class Confirm(Press):
    ACTION, STATE = "ok", "summary"


@dataclass(frozen=True)
class Discard(Press):
    ACTION, STATE = "x", "summary"


def parse(args: Sequence[str]) -> Press | None:
    """A press from the parts after the prefix (`["r", "3"]` for `"rp:r:3"`)."""
    action, arg, extra = [*args, "", "", ""][:3]
    if action == "m":
        return MatchPick(_number(arg))
    if action == "go":
        if arg == "c":
            return Continue()
        return StartOver(_number(extra) if extra else None)
    if action == "r":
        return Rate(_number(arg))
    if action == "rel":
        return Relationship(_number(arg))
    if action == "sup":
        return Support(arg == "1")
    simple: dict[str, type[Press]] = {"c": SkipComment, "ok": Confirm, "x": Discard}
    return simple[action]() if action in simple else None
