"""Interviews after scheduling: edit, reschedule, re-panel, cancel (audited, the panel told by
e-mail with a calendar invitation), and Schedule that cannot create twice."""

import asyncio
import email
import socket
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from models import AuditEvent, Interview, InterviewStatus
from services import ics
from services.errors import InvalidInput, NotAllowed
from services.interviews import (
    InterviewChange,
    cancel_interview,
    list_interviews,
    my_interviews,
    notify_panel,
    panel_of,
    schedule_interview_once,
    update_interview,
)
from services.mailer import SmtpConfig
from tests.apptest import all_text, app_as, toasts
from tests.conftest import count, world_fixture

WHEN = datetime(2026, 12, 10, 9, 0, tzinfo=UTC)


@world_fixture
def world(session, make):
    recruiter = make.user("recruiter", name="Rita Recruiter", email="rita@example.com")
    manager = make.user("hiring_manager")
    pia = make.user(name="Pia Panel", email="pia@example.com")
    paul = make.user(name="Paul Panel", email="paul@example.com")
    hugo = make.user(name="Hugo Panel", email="hugo@example.com")
    position = make.position(manager=manager, title="Backend Engineer")
    cara = make.candidate(position, name="Cara Candidate")
    rv = make.viewer(recruiter)
    iv, _ = schedule_interview_once(session, rv, _data(cara, [pia, paul]))
    return {"recruiter": recruiter, "rv": rv, "pia": pia, "paul": paul, "hugo": hugo,
            "position": position, "cara": cara, "iv": iv, "manager": manager}


def _data(candidate, panel, when=WHEN):
    return {"candidate_id": candidate.id, "scheduled_at": when, "setting": "office",
            "panel": [{"user_id": u.id, "panel_role": "colleague"} for u in panel]}


def _audit(session, action):
    return session.exec(select(AuditEvent).where(AuditEvent.action == action)).all()


def test_scheduling_the_same_candidate_at_the_same_time_again_creates_nothing(session, world):
    again, created = schedule_interview_once(session, world["rv"],
                                             _data(world["cara"], [world["pia"], world["hugo"]]))
    assert not created and again.id == world["iv"].id
    assert count(session, Interview) == 1
    later, created = schedule_interview_once(
        session, world["rv"], _data(world["cara"], [world["pia"], world["paul"]],
                                    WHEN + timedelta(days=1)))
    assert created and count(session, Interview) == 2


def test_rescheduling_moves_the_interview_bumps_the_sequence_and_is_audited(session, world):
    change = update_interview(session, world["rv"], world["iv"].id,
                              {"scheduled_at": WHEN + timedelta(hours=3), "location": "Room 3"})
    assert change.changed
    session.expire_all()
    iv = session.get(Interview, world["iv"].id)
    assert iv.scheduled_at.replace(tzinfo=UTC) == WHEN + timedelta(hours=3)
    assert iv.location == "Room 3" and iv.sequence == 1
    [row] = _audit(session, "interview_changed")
    assert row.entity_id == iv.id and row.candidate_id == world["cara"].id
    assert row.detail["location"] == {"old": "", "new": "Room 3"}
    assert row.actor == "Rita Recruiter"


def test_a_seat_without_a_role_takes_the_persons_own(session, world):
    """The position's hiring manager sits as the immediate superior, a recruiter as the
    recruiter, anyone else as a colleague; a role given is kept; an edit that gives none keeps
    the seat's role."""
    w = world
    iv, _ = schedule_interview_once(session, w["rv"], {
        "candidate_id": w["cara"].id, "scheduled_at": WHEN + timedelta(days=3),
        "setting": "office", "panel": [
            {"user_id": w["recruiter"].id}, {"user_id": w["manager"].id},
            {"user_id": w["pia"].id}, {"user_id": w["paul"].id, "panel_role": "other"}]})
    roles = {m.user_id: m.panel_role for m, _u in panel_of(session, iv.id)}
    assert roles == {w["recruiter"].id: "recruiter", w["manager"].id: "immediate_superior",
                     w["pia"].id: "colleague", w["paul"].id: "other"}
    update_interview(session, w["rv"], iv.id, {"panel": [
        {"user_id": w["recruiter"].id}, {"user_id": w["paul"].id},
        {"user_id": w["hugo"].id}]})
    roles = {m.user_id: m.panel_role for m, _u in panel_of(session, iv.id)}
    assert roles == {w["recruiter"].id: "recruiter", w["paul"].id: "other",
                     w["hugo"].id: "colleague"}


