"""The records about the person an erasure counts and removes, one step per table: their
personal details and their family's name (changed last, by `actions`), their matching
profile and their evaluation and exit answers; with the family's last member, the family's
matching profile and the notes of its requests (docs/match-life.md)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete

from bot.services.erasure.rules import Scope, pseudonym
from storage.models import FamilyProfile, MatchFeedback, MatchRequest, MentorProfile


async def personal_details(s: Scope) -> None:
    person = s.person
    details = [
        value
        for value in (person.name, person.phone, person.email, person.telegram_id)
        if value is not None and value != pseudonym(s.pid)
    ]
    s.count("personal details", len(details))


async def family_name(s: Scope) -> None:
    family = s.lone_family
    if family is not None and family.name != pseudonym(family.id):
        s.count("family name", 1)


async def matching_profile(s: Scope) -> None:
    profiles = await s.ids(MentorProfile.person_id, MentorProfile.person_id == s.pid)
    s.count("matching profile", len(profiles))
    if profiles:
        s.execute(delete(MentorProfile).where(MentorProfile.person_id.in_(profiles)))


async def feedback_answers(s: Scope) -> None:
    feedback = await s.ids(MatchFeedback.id, MatchFeedback.person_id == s.pid)
    s.count("evaluation and exit answers", len(feedback))
    if feedback:
        s.execute(delete(MatchFeedback).where(MatchFeedback.id.in_(feedback)))


async def family_profile(s: Scope) -> None:
    found: list[Any] = []
    if s.lone_family is not None:
        found = await s.ids(FamilyProfile.family_id, FamilyProfile.family_id == s.lone_family.id)
    s.count("family matching profile", len(found))
    if found:
        s.execute(delete(FamilyProfile).where(FamilyProfile.family_id.in_(found)))


async def request_notes(s: Scope) -> None:
    notes: list[MatchRequest] = []
    if s.lone_family is not None:
        found = await s.rows(MatchRequest, MatchRequest.family_id == s.lone_family.id)
        notes = [r for r in found if r.note]
    s.count("request notes", len(notes))

    def clear() -> None:
        for match_request in notes:
            match_request.note = None

    s.edit(clear)
