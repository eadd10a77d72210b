"""Second interviews and their panels."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pandas as pd
from sqlmodel import Session, select
from sqlmodel.sql.expression import Select

from models import Candidate, Interview, PanelMember, Position, Scorecard, User, UserRole
from models.common import (
    InterviewStatus,
    PanelRole,
    Role,
    ScorecardStatus,
    SeatStatus,
    aware,
    label,
    seat_status,
    utcnow,
)
from models.interviews import PANEL_MIN, InterviewCreate, InterviewUpdate
from services import audit, i18n, ics
from services.access import is_recruiter
from services.auth import Viewer
from services.db import serialised
from services.errors import InvalidInput, NotAllowed, NotFound, validated
from services.i18n import N_, _
from services.mailer import SmtpConfig, invitation_message, send_all
from services.settings import get_setting

# A scorecard not submitted this long after its interview is overdue.
OVERDUE_AFTER = timedelta(hours=24)


def schedule_interview(session: Session, viewer: Viewer, data: InterviewCreate | dict) -> Interview:
    """Schedule an interview with its panel of 2 to 4 active users, all or nothing."""
    if not is_recruiter(viewer):
        raise NotAllowed(_("Only recruiters and admins can schedule interviews."))
    data = validated(InterviewCreate, data)
    ids = [m.user_id for m in data.panel]

    def create() -> Interview:
        if session.get(Candidate, data.candidate_id) is None:
            raise InvalidInput(_("Candidate: does not exist"))
        found = set(session.exec(select(User.id).where(User.id.in_(ids), User.active)).all())
        missing = [i for i in ids if i not in found]
        if missing:
            raise InvalidInput(_("Panel: no active user with id {ids}").format(
                ids=", ".join(map(str, missing))))
        when = aware(data.scheduled_at)
        interview = Interview.model_validate(data.model_dump(exclude={"panel"}),
                                             update={"scheduled_at": when})
        session.add(interview)
        session.flush()
        position_id = session.get(Candidate, data.candidate_id).position_id
        for member in data.panel:
            session.add(PanelMember(interview_id=interview.id, user_id=member.user_id,
                                    panel_role=seat_role(session, member, position_id)))
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


def my_interviews(session: Session, viewer: Viewer) -> pd.DataFrame:
    """The viewer's assigned interviews, what is still to score first, then by date.

    A seat's status is models.seat_status: "not_started" until the first saved answer, even
    when a card exists only because a reminder was recorded or the card was opened.
    """
    rows = session.exec(
        select(
            Interview.id, Interview.scheduled_at, Interview.setting, Interview.location,
            Candidate.name, Position.title, PanelMember.panel_role, Scorecard.status,
            Scorecard.submitted_at, Scorecard.version, Candidate.id, Candidate.email,
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
               "panel_role", "status", "submitted_at", "version", "candidate_id",
               "candidate_email"]
    frame = pd.DataFrame([tuple(r) for r in rows], columns=columns)
    frame["status"] = _seat_statuses(frame, seat_status)
    frame["to_do"] = frame["status"] != SeatStatus.submitted
    frame["overdue"] = frame["to_do"] & frame["scheduled_at"].map(is_overdue_time).astype(bool)
    # Overdue scorecards first, then what is still to score, then by date.
    return frame.sort_values(["overdue", "to_do", "scheduled_at"],
                             ascending=[False, False, True], ignore_index=True)


def upcoming_interviews(session: Session, viewer: Viewer, now: datetime | None = None
                        ) -> pd.DataFrame:
    """The viewer's interviews from now on, soonest first: their calendar."""
    mine = my_interviews(session, viewer)
    now = now or utcnow()
    when = mine["scheduled_at"].map(aware)
    return mine[when >= now].assign(scheduled_at=when[when >= now]).sort_values(
        "scheduled_at", ignore_index=True)


def panel_warnings(session: Session, candidate_id: int, user_ids: list[int]) -> list[str]:
    """Plain warnings about a panel being put together: too small, or no one from the team."""
    warnings = []
    if len(set(user_ids)) < PANEL_MIN:
        n = len(set(user_ids))
        warnings.append(i18n.ngettext(
            "The panel has {n} member; a second interview needs at least {min} so the views "
            "can be compared.",
            "The panel has {n} members; a second interview needs at least {min} so the views "
            "can be compared.", n).format(n=n, min=PANEL_MIN))
    candidate = session.get(Candidate, candidate_id)
    position = session.get(Position, candidate.position_id) if candidate else None
    if position is not None and position.team.strip() and user_ids:
        teams = session.exec(select(User.team).where(User.id.in_(user_ids))).all()
        wanted = position.team.strip().lower()
        if not any((t or "").strip().lower() == wanted for t in teams):
            warnings.append(_("No one on the panel is from the position's team ({team}); the "
                              "future colleagues' view is missing.").format(team=position.team))
    return warnings


