"""Concerns: a worry about a mentee that must reach the referring worker and be acknowledged by
a person. Raising, the staff's card (acknowledge, resolve, reply, reassign), the escalation of
what nobody acknowledged in time, and the staff's list of what is pending.

Every transition is a `ConcernEvent` and an audit event; a concern is never deleted. Cards and
notices to anyone other than the person acting go through the outbox, rendered in the
recipient's language and timezone.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import N_, NP_, Translator, isolate
from bot.services import access, audit, outbox, people, texts
from bot.services import help as help_requests
from bot.services.errors import Invalid, NotAllowed, NotFound
from bot.services.escalation import (
    Level,
    Reason,
    Step,
    ack_minutes,
    deadline,
    decide,
    first_level,
    is_due,
    levels_notified_at_once,
    mentee_severity,
    pending_order,
)
from bot.services.help import OpenHelp, clean_text, language_label
from storage.models import (
    Concern,
    ConcernCategory,
    ConcernEvent,
    ConcernStatus,
    Consent,
    Family,
    HelpKind,
    Match,
    MatchMentor,
    MatchStatus,
    Organisation,
    OutboxMessage,
    OutboxStatus,
    Person,
    Role,
    Severity,
)

CARD = "concern_card"
REF = "concern"
DESCRIPTION_MAX = 2000  # UTF-16 units; a card that would pass 4096 is cut, with a button
NOTE_MAX = 500
REPLY_MAX = 2000

CATEGORY_LABELS: dict[ConcernCategory, str] = {
    ConcernCategory.WELLBEING: NP_("concern category", "Wellbeing or mental health"),
    ConcernCategory.SAFETY: NP_("concern category", "Safety or violence"),
    # Translators: what a concern is about (staff and mentors see it): physical or mental health.
    ConcernCategory.HEALTH: NP_("concern category", "Health"),
    # Translators: what a concern is about: the home, eviction, conditions.
    ConcernCategory.HOUSING: NP_("concern category", "Housing"),
    # Translators: what a concern is about: residence permits, asylum, legal matters.
    ConcernCategory.LEGAL: NP_("concern category", "Legal or papers"),
    # Translators: what a concern is about: money problems.
    ConcernCategory.MONEY: NP_("concern category", "Money"),
    ConcernCategory.RELATIONSHIP: NP_(
        "concern category", "The relationship itself (boundaries, conflict)"
    ),
    # Translators: what a concern is about, when no other category fits.
    ConcernCategory.OTHER: NP_("concern category", "Other"),
}

# The same categories in the mentee's simpler words.
PROBLEM_LABELS: dict[ConcernCategory, str] = {
    ConcernCategory.WELLBEING: NP_("concern category, mentee", "I feel bad or very sad"),
    ConcernCategory.SAFETY: NP_("concern category, mentee", "I do not feel safe"),
    # Translators: a mentee's button: 'my problem is about my health'. Plain words.
    ConcernCategory.HEALTH: NP_("concern category, mentee", "Health"),
    # Translators: a mentee's button: 'my problem is about where I live'.
    ConcernCategory.HOUSING: NP_("concern category, mentee", "My home"),
    # Translators: a mentee's button: 'my problem is about my documents' (residence permit, asylum).
    ConcernCategory.LEGAL: NP_("concern category, mentee", "Papers"),
    # Translators: a mentee's button: 'my problem is about money'.
    ConcernCategory.MONEY: NP_("concern category, mentee", "Money"),
    # Translators: a mentee's button; mentor: the volunteer who accompanies them (use the glossary word).
    ConcernCategory.RELATIONSHIP: NP_("concern category, mentee", "A problem with my mentor"),
    # Translators: a mentee's button: none of the others.
    ConcernCategory.OTHER: NP_("concern category, mentee", "Something else"),
}

SEVERITY_LABELS: dict[Severity, str] = {
    # Translators: how serious a concern is, 1 of 4 (not a mood).
    Severity.LOW: NP_("concern severity", "Low"),
    # Translators: how serious a concern is, 2 of 4.
    Severity.MEDIUM: NP_("concern severity", "Medium"),
    # Translators: how serious a concern is, 3 of 4.
    Severity.HIGH: NP_("concern severity", "High"),
    # Translators: how serious a concern is, 4 of 4: someone is in danger now.
    Severity.EMERGENCY: NP_("concern severity", "Emergency"),
}

SEVERITY_MARKS: dict[Severity, str] = {
    Severity.LOW: "⚪",
    Severity.MEDIUM: "🟡",
    Severity.HIGH: "🟠",
    Severity.EMERGENCY: "🔴",
}

# One line each, so that volunteers choose well. %(duration)s: the time staff have to answer.
SEVERITY_HELP: dict[Severity, str] = {
    Severity.LOW: N_("Low: good for staff to know, nothing urgent (answer within %(duration)s)."),
    Severity.MEDIUM: N_(
        "Medium: something is going wrong and needs the worker soon (answer within %(duration)s)."
    ),
    Severity.HIGH: N_(
        "High: a serious risk that needs the worker today (answer within %(duration)s)."
    ),
    Severity.EMERGENCY: N_(
        "Emergency: someone is in danger right now. You will get the emergency number at once."
    ),
}

STATUS_LABELS: dict[ConcernStatus, str] = {
    # Translators: the state of a concern: no worker has taken it on yet.
    ConcernStatus.OPEN: NP_("concern status", "waiting for acknowledgement"),
    # Translators: the state of a concern: a worker has taken it on (see 'Acknowledge' in the glossary).
    ConcernStatus.ACKNOWLEDGED: NP_("concern status", "acknowledged"),
    # Translators: the state of a concern: dealt with and closed.
    ConcernStatus.RESOLVED: NP_("concern status", "resolved"),
    # Translators: the state of a concern: nobody took it on in time (capitals: an alarm).
    ConcernStatus.UNACKNOWLEDGED: NP_("concern status", "NOT ACKNOWLEDGED"),
}

HELP_KIND_LABELS: dict[HelpKind, str] = {
    # Translators: what a help request to staff is about.
    HelpKind.PRACTICAL: NP_("help request kind", "Practical question"),
    HelpKind.RELATIONSHIP: NP_("help request kind", "About the relationship"),
    HelpKind.SUPPORT: NP_("help request kind", "Support for the mentor"),
    HelpKind.MENTEE: NP_("help request kind", "From a mentee"),
}

# How each step of the chain is stated on the cards. Keys: (kind, level, reason).
_ESCALATED_TIMEOUT: dict[Level, str] = {
    Level.COORDINATORS: N_("Escalated to the coordinators: not acknowledged within %(duration)s."),
    Level.ADMINS: N_("Escalated to the admins: not acknowledged within %(duration)s."),
}
_ESCALATED_UNREACHABLE: dict[Level, str] = {
    Level.COORDINATORS: N_("Escalated to the coordinators: the worker could not be reached."),
    Level.ADMINS: N_("Escalated to the admins: the coordinators could not be reached."),
}
_SKIPPED: dict[Level, str] = {
    Level.WORKER: N_("Skipped the worker: cannot be reached by the bot."),
    Level.COORDINATORS: N_("Skipped the coordinators: none can be reached by the bot."),
    Level.ADMINS: N_("Skipped the admins: none can be reached by the bot."),
}
_UNACK_TIMEOUT = N_(
    "Nobody acknowledged this concern: the last level did not answer within %(duration)s."
)
_UNACK_NOBODY = N_("Nobody acknowledged this concern: nobody on the staff can be reached.")


# What the person who raised a concern is told; mentees in simpler words. (kind, mentee)
_REPORTER_NOTICES: dict[tuple[str, bool], str] = {
    ("acknowledged", False): N_(
        "Your concern about %(category)s (%(day)s) was received by %(name)s from the staff."
    ),
    ("resolved", False): N_(
        "Your concern about %(category)s (%(day)s) was marked as resolved by %(name)s."
    ),
    ("reply", False): N_("Message from %(name)s about your concern (%(category)s, %(day)s):"),
    ("acknowledged", True): N_(
        "%(name)s from the programme has read your message (%(category)s, %(day)s)."
    ),
    ("resolved", True): N_(
        "%(name)s from the programme has finished following up your problem (%(category)s, %(day)s)."
    ),
    ("reply", True): N_("Message from %(name)s about your problem (%(category)s, %(day)s):"),
}


# --- results ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class MatchChoice:
    id: int
    family: str


@dataclass(frozen=True)
class SeverityChoice:
    severity: Severity
    minutes: int


@dataclass(frozen=True)
class Raised:
    concern_id: int
    severity: Severity
    status: ConcernStatus
    deadline: datetime | None
    emergency_phone: str
    office_phone: str | None
    reached: bool  # somebody on the staff will receive the card
    worker_name: str
    worker_reached: bool  # the referring worker got the card (else a later level did)
    coordinators_alerted: bool  # the coordinators got the card too


@dataclass(frozen=True)
class CardView:
    """A concern's card, rendered for one reader."""

    text: str
    buttons: list[list[tuple[str, str]]]


