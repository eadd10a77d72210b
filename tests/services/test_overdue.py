"""Overdue scorecards: who is late, reminders through a real (local) SMTP server, no resends."""

import socket
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller

from models import Scorecard, utcnow
from services.errors import InvalidInput, NotAllowed
from services.interviews import my_interviews
from services.mailer import SmtpConfig, smtp_config
from services.overdue import overdue_scorecards, send_reminders
from tests.apptest import all_text, app_as
from tests.conftest import world_fixture


class Inbox:
    """An aiosmtpd handler that keeps what it receives."""

    def __init__(self):
        self.messages: list[tuple[list[str], str]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.messages.append((list(envelope.rcpt_tos), envelope.content.decode("utf-8")))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        yield inbox, SmtpConfig(host="127.0.0.1", port=controller.port, starttls=False,
                                sender="recruiting@example.com")
    finally:
        controller.stop()


@world_fixture
def late(make):
    """Pia and Paul sat on Cara's interview two days ago; Paul submitted, Pia did not.
    Mo sits on a panel 3 hours ago (not overdue yet) and one tomorrow."""
    recruiter = make.user("recruiter")
    pia, paul, mo = (make.user(name=n, email=f"{n.lower()}@example.com")
                     for n in ("Pia", "Paul", "Mo"))
    position = make.position(title="Analyst")
    cara, dan, eve = (make.candidate(position, name=n) for n in ("Cara", "Dan", "Eve"))
    iv = make.interview(cara, [pia, paul], days_ago=2)
    make.scorecard(iv, paul, [3, 3, 3, 3])
    recent = make.interview(dan, [mo, paul], days_ago=0)
    future = make.interview(eve, [mo, pia], days_ago=-1)
    return {"recruiter": recruiter, "pia": pia, "paul": paul, "mo": mo, "iv": iv,
            "recent": recent, "future": future}


def test_only_unsubmitted_cards_of_interviews_over_a_day_ago_are_overdue(session, make, late):
    table = overdue_scorecards(session, make.viewer(late["recruiter"]))
    assert table[["panelist", "candidate", "status"]].values.tolist() == [
        ["Pia", "Cara", "not_started"]]
    assert table["hours_overdue"].iloc[0] >= 47


def test_panelists_cannot_list_everyones_overdue_cards(session, make, late):
    with pytest.raises(NotAllowed):
        overdue_scorecards(session, make.viewer(late["pia"]))


def test_reminder_is_sent_recorded_and_not_repeated_within_a_day(session, make, late, smtp):
    inbox, config = smtp
    recruiter = make.viewer(late["recruiter"])
    result = send_reminders(session, recruiter, config)
    assert result.sent == ["Pia (Cara, Analyst)"]
    assert len(inbox.messages) == 1
    rcpt, content = inbox.messages[0]
    assert rcpt == ["pia@example.com"]
    assert "Subject: Scorecard overdue: Cara" in content and "Analyst" in content
    session.expire_all()
    card = session.exec(Scorecard.__table__.select().where(
        Scorecard.panelist_id == late["pia"].id)).one()
    assert card.reminded_at is not None and card.status == "draft"

    again = send_reminders(session, recruiter, config)
    assert again.sent == [] and "reminded less than 24 h ago" in again.skipped[0]
    assert len(inbox.messages) == 1
    # A day later Pia is reminded again; by then Dan's interview is overdue too.
    later = send_reminders(session, recruiter, config, now=utcnow() + timedelta(hours=25))
    assert sorted(later.sent) == ["Mo (Dan, Analyst)", "Paul (Dan, Analyst)",
                                  "Pia (Cara, Analyst)"]
    assert len(inbox.messages) == 4


def test_unreachable_server_sends_nothing_and_records_nothing(session, make, late):
    config = SmtpConfig(host="127.0.0.1", port=_free_port(), starttls=False, timeout=2)
    with pytest.raises(InvalidInput) as err:
        send_reminders(session, make.viewer(late["recruiter"]), config)
    assert "no reminder was sent" in err.value.problems[0]
    assert session.exec(Scorecard.__table__.select().where(
        Scorecard.reminded_at.is_not(None))).all() == []


def test_without_configuration_there_is_only_the_view(session, make, late):
    assert smtp_config({}, env={}) is None
    with pytest.raises(InvalidInput):
        send_reminders(session, make.viewer(late["recruiter"]), None)


def test_configuration_comes_from_environment_then_secrets():
    env = {"SECONDLOOK_SMTP_HOST": "mail.local", "SECONDLOOK_SMTP_PORT": "2525",
           "SECONDLOOK_SMTP_STARTTLS": "false"}
    assert smtp_config({"host": "other"}, env=env) == SmtpConfig(
        host="mail.local", port=2525, starttls=False)
    from_secrets = smtp_config({"host": "smtp.example.com", "user": "u", "password": "p",
                                "from": "hr@example.com"}, env={})
    assert (from_secrets.host, from_secrets.port, from_secrets.sender, from_secrets.starttls) \
        == ("smtp.example.com", 587, "hr@example.com", True)


def test_a_panelist_sees_their_overdue_scorecards_first(session, make, late):
    mine = my_interviews(session, make.viewer(late["pia"]))
    assert mine["interview_id"].tolist()[0] == late["iv"].id
    assert mine["overdue"].tolist() == [True, False]


def test_recruiter_sends_reminders_from_the_overdue_page(make, late, smtp, monkeypatch):
    inbox, config = smtp
    monkeypatch.setenv("SECONDLOOK_SMTP_HOST", config.host)
    monkeypatch.setenv("SECONDLOOK_SMTP_PORT", str(config.port))
    monkeypatch.setenv("SECONDLOOK_SMTP_STARTTLS", "false")
    at = app_as(late["recruiter"].id, "pages/overdue.py")
    assert not at.exception
    assert at.dataframe[0].value["Panelist"].tolist() == ["Pia"]
    at.button(key="overdue_send").click().run()
    assert "1 reminder sent." in [s.value for s in at.success]
    assert len(inbox.messages) == 1


def test_overdue_page_without_mail_server_shows_only_the_list(make, late, monkeypatch):
    monkeypatch.delenv("SECONDLOOK_SMTP_HOST", raising=False)
    at = app_as(late["recruiter"].id, "pages/overdue.py")
    assert "No mail server is configured" in all_text(at)
    assert not [b for b in at.button if b.key == "overdue_send"]


def test_my_interviews_shows_overdue_first_and_a_calendar(make, late):
    at = app_as(late["pia"].id, "pages/my_interviews.py")
    assert not at.exception
    text = all_text(at)
    assert "1 scorecard overdue" in text
    calendar = at.dataframe[0].value
    assert calendar["Candidate"].tolist() == ["Eve"]


def test_a_card_holding_no_answer_stays_not_started(session, make, late, smtp):
    from services.scorecards import ensure_scorecard, save_fields

    _, config = smtp
    recruiter = make.viewer(late["recruiter"])
    pia = make.viewer(late["pia"])
    card = ensure_scorecard(session, pia, late["iv"].id)  # opened, nothing saved
    send_reminders(session, recruiter, config)  # the reminder is recorded on the card
    assert overdue_scorecards(session, recruiter)["status"].tolist() == ["not_started"]
    save_fields(session, pia, card.id, {"concerns": "Notice period"})
    assert overdue_scorecards(session, recruiter)["status"].tolist() == ["draft"]


def test_reminder_links_to_the_panelists_scorecard(session, make, late, smtp):
    inbox, config = smtp
    send_reminders(session, make.viewer(late["recruiter"]), config,
                   app_url="https://secondlook.example.com/")
    from email import message_from_string

    body = message_from_string(inbox.messages[0][1]).get_payload(decode=True).decode()
    assert f"https://secondlook.example.com/scorecard?interview={late['iv'].id}" in body


def test_link_base_comes_from_the_environment(monkeypatch):
    from services.overdue import app_base_url, scorecard_link

    monkeypatch.setenv("SECONDLOOK_APP_URL", " https://sl.example.com/ ")
    assert app_base_url() == "https://sl.example.com"
    monkeypatch.delenv("SECONDLOOK_APP_URL")
    assert app_base_url() == "" and scorecard_link("", 3) == ""


def test_a_reminder_is_written_in_the_panelists_language(session, make, late, smtp):
    import email
    from email import policy

    inbox, config = smtp
    late["pia"].language = "fr"
    session.add(late["pia"])
    session.commit()
    result = send_reminders(session, make.viewer(late["recruiter"]), config,
                            app_url="https://second.example")
    assert result.sent == ["Pia (Cara, Analyst)"]  # the recruiter's own language (English)
    message = email.message_from_string(inbox.messages[0][1], policy=policy.default)
    assert message["Subject"] == "Fiche d’évaluation en retard : Cara"
    body = message.get_content()
    assert body.startswith("Bonjour Pia,")
    assert "l’entrevue a eu lieu il y a" in body and "heures." in body
    assert f"Ouvrez-la ici : https://second.example/scorecard?interview={late['iv'].id}" in body