def is_overdue_time(scheduled_at: datetime, now: datetime | None = None) -> bool:
    """True when an interview took place more than OVERDUE_AFTER ago."""
    return aware(scheduled_at) <= (now or utcnow()) - OVERDUE_AFTER


def list_interviews(session: Session, viewer: Viewer) -> pd.DataFrame:
    """Every interview with its panel's scorecard status (for recruiters; seat_status)."""
    if not is_recruiter(viewer):
        raise NotAllowed(_("Only recruiters and admins can list all interviews."))
    rows = session.exec(
        seat_query(
            Interview.id, Interview.scheduled_at, Interview.setting, Candidate.name,
            Position.title, User.name, PanelMember.panel_role, Scorecard.status,
            Interview.status, Interview.candidate_id, Scorecard.version,
        )
        .order_by(Interview.scheduled_at.desc(), Interview.id, PanelMember.id)
    ).all()
    frame = pd.DataFrame([tuple(r) for r in rows], columns=[
        "interview_id", "scheduled_at", "setting", "candidate", "position", "panelist",
        "panel_role", "status", "interview_status", "candidate_id", "version"])
    frame["status"] = _seat_statuses(frame, seat_status)
    return frame.drop(columns="version")


def seat_query(*columns) -> Select:
    """`select(*columns)` over every panel seat: the interview (the first column's table), its
    candidate and position, the panelist (User) and their scorecard when there is one."""
    return (select(*columns)
            .join(Candidate, Candidate.id == Interview.candidate_id)
            .join(Position, Position.id == Candidate.position_id)
            .join(PanelMember, PanelMember.interview_id == Interview.id)
            .join(User, User.id == PanelMember.user_id)
            .outerjoin(Scorecard, (Scorecard.interview_id == Interview.id)
                       & (Scorecard.panelist_id == PanelMember.user_id)))


def _seat_statuses(frame: pd.DataFrame, seat_status: Callable) -> list[str]:
    return [seat_status(None if pd.isna(status) else status, None if pd.isna(v) else int(v))
            for status, v in zip(frame["status"], frame["version"], strict=True)]


def get_interview(session: Session, interview_id: int) -> Interview:
    """An interview by id."""
    interview = session.get(Interview, interview_id)
    if interview is None:
        raise NotFound(_("No such interview."))
    return interview


# ---------------------------------------------------------------- schedule once, edit, cancel


_REFUSALS = {
    "schedule": N_("Only recruiters and admins can schedule interviews."),
    "change": N_("Only recruiters and admins can change interviews."),
    "cancel": N_("Only recruiters and admins can cancel interviews."),
}


def _require_recruiter(viewer: Viewer, what: str) -> None:
    if not is_recruiter(viewer):
        raise NotAllowed(_(_REFUSALS[what]))


def same_interview(session: Session, data: InterviewCreate | dict) -> Interview | None:
    """An interview already scheduled (not cancelled) for this candidate at this very time."""
    data = validated(InterviewCreate, data)
    return _at_time(session, data.candidate_id, aware(data.scheduled_at))


def _at_time(session: Session, candidate_id: int, when: datetime) -> Interview | None:
    # Compared in Python: SQLite keeps datetimes without their zone.
    rows = session.exec(select(Interview).where(
        Interview.candidate_id == candidate_id,
        Interview.status != InterviewStatus.cancelled)).all()
    return next((iv for iv in rows if aware(iv.scheduled_at) == when), None)


def schedule_interview_once(session: Session, viewer: Viewer, data: InterviewCreate | dict
                            ) -> tuple[Interview, bool]:
    """schedule_interview, unless the candidate already has an interview at that exact time:
    then that one is returned and nothing is created (created=False).

    This is what makes Schedule idempotent: a double-click, a resubmitted form or a second tab
    sends the same candidate and time again, and a candidate is never interviewed twice at
    once. Moving an interview is a reschedule (update_interview), not a second one.
    """
    _require_recruiter(viewer, "schedule")
    existing = same_interview(session, data)
    if existing is not None:
        return existing, False
    return schedule_interview(session, viewer, data), True


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
        raise InvalidInput(_("Interview: it was cancelled; schedule a new one instead"))
    return interview


def _cards_by_panelist(session: Session, interview_id: int) -> dict[int, str]:
    return dict(session.exec(select(Scorecard.panelist_id, Scorecard.status)
                             .where(Scorecard.interview_id == interview_id)).all())