@dataclass(frozen=True)
class Acted:
    concern_id: int
    card: CardView
    changed: bool = True
    reporter_told: bool = True


@dataclass(frozen=True)
class WorkerChoice:
    id: int
    name: str


@dataclass(frozen=True)
class PendingConcern:
    id: int
    category: ConcernCategory
    severity: Severity
    status: ConcernStatus
    family: str
    raised_at: datetime
    deadline: datetime | None


@dataclass(frozen=True)
class Pending:
    concerns: list[PendingConcern]
    help: list[OpenHelp]  # from bot.services.help


# --- who may do what -------------------------------------------------------------------------


def reachable(person: Person | None) -> bool:
    """The bot can deliver to this person: active, linked, agreed, and not blocked."""
    return (
        person is not None
        and person.active
        and person.telegram_id is not None
        and person.reachable
        and person.consent == Consent.GIVEN
    )


async def raisable_matches(session: AsyncSession, person: Person) -> list[MatchChoice]:
    """The matches this person may raise a concern on: a mentor's own matches, a mentee's
    family's matches; not closed ones."""
    query = select(Match.id, Family.name).join(Family, Family.id == Match.family_id)
    if person.role == Role.MENTOR:
        query = query.join(MatchMentor, MatchMentor.match_id == Match.id).where(
            MatchMentor.mentor_id == person.id
        )
    elif person.role == Role.MENTEE and person.family_id is not None:
        query = query.where(Match.family_id == person.family_id)
    else:
        return []
    query = query.where(
        Match.organisation_id == person.organisation_id, Match.status != MatchStatus.CLOSED
    ).order_by(Match.started_on.desc(), Match.id.desc())
    rows = (await session.execute(query)).all()
    return [MatchChoice(id=row[0], family=row[1]) for row in rows]


async def check_match(session: AsyncSession, person: Person, match_id: int) -> MatchChoice:
    """The match, if this person may raise a concern on it; NotAllowed otherwise."""
    for choice in await raisable_matches(session, person):
        if choice.id == match_id:
            return choice
    raise NotAllowed("not a match of this person")