def test_an_edit_that_changes_nothing_is_not_audited(session, world):
    change = update_interview(session, world["rv"], world["iv"].id, {"scheduled_at": WHEN})
    assert not change.changed
    assert _audit(session, "interview_changed") == []


def test_the_panel_can_change_but_a_panelist_who_started_a_card_stays(session, make, world):
    change = update_interview(session, world["rv"], world["iv"].id, {"panel": [
        {"user_id": world["pia"].id, "panel_role": "colleague"},
        {"user_id": world["hugo"].id, "panel_role": "immediate_superior"}]})
    assert change.added == [world["hugo"].id] and change.removed == [world["paul"].id]
    make.scorecard(world["iv"], world["hugo"], [3, 3, 3, 3], submit=False)
    with pytest.raises(InvalidInput) as err:
        update_interview(session, world["rv"], world["iv"].id, {"panel": [
            {"user_id": world["pia"].id}, {"user_id": world["paul"].id}]})
    assert err.value.problems == ["Panel: Hugo Panel has already started a scorecard for this "
                                  "interview and stays on the panel"]


def test_cancelling_keeps_the_interview_listed_but_asks_no_one_to_score(session, world):
    cancel_interview(session, world["rv"], world["iv"].id, "Candidate withdrew")
    session.expire_all()
    assert session.get(Interview, world["iv"].id).status == InterviewStatus.cancelled
    assert my_interviews(session, make_viewer(session, world["pia"])).empty
    assert set(list_interviews(session, world["rv"])["interview_status"]) == {"cancelled"}
    [row] = _audit(session, "interview_cancelled")
    assert row.detail["reason"] == "Candidate withdrew"
    with pytest.raises(InvalidInput):
        update_interview(session, world["rv"], world["iv"].id, {"location": "Room 1"})


def make_viewer(session, user):
    from services.auth import viewer_for

    return viewer_for(session, user)


def test_an_interview_with_a_submitted_scorecard_cannot_be_cancelled(session, make, world):
    make.scorecard(world["iv"], world["pia"], [3, 3, 3, 3])
    with pytest.raises(InvalidInput) as err:
        cancel_interview(session, world["rv"], world["iv"].id)
    assert "took place" in err.value.problems[0]
    assert _audit(session, "interview_cancelled") == []


def test_only_recruiters_change_interviews(session, world):
    pia = make_viewer(session, world["pia"])
    with pytest.raises(NotAllowed):
        update_interview(session, pia, world["iv"].id, {"location": "x"})
    with pytest.raises(NotAllowed):
        cancel_interview(session, pia, world["iv"].id)


# ---------------------------------------------------------------- e-mail and .ics


class _Inbox:
    def __init__(self):
        self.messages: list[email.message.Message] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"


@pytest.fixture
def smtp():
    from aiosmtpd.controller import Controller

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield SmtpConfig(host="127.0.0.1", port=port, starttls=False, sender="hr@example.com"), inbox
    controller.stop()
    asyncio.set_event_loop(None)


def _calendar(msg) -> dict:
    part = next(p for p in msg.walk() if p.get_content_type() == "text/calendar")
    return ics.parse(part.get_payload(decode=True).decode("utf-8"))


def test_the_panel_gets_an_updating_invitation_then_a_cancellation(session, world, smtp):
    config, inbox = smtp
    first = update_interview(session, world["rv"], world["iv"].id,
                             {"scheduled_at": WHEN + timedelta(hours=1)})
    result = notify_panel(session, world["rv"], first, config)
    assert sorted(result.sent) == ["Paul Panel", "Pia Panel"] and result.failed == []
    assert sorted(m["To"] for m in inbox.messages) == ["Paul Panel <paul@example.com>",
                                                       "Pia Panel <pia@example.com>"]
    cal = _calendar(inbox.messages[0])
    assert cal["METHOD"] == ["REQUEST"] and cal["SEQUENCE"] == ["1"]
    assert cal["DTSTART"] == ["20261210T100000Z"]
    uid = cal["UID"]

    gone = cancel_interview(session, world["rv"], world["iv"].id)
    notify_panel(session, world["rv"], gone, config)
    cancel = _calendar(inbox.messages[-1])
    assert cancel["METHOD"] == ["CANCEL"] and cancel["STATUS"] == ["CANCELLED"]
    assert cancel["UID"] == uid and cancel["SEQUENCE"] == ["2"]
    assert inbox.messages[-1]["Subject"].startswith("Cancelled: Second interview: Cara")