def update_interview(session: Session, viewer: Viewer, interview_id: int,
                     data: InterviewUpdate | dict) -> InterviewChange:
    """Edit, reschedule or re-panel an interview, audited; what is not given stays.

    A panelist who has started a scorecard stays on the panel (their scores belong to this
    interview). The invitation's sequence number goes up with every real change.
    """
    _require_recruiter(viewer, "change")
    data = validated(InterviewUpdate, data)
    interview = _editable(session, interview_id)
    result = InterviewChange(interview=interview)
    if data.scheduled_at is not None:
        when = aware(data.scheduled_at)
        if aware(interview.scheduled_at) != when:
            clash = _at_time(session, interview.candidate_id, when)
            if clash is not None and clash.id != interview.id:
                raise InvalidInput(_("Date and time: this candidate already has an interview "
                                     "then"))
            result.changes["scheduled_at"] = {"old": aware(interview.scheduled_at),
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
    audit.record(session, "interview_changed", actor=viewer, entity="interview",
                 entity_id=interview.id, candidate_id=interview.candidate_id,
                 detail={**result.changes, "panel_added": result.added,
                         "panel_removed": result.removed, "sequence": interview.sequence})
    session.commit()
    session.refresh(interview)
    return result


def seat_role(session: Session, member, position_id: int) -> str:
    """A seat's panel role: the one given, else the person's own: the position's hiring manager
    is the immediate superior, a recruiter the recruiter, anyone else a colleague."""
    if member.panel_role is not None:
        return str(member.panel_role)
    position = session.get(Position, position_id)
    if position is not None and position.hiring_manager_id == member.user_id:
        return PanelRole.immediate_superior.value
    recruiter = session.exec(select(UserRole.id).where(
        UserRole.user_id == member.user_id, UserRole.role == Role.recruiter)).first()
    return PanelRole.recruiter.value if recruiter is not None else PanelRole.colleague.value


def _repanel(session: Session, interview: Interview, panel: list, result: InterviewChange
             ) -> None:
    seats = {m.user_id: m for m, _u in panel_of(session, interview.id)}
    position_id = session.get(Candidate, interview.candidate_id).position_id
    wanted = {m.user_id: (str(seats[m.user_id].panel_role) if m.panel_role is None and
                          m.user_id in seats else seat_role(session, m, position_id))
              for m in panel}
    found = set(session.exec(select(User.id).where(User.id.in_(list(wanted)), User.active)).all())
    missing = [i for i in wanted if i not in found and i not in seats]
    if missing:
        raise InvalidInput(_("Panel: no active user with id {ids}").format(
            ids=", ".join(map(str, missing))))
    cards = _cards_by_panelist(session, interview.id)
    keeps = [uid for uid in seats if uid not in wanted and uid in cards]
    if keeps:
        names = session.exec(select(User.name).where(User.id.in_(keeps))).all()
        raise InvalidInput([_("Panel: {name} has already started a scorecard for this "
                              "interview and stays on the panel").format(name=n) for n in names])
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


def cancel_interview(session: Session, viewer: Viewer, interview_id: int,
                     reason: str = "") -> InterviewChange:
    """Cancel an interview that no one has scored yet, audited; it stays listed as cancelled."""
    _require_recruiter(viewer, "cancel")
    if len(reason) > 2000:
        raise InvalidInput(_("Reason: at most 2000 characters"))
    interview = _editable(session, interview_id)
    submitted = [uid for uid, status in _cards_by_panelist(session, interview_id).items()
                 if status == ScorecardStatus.submitted]
    if submitted:
        raise InvalidInput(_("Interview: scorecards have been submitted for it, so it took "
                             "place and cannot be cancelled"))
    interview.status = InterviewStatus.cancelled
    interview.sequence += 1
    session.add(interview)
    session.flush()
    audit.record(session, "interview_cancelled", actor=viewer, entity="interview",
                 entity_id=interview.id, candidate_id=interview.candidate_id,
                 detail={"reason": reason, "sequence": interview.sequence})
    session.commit()
    session.refresh(interview)
    return InterviewChange(interview=interview, changes={"status": {
        "old": InterviewStatus.scheduled.value, "new": InterviewStatus.cancelled.value}})


def interview_form_data(session: Session, viewer: Viewer, interview_id: int) -> dict:
    """An interview as the edit form shows it: time, setting, place and panel."""
    _require_recruiter(viewer, "change")
    interview = get_interview(session, interview_id)
    return {"id": interview.id, "candidate_id": interview.candidate_id,
            "scheduled_at": aware(interview.scheduled_at), "setting": interview.setting,
            "location": interview.location, "status": interview.status,
            "panel": [{"user_id": m.user_id, "panel_role": m.panel_role}
                      for m, _u in panel_of(session, interview_id)],
            "started": sorted(_cards_by_panelist(session, interview_id))}


@dataclass
class NotifyResult:
    """Who was told about an interview, and who could not be reached."""

    sent: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def invitation_for(session: Session, viewer: Viewer, interview: Interview) -> ics.Invitation:
    """The calendar invitation the viewer (its organizer) sends for an interview to its current
    panel, in the current language (summary and description; the times stay UTC, as calendars
    read them)."""
    candidate = session.get(Candidate, interview.candidate_id)
    position = session.get(Position, candidate.position_id)
    panel = [(u.name, u.email) for _m, u in panel_of(session, interview.id)]
    return ics.Invitation(
        uid=ics.interview_uid(interview.id, interview.created_at),
        sequence=interview.sequence, start=aware(interview.scheduled_at),
        summary=_("Second interview: {candidate} ({position})").format(
            candidate=candidate.name, position=position.title),
        location=interview.location or label(interview.setting),
        description=_("Second interview with {candidate} for {position}. Setting: {setting}. "
                      "Panel: {panel}.").format(
            candidate=candidate.name, position=position.title,
            setting=label(interview.setting), panel=", ".join(n for n, _e in panel)),
        organizer=(viewer.name, viewer.email), attendees=panel,
        language=i18n.current_language())


def _reader(user: User | None, default_language: str, default_zone: str) -> tuple[str, str]:
    """The language and time zone a person reads their mail in: theirs, else the organisation's."""
    if user is None:
        return default_language, default_zone
    return user.language or default_language, user.time_zone or default_zone


def _invitation_mail(session: Session, viewer: Viewer, interview: Interview, config: SmtpConfig,
                     name: str, email: str, removed: bool):
    """One person's invitation, update or cancellation e-mail, in the current language."""
    invite = invitation_for(session, viewer, interview)
    cancelled = interview.status == InterviewStatus.cancelled
    when = i18n.datetime_(interview.scheduled_at, "long")
    if removed:
        off = ics.Invitation(**{**invite.__dict__, "attendees": [(name, email)]})
        return invitation_message(
            config, name, email, _("Cancelled for you: {summary}").format(summary=invite.summary),
            _("You are no longer on the panel of this interview: {summary}, {when}.").format(
                summary=invite.summary, when=when),
            ics.calendar(off, "CANCEL"), "CANCEL")
    if cancelled:
        subject = _("Cancelled: {summary}").format(summary=invite.summary)
        body = _("This interview is cancelled: {summary}, {when}.").format(
            summary=invite.summary, when=when)
    else:
        first = interview.sequence == 0
        subject = (_("Invitation: {summary}, {when}") if first else
                   _("Updated: {summary}, {when}")).format(summary=invite.summary, when=when)
        body = "\n".join([
            invite.description,
            _("When: {when}").format(when=when),
            _("Where: {where}").format(where=invite.location), "",
            _("The attached invitation puts it in your calendar.") if first else
            _("The attached invitation updates the one in your calendar.")])
    method = "CANCEL" if cancelled else "REQUEST"
    return invitation_message(config, name, email, subject, body,
                              ics.calendar(invite, method), method)


def notify_panel(session: Session, viewer: Viewer, change: InterviewChange,
                 config: SmtpConfig | None, sender: Callable = send_all,
                 removed_users: list[User] | None = None) -> NotifyResult | None:
    """E-mail the panel an invitation when an interview is scheduled or changed
    (METHOD:REQUEST), or a cancellation
    (METHOD:CANCEL) when the interview is cancelled; people taken off the panel get a
    cancellation. Each e-mail, and its invitation's text, is written in its reader's language
    and time zone (theirs, else the organisation's). None when no mail server is configured
    (nothing is sent)."""
    if config is None:
        return None
    interview = change.interview
    default_language = get_setting(session, "language")
    default_zone = get_setting(session, "time_zone")
    messages, people = [], []
    readers = [(u, False) for _m, u in panel_of(session, interview.id)]
    gone = removed_users or [session.get(User, uid) for uid in change.removed]
    readers += [(u, True) for u in gone if u is not None]
    for user, removed in readers:
        lang, zone_name = _reader(user, default_language, default_zone)
        with i18n.language(lang, zone_name):
            messages.append(_invitation_mail(session, viewer, interview, config, user.name,
                                             user.email, removed))
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