async def severity_choices(session: AsyncSession, person: Person) -> list[SeverityChoice]:
    org = await people.organisation_of(session, person)
    return [SeverityChoice(s, ack_minutes(org.ack_deadlines_minutes, s)) for s in Severity]


async def emergency_phone(session: AsyncSession, person: Person) -> str:
    return (await people.organisation_of(session, person)).emergency_phone


def _require_staff(actor: Person) -> None:
    if not actor.role.is_staff or not actor.active:
        raise NotAllowed("staff only")


async def _staff_concern(
    session: AsyncSession, actor: Person, concern_id: int, *, lock: bool = False
) -> Concern:
    """The concern, if it is `actor`'s now (see `bot.services.access`): the worker it is
    assigned to, the coordinators, the admins once it was escalated to them. Locked for the
    transaction when acting on it, so that an acknowledgement and an escalation never
    interleave."""
    _require_staff(actor)
    query = select(Concern).where(Concern.id == concern_id)
    if lock:
        query = query.with_for_update()
    concern = (await session.execute(query)).scalar_one_or_none()
    if concern is None:
        raise NotFound("no such concern")
    if concern.organisation_id != actor.organisation_id:
        raise NotAllowed("concern of another organisation")
    if not access.may_see_concern(actor, concern):
        raise NotAllowed("not this person's concern")
    return concern


# --- events ----------------------------------------------------------------------------------


def _event(
    session: AsyncSession,
    now: datetime,
    concern: Concern,
    kind: str,
    *,
    actor_id: int | None,
    level: int | None = None,
    text: str | None = None,
    **detail: Any,
) -> None:
    """One step of a concern's history, and its audit event (ids and codes only)."""
    stored = dict(detail)
    if text is not None:
        stored["text"] = text
    session.add(
        ConcernEvent(
            concern_id=concern.id,
            kind=kind,
            actor_id=actor_id,
            level=level if level is not None else concern.level,
            detail=stored,
            created_at=now,
        )
    )
    audit.record(
        session,
        now,
        f"concern.{kind}",
        actor_id=actor_id,
        organisation_id=concern.organisation_id,
        target=(REF, concern.id),
        **detail,
    )


async def events_of(session: AsyncSession, concern_id: int) -> list[ConcernEvent]:
    rows = await session.execute(
        select(ConcernEvent).where(ConcernEvent.concern_id == concern_id).order_by(ConcernEvent.id)
    )
    return list(rows.scalars())


# --- the people at each level ----------------------------------------------------------------


async def _staff_of(session: AsyncSession, org_id: int, roles: Iterable[Role]) -> list[Person]:
    rows = await session.execute(
        select(Person)
        .where(
            Person.organisation_id == org_id,
            Person.role.in_(list(roles)),
            Person.active.is_(True),
        )
        .order_by(Person.id)
    )
    return list(rows.scalars())


class _Levels:
    """Who is at each level of one concern's chain, loaded once per transaction."""

    def __init__(self, worker: Person | None, coordinators: list[Person], admins: list[Person]):
        self.people: dict[Level, list[Person]] = {
            Level.WORKER: [worker] if worker is not None else [],
            Level.COORDINATORS: coordinators,
            Level.ADMINS: admins,
        }

    def reachable(self, level: Level) -> bool:
        return any(reachable(p) for p in self.people[level])

    def at(self, level: Level) -> list[Person]:
        return [p for p in self.people[level] if reachable(p)]


async def _levels(session: AsyncSession, concern: Concern) -> _Levels:
    worker = await session.get(Person, concern.assigned_worker_id)
    staff = await _staff_of(session, concern.organisation_id, (Role.COORDINATOR, Role.ADMIN))
    return _Levels(
        worker,
        [p for p in staff if p.role == Role.COORDINATOR],
        [p for p in staff if p.role == Role.ADMIN],
    )


# --- raising ---------------------------------------------------------------------------------


def check_description(text: str) -> str:
    """A concern's description as typed: `TooLong` past `DESCRIPTION_MAX` UTF-16 units."""
    return texts.check(text, DESCRIPTION_MAX)


async def raise_concern(
    session: AsyncSession,
    now: datetime,
    reporter: Person,
    match_id: int,
    category: ConcernCategory | str,
    description: str,
    severity: Severity | str | None = None,
) -> Raised:
    """A mentor (or a mentee of the family) raises a concern on a match. Mentors grade its
    severity; a mentee's is decided here. The referring worker gets the card (an emergency also
    goes to the coordinators at once); a level with nobody reachable is skipped at once."""
    try:
        category = ConcernCategory(category)
        if reporter.role == Role.MENTEE:
            severity = mentee_severity(category)
        elif severity is None:
            raise Invalid("severity_missing")
        else:
            severity = Severity(severity)
    except ValueError as exc:
        raise Invalid("bad_choice") from exc
    await check_match(session, reporter, match_id)
    description = clean_text(description, DESCRIPTION_MAX)
    match = await session.get(Match, match_id)
    assert match is not None
    org = await people.organisation_of(session, reporter)
    concern = Concern(
        organisation_id=match.organisation_id,
        match_id=match.id,
        raised_by_id=reporter.id,
        category=category,
        severity=severity,
        description=description,
        language=people.locale_of(reporter, org),
        status=ConcernStatus.OPEN,
        assigned_worker_id=match.worker_id,
        level=Level.WORKER,
        raised_at=now,
        ack_deadline_at=deadline(now, org.ack_deadlines_minutes, severity),
    )
    session.add(concern)
    await session.flush()
    _event(
        session, now, concern, "raised", actor_id=reporter.id,
        category=category.value, severity=severity.value, match_id=match.id,
    )  # fmt: skip
    levels = await _levels(session, concern)
    step = first_level(levels.reachable)
    _skip(session, now, concern, step)
    if step.level is None:
        await _give_up(session, now, concern, reason=Reason.UNREACHABLE)
        reached, alerted, worker_reached = False, False, False
    else:
        concern.level = step.level
        recipients = levels.at(step.level)
        if step.level == Level.WORKER:
            for extra in levels_notified_at_once(severity):
                recipients += levels.at(extra)
        sent = await _send_cards(session, now, concern, _unique(recipients), level=step.level)
        reached = bool(sent)
        alerted = any(p.role == Role.COORDINATOR and p.id in sent for p in recipients)
        worker_reached = concern.assigned_worker_id in sent
    return Raised(
        concern_id=concern.id,
        severity=severity,
        status=concern.status,
        deadline=concern.ack_deadline_at,
        emergency_phone=org.emergency_phone,
        office_phone=org.office_phone,
        reached=reached,
        worker_name=levels.people[Level.WORKER][0].name if levels.people[Level.WORKER] else "",
        worker_reached=worker_reached,
        coordinators_alerted=alerted,
    )


