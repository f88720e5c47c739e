"""The /report conversation's draft, typed: the mentor's answers so far, as kept in their
`draft` row (flow "report") so that a report survives a restart.

The row keeps the keys drafts were always written with ("m" the match, "i" the domain being
rated, "r" the ratings, "c" the comments, "rel" the relationship, "sup" whether support is
needed), so a report begun before goes on (and after a downgrade too); a row that cannot be
read is None, and the report begins again."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from bot.services.progress import DOMAINS
from handlers.draft_data import compact, opt_int, opt_str

FLOW = "report"
CODES = list(DOMAINS)


def _ratings(value: object) -> dict[str, int]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ValueError("not ratings")
    ratings: dict[str, int] = {}
    for code, rating in value.items():
        number = opt_int(rating)
        if number is None:
            raise ValueError("no rating")
        ratings[str(code)] = number
    return ratings


def _comments(value: object) -> dict[str, str | None]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ValueError("not comments")
    return {str(code): opt_str(comment) for code, comment in value.items()}


def _flag(value: object) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    raise ValueError("not a yes or no")


@dataclass(frozen=True)
class ReportDraft:
    """States: "match" (which family), "rate" and "comment" (the domain at `step`), "rel",
    "sup", "summary". The mappings are never changed in place: `rated` and `commented` return
    a new draft."""

    FLOW: ClassVar[str] = FLOW
    match_id: int | None = None
    step: int = 0  # the domain being rated, in the order of DOMAINS
    ratings: Mapping[str, int] = field(default_factory=dict)
    comments: Mapping[str, str | None] = field(default_factory=dict)
    relationship: int | None = None
    needs_support: bool | None = None

    @property
    def domain(self) -> str:
        """The code of the domain being rated."""
        return CODES[min(self.step, len(CODES) - 1)]

    def rated(self, rating: int) -> ReportDraft:
        return dataclasses.replace(self, ratings={**self.ratings, self.domain: rating})

    def commented(self, comment: str | None) -> ReportDraft:
        return dataclasses.replace(self, comments={**self.comments, self.domain: comment})

    def to_data(self) -> dict[str, Any]:
        if self.match_id is None:
            return {}  # the family is still to be chosen
        return compact(
            m=self.match_id,
            i=self.step,
            r=dict(self.ratings),
            c=dict(self.comments),
            rel=self.relationship,
            sup=self.needs_support,
        )

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> ReportDraft | None:
        try:
            return cls(
                match_id=opt_int(data.get("m")),
                step=opt_int(data.get("i")) or 0,
                ratings=_ratings(data.get("r")),
                comments=_comments(data.get("c")),
                relationship=opt_int(data.get("rel")),
                needs_support=_flag(data.get("sup")),
            )
        except ValueError:
            return None

    @classmethod
    def on(cls, match_id: int) -> ReportDraft:
        """A new report on this match, at its first domain."""
        return cls(match_id=match_id)
