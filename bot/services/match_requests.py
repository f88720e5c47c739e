"""Requests for mentors and the forming of a family's team.

A referring worker asks for mentors for a family (`/request`, or `mentorbot request add`);
the request waits in the coordinators' queue with its age, and one older than the
organisation's limit (default 45 days) is flagged to them once. A coordinator opens it, sees
the best mentors with their scores and reasons (bot.services.matching) and the summary the
mentors will see, and asks one or more; each mentor accepts or declines with a reason; every
yes adds that mentor to the match, one at a time.

Authorisation lives here: a worker sees their own requests, a coordinator their
organisation's; only coordinators ask mentors; only the mentor asked answers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import N_, isolate
from bot.services import actors, audit, match_cycle, match_texts, outbox, people, profiles, texts
from bot.services.errors import Invalid, NotAllowed, NotFound
from bot.services.matching import FamilyFacts, Score, rank, score
from domain.values import Actor
from storage.match_life import (
    DeclineReason,
    MatchStage,
    OfferStatus,
    RequestStatus,
    Urgency,
)
from storage.models import (
    Family,
    Match,
    MatchMentor,
    MatchOffer,
    MatchRequest,
    MatchStatus,
    Organisation,
    Person,
    Role,
)

NOTE_MAX = 1000
PROPOSE = 5  # mentors shown to the coordinator
OPEN_REQUESTS = (RequestStatus.WAITING, RequestStatus.MATCHING)
MAX_ID = 2**31 - 1
REF = "match_request"


@dataclass(frozen=True)
class QueueRow:
    id: int
    family_name: str
    urgency: Urgency
    status: RequestStatus
    age_days: int
    overdue: bool
    rematch: bool
    accepted: int  # mentors who said yes so far


@dataclass(frozen=True)
class Candidate:
    mentor_id: int
    name: str
    score: Score
    offer: OfferStatus | None  # already asked


@dataclass(frozen=True)
class PastMatch:
    id: int
    started_on: date
    closed_at: datetime | None
    closure_code: str | None
    mentors: int


@dataclass(frozen=True)
class RequestCard:
    id: int
    family_name: str
    worker_name: str
    needs: list[str]
    urgency: Urgency
    note: str | None
    status: RequestStatus
    age_days: int
    overdue: bool
    summary: dict[str, Any]
    candidates: list[Candidate]
    left_out: int
    history: list[PastMatch]
    rematch_policy: str | None


def _age(now: datetime, created: datetime) -> int:
    return max(0, (now - created).days)


def _overdue(org: Organisation, req: MatchRequest, now: datetime) -> bool:
    return req.status in OPEN_REQUESTS and now - req.created_at > timedelta(
        days=org.request_age_limit_days
    )


async def _org(session: AsyncSession, org_id: int) -> Organisation:
    org = await session.get(Organisation, org_id)
    assert org is not None
    return org


def _today(org: Organisation, now: datetime) -> date:
    return now.astimezone(ZoneInfo(org.timezone)).date()


async def coordinators(session: AsyncSession, org_id: int) -> list[Person]:
    rows = await session.execute(
        select(Person)
        .where(Person.organisation_id == org_id, Person.role == Role.COORDINATOR, Person.active)
        .order_by(Person.id)
    )
    return list(rows.scalars())


def _check_note(note: str | None) -> str | None:
    if note is None:
        return None
    clean = texts.clean(note).strip()
    if len(clean) > NOTE_MAX:
        raise Invalid("too_long", f"the note is longer than {NOTE_MAX} characters")
    return clean or None


def check_urgency(value: str | Urgency) -> Urgency:
    try:
        return Urgency(str(value).strip().lower())
    except ValueError:
        names = ", ".join(u.value for u in Urgency)
        raise Invalid("urgency", f"unknown urgency {value!r} (one of {names})") from None


# requests ---------------------------------------------------------------------------------
NEW_REQUEST = N_("New request for mentors: the %(family)s family (%(urgency)s), from %(worker)s.")
OPEN_BUTTON = N_("Open the request")


async def _open_for_family(session: AsyncSession, family_id: int) -> str | None:
    if await session.scalar(
        select(Match.id).where(
            Match.family_id == family_id,
            Match.status.in_((MatchStatus.PROPOSED, MatchStatus.ACTIVE)),
        )
    ):
        return "open_match"
    if await session.scalar(
        select(MatchRequest.id).where(
            MatchRequest.family_id == family_id, MatchRequest.status.in_(OPEN_REQUESTS)
        )
    ):
        return "open_request"
    return None


async def _last_closed(session: AsyncSession, family_id: int) -> int | None:
    return await session.scalar(
        select(Match.id)
        .where(Match.family_id == family_id, Match.status == MatchStatus.CLOSED)
        .order_by(Match.closed_at.desc(), Match.id.desc())
        .limit(1)
    )


async def create_request(
    session: AsyncSession,
    now: datetime,
    worker: Actor,
    *,
    family_name: str | None = None,
    family_id: int | None = None,
    needs: Sequence[str] | str = (),
    urgency: str | Urgency = Urgency.NORMAL,
    note: str | None = None,
    actor_id: int | None = None,
) -> MatchRequest:
    """A worker's request for mentors for a family of their organisation: found by name (made
    when new: a referral) or id. A family with an open match or request cannot have another.
    A family whose last match closed comes back as a rematch, its history kept."""
    if worker.role != Role.WORKER or not worker.active:
        raise NotAllowed("workers only")
    topics = profiles.parse_topics(needs)
    level = check_urgency(urgency)
    clean_note = _check_note(note)
    org = await _org(session, worker.organisation_id)
    family: Family | None
    if family_id is not None:
        family = await session.get(Family, family_id) if 0 < family_id <= MAX_ID else None
        if family is None or family.organisation_id != org.id:
            raise NotFound(f"unknown family {family_id}")
    else:
        name = " ".join(texts.clean(family_name or "").split())
        if not name or len(name) > 200:
            raise Invalid("name", "give the family's name (at most 200 characters)")
        family = await session.scalar(
            select(Family).where(Family.organisation_id == org.id, Family.name == name)
        )
        if family is None:
            family = Family(organisation_id=org.id, name=name, created_at=now)
            session.add(family)
            await session.flush()
            audit.record(
                session,
                now,
                "family.created",
                actor_id=actor_id,
                organisation_id=org.id,
                target=("family", family.id),
            )
    busy = await _open_for_family(session, family.id)
    if busy is not None:
        raise Invalid(busy, f"family {family.id} already has an open match or request")
    req = MatchRequest(
        organisation_id=org.id,
        family_id=family.id,
        worker_id=worker.id,
        needs=topics,
        urgency=level,
        note=clean_note,
        status=RequestStatus.WAITING,
        previous_match_id=await _last_closed(session, family.id),
        created_at=now,
    )
    session.add(req)
    await session.flush()
    audit.record(
        session,
        now,
        "request.created",
        actor_id=actor_id,
        organisation_id=org.id,
        target=(REF, req.id),
        family_id=family.id,
        urgency=level.value,
    )
    for coordinator in await coordinators(session, org.id):
        rd = await people.reader(session, coordinator)
        text = rd.tr.gettext(NEW_REQUEST) % {
            "family": isolate(family.name),
            "urgency": rd.tr.gettext(match_texts.URGENCIES[level]),
            "worker": isolate(worker.name),
        }
        outbox.enqueue(
            session,
            now,
            coordinator,
            "request_new",
            text,
            buttons=[[(rd.tr.gettext(OPEN_BUTTON), match_texts.request_open(req.id))]],
            ref=(REF, req.id),
        )
    return req


async def add_request(
    session: AsyncSession,
    now: datetime,
    *,
    family: str | int,
    worker: str | int,
    needs: str = "",
    urgency: str = "normal",
    note: str | None = None,
) -> MatchRequest:
    """The CLI's `request add`: a worker and a family by id."""
    text = str(worker).strip()
    person = await session.get(Person, int(text)) if text.isdigit() else None
    if person is None:
        raise NotFound(f"unknown person {str(worker)!r}")
    if person.role != Role.WORKER:
        raise Invalid("wrong_role", f"person {person.id} is a {person.role.value}, not a worker")
    ref = str(family).strip()
    if ref.isdigit():
        return await create_request(
            session, now, person, family_id=int(ref), needs=needs, urgency=urgency, note=note
        )
    return await create_request(
        session, now, person, family_name=ref, needs=needs, urgency=urgency, note=note
    )


