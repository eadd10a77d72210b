"""Second interviews and their panels."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pandas as pd
from sqlmodel import Session, select

from models import (
    Candidate,
    Interview,
    InterviewCreate,
    InterviewStatus,
    InterviewUpdate,
    PanelMember,
    Position,
    Role,
    Scorecard,
    ScorecardStatus,
    User,
    UserRole,
    label,
    utcnow,
)
from models.interviews import PANEL_MIN
from services import audit, ics
from services.auth import Viewer
from services.db import serialised
from services.errors import InvalidInput, NotAllowed, NotFound, validated
from services.mailer import SmtpConfig, invitation_message, send_all

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
        .where(PanelMember.user_id == viewer.id,
               Interview.status != InterviewStatus.cancelled)
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
            Interview.status, Interview.candidate_id,
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
        "panel_role", "status", "interview_status", "candidate_id"])
    frame["status"] = frame["status"].fillna("not_started")
    return frame


def get_interview(session: Session, interview_id: int) -> Interview:
    """An interview by id."""
    interview = session.get(Interview, interview_id)
    if interview is None:
        raise NotFound("No such interview.")
    return interview


# ---------------------------------------------------------------- schedule once, edit, cancel


def _require_recruiter(actor: Viewer, what: str) -> None:
    if not actor.has(Role.recruiter):
        raise NotAllowed(f"Only recruiters and admins can {what} interviews.")


def same_interview(session: Session, data: InterviewCreate | dict) -> Interview | None:
    """An interview already scheduled (not cancelled) for this candidate at this very time."""
    data = validated(InterviewCreate, data)
    return _at_time(session, data.candidate_id, _aware(data.scheduled_at))


def _at_time(session: Session, candidate_id: int, when: datetime) -> Interview | None:
    # Compared in Python: SQLite keeps datetimes without their zone.
    rows = session.exec(select(Interview).where(
        Interview.candidate_id == candidate_id,
        Interview.status != InterviewStatus.cancelled)).all()
    return next((iv for iv in rows if _aware(iv.scheduled_at) == when), None)


def schedule_interview_once(session: Session, actor: Viewer, data: InterviewCreate | dict
                            ) -> tuple[Interview, bool]:
    """schedule_interview, unless the candidate already has an interview at that exact time:
    then that one is returned and nothing is created (created=False).

    This is what makes Schedule idempotent: a double-click, a resubmitted form or a second tab
    sends the same candidate and time again, and a candidate is never interviewed twice at
    once. Moving an interview is a reschedule (update_interview), not a second one.
    """
    _require_recruiter(actor, "schedule")
    existing = same_interview(session, data)
    if existing is not None:
        return existing, False
    return schedule_interview(session, actor, data), True


@dataclass
class InterviewChange:
    """What an edit or a cancellation did, for the confirmation and the panel's e-mail."""

    interview: Interview
    changes: dict = field(default_factory=dict)   # field -> {"old": ..., "new": ...}
    added: list[int] = field(default_factory=list)
    removed: list[int] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.changes or self.added or self.removed)


def _editable(session: Session, interview_id: int) -> Interview:
    interview = get_interview(session, interview_id)
    if interview.status == InterviewStatus.cancelled:
        raise InvalidInput("Interview: it was cancelled; schedule a new one instead")
    return interview


def _cards_by_panelist(session: Session, interview_id: int) -> dict[int, str]:
    return dict(session.exec(select(Scorecard.panelist_id, Scorecard.status)
                             .where(Scorecard.interview_id == interview_id)).all())


