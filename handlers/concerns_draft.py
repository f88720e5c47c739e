"""The mentor's `/concern` in progress, typed: what the draft row stores between the steps.

Stored as the draft row's data under the keys it has always had (`match_id`, `family`,
`category`, `severity`, `text`), so a conversation started before a restart or an upgrade goes
on. Data that no longer fits (an unknown category, an id that is not a number) is dropped
cleanly: the conversation is over and the mentor is told to start again."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Self

from domain import ConcernCategory, Severity
from handlers import concerns_views as views
from handlers.common import Ctx

FLOW = "concern"


@dataclass(frozen=True)
class ConcernDraft:
    match_id: int | None = None
    family: str = ""
    category: ConcernCategory | None = None
    severity: Severity | None = None
    text: str = ""

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        if self.match_id is not None:
            data["match_id"], data["family"] = self.match_id, self.family
        if self.category is not None:
            data["category"] = self.category.value
        if self.severity is not None:
            data["severity"] = self.severity.value
        if self.text:
            data["text"] = self.text
        return data

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Self | None:
        """The draft stored on the row; None when it does not fit (then drop it)."""
        try:
            match_id = data.get("match_id")
            category = data.get("category")
            severity = data.get("severity")
            family, text = data.get("family", ""), data.get("text", "")
            if not isinstance(family, str) or not isinstance(text, str):
                return None
            return cls(
                match_id=int(match_id) if match_id is not None else None,
                family=family,
                category=ConcernCategory(category) if category is not None else None,
                severity=Severity(severity) if severity is not None else None,
                text=text,
            )
        except (TypeError, ValueError):
            return None

    def with_(self, **changes: Any) -> Self:
        return dataclasses.replace(self, **changes)


async def current(ctx: Ctx, *states: str) -> ConcernDraft | None:
    """The concern being written, if the conversation is at one of `states`; otherwise None,
    and the mentor is told to start again (a draft that no longer fits is dropped)."""
    draft = ctx.draft
    if draft is None or draft.flow != FLOW or draft.state not in states:
        views.stale(ctx, "/concern")
        return None
    return await typed(ctx, draft.data)


async def typed(ctx: Ctx, data: Mapping[str, Any]) -> ConcernDraft | None:
    """The draft row's data, typed; one that no longer fits ends the conversation."""
    found = ConcernDraft.from_data(data)
    if found is None:
        await drop(ctx)
    return found


async def drop(ctx: Ctx) -> None:
    """End a conversation whose draft no longer fits; the mentor is told to start again."""
    await ctx.clear_draft()
    views.stale(ctx, "/concern")


@dataclass(frozen=True)
class ProblemDraft:
    """A mentee's `/problem` (flow "problem"): the category chosen (state "text"), or none
    yet (state "category")."""

    category: ConcernCategory | None = None

    def to_data(self) -> dict[str, Any]:
        return {} if self.category is None else {"category": self.category.value}

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Self | None:
        category = data.get("category")
        try:
            return cls(ConcernCategory(category) if category is not None else None)
        except ValueError:
            return None


@dataclass(frozen=True)
class StaffNoteDraft:
    """A resolution note or a message to the reporter being written by the staff (flows
    "concern_resolve", "concern_reply"): the concern it is about."""

    concern_id: int

    def to_data(self) -> dict[str, Any]:
        return {"concern_id": self.concern_id}

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Self | None:
        concern_id = data.get("concern_id")
        if isinstance(concern_id, bool) or not isinstance(concern_id, int | str):
            return None
        try:
            return cls(int(concern_id))
        except ValueError:
            return None