async def _visible(session: AsyncSession, staff: Person, req_id: int) -> MatchRequest:
    if not staff.active or staff.role not in (Role.WORKER, Role.COORDINATOR):
        raise NotAllowed("staff only")
    req = await session.get(MatchRequest, req_id) if 0 < req_id <= MAX_ID else None
    if req is None:
        raise NotFound("no such request")
    if req.organisation_id != staff.organisation_id:
        raise NotAllowed("request of another organisation")
    if staff.role == Role.WORKER and req.worker_id != staff.id:
        raise NotAllowed("not this worker's request")
    return req


async def queue(session: AsyncSession, staff: Actor, now: datetime) -> list[QueueRow]:
    """Open requests, oldest first: all of the organisation's for a coordinator, their own
    for a worker."""
    if not staff.active or staff.role not in (Role.WORKER, Role.COORDINATOR):
        raise NotAllowed("staff only")
    org = await _org(session, staff.organisation_id)
    query = (
        select(MatchRequest, Family.name)
        .join(Family, Family.id == MatchRequest.family_id)
        .where(MatchRequest.organisation_id == org.id, MatchRequest.status.in_(OPEN_REQUESTS))
        .order_by(MatchRequest.created_at, MatchRequest.id)
    )
    if staff.role == Role.WORKER:
        query = query.where(MatchRequest.worker_id == staff.id)
    out = []
    for req, name in (await session.execute(query)).all():
        accepted = 0
        if req.match_id is not None:
            accepted = len(
                (
                    await session.execute(
                        select(MatchMentor.mentor_id).where(MatchMentor.match_id == req.match_id)
                    )
                ).all()
            )
        out.append(
            QueueRow(
                req.id,
                name,
                req.urgency,
                req.status,
                _age(now, req.created_at),
                _overdue(org, req, now),
                req.previous_match_id is not None,
                accepted,
            )
        )
    return out


