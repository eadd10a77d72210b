"""Second interviews and their panels."""

from datetime import UTC, datetime, timedelta

import pandas as pd
from sqlmodel import Session, select

from models import (
    Candidate,
    Interview,
    InterviewCreate,
    PanelMember,
    Position,
    Role,
    Scorecard,
    User,
    UserRole,
    utcnow,
)
from models.interviews import PANEL_MIN
from services.auth import Viewer
from services.db import serialised
from services.errors import InvalidInput, NotAllowed, NotFound, validated

# A scorecard not submitted this long after its interview is overdue.
OVERDUE_AFTER = timedelta(hours=24)


def schedule_interview(session: Session, actor: Viewer, data: InterviewCreate | dict) -> Interview:
    """Schedule an interview with its panel of 2 to 4 active users, all or nothing."""
    if not actor.has(Role.recruiter):
        raise NotAllowed("Only recruiters and admins can schedule interviews.")
    data = validated(InterviewCreate, data)
    ids = [m.user_id for m in data.panel]

    def create() -> Interview:
        if session.get(Candidate, data.candidate_id) is None:
            raise InvalidInput("Candidate: does not exist")
        found = set(session.exec(select(User.id).where(User.id.in_(ids), User.active)).all())
        missing = [i for i in ids if i not in found]
        if missing:
            raise InvalidInput(f"Panel: no active user with id {', '.join(map(str, missing))}")
        when = data.scheduled_at
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        interview = Interview.model_validate(data.model_dump(exclude={"panel"}),
                                             update={"scheduled_at": when})
        session.add(interview)
        session.flush()
        for member in data.panel:
            session.add(PanelMember(interview_id=interview.id, user_id=member.user_id,
                                    panel_role=member.panel_role))
        # A panelist needs the panelist role to see "My interviews"; a panel seat grants it
        # (inside the lock, so two interviews for one new panelist add the role once).
        for user_id in ids:
            has = session.exec(select(UserRole.id).where(UserRole.user_id == user_id,
                                                         UserRole.role == Role.panelist)).first()
            if has is None:
                session.add(UserRole(user_id=user_id, role=Role.panelist))
        return interview

    interview = serialised(session, create)
    session.refresh(interview)
    return interview


def panel_of(session: Session, interview_id: int) -> list[tuple[PanelMember, User]]:
    """The panel members of an interview with their users."""
    rows = session.exec(
        select(PanelMember, User)
        .join(User, User.id == PanelMember.user_id)
        .where(PanelMember.interview_id == interview_id)
        .order_by(PanelMember.id)
    ).all()
    return list(rows)


def is_on_panel(session: Session, interview_id: int, user_id: int) -> bool:
    """True when the user sits on this interview's panel."""
    row = session.exec(
        select(PanelMember.id).where(
            PanelMember.interview_id == interview_id, PanelMember.user_id == user_id
        )
    ).first()
    return row is not None


def my_interviews(session: Session, viewer: Viewer) -> pd.DataFrame:
    """The viewer's assigned interviews, what is still to score first, then by date."""
    rows = session.exec(
        select(
            Interview.id, Interview.scheduled_at, Interview.setting, Interview.location,
            Candidate.name, Position.title, PanelMember.panel_role, Scorecard.status,
            Scorecard.submitted_at,
        )
        .join(PanelMember, PanelMember.interview_id == Interview.id)
        .join(Candidate, Candidate.id == Interview.candidate_id)
        .join(Position, Position.id == Candidate.position_id)
        .outerjoin(Scorecard, (Scorecard.interview_id == Interview.id)
                   & (Scorecard.panelist_id == viewer.id))
        .where(PanelMember.user_id == viewer.id)
    ).all()
    columns = ["interview_id", "scheduled_at", "setting", "location", "candidate", "position",
               "panel_role", "status", "submitted_at"]
    frame = pd.DataFrame([tuple(r) for r in rows], columns=columns)
    frame["status"] = frame["status"].fillna("not_started")
    frame["to_do"] = frame["status"] != "submitted"
    frame["overdue"] = frame["to_do"] & frame["scheduled_at"].map(is_overdue_time).astype(bool)
    # Overdue scorecards first, then what is still to score, then by date.
    return frame.sort_values(["overdue", "to_do", "scheduled_at"],
                             ascending=[False, False, True], ignore_index=True)


def upcoming_interviews(session: Session, viewer: Viewer, now: datetime | None = None
                        ) -> pd.DataFrame:
    """The viewer's interviews from now on, soonest first: their calendar."""
    mine = my_interviews(session, viewer)
    now = now or utcnow()
    when = mine["scheduled_at"].map(_aware)
    return mine[when >= now].assign(scheduled_at=when[when >= now]).sort_values(
        "scheduled_at", ignore_index=True)


def panel_warnings(session: Session, candidate_id: int, user_ids: list[int]) -> list[str]:
    """Plain warnings about a panel being put together: too small, or no one from the team."""
    warnings = []
    if len(set(user_ids)) < PANEL_MIN:
        warnings.append(f"The panel has {len(set(user_ids))} member(s); a second interview "
                        f"needs at least {PANEL_MIN} so the views can be compared.")
    candidate = session.get(Candidate, candidate_id)
    position = session.get(Position, candidate.position_id) if candidate else None
    if position is not None and position.team.strip() and user_ids:
        teams = session.exec(select(User.team).where(User.id.in_(user_ids))).all()
        wanted = position.team.strip().lower()
        if not any((t or "").strip().lower() == wanted for t in teams):
            warnings.append(f"No one on the panel is from the position's team "
                            f"({position.team}); the future colleagues' view is missing.")
    return warnings


def _aware(value: datetime) -> datetime:
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def is_overdue_time(scheduled_at: datetime, now: datetime | None = None) -> bool:
    """True when an interview took place more than OVERDUE_AFTER ago."""
    return _aware(scheduled_at) <= (now or utcnow()) - OVERDUE_AFTER


def list_interviews(session: Session, actor: Viewer) -> pd.DataFrame:
    """Every interview with its panel's scorecard status (for recruiters)."""
    if not actor.has(Role.recruiter):
        raise NotAllowed("Only recruiters and admins can list all interviews.")
    rows = session.exec(
        select(
            Interview.id, Interview.scheduled_at, Interview.setting, Candidate.name,
            Position.title, User.name, PanelMember.panel_role, Scorecard.status,
        )
        .join(Candidate, Candidate.id == Interview.candidate_id)
        .join(Position, Position.id == Candidate.position_id)
        .join(PanelMember, PanelMember.interview_id == Interview.id)
        .join(User, User.id == PanelMember.user_id)
        .outerjoin(Scorecard, (Scorecard.interview_id == Interview.id)
                   & (Scorecard.panelist_id == PanelMember.user_id))
        .order_by(Interview.scheduled_at.desc(), Interview.id, PanelMember.id)
    ).all()
    frame = pd.DataFrame([tuple(r) for r in rows], columns=[
        "interview_id", "scheduled_at", "setting", "candidate", "position", "panelist",
        "panel_role", "status"])
    frame["status"] = frame["status"].fillna("not_started")
    return frame


def get_interview(session: Session, interview_id: int) -> Interview:
    """An interview by id."""
    interview = session.get(Interview, interview_id)
    if interview is None:
        raise NotFound("No such interview.")
    return interview