async def raise_problem(
    session: AsyncSession,
    now: datetime,
    mentee: Person,
    category: ConcernCategory | str,
    description: str,
) -> Raised:
    """A mentee's "I have a problem": on their family's current match, severity decided here."""
    if mentee.role != Role.MENTEE:
        raise NotAllowed("mentees only")
    matches = await raisable_matches(session, mentee)
    if not matches:
        raise Invalid("no_match")
    return await raise_concern(session, now, mentee, matches[0].id, category, description)


def _unique(persons: Iterable[Person]) -> list[Person]:
    seen: dict[int, Person] = {}
    for p in persons:
        seen.setdefault(p.id, p)
    return list(seen.values())


def _skip(session: AsyncSession, now: datetime, concern: Concern, step: Step) -> None:
    for level in step.skipped:
        _event(session, now, concern, "skipped", actor_id=None, level=level, reason="unreachable")


# --- cards -----------------------------------------------------------------------------------


@dataclass
class _Facts:
    concern: Concern
    reporter: Person
    family: str
    names: dict[int, str]
    events: list[ConcernEvent]
    minutes: int


async def _facts(session: AsyncSession, concern: Concern) -> _Facts:
    reporter = await session.get(Person, concern.raised_by_id)
    assert reporter is not None
    match = await session.get(Match, concern.match_id)
    assert match is not None
    family = await session.get(Family, match.family_id)
    org = await session.get(Organisation, concern.organisation_id)
    assert org is not None
    events = await events_of(session, concern.id)
    ids = {
        i
        for i in (concern.acknowledged_by_id, concern.resolved_by_id, concern.assigned_worker_id)
        if i is not None
    }
    names: dict[int, str] = {}
    if ids:
        rows = await session.execute(select(Person.id, Person.name).where(Person.id.in_(ids)))
        names = {row[0]: row[1] for row in rows.all()}
    return _Facts(
        concern=concern,
        reporter=reporter,
        family=family.name if family else "",
        names=names,
        events=events,
        minutes=ack_minutes(org.ack_deadlines_minutes, concern.severity),
    )


def _chain_line(tr: Translator, tz: str, event: ConcernEvent) -> str | None:
    detail = event.detail or {}
    minutes = int(detail.get("minutes") or 0)
    line: str | None = None
    if event.kind == "escalated":
        to = Level(int(detail.get("to_level", 0)))
        table = (
            _ESCALATED_TIMEOUT if detail.get("reason") == Reason.TIMEOUT else _ESCALATED_UNREACHABLE
        )
        template = table.get(to)
        line = tr.gettext(template) % {"duration": tr.duration(minutes)} if template else None
    elif event.kind == "skipped" and event.level is not None:
        line = tr.gettext(_SKIPPED[Level(event.level)])
    elif event.kind == "unacknowledged":
        if detail.get("reason") == Reason.TIMEOUT:
            line = tr.gettext(_UNACK_TIMEOUT) % {"duration": tr.duration(minutes)}
        else:
            line = tr.gettext(_UNACK_NOBODY)
    if line is None:
        return None
    return tr.gettext("%(event)s (%(when)s)") % {
        "event": line, "when": tr.when(event.created_at, tz),
    }  # fmt: skip


WHOLE_TEXT = N_("Show the whole text")


def _render(tr: Translator, tz: str, facts: _Facts) -> CardView:
    """The card, cut to Telegram's length if the description is very long; then its first
    button shows the whole description."""
    card = texts.fit(partial(_card_text, tr, tz, facts), facts.concern.description)
    buttons = _buttons(tr, facts.concern)
    if card.clipped:
        buttons = [[(tr.gettext(WHOLE_TEXT), f"whole:cn:{facts.concern.id}")], *buttons]
    return CardView(card.text, buttons)