async def _summary(session: AsyncSession, req: MatchRequest) -> dict[str, Any]:
    view = await profiles.family_view(session, req.family_id)
    needs = [t for t in profiles.parse_topics([*view.needs, *req.needs])]
    return {
        "needs": needs,
        "area": view.area,
        "languages": view.languages,
        "availability": view.availability,
    }


async def _facts(session: AsyncSession, req: MatchRequest) -> FamilyFacts:
    view = await profiles.family_view(session, req.family_id)
    return profiles.facts_of_family(view, req.needs)


async def request_card(
    session: AsyncSession, staff: Actor, request_id: int, now: datetime
) -> RequestCard:
    staff = await actors.row(session, staff)
    req = await _visible(session, staff, request_id)
    org = await _org(session, req.organisation_id)
    family = await session.get(Family, req.family_id)
    worker = await session.get(Person, req.worker_id)
    assert family is not None and worker is not None
    candidates: list[Candidate] = []
    left_out = 0
    if staff.role == Role.COORDINATOR:
        mentors = await profiles.mentors_of_org(session, org.id)
        proposed, out = rank(mentors, await _facts(session, req))
        left_out = len(out)
        offers = {}
        if req.match_id is not None:
            offers = {
                o.mentor_id: o.status
                for o in (
                    await session.execute(
                        select(MatchOffer).where(MatchOffer.match_id == req.match_id)
                    )
                ).scalars()
            }
        names = dict(
            (
                await session.execute(
                    select(Person.id, Person.name).where(
                        Person.id.in_([s.mentor_id for s in proposed[:PROPOSE]])
                    )
                )
            ).all()
        )
        candidates = [
            Candidate(s.mentor_id, names[s.mentor_id], s, offers.get(s.mentor_id))
            for s in proposed[:PROPOSE]
        ]
    # The family's earlier matches and how they ended: for coordinators (rematches).
    history_rows = await session.execute(
        select(Match)
        .where(Match.family_id == req.family_id, Match.status == MatchStatus.CLOSED)
        .order_by(Match.closed_at.desc(), Match.id.desc())
    )
    history = []
    for m in history_rows.scalars() if staff.role == Role.COORDINATOR else []:
        n = len(
            (
                await session.execute(
                    select(MatchMentor.mentor_id).where(MatchMentor.match_id == m.id)
                )
            ).all()
        )
        history.append(
            PastMatch(
                m.id, m.started_on, m.closed_at, m.closure_code.value if m.closure_code else None, n
            )
        )
    return RequestCard(
        id=req.id,
        family_name=family.name,
        worker_name=worker.name,
        needs=list(req.needs or []),
        urgency=req.urgency,
        note=req.note,
        status=req.status,
        age_days=_age(now, req.created_at),
        overdue=_overdue(org, req, now),
        summary=await _summary(session, req),
        candidates=candidates,
        left_out=left_out,
        history=history,
        rematch_policy=org.rematch_policy,
    )


# asking mentors ---------------------------------------------------------------------------
OFFER_TEXT = N_(
    "<b>A family is looking for a mentor.</b> The programme thinks you could fit well. "
    "Here is what you can know before you decide:"
)
ACCEPT = N_("Yes, I accept")
DECLINE = N_("No, I decline")


