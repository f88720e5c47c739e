"""The query of each kind of export: one statement over the organisation's records in the
period, in a stable order (streamed by `kinds.batches`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, String, cast, func, or_, select

from bot.services.exports.periods import Period
from storage.models import (
    Appointment,
    AppointmentAnswer,
    AuditEvent,
    CheckIn,
    Concern,
    Family,
    HelpMessage,
    HelpRequest,
    Match,
    MatchMentor,
    Meeting,
    Organisation,
    Person,
    ProgressReport,
)

AnySelect = Select[*tuple[Any, ...]]


def _mentors_of(match_id: Any) -> Any:
    return (
        select(func.aggregate_strings(cast(MatchMentor.mentor_id, String), ";"))
        .where(MatchMentor.match_id == match_id)
        .scalar_subquery()
    )


def meetings(org: Organisation, p: Period) -> AnySelect:
    return (
        select(
            Meeting.id,
            Meeting.match_id,
            Match.family_id,
            Meeting.mentor_id,
            Meeting.occurred_on,
            Meeting.duration_minutes,
            Meeting.activities,
            Meeting.mood,
            Meeting.notes,
            Meeting.created_at,
        )
        .join(Match, Match.id == Meeting.match_id)
        .where(Match.organisation_id == org.id, Meeting.occurred_on.between(p.first, p.last))
        .order_by(Meeting.id)
    )


def matches(org: Organisation, p: Period) -> AnySelect:
    return (
        select(
            Match.id,
            Match.family_id,
            Family.name,
            _mentors_of(Match.id),
            Match.worker_id,
            Match.status,
            Match.started_on,
            Match.closed_at,
            Match.closure_reason,
            Match.created_at,
            Match.closure_code,
            Match.closure_kind,
            Match.closure_steps,
        )
        .join(Family, Family.id == Match.family_id)
        .where(
            Match.organisation_id == org.id,
            Match.started_on <= p.last,
            or_(Match.closed_at.is_(None), Match.closed_at >= p.start),
        )
        .order_by(Match.id)
    )


def people(org: Organisation, p: Period) -> AnySelect:
    return (
        select(
            Person.id,
            Person.role,
            Person.name,
            Person.family_id,
            Person.locale,
            Person.phone,
            Person.email,
            Person.telegram_id.is_not(None),
            Person.consent,
            Person.active,
            Person.created_at,
        )
        .where(Person.organisation_id == org.id, Person.created_at < p.end)
        .order_by(Person.id)
    )


def concerns(org: Organisation, p: Period) -> AnySelect:
    return (
        select(
            Concern.id,
            Concern.match_id,
            Match.family_id,
            Concern.raised_by_id,
            Concern.category,
            Concern.severity,
            Concern.status,
            Concern.level,
            Concern.assigned_worker_id,
            Concern.raised_at,
            Concern.acknowledged_at,
            Concern.acknowledged_by_id,
            Concern.resolved_at,
            Concern.language,
            Concern.description,
            Concern.resolution_note,
        )
        .join(Match, Match.id == Concern.match_id)
        .where(
            Concern.organisation_id == org.id,
            Concern.raised_at >= p.start,
            Concern.raised_at < p.end,
        )
        .order_by(Concern.id)
    )


def help_requests(org: Organisation, p: Period) -> AnySelect:
    first_answer = (
        select(func.min(HelpMessage.created_at))
        .where(
            HelpMessage.help_request_id == HelpRequest.id,
            HelpMessage.author_id != HelpRequest.requester_id,
        )
        .scalar_subquery()
    )
    messages = (
        select(func.count(HelpMessage.id))
        .where(HelpMessage.help_request_id == HelpRequest.id)
        .scalar_subquery()
    )
    return (
        select(
            HelpRequest.id,
            HelpRequest.match_id,
            Match.family_id,
            HelpRequest.requester_id,
            HelpRequest.worker_id,
            HelpRequest.kind,
            HelpRequest.status,
            HelpRequest.created_at,
            first_answer,
            messages,
            HelpRequest.closed_at,
        )
        .outerjoin(Match, Match.id == HelpRequest.match_id)
        .where(
            HelpRequest.organisation_id == org.id,
            HelpRequest.created_at >= p.start,
            HelpRequest.created_at < p.end,
        )
        .order_by(HelpRequest.id)
    )


def answers(org: Organisation, p: Period) -> AnySelect:
    return (
        select(
            Appointment.id,
            Appointment.match_id,
            Match.family_id,
            Appointment.starts_at,
            Appointment.status,
            AppointmentAnswer.person_id,
            AppointmentAnswer.answer,
            AppointmentAnswer.answered_at,
        )
        .join(Appointment, Appointment.id == AppointmentAnswer.appointment_id)
        .join(Match, Match.id == Appointment.match_id)
        .where(
            Match.organisation_id == org.id,
            Appointment.starts_at >= p.start,
            Appointment.starts_at < p.end,
        )
        .order_by(Appointment.id, AppointmentAnswer.person_id)
    )


def progress_reports(org: Organisation, p: Period) -> AnySelect:
    return (
        select(
            ProgressReport.id,
            ProgressReport.match_id,
            Match.family_id,
            ProgressReport.mentor_id,
            ProgressReport.created_at,
            ProgressReport.relationship,
            ProgressReport.needs_support,
            ProgressReport.domains,
            ProgressReport.comment,
        )
        .join(Match, Match.id == ProgressReport.match_id)
        .where(
            Match.organisation_id == org.id,
            ProgressReport.created_at >= p.start,
            ProgressReport.created_at < p.end,
        )
        .order_by(ProgressReport.id)
    )


def check_ins(org: Organisation, p: Period) -> AnySelect:
    return (
        select(
            CheckIn.id,
            CheckIn.match_id,
            Match.family_id,
            CheckIn.staff_id,
            CheckIn.party,
            CheckIn.person_id,
            CheckIn.how,
            CheckIn.occurred_on,
            CheckIn.note,
            CheckIn.created_at,
        )
        .join(Match, Match.id == CheckIn.match_id)
        .where(CheckIn.organisation_id == org.id, CheckIn.occurred_on.between(p.first, p.last))
        .order_by(CheckIn.id)
    )


def audit_events(org: Organisation, p: Period) -> AnySelect:
    return (
        select(
            AuditEvent.id,
            AuditEvent.created_at,
            AuditEvent.actor_id,
            AuditEvent.action,
            AuditEvent.target_type,
            AuditEvent.target_id,
            AuditEvent.detail,
        )
        .where(
            AuditEvent.organisation_id == org.id,
            AuditEvent.created_at >= p.start,
            AuditEvent.created_at < p.end,
        )
        .order_by(AuditEvent.id)
    )
