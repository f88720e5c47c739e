"""Help requests: the rules that need no database."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.notifications.help import language_label
from bot.services.errors import Invalid
from bot.services.help import MAX_TEXT, clean_text, may_write
from storage.models import HelpKind, HelpRequest, Person, Role

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _person(pid: int, role: Role, org: int = 1, active: bool = True) -> Person:
    return Person(id=pid, organisation_id=org, role=role, name=f"P{pid}", active=active,
                  created_at=NOW)  # fmt: skip


def _request(requester: int = 10, worker: int = 20, org: int = 1) -> HelpRequest:
    return HelpRequest(id=1, organisation_id=org, requester_id=requester, worker_id=worker,
                       kind=HelpKind.PRACTICAL, created_at=NOW)  # fmt: skip


@pytest.mark.parametrize(
    ("person", "allowed"),
    [
        (_person(10, Role.MENTOR), True),  # the requester
        (_person(20, Role.WORKER), True),  # the assigned worker
        (_person(30, Role.COORDINATOR), True),
        (_person(31, Role.ADMIN), False),  # only what escalation brings (bot.services.access)
        (_person(21, Role.WORKER), False),  # another worker
        (_person(11, Role.MENTOR), False),  # another mentor, even of the same match
        (_person(12, Role.MENTEE), False),
        (_person(30, Role.COORDINATOR, org=2), False),  # another organisation
        (_person(20, Role.WORKER, org=2), False),
        (_person(10, Role.MENTOR, active=False), False),  # left the programme
    ],
)
def test_who_may_write_in_a_thread(person: Person, allowed: bool) -> None:
    assert may_write(person, _request()) is allowed


def test_a_requester_id_that_is_a_worker_does_not_make_a_mentor_staff() -> None:
    # A mentor whose id happened to be stored as the worker is still not staff.
    assert not may_write(_person(20, Role.MENTOR), _request(requester=10, worker=20))


def test_language_names_are_in_the_readers_language() -> None:
    assert language_label("ar", "es") == "árabe"
    assert language_label("ar", "en") == "Arabic"
    assert language_label("uk", "ca") == "ucraïnès"
    assert language_label(None, "en") is None
    assert language_label("zz-not-a-code", "en") == "zz-not-a-code"


def test_text_is_trimmed_and_bounded() -> None:
    assert clean_text("  hello \n") == "hello"
    assert clean_text("x" * MAX_TEXT) == "x" * MAX_TEXT
    for bad, code in (("", "empty"), (" \n ", "empty"), ("x" * (MAX_TEXT + 1), "too_long")):
        with pytest.raises(Invalid) as exc:
            clean_text(bad)
        assert exc.value.code == code
