"""Scorecards not submitted a day after their interview, and reminders about them.

Only interviews that have taken place count: a seat is overdue when its interview began more than
OVERDUE_AFTER ago and the panelist's scorecard is missing or still a draft. A reminder is recorded
in Scorecard.reminded_at and not repeated within RESEND_AFTER.
"""

import smtplib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pandas as pd
from sqlmodel import Session, update

from models import Candidate, Interview, PanelMember, Position, Scorecard, User
from models.common import InterviewStatus, ScorecardStatus, aware, seat_status, utcnow
from services import config
from services.access import is_recruiter
from services.auth import Viewer
from services.errors import InvalidInput, NotAllowed
from services.i18n import _, language, ngettext
from services.interviews import OVERDUE_AFTER, seat_query
from services.mailer import SmtpConfig, message, send_all
from services.positions import current_template
from services.scores_io import PLACEHOLDER_DOMAIN
from services.settings import get_setting

RESEND_AFTER = timedelta(hours=24)
COLUMNS = ["interview_id", "scheduled_at", "candidate", "position", "panelist_id", "panelist",
           "email", "status", "scorecard_id", "reminded_at", "version", "language",
           "time_zone", "hours_overdue"]
APP_URL_VARIABLE = config.APP_URL_VARIABLE


def app_base_url() -> str:
    """The app's public address for links in e-mails (SECONDLOOK_APP_URL), or "" if unset."""
    return config.app_url()


def scorecard_link(base_url: str, interview_id: int) -> str:
    """The address of a panelist's scorecard for an interview ("" without a base URL)."""
    return f"{base_url.rstrip('/')}/scorecard?interview={int(interview_id)}" if base_url else ""


def overdue_scorecards(session: Session, viewer: Viewer, now: datetime | None = None
                       ) -> pd.DataFrame:
    """Every overdue panel seat, longest overdue first (recruiters and admins)."""
    if not is_recruiter(viewer):
        raise NotAllowed(_("Only recruiters and admins see every panel's scorecards."))
    now = now or utcnow()
    rows = session.exec(
        seat_query(Interview.id, Interview.scheduled_at, Candidate.name, Position.title,
                   User.id, User.name, User.email, Scorecard.status, Scorecard.id,
                   Scorecard.reminded_at, Scorecard.version, User.language, User.time_zone)
        .where(Interview.scheduled_at <= now - OVERDUE_AFTER,
               Interview.status != InterviewStatus.cancelled)  # owed no card when cancelled
        .where((Scorecard.id.is_(None)) | (Scorecard.status != ScorecardStatus.submitted))
        .order_by(Interview.scheduled_at, Interview.id, PanelMember.id)
    ).all()
    frame = pd.DataFrame([tuple(r) + (None,) for r in rows], columns=COLUMNS)
    # A card holding no answer yet (opened, or made to record a reminder) is not started.
    frame["status"] = [seat_status(s, v) for s, v in zip(frame["status"], frame["version"],
                                                         strict=True)]
    frame["hours_overdue"] = [
        int((now - aware(t)).total_seconds() // 3600) for t in frame["scheduled_at"]]
    return frame


@dataclass
class ReminderResult:
    """What a round of reminders did, one line per panel seat."""

    sent: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def send_reminders(session: Session, viewer: Viewer, config: SmtpConfig | None, *,
                   now: datetime | None = None, app_url: str = "",
                   sender: Callable = send_all) -> ReminderResult:
    """Email each overdue panelist not reminded within RESEND_AFTER; record when."""
    if config is None:
        raise InvalidInput(_("Mail: no SMTP server is configured, so no reminder can be sent"))
    now = now or utcnow()
    table = overdue_scorecards(session, viewer, now)
    result = ReminderResult()
    todo, messages = [], []
    house_language = get_setting(session, "language")
    for r in table.itertuples(index=False):
        who = _("{panelist} ({candidate}, {position})").format(
            panelist=r.panelist, candidate=r.candidate, position=r.position)
        if r.reminded_at is not None and now - aware(r.reminded_at) < RESEND_AFTER:
            result.skipped.append(_("{who}: reminded less than {hours} h ago").format(
                who=who, hours=int(RESEND_AFTER.total_seconds() // 3600)))
            continue
        if not r.email or r.email.endswith("@" + PLACEHOLDER_DOMAIN):
            result.skipped.append(_("{who}: no email address").format(who=who))
            continue
        # The reminder is written in the panelist's language (else the organisation's).
        with language(r.language or house_language):
            subject, body = reminder_text(r.panelist, r.candidate, r.position,
                                          r.hours_overdue,
                                          scorecard_link(app_url, r.interview_id))
        messages.append(message(config, r.panelist, r.email, subject, body))
        todo.append((r, who))
    if not messages:
        return result
    try:
        failures = dict(sender(config, messages))
    except (OSError, smtplib.SMTPException) as exc:
        raise InvalidInput(_("Mail server {host}:{port}: {error}; no reminder was sent").format(
            host=config.host, port=config.port, error=exc)) from None
    for i, (r, who) in enumerate(todo):
        if i in failures:
            result.failed.append(f"{who}: {failures[i]}")
            continue
        card_id = r.scorecard_id
        if card_id is None or pd.isna(card_id):
            card = _new_draft(session, int(r.interview_id), int(r.panelist_id))
            card_id = card.id
        # A plain UPDATE: the reminder is not the panelist's edit, so their draft's version
        # (which guards against two windows overwriting each other) stays as it is.
        session.execute(update(Scorecard).where(Scorecard.id == int(card_id))
                        .values(reminded_at=now))
        result.sent.append(who)
    session.commit()
    return result


def reminder_text(panelist: str, candidate: str, position: str, hours: int,
                  link: str) -> tuple[str, str]:
    """The subject and body of a reminder, in the current language."""
    body = ngettext(
        "Hello {panelist},\n\nyour scorecard for {candidate} ({position}) is not submitted yet; "
        "the interview was {hours} hour ago. The hiring manager compares the panel's views at "
        "the debrief, so please score while your memory is fresh.\n",
        "Hello {panelist},\n\nyour scorecard for {candidate} ({position}) is not submitted yet; "
        "the interview was {hours} hours ago. The hiring manager compares the panel's views at "
        "the debrief, so please score while your memory is fresh.\n", hours).format(
        panelist=panelist, candidate=candidate, position=position, hours=hours)
    if link:
        body += "\n" + _("Open it here: {link}").format(link=link) + "\n"
    body += "\n" + _("Thank you,\nSecond Look")
    return _("Scorecard overdue: {candidate}").format(candidate=candidate), body


def _new_draft(session: Session, interview_id: int, panelist_id: int) -> Scorecard:
    interview = session.get(Interview, interview_id)
    candidate = session.get(Candidate, interview.candidate_id)
    card = Scorecard(interview_id=interview_id, panelist_id=panelist_id,
                     template_id=current_template(session, candidate.position_id).id)
    session.add(card)
    session.flush()
    return card