async def ask_mentor(
    session: AsyncSession,
    now: datetime,
    coordinator: Actor | None,
    request_id: int,
    mentor_id: int,
    *,
    org_id: int | None = None,
) -> MatchOffer:
    """Ask a proposed mentor to join the family's team (a coordinator in the bot, or the CLI
    with `coordinator=None` and the organisation given). The match is made, forming, with the
    first question; the mentor sees only the summary (needs, area, languages, availability)."""
    if coordinator is not None:
        if coordinator.role != Role.COORDINATOR or not coordinator.active:
            raise NotAllowed("coordinators only")
        req = await _visible(session, await actors.row(session, coordinator), request_id)
    else:
        found = await session.get(MatchRequest, request_id) if 0 < request_id <= MAX_ID else None
        if found is None:
            raise NotFound(f"unknown request {request_id}")
        req = found
    if req.status not in OPEN_REQUESTS:
        raise Invalid("request_closed", f"request {req.id} is no longer open")
    mentor = await session.get(Person, mentor_id) if 0 < mentor_id <= MAX_ID else None
    if (
        mentor is None
        or mentor.role != Role.MENTOR
        or not mentor.active
        or mentor.organisation_id != req.organisation_id
    ):
        raise NotFound(f"unknown mentor {mentor_id}")
    facts = profiles.facts_of_mentor(await profiles.mentor_view(session, mentor))
    result = score(facts, await _facts(session, req))
    if not result.eligible:
        raise Invalid("not_eligible", f"mentor {mentor.id} cannot be proposed for this family")
    org = await _org(session, req.organisation_id)
    if req.match_id is None:
        match = Match(
            organisation_id=req.organisation_id,
            family_id=req.family_id,
            worker_id=req.worker_id,
            status=MatchStatus.PROPOSED,
            stage=MatchStage.FORMING,
            started_on=_today(org, now),
            created_at=now,
        )
        session.add(match)
        await session.flush()
        req.match_id = match.id
        req.status = RequestStatus.MATCHING
        audit.record(
            session,
            now,
            "match.created",
            actor_id=coordinator.id if coordinator else None,
            organisation_id=org.id,
            target=("match", match.id),
            request_id=req.id,
        )
    if await session.scalar(
        select(MatchOffer.id).where(
            MatchOffer.match_id == req.match_id, MatchOffer.mentor_id == mentor.id
        )
    ):
        raise Invalid("already_asked", f"mentor {mentor.id} was already asked")
    summary = await _summary(session, req)
    offer = MatchOffer(
        match_id=req.match_id,
        mentor_id=mentor.id,
        asked_by_id=coordinator.id if coordinator else None,
        score=result.points,
        reasons=[[code, args] for code, args in result.reasons],
        summary=summary,
        status=OfferStatus.ASKED,
        asked_at=now,
    )
    session.add(offer)
    await session.flush()
    audit.record(
        session,
        now,
        "offer.sent",
        actor_id=coordinator.id if coordinator else None,
        organisation_id=org.id,
        target=("match_offer", offer.id),
        mentor_id=mentor.id,
        score=result.points,
    )
    rd = await people.reader(session, mentor)
    text = rd.tr.gettext(OFFER_TEXT) + "\n\n" + match_texts.summary(rd.tr, summary)
    outbox.enqueue(
        session,
        now,
        mentor,
        "offer",
        text,
        buttons=[
            [
                (rd.tr.gettext(ACCEPT), match_texts.offer_yes(offer.id)),
                (rd.tr.gettext(DECLINE), match_texts.offer_no(offer.id)),
            ]
        ],
        ref=("match_offer", offer.id),
    )
    return offer


@dataclass(frozen=True)
class OfferView:
    id: int
    status: OfferStatus
    summary: dict[str, Any]


async def _own_offer(session: AsyncSession, mentor: Person, offer_id: int) -> MatchOffer:
    offer = await session.get(MatchOffer, offer_id) if 0 < offer_id <= MAX_ID else None
    if offer is None:
        raise NotFound("no such offer")
    if offer.mentor_id != mentor.id:
        raise NotAllowed("not this mentor's offer")
    return offer


async def offer_view(session: AsyncSession, mentor: Actor, offer_id: int) -> OfferView:
    mentor = await actors.row(session, mentor)
    offer = await _own_offer(session, mentor, offer_id)
    return OfferView(offer.id, offer.status, dict(offer.summary or {}))


PLAN_FIRST = N_("Plan the first meeting")
JOINED = N_("%(mentor)s accepted to mentor the %(family)s family. The team has %(n)s mentor(s).")
DECLINED = N_("%(mentor)s declined to mentor the %(family)s family: %(reason)s.")