def _card_text(tr: Translator, tz: str, facts: _Facts, description: str) -> str:
    c = facts.concern
    _ = tr.gettext
    severity = f"{SEVERITY_MARKS[c.severity]} {_(SEVERITY_LABELS[c.severity])}"
    lines = [
        "<b>" + _("Concern #%(id)s: %(severity)s") % {"id": c.id, "severity": severity} + "</b>",
        _("Status: %(status)s") % {"status": _(STATUS_LABELS[c.status])},
        _("Category: %(category)s") % {"category": _(CATEGORY_LABELS[c.category])},
        _("Family: %(family)s") % {"family": isolate(facts.family)},
        (
            _("Raised by %(name)s (mentee)")
            if facts.reporter.role == Role.MENTEE
            else _("Raised by %(name)s (mentor)")
        )
        % {"name": isolate(facts.reporter.name)},
        _("Raised: %(when)s") % {"when": tr.when(c.raised_at, tz)},
        _("Assigned to: %(name)s") % {"name": isolate(facts.names.get(c.assigned_worker_id, "?"))},
        "",
    ]
    language = language_label(c.language, tr.locale) if c.language != tr.locale else None
    if language:  # the reporter's own words, never machine-translated: say which language
        lines.append(_("Written in %(language)s:") % {"language": language})
    lines.append("<blockquote>" + isolate(description) + "</blockquote>")
    chain = [line for e in facts.events if (line := _chain_line(tr, tz, e))]
    if chain:
        lines += ["", *chain]
    lines.append("")
    if c.status == ConcernStatus.OPEN and c.ack_deadline_at is not None:
        lines.append(
            "<b>"
            + _("Acknowledge by %(when)s (%(duration)s)")
            % {"when": tr.when(c.ack_deadline_at, tz), "duration": tr.duration(facts.minutes)}
            + "</b>"
        )
    elif c.status == ConcernStatus.UNACKNOWLEDGED:
        lines.append(
            "<b>⚠️ "
            + _("Nobody acknowledged this concern in time. Please acknowledge it now.")
            + "</b>"
        )
    if c.acknowledged_at is not None and c.acknowledged_by_id is not None:
        lines.append(
            _("Acknowledged by %(name)s, %(when)s.")
            % {
                "name": isolate(facts.names.get(c.acknowledged_by_id, "?")),
                "when": tr.when(c.acknowledged_at, tz),
            }
        )
    if c.status == ConcernStatus.RESOLVED and c.resolved_at is not None:
        lines.append(
            _("Resolved by %(name)s, %(when)s.")
            % {
                "name": isolate(facts.names.get(c.resolved_by_id or 0, "?")),
                "when": tr.when(c.resolved_at, tz),
            }
        )
        if c.resolution_note:
            lines.append(_("Resolution: %(note)s") % {"note": isolate(c.resolution_note)})
    return "\n".join(lines).strip()


def _buttons(tr: Translator, c: Concern) -> list[list[tuple[str, str]]]:
    if c.status == ConcernStatus.RESOLVED:
        return []
    first: list[tuple[str, str]] = []
    if c.status in (ConcernStatus.OPEN, ConcernStatus.UNACKNOWLEDGED):
        # Translators: button on a concern card: the worker takes the concern on ("I'll handle it").
        first.append((tr.pgettext("concern button", "Acknowledge"), f"cn:ack:{c.id}"))
    first.append((tr.pgettext("concern button", "Resolve"), f"cn:res:{c.id}"))
    return [
        first,
        [
            (tr.pgettext("concern button", "Reply"), f"cn:rep:{c.id}"),
            (tr.pgettext("concern button", "Reassign"), f"cn:ra:{c.id}"),
        ],
    ]


async def _card_for(session: AsyncSession, person: Person, facts: _Facts) -> CardView:
    rd = await people.reader(session, person)
    return _render(rd.tr, rd.tz, facts)


async def _send_cards(
    session: AsyncSession,
    now: datetime,
    concern: Concern,
    recipients: Sequence[Person],
    *,
    level: int,
    dedupe: str | None = None,
) -> list[int]:
    """A new card for each recipient (a fresh notification), queued in the outbox; records
    who is owed one ("notified"). Whether Telegram took it is recorded later ("delivered")."""
    facts = await _facts(session, concern)
    sent: list[int] = []
    for person in recipients:
        card = await _card_for(session, person, facts)
        message = outbox.enqueue(
            session, now, person, CARD, card.text, buttons=card.buttons, ref=(REF, concern.id),
            dedupe_key=f"cn{concern.id}:{dedupe}:p{person.id}" if dedupe else None,
            origin=facts.reporter,
        )  # fmt: skip
        if message is not None:
            sent.append(person.id)
    if sent:
        _event(session, now, concern, "notified", actor_id=None, level=level, to=sent)
    return sent


async def _refresh_cards(
    session: AsyncSession,
    now: datetime,
    concern: Concern,
    *,
    skip: tuple[int, int] | None = None,
) -> int:
    """Edit every card already sent about this concern to show its current state. `skip`:
    (person id, Telegram message id) of the card the actor is looking at, updated directly."""
    await session.flush()
    facts = await _facts(session, concern)
    cards = [
        m
        for m in await outbox.sent_for(session, (REF, concern.id))
        if m.kind == CARD
        and m.status in (OutboxStatus.QUEUED, OutboxStatus.SENDING, OutboxStatus.SENT)
    ]
    edited = 0
    for card_message in cards:
        if skip is not None and (card_message.person_id, card_message.telegram_message_id) == skip:
            continue
        person = await session.get(Person, card_message.person_id)
        if person is None:
            continue
        if access.may_see_concern(person, concern):
            card = await _card_for(session, person, facts)
        else:  # reassigned away from them: the card keeps no detail and no button
            tr = (await people.reader(session, person)).tr
            card = CardView(
                tr.gettext(
                    "Concern #%(id)s is now assigned to another worker, who received the card."
                )
                % {"id": concern.id},
                [],
            )
        if outbox.enqueue(
            session, now, person, CARD, card.text, buttons=card.buttons,
            ref=(REF, concern.id), edit_of=card_message,
        ) is not None:  # fmt: skip
            edited += 1
    return edited