def test_a_new_interview_sends_the_first_invitation(session, world, smtp):
    config, inbox = smtp
    notify_panel(session, world["rv"], InterviewChange(interview=world["iv"]), config)
    assert len(inbox.messages) == 2
    assert inbox.messages[0]["Subject"].startswith("Invitation: Second interview: Cara")
    cal = _calendar(inbox.messages[0])
    assert cal["METHOD"] == ["REQUEST"] and cal["SEQUENCE"] == ["0"]
    assert len(cal["ATTENDEE"]) == 2


def test_someone_taken_off_the_panel_gets_a_cancellation(session, world, smtp):
    config, inbox = smtp
    change = update_interview(session, world["rv"], world["iv"].id, {"panel": [
        {"user_id": world["pia"].id}, {"user_id": world["hugo"].id}]})
    notify_panel(session, world["rv"], change, config)
    by_to = {m["To"]: _calendar(m)["METHOD"] for m in inbox.messages}
    assert by_to == {"Pia Panel <pia@example.com>": ["REQUEST"],
                     "Hugo Panel <hugo@example.com>": ["REQUEST"],
                     "Paul Panel <paul@example.com>": ["CANCEL"]}


def test_without_a_mail_server_nothing_is_sent(session, world):
    change = update_interview(session, world["rv"], world["iv"].id, {"location": "Room 2"})
    assert notify_panel(session, world["rv"], change, None) is None


def test_an_unreachable_mail_server_is_reported_not_raised(session, world):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again: nothing listens there
    change = update_interview(session, world["rv"], world["iv"].id, {"location": "Room 2"})
    result = notify_panel(session, world["rv"], change,
                          SmtpConfig(host="127.0.0.1", port=port, starttls=False, timeout=2))
    assert result.sent == [] and len(result.failed) == 2


def test_ics_text_is_escaped_and_folded():
    invite = ics.Invitation(uid="u@x", sequence=0, start=WHEN, summary="Tea; with, Ana\nand",
                            location="x" * 200, description="", organizer=("R", "r@x.com"),
                            attendees=[("Pia", "pia@x.com")])
    text = ics.calendar(invite, "REQUEST", now=WHEN)
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    props = ics.parse(text)
    assert props["SUMMARY"] == ["Tea\\; with\\, Ana\\nand"]
    assert props["LOCATION"] == ["x" * 200]
    with pytest.raises(ValueError):
        ics.calendar(invite, "PUBLISH")


# ---------------------------------------------------------------- the page


def test_recruiter_reschedules_and_cancels_on_the_page(session, world):
    at = app_as(world["recruiter"].id, "pages/interviews.py")
    iv = world["iv"].id
    at.text_input(key=f"ive_location_{iv}").input("Room 7")
    at.button(key=f"ive_submit_{iv}").click().run()
    assert not at.exception
    assert "Interview changed." in toasts(at)
    assert "No mail server is configured: tell the panel yourself." in toasts(at)
    session.expire_all()
    assert session.get(Interview, iv).location == "Room 7"

    at.button(key=f"ivc_submit_{iv}").click().run()  # not confirmed
    assert "Interview not cancelled" in all_text(at)
    at.checkbox(key=f"ivc_sure_{iv}").check()
    at.text_input(key=f"ivc_reason_{iv}").input("Withdrew")
    at.button(key=f"ivc_submit_{iv}").click().run()
    assert not at.exception
    session.expire_all()
    assert session.get(Interview, iv).status == "cancelled"
    assert "No scheduled interview to change." in all_text(at)


def test_schedule_needs_a_chosen_candidate_and_resets_after_success(session, world):
    at = app_as(world["recruiter"].id, "pages/interviews.py")
    assert at.selectbox(key="iv_candidate").value is None
    at.selectbox(key="iv_user_0").select(world["pia"].id)
    at.selectbox(key="iv_user_1").select(world["hugo"].id)
    at.button(key="iv_submit").click().run()
    assert "Candidate: choose who is interviewed" in all_text(at)
    assert count(session, Interview) == 1
    at.selectbox(key="iv_candidate").select(world["cara"].id)
    at.button(key="iv_submit").click().run()
    assert not at.exception
    assert count(session, Interview) == 2
    assert any(t.startswith("Interview scheduled: Cara Candidate · Backend Engineer")
               for t in toasts(at))
    assert at.selectbox(key="iv_candidate").value is None
    # The seats are empty again, shown as such (not as "Choose an option").
    for box, shown in (("iv_user_0", "—"), ("iv_role_0", "Their own role")):
        assert at.selectbox(key=box).index == 0 and at.selectbox(key=box).options[0] == shown