def update_interview(session: Session, actor: Viewer, interview_id: int,
                     data: InterviewUpdate | dict) -> InterviewChange:
    """Edit, reschedule or re-panel an interview, audited; what is not given stays.

    A panelist who has started a scorecard stays on the panel (their scores belong to this
    interview). The invitation's sequence number goes up with every real change.
    """
    _require_recruiter(actor, "change")
    data = validated(InterviewUpdate, data)
    interview = _editable(session, interview_id)
    result = InterviewChange(interview=interview)
    if data.scheduled_at is not None:
        when = _aware(data.scheduled_at)
        if _aware(interview.scheduled_at) != when:
            clash = _at_time(session, interview.candidate_id, when)
            if clash is not None and clash.id != interview.id:
                raise InvalidInput("Date and time: this candidate already has an interview then")
            result.changes["scheduled_at"] = {"old": _aware(interview.scheduled_at),
                                              "new": when}
            interview.scheduled_at = when
    for name in ("setting", "location"):
        value = getattr(data, name)
        if value is not None and str(value) != str(getattr(interview, name)):
            result.changes[name] = {"old": str(getattr(interview, name)), "new": str(value)}
            setattr(interview, name, str(value))
    if data.panel is not None:
        _repanel(session, interview, data.panel, result)
    if not result.changed:
        return result
    interview.sequence += 1
    session.add(interview)
    session.flush()
    audit.record(session, "interview_changed", actor=actor, entity="interview",
                 entity_id=interview.id, candidate_id=interview.candidate_id,
                 detail={**result.changes, "panel_added": result.added,
                         "panel_removed": result.removed, "sequence": interview.sequence})
    session.commit()
    session.refresh(interview)
    return result


def _repanel(session: Session, interview: Interview, panel: list, result: InterviewChange
             ) -> None:
    seats = {m.user_id: m for m, _ in panel_of(session, interview.id)}
    wanted = {m.user_id: m.panel_role for m in panel}
    found = set(session.exec(select(User.id).where(User.id.in_(list(wanted)), User.active)).all())
    missing = [i for i in wanted if i not in found and i not in seats]
    if missing:
        raise InvalidInput(f"Panel: no active user with id {', '.join(map(str, missing))}")
    cards = _cards_by_panelist(session, interview.id)
    keeps = [uid for uid in seats if uid not in wanted and uid in cards]
    if keeps:
        names = session.exec(select(User.name).where(User.id.in_(keeps))).all()
        raise InvalidInput([f"Panel: {n} has already started a scorecard for this interview "
                            "and stays on the panel" for n in names])
    for uid, seat in seats.items():
        if uid not in wanted:
            session.delete(seat)
            result.removed.append(uid)
        elif str(seat.panel_role) != str(wanted[uid]):
            result.changes.setdefault("panel_roles", {})[str(uid)] = {
                "old": str(seat.panel_role), "new": str(wanted[uid])}
            seat.panel_role = str(wanted[uid])
            session.add(seat)
    for uid, role in wanted.items():
        if uid not in seats:
            session.add(PanelMember(interview_id=interview.id, user_id=uid, panel_role=role))
            result.added.append(uid)
            has = session.exec(select(UserRole.id).where(UserRole.user_id == uid,
                                                         UserRole.role == Role.panelist)).first()
            if has is None:
                session.add(UserRole(user_id=uid, role=Role.panelist))


def cancel_interview(session: Session, actor: Viewer, interview_id: int,
                     reason: str = "") -> InterviewChange:
    """Cancel an interview that no one has scored yet, audited; it stays listed as cancelled."""
    _require_recruiter(actor, "cancel")
    if len(reason) > 2000:
        raise InvalidInput("Reason: at most 2000 characters")
    interview = _editable(session, interview_id)
    submitted = [uid for uid, status in _cards_by_panelist(session, interview_id).items()
                 if status == ScorecardStatus.submitted]
    if submitted:
        raise InvalidInput("Interview: scorecards have been submitted for it, so it took place "
                           "and cannot be cancelled")
    interview.status = InterviewStatus.cancelled
    interview.sequence += 1
    session.add(interview)
    session.flush()
    audit.record(session, "interview_cancelled", actor=actor, entity="interview",
                 entity_id=interview.id, candidate_id=interview.candidate_id,
                 detail={"reason": reason, "sequence": interview.sequence})
    session.commit()
    session.refresh(interview)
    return InterviewChange(interview=interview, changes={"status": {
        "old": InterviewStatus.scheduled.value, "new": InterviewStatus.cancelled.value}})