async def whole_text(session: AsyncSession, actor: Person, concern_id: int) -> str:
    """A concern's whole description, for staff who may see its card."""
    concern = await _staff_concern(session, actor, concern_id)
    return concern.description


async def view_card(
    session: AsyncSession, now: datetime, actor: Person, concern_id: int
) -> CardView:
    """A concern's card for a member of the staff it belongs to (from /pending). The read is
    an audit event, in the same transaction."""
    concern = await _staff_concern(session, actor, concern_id)
    audit.record(
        session, now, "concern.viewed", actor_id=actor.id,
        organisation_id=concern.organisation_id, target=(REF, concern.id),
    )  # fmt: skip
    return await _card_for(session, actor, await _facts(session, concern))


# --- notices to the reporter -----------------------------------------------------------------


async def _tell_reporter(
    session: AsyncSession, now: datetime, concern: Concern, kind: str, actor: Person,
    text: str | None = None,
) -> bool:  # fmt: skip
    reporter = await session.get(Person, concern.raised_by_id)
    if reporter is None:
        return False
    rd = await people.reader(session, reporter)
    tr = rd.tr
    mentee = reporter.role == Role.MENTEE
    labels = PROBLEM_LABELS if mentee else CATEGORY_LABELS
    values = {
        "name": isolate(actor.name),
        "category": tr.gettext(labels[concern.category]),
        "day": tr.day_long(concern.raised_at, tz=rd.tz),
    }
    body = tr.gettext(_REPORTER_NOTICES[(kind, mentee)]) % values
    if text is not None:
        body += "\n" + isolate(text)
    return (
        outbox.enqueue(
            session, now, reporter, f"concern_{kind}", body, ref=("concern_note", concern.id)
        )
        is not None
    )


# --- staff actions ---------------------------------------------------------------------------


async def _mark_acknowledged(
    session: AsyncSession, now: datetime, concern: Concern, actor: Person, how: str
) -> None:
    late = concern.status == ConcernStatus.UNACKNOWLEDGED or is_due(concern.ack_deadline_at, now)
    concern.status = ConcernStatus.ACKNOWLEDGED
    concern.acknowledged_at, concern.acknowledged_by_id = now, actor.id
    concern.ack_deadline_at = None
    _event(session, now, concern, "acknowledged", actor_id=actor.id, late=late, via=how)


async def acknowledge(
    session: AsyncSession,
    now: datetime,
    actor: Person,
    concern_id: int,
    *,
    shown_message_id: int | None = None,
) -> Acted:
    """A member of the staff acknowledges: a person has seen it. The reporter is told; the
    escalation stops. Acknowledging twice changes nothing."""
    concern = await _staff_concern(session, actor, concern_id, lock=True)
    changed = concern.status in (ConcernStatus.OPEN, ConcernStatus.UNACKNOWLEDGED)
    told = False
    if changed:
        await _mark_acknowledged(session, now, concern, actor, "button")
        told = await _tell_reporter(session, now, concern, "acknowledged", actor)
        await _refresh_cards(session, now, concern, skip=_skip_key(actor, shown_message_id))
    card = await _card_for(session, actor, await _facts(session, concern))
    return Acted(concern.id, card, changed=changed, reporter_told=told)


def _skip_key(actor: Person, shown_message_id: int | None) -> tuple[int, int] | None:
    return (actor.id, shown_message_id) if shown_message_id is not None else None


async def can_resolve(session: AsyncSession, actor: Person, concern_id: int) -> int:
    concern = await _staff_concern(session, actor, concern_id)
    if concern.status == ConcernStatus.RESOLVED:
        raise Invalid("resolved")
    return concern.id


async def resolve(
    session: AsyncSession, now: datetime, actor: Person, concern_id: int, note: str
) -> Acted:
    """Close the concern with a short note (kept for the staff, not sent to the reporter)."""
    concern = await _staff_concern(session, actor, concern_id, lock=True)
    if concern.status == ConcernStatus.RESOLVED:
        raise Invalid("resolved")
    note = clean_text(note, NOTE_MAX)
    if concern.acknowledged_at is None:
        await _mark_acknowledged(session, now, concern, actor, "resolved")
    concern.status = ConcernStatus.RESOLVED
    concern.resolved_at, concern.resolved_by_id = now, actor.id
    concern.resolution_note = note
    concern.ack_deadline_at = None
    _event(session, now, concern, "resolved", actor_id=actor.id)
    told = await _tell_reporter(session, now, concern, "resolved", actor)
    await _refresh_cards(session, now, concern)
    card = await _card_for(session, actor, await _facts(session, concern))
    return Acted(concern.id, card, reporter_told=told)


async def can_reply(session: AsyncSession, actor: Person, concern_id: int) -> int:
    return (await _staff_concern(session, actor, concern_id)).id


async def reply(
    session: AsyncSession, now: datetime, actor: Person, concern_id: int, text: str
) -> Acted:
    """Relay a message from the staff to the person who raised the concern. Answering them
    also acknowledges the concern."""
    concern = await _staff_concern(session, actor, concern_id, lock=True)
    text = clean_text(text, REPLY_MAX)
    if concern.status in (ConcernStatus.OPEN, ConcernStatus.UNACKNOWLEDGED):
        await _mark_acknowledged(session, now, concern, actor, "reply")
        await _tell_reporter(session, now, concern, "acknowledged", actor)
    told = await _tell_reporter(session, now, concern, "reply", actor, text)
    _event(session, now, concern, "replied", actor_id=actor.id, text=text, delivered=told)
    await _refresh_cards(session, now, concern)
    card = await _card_for(session, actor, await _facts(session, concern))
    return Acted(concern.id, card, reporter_told=told)


