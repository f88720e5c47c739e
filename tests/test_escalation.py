"""The escalation policy of concerns as pure rules: no database, no Telegram."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.services.escalation import (
    DEFAULT_ACK_MINUTES,
    LAST_LEVEL,
    Level,
    Reason,
    ack_minutes,
    deadline,
    decide,
    first_level,
    is_due,
    levels_notified_at_once,
    mentee_severity,
    next_level,
    pending_order,
)
from storage.models import ConcernCategory, ConcernStatus, Severity

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def everyone(level: Level) -> bool:
    return True


def nobody(level: Level) -> bool:
    return False


def only(*levels: Level):  # type: ignore[no-untyped-def]
    return lambda level: level in levels


@pytest.mark.parametrize(
    ("severity", "minutes"),
    [
        (Severity.EMERGENCY, 15),
        (Severity.HIGH, 4 * 60),
        (Severity.MEDIUM, 24 * 60),
        (Severity.LOW, 72 * 60),
    ],
)
def test_default_deadlines_per_severity(severity: Severity, minutes: int) -> None:
    assert ack_minutes(None, severity) == minutes
    assert ack_minutes({}, severity) == minutes
    assert deadline(NOW, None, severity) == NOW + timedelta(minutes=minutes)


def test_organisation_policy_overrides_each_severity() -> None:
    policy = {"emergency": 5, "high": 60, "medium": 600, "low": 1000}
    for severity in Severity:
        assert ack_minutes(policy, severity) == policy[severity.value]
        assert deadline(NOW, policy, severity) == NOW + timedelta(minutes=policy[severity.value])


@pytest.mark.parametrize("bad", [0, -5, "15", None, 2.5, True])
def test_a_broken_setting_falls_back_to_the_default(bad: object) -> None:
    assert ack_minutes({"high": bad}, Severity.HIGH) == DEFAULT_ACK_MINUTES[Severity.HIGH]


def test_deadline_passes_at_the_instant_not_before() -> None:
    due = NOW + timedelta(hours=4)
    assert not is_due(due, due - timedelta(microseconds=1))
    assert is_due(due, due)
    assert is_due(due, due + timedelta(seconds=1))
    assert not is_due(None, due)


@pytest.mark.parametrize(
    ("category", "severity"),
    [
        (c, Severity.HIGH if c == ConcernCategory.SAFETY else Severity.MEDIUM)
        for c in ConcernCategory
    ],
)
def test_mentee_severity_is_decided_by_category(
    category: ConcernCategory, severity: Severity
) -> None:
    assert mentee_severity(category) == severity


def test_only_emergencies_reach_the_coordinators_at_once() -> None:
    assert levels_notified_at_once(Severity.EMERGENCY) == (Level.COORDINATORS,)
    for severity in (Severity.LOW, Severity.MEDIUM, Severity.HIGH):
        assert levels_notified_at_once(severity) == ()


def test_every_level_in_order_when_everyone_is_reachable() -> None:
    assert first_level(everyone).level == Level.WORKER
    assert next_level(Level.WORKER, everyone).level == Level.COORDINATORS
    assert next_level(Level.COORDINATORS, everyone).level == Level.ADMINS
    end = next_level(LAST_LEVEL, everyone)
    assert end.level is None and end.exhausted and end.skipped == ()


def test_unreachable_levels_are_skipped_at_once() -> None:
    # a blocked coordinator: straight from the worker to the admins
    step = next_level(Level.WORKER, only(Level.WORKER, Level.ADMINS))
    assert step.level == Level.ADMINS
    assert step.skipped == (Level.COORDINATORS,)
    # a worker who cannot be reached: a new concern starts with the coordinators
    step = first_level(only(Level.COORDINATORS, Level.ADMINS))
    assert (step.level, step.skipped) == (Level.COORDINATORS, (Level.WORKER,))
    # nobody after the worker
    step = next_level(Level.WORKER, only(Level.WORKER))
    assert step.exhausted and step.skipped == (Level.COORDINATORS, Level.ADMINS)


def test_nobody_at_all_ends_the_chain_at_once() -> None:
    step = first_level(nobody)
    assert step.exhausted
    assert step.skipped == (Level.WORKER, Level.COORDINATORS, Level.ADMINS)


@pytest.mark.parametrize("level", list(Level))
def test_decide_waits_until_the_deadline(level: Level) -> None:
    due = NOW + timedelta(minutes=15)
    assert decide(ConcernStatus.OPEN, level, due, due - timedelta(seconds=1), everyone) is None
    decision = decide(ConcernStatus.OPEN, level, due, due, everyone)
    assert decision is not None and decision.reason == Reason.TIMEOUT
    expected = None if level == LAST_LEVEL else Level(level + 1)
    assert decision.step.level == expected


@pytest.mark.parametrize(
    "status", [ConcernStatus.ACKNOWLEDGED, ConcernStatus.RESOLVED, ConcernStatus.UNACKNOWLEDGED]
)
def test_only_open_concerns_move(status: ConcernStatus) -> None:
    late = NOW + timedelta(days=30)
    assert decide(status, Level.WORKER, NOW, late, everyone) is None
    assert decide(status, Level.WORKER, NOW, late, nobody) is None


def test_a_level_that_became_unreachable_is_left_before_its_deadline() -> None:
    due = NOW + timedelta(hours=4)
    decision = decide(ConcernStatus.OPEN, Level.WORKER, due, NOW, only(Level.ADMINS))
    assert decision is not None
    assert decision.reason == Reason.UNREACHABLE
    assert (decision.step.level, decision.step.skipped) == (Level.ADMINS, (Level.COORDINATORS,))
    decision = decide(ConcernStatus.OPEN, Level.ADMINS, due, NOW, only(Level.WORKER))
    assert decision is not None and decision.step.exhausted


def test_pending_order_unacknowledged_then_severity_then_age() -> None:
    older, newer = NOW - timedelta(days=2), NOW
    items = [
        ("low-old", ConcernStatus.OPEN, Severity.LOW, older),
        ("high-new", ConcernStatus.OPEN, Severity.HIGH, newer),
        ("high-old", ConcernStatus.ACKNOWLEDGED, Severity.HIGH, older),
        ("unack-low", ConcernStatus.UNACKNOWLEDGED, Severity.LOW, newer),
        ("emergency", ConcernStatus.OPEN, Severity.EMERGENCY, newer),
    ]
    ordered = sorted(items, key=lambda i: pending_order(i[1], i[2], i[3]))
    assert [i[0] for i in ordered] == ["unack-low", "emergency", "high-old", "high-new", "low-old"]