async def answer_offer(
    session: AsyncSession,
    now: datetime,
    mentor: Actor,
    offer_id: int,
    *,
    accept: bool,
    reason: DeclineReason | None = None,
) -> OfferView:
    """A mentor's answer. A yes adds them to the match (the team grows one yes at a time); a
    no keeps its reason. The coordinators and the referring worker are told."""
    mentor = await actors.row(session, mentor)
    offer = await _own_offer(session, mentor, offer_id)
    if offer.status != OfferStatus.ASKED:
        return OfferView(offer.id, offer.status, dict(offer.summary or {}))
    if not accept and reason is None:
        raise Invalid("reason", "a decline needs a reason")
    match = await session.get(Match, offer.match_id)
    assert match is not None
    if match.status == MatchStatus.CLOSED:
        offer.status = OfferStatus.WITHDRAWN
        return OfferView(offer.id, offer.status, dict(offer.summary or {}))
    offer.status = OfferStatus.ACCEPTED if accept else OfferStatus.DECLINED
    offer.decline_reason = None if accept else reason
    offer.answered_at = now
    if accept:
        session.add(MatchMentor(match_id=match.id, mentor_id=mentor.id))
    await session.flush()
    audit.record(
        session,
        now,
        "offer.answered",
        actor_id=mentor.id,
        organisation_id=match.organisation_id,
        target=("match_offer", offer.id),
        accepted=accept,
        reason=reason.value if reason else None,
    )
    family = await session.get(Family, match.family_id)
    assert family is not None
    team = len(
        (
            await session.execute(
                select(MatchMentor.mentor_id).where(MatchMentor.match_id == match.id)
            )
        ).all()
    )
    staff = [
        *await coordinators(session, match.organisation_id),
        *[p for p in [await session.get(Person, match.worker_id)] if p is not None],
    ]
    req_id = await session.scalar(select(MatchRequest.id).where(MatchRequest.match_id == match.id))
    for person in staff:
        rd = await people.reader(session, person)
        values = {
            "mentor": isolate(mentor.name),
            "family": isolate(family.name),
            "n": rd.tr.number(team),
            "reason": rd.tr.gettext(match_texts.DECLINES[reason]) if reason else "",
        }
        text = rd.tr.gettext(JOINED if accept else DECLINED) % values
        buttons = None
        if req_id is not None and person.role == Role.COORDINATOR:
            buttons = [[(rd.tr.gettext(OPEN_BUTTON), match_texts.request_open(req_id))]]
        elif accept and person.id == match.worker_id:
            buttons = [[(rd.tr.gettext(PLAN_FIRST), match_cycle.plan_first(match.id))]]
        outbox.enqueue(
            session,
            now,
            person,
            "offer_answer",
            text,
            buttons=buttons,
            ref=("match_offer", offer.id),
        )
    return OfferView(offer.id, offer.status, dict(offer.summary or {}))


# the queue's deadline ---------------------------------------------------------------------
OVERDUE = N_(
    "⚠️ The %(family)s family has been waiting for a mentor for %(days)s days, longer than "
    "the programme's limit of %(limit)s days."
)


async def flag_overdue_batch(session: AsyncSession, now: datetime, limit: int) -> int:
    """Tell the coordinators, once, of each open request older than its organisation's limit.
    A batch of the scheduler (bot/jobs.py)."""
    done = 0
    for org in (await session.execute(select(Organisation).order_by(Organisation.id))).scalars():
        rows = (
            await session.execute(
                select(MatchRequest, Family.name)
                .join(Family, Family.id == MatchRequest.family_id)
                .where(
                    MatchRequest.organisation_id == org.id,
                    MatchRequest.status.in_(OPEN_REQUESTS),
                    MatchRequest.overdue_flagged_at.is_(None),
                    MatchRequest.created_at < now - timedelta(days=org.request_age_limit_days),
                )
                .order_by(MatchRequest.created_at, MatchRequest.id)
                .limit(limit - done)
            )
        ).all()
        for req, family_name in rows:
            req.overdue_flagged_at = now
            done += 1
            for coordinator in await coordinators(session, org.id):
                rd = await people.reader(session, coordinator)
                text = rd.tr.gettext(OVERDUE) % {
                    "family": isolate(family_name),
                    "days": rd.tr.number(_age(now, req.created_at)),
                    "limit": rd.tr.number(org.request_age_limit_days),
                }
                outbox.enqueue(
                    session,
                    now,
                    coordinator,
                    "request_overdue",
                    text,
                    buttons=[[(rd.tr.gettext(OPEN_BUTTON), match_texts.request_open(req.id))]],
                    ref=(REF, req.id),
                    dedupe_key=f"request_overdue:{req.id}:{coordinator.id}",
                )
        if done >= limit:
            break
    await session.flush()
    return done