async def reassign_options(
    session: AsyncSession, actor: Person, concern_id: int
) -> list[WorkerChoice]:
    """The other workers of the organisation the concern can be handed to (reachable ones)."""
    concern = await _staff_concern(session, actor, concern_id)
    if concern.status == ConcernStatus.RESOLVED:
        raise Invalid("resolved")
    workers = await _staff_of(session, concern.organisation_id, (Role.WORKER,))
    return [
        WorkerChoice(w.id, w.name)
        for w in workers
        if w.id != concern.assigned_worker_id and reachable(w)
    ]


async def reassign(
    session: AsyncSession,
    now: datetime,
    actor: Person,
    concern_id: int,
    worker_id: int,
    *,
    shown_message_id: int | None = None,
) -> Acted:
    """Hand the concern to another worker of the same organisation, who gets the card. A
    concern still waiting for its first level gives the new worker a full deadline."""
    concern = await _staff_concern(session, actor, concern_id, lock=True)
    if concern.status == ConcernStatus.RESOLVED:
        raise Invalid("resolved")
    worker = await session.get(Person, worker_id)
    if (
        worker is None
        or worker.organisation_id != concern.organisation_id
        or worker.role != Role.WORKER
        or not worker.active
    ):
        raise NotAllowed("not a worker of this organisation")
    if worker.id == concern.assigned_worker_id:
        raise Invalid("same_worker")
    if not reachable(worker):
        raise Invalid("unreachable")
    previous = concern.assigned_worker_id
    concern.assigned_worker_id = worker.id
    if concern.status == ConcernStatus.OPEN and concern.level == Level.WORKER:
        org = await people.organisation_of(session, worker)
        concern.ack_deadline_at = deadline(now, org.ack_deadlines_minutes, concern.severity)
    _event(
        session,
        now,
        concern,
        "reassigned",
        actor_id=actor.id,
        from_worker=previous,
        to_worker=worker.id,
    )
    await _refresh_cards(session, now, concern, skip=_skip_key(actor, shown_message_id))
    await _send_cards(session, now, concern, [worker], level=concern.level)
    card = await _card_for(session, actor, await _facts(session, concern))
    return Acted(concern.id, card)


# --- escalation (the scheduler's due job) ----------------------------------------------------


DELIVERY_LOOKBACK = timedelta(days=7)


async def record_deliveries(session: AsyncSession, now: datetime) -> int:
    """Record what became of each card: "delivered" (Telegram took it, at the time it did) or
    "undelivered" (the person could not be reached). Once per card; the concerns are claimed
    like the escalation's, so two processes never record one twice. Returns how many."""
    cards = (
        await session.execute(
            select(
                OutboxMessage.id,
                OutboxMessage.ref_id,
                OutboxMessage.person_id,
                OutboxMessage.status,
                OutboxMessage.sent_at,
            )
            .where(
                OutboxMessage.ref_type == REF,
                OutboxMessage.kind == CARD,
                OutboxMessage.edit_of_id.is_(None),
                OutboxMessage.status.in_(
                    [OutboxStatus.SENT, OutboxStatus.FAILED, OutboxStatus.CANCELLED]
                ),
                OutboxMessage.created_at >= now - DELIVERY_LOOKBACK,
            )
            .order_by(OutboxMessage.id)
        )
    ).all()
    if not cards:
        return 0
    concern_ids = {row.ref_id for row in cards if row.ref_id is not None}
    known = {
        (event.detail or {}).get("outbox_id")
        for event in (
            await session.execute(
                select(ConcernEvent).where(
                    ConcernEvent.concern_id.in_(concern_ids),
                    ConcernEvent.kind.in_(["delivered", "undelivered"]),
                )
            )
        ).scalars()
    }
    todo = [row for row in cards if row.id not in known]
    if not todo:
        return 0
    claimed = {
        c.id: c
        for c in (
            await session.execute(
                select(Concern)
                .where(Concern.id.in_({row.ref_id for row in todo}))
                .with_for_update(skip_locked=True)
            )
        ).scalars()
    }
    recorded = 0
    for row in todo:
        concern = claimed.get(row.ref_id or 0)
        if concern is None:
            continue
        delivered = row.status == OutboxStatus.SENT
        _event(
            session, row.sent_at if delivered and row.sent_at else now, concern,
            "delivered" if delivered else "undelivered", actor_id=None,
            person_id=row.person_id, outbox_id=row.id,
        )  # fmt: skip
        recorded += 1
    return recorded


async def escalate_due(session: AsyncSession, now: datetime, limit: int = 100) -> int:
    """Move on every OPEN concern whose level's deadline has passed, or whose level has nobody
    reachable any more. Rows are claimed (`FOR UPDATE SKIP LOCKED` on PostgreSQL) and each
    decision is re-taken on the claimed row, so two ticks at once, or a tick after a restart,
    never fire a step twice. Returns how many concerns moved. Also records what became of
    the cards sent so far (`record_deliveries`)."""
    moved, _more = await escalate_batch(session, now, limit)
    return moved