def interview_form_data(session: Session, actor: Viewer, interview_id: int) -> dict:
    """An interview as the edit form shows it: time, setting, place and panel."""
    _require_recruiter(actor, "change")
    interview = get_interview(session, interview_id)
    return {"id": interview.id, "candidate_id": interview.candidate_id,
            "scheduled_at": _aware(interview.scheduled_at), "setting": interview.setting,
            "location": interview.location, "status": interview.status,
            "panel": [{"user_id": m.user_id, "panel_role": m.panel_role}
                      for m, _ in panel_of(session, interview_id)],
            "started": sorted(_cards_by_panelist(session, interview_id))}


@dataclass
class NotifyResult:
    """Who was told about an interview, and who could not be reached."""

    sent: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def invitation_for(session: Session, interview: Interview, organizer: Viewer) -> ics.Invitation:
    """The calendar invitation of an interview to its current panel."""
    candidate = session.get(Candidate, interview.candidate_id)
    position = session.get(Position, candidate.position_id)
    panel = [(u.name, u.email) for _, u in panel_of(session, interview.id)]
    return ics.Invitation(
        uid=ics.interview_uid(interview.id, interview.created_at),
        sequence=interview.sequence, start=_aware(interview.scheduled_at),
        summary=f"Second interview: {candidate.name} ({position.title})",
        location=interview.location or label(interview.setting),
        description=(f"Second interview with {candidate.name} for {position.title}. "
                     f"Setting: {label(interview.setting)}. Panel: "
                     + ", ".join(n for n, _ in panel) + "."),
        organizer=(organizer.name, organizer.email), attendees=panel)


def notify_panel(session: Session, actor: Viewer, change: InterviewChange,
                 config: SmtpConfig | None, sender: Callable = send_all,
                 removed_users: list[User] | None = None) -> NotifyResult | None:
    """E-mail the panel an invitation when an interview is scheduled or changed
    (METHOD:REQUEST), or a cancellation
    (METHOD:CANCEL) when the interview is cancelled; people taken off the panel get a
    cancellation. None when no mail server is configured (nothing is sent)."""
    if config is None:
        return None
    interview = change.interview
    invite = invitation_for(session, interview, actor)
    cancelled = interview.status == InterviewStatus.cancelled
    when = _aware(interview.scheduled_at).strftime("%a %d %b %Y, %H:%M UTC")
    if cancelled:
        subject = f"Cancelled: {invite.summary}"
        body = f"The {invite.summary.lower()} on {when} is cancelled."
    else:
        first = interview.sequence == 0
        subject = f"{'Invitation' if first else 'Updated'}: {invite.summary}, {when}"
        body = (f"{invite.description}\nWhen: {when}\nWhere: {invite.location}\n\n"
                + ("The attached invitation puts it in your calendar." if first else
                   "The attached invitation updates the one in your calendar."))
    messages, people = [], []
    method = "CANCEL" if cancelled else "REQUEST"
    text = ics.calendar(invite, method)
    for name, email in invite.attendees:
        messages.append(invitation_message(config, name, email, subject, body, text, method))
        people.append(name)
    gone = removed_users or [session.get(User, uid) for uid in change.removed]
    for user in gone:
        if user is None:
            continue
        off = ics.Invitation(**{**invite.__dict__, "attendees": [(user.name, user.email)]})
        messages.append(invitation_message(
            config, user.name, user.email, f"Cancelled for you: {invite.summary}",
            f"You are no longer on the panel of the {invite.summary.lower()} on {when}.",
            ics.calendar(off, "CANCEL"), "CANCEL"))
        people.append(user.name)
    result = NotifyResult()
    try:
        failed = dict(sender(config, messages))
    except OSError as exc:  # smtplib errors are OSErrors too: nothing was sent
        result.failed = [f"{p} ({exc})" for p in people]
        return result
    for i, person in enumerate(people):
        (result.failed if i in failed else result.sent).append(person)
    return result