async def escalate_batch(session: AsyncSession, now: datetime, limit: int) -> tuple[int, bool]:
    """`escalate_due` for the scheduler: at most `limit` concerns whose deadline passed (and
    every stranded one); returns (concerns moved, whether more may be due)."""
    await record_deliveries(session, now)
    due = (
        select(Concern.id)
        .where(Concern.status == ConcernStatus.OPEN, Concern.ack_deadline_at <= now)
        .order_by(Concern.ack_deadline_at, Concern.id)
    )
    overdue = set((await session.execute(due.limit(limit))).scalars())
    candidates = overdue | await _stranded(session)
    if not candidates:
        return 0, False
    claimed = await session.execute(
        select(Concern)
        .where(Concern.id.in_(candidates), Concern.status == ConcernStatus.OPEN)
        .order_by(Concern.ack_deadline_at, Concern.id)
        .with_for_update(skip_locked=True)
    )
    moved = 0
    for concern in claimed.scalars():
        if await _advance(session, now, concern):
            moved += 1
    return moved, len(overdue) >= limit


async def _stranded(session: AsyncSession) -> set[int]:
    """OPEN concerns whose current level has nobody the bot can reach (someone blocked it)."""
    rows = (
        await session.execute(
            select(Concern.id, Concern.organisation_id, Concern.level, Person)
            .join(Person, Person.id == Concern.assigned_worker_id)
            .where(Concern.status == ConcernStatus.OPEN)
        )
    ).all()
    found: set[int] = set()
    staff: dict[int, list[Person]] = {}
    for concern_id, org_id, level, worker in rows:
        if level == Level.WORKER:
            if not reachable(worker):
                found.add(concern_id)
            continue
        if org_id not in staff:
            staff[org_id] = await _staff_of(session, org_id, (Role.COORDINATOR, Role.ADMIN))
        role = Role.COORDINATOR if level == Level.COORDINATORS else Role.ADMIN
        if not any(reachable(p) for p in staff[org_id] if p.role == role):
            found.add(concern_id)
    return found


async def _advance(session: AsyncSession, now: datetime, concern: Concern) -> bool:
    """Apply the policy to one claimed concern; False when nothing was due after all."""
    levels = await _levels(session, concern)
    decision = decide(concern.status, concern.level, concern.ack_deadline_at, now, levels.reachable)
    if decision is None:
        return False
    org = await session.get(Organisation, concern.organisation_id)
    assert org is not None
    minutes = ack_minutes(org.ack_deadlines_minutes, concern.severity)
    previous = concern.level
    _skip(session, now, concern, decision.step)
    if decision.step.level is None:
        await _give_up(session, now, concern, reason=decision.reason, minutes=minutes)
        return True
    concern.level = decision.step.level
    concern.ack_deadline_at = deadline(now, org.ack_deadlines_minutes, concern.severity)
    _event(
        session, now, concern, "escalated", actor_id=None, level=concern.level,
        reason=decision.reason, minutes=minutes, from_level=previous,
        to_level=int(concern.level),
    )  # fmt: skip
    await _refresh_cards(session, now, concern)
    await _send_cards(
        session, now, concern, levels.at(Level(concern.level)), level=concern.level,
        dedupe=f"L{concern.level}",
    )  # fmt: skip
    return True


async def _give_up(
    session: AsyncSession,
    now: datetime,
    concern: Concern,
    *,
    reason: str,
    minutes: int = 0,
) -> None:
    """Every level was tried: the concern becomes UNACKNOWLEDGED, a visible state, and
    everyone on the staff it belongs to who can be reached is told: its worker, the
    coordinators and the admins (never the other workers)."""
    concern.status = ConcernStatus.UNACKNOWLEDGED
    concern.ack_deadline_at = None
    _event(session, now, concern, "unacknowledged", actor_id=None, reason=reason, minutes=minutes)
    await _refresh_cards(session, now, concern)
    everyone = await _staff_of(
        session, concern.organisation_id, (Role.WORKER, Role.COORDINATOR, Role.ADMIN)
    )
    entitled = [p for p in everyone if reachable(p) and access.may_see_concern(p, concern)]
    await _send_cards(
        session, now, concern, entitled, level=concern.level, dedupe="unack",
    )  # fmt: skip


# --- what is pending -------------------------------------------------------------------------


async def pending(session: AsyncSession, actor: Person) -> Pending:
    """The open concerns and help requests the actor may see (a worker: their own; a
    coordinator: the organisation's; an admin: what was escalated to them): concerns nobody
    acknowledged first, then the most severe, then the oldest; help requests oldest first."""
    _require_staff(actor)
    rows = (
        await session.execute(
            select(Concern, Family.name)
            .join(Match, Match.id == Concern.match_id)
            .join(Family, Family.id == Match.family_id)
            .where(
                Concern.organisation_id == actor.organisation_id,
                Concern.status != ConcernStatus.RESOLVED,
            )
        )
    ).all()
    concerns = sorted(
        (
            PendingConcern(
                c.id, c.category, c.severity, c.status, family, c.raised_at, c.ack_deadline_at
            )
            for c, family in rows
            if access.may_see_concern(actor, c)
        ),
        key=lambda p: pending_order(p.status, p.severity, p.raised_at),
    )
    return Pending(concerns, await help_requests.open_requests_for(session, actor))


def age(now: datetime, since: datetime) -> timedelta:
    return max(now - since, timedelta(0))


__all__ = [
    "CATEGORY_LABELS",
    "PROBLEM_LABELS",
    "SEVERITY_HELP",
    "SEVERITY_LABELS",
    "Acted",
    "CardView",
    "MatchChoice",
    "Pending",
    "PendingConcern",
    "Raised",
    "SeverityChoice",
    "WorkerChoice",
    "acknowledge",
    "escalate_due",
    "pending",
    "raise_concern",
    "raise_problem",
    "reassign",
    "reply",
    "resolve",
    "view_card",
]
