"""Local accounts: argon2id hashes, lockout kept in the database, password changes."""

from datetime import timedelta

import pytest

from models import User, utcnow
from services import auth
from services.errors import InvalidInput, NotAllowed
from tests.conftest import PASSWORD


def test_passwords_are_stored_as_argon2id(session, make):
    user = make.user()
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash


def test_right_password_logs_in_wrong_does_not(session, make):
    user = make.user(email="me@example.com")
    assert auth.authenticate(session, "ME@example.com", PASSWORD).id == user.id
    assert auth.authenticate(session, "me@example.com", "wrong password!") is None
    assert auth.authenticate(session, "nobody@example.com", PASSWORD) is None


def test_five_failures_lock_the_account_even_with_the_right_password(session, make):
    make.user(email="me@example.com")
    for _ in range(auth.MAX_FAILED):
        assert auth.authenticate(session, "me@example.com", "wrong password!") is None
    assert auth.is_locked(session, "me@example.com")
    assert auth.authenticate(session, "me@example.com", PASSWORD) is None


def test_lock_expires_after_fifteen_minutes(session, make):
    user = make.user(email="me@example.com")
    user.locked_until = utcnow() - timedelta(seconds=1)
    session.add(user)
    session.commit()
    assert auth.authenticate(session, "me@example.com", PASSWORD) is not None


def test_long_passwords_up_to_a_thousand_characters_work(session, make):
    long = ("a long passphrase of many words " * 32)[:1000]
    make.user(email="long@example.com", password=long)
    assert auth.authenticate(session, "long@example.com", long) is not None


def test_user_changes_own_password(session, make):
    user = make.user(email="me@example.com")
    with pytest.raises(InvalidInput, match="Current password"):
        auth.change_password(session, make.viewer(user), "not it at all", "a new long password")
    auth.change_password(session, make.viewer(user), PASSWORD, "a new long password")
    assert auth.authenticate(session, "me@example.com", "a new long password") is not None


def test_only_admin_resets_and_reset_lifts_lock(session, make):
    user = make.user(email="me@example.com")
    user.locked_until = utcnow() + timedelta(minutes=10)
    session.add(user)
    session.commit()
    with pytest.raises(NotAllowed):
        auth.reset_password(session, make.viewer(make.user()), user.id, "a brand new secret")
    auth.reset_password(session, make.admin, user.id, "a brand new secret")
    assert session.get(User, user.id).locked_until is None
    assert auth.authenticate(session, "me@example.com", "a brand new secret") is not None


def test_deactivated_user_cannot_log_in(session, make):
    user = make.user(email="me@example.com")
    auth.update_user(session, make.admin, user.id, {"active": False})
    assert auth.authenticate(session, "me@example.com", PASSWORD) is None
    assert auth.get_viewer(session, user.id) is None


def test_a_user_may_hold_several_roles(session, make):
    user = make.user("recruiter", "panelist")
    assert auth.roles_of(session, user.id) == {"recruiter", "panelist"}


# ------------------------------------------------------------ lockout under parallel attempts

def test_parallel_wrong_passwords_lock_after_at_most_five_checks(db_url, session, make,
                                                                 monkeypatch):
    """20 threads at once: the count is claimed in the database, not read then written."""
    import threading

    from services.db import session_scope

    user = make.user(email="me@example.com")
    checked: list[str] = []
    real_verify = auth._safe_verify
    start = threading.Barrier(20)

    def counting_verify(hashed, password):
        if hashed == user.password_hash:
            checked.append(password)
        return real_verify(hashed, password)

    monkeypatch.setattr(auth, "_safe_verify", counting_verify)
    results: list[object] = []

    def attempt():
        start.wait()
        with session_scope(db_url) as s:
            results.append(auth.authenticate(s, "me@example.com", "wrong password!"))

    threads = [threading.Thread(target=attempt) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [None] * 20
    assert len(checked) <= auth.MAX_FAILED
    session.expire_all()
    assert auth.is_locked(session, "me@example.com")
    assert auth.authenticate(session, "me@example.com", PASSWORD) is None


def test_wrong_unknown_and_locked_cost_one_argon2_check_each(session, make, monkeypatch):
    make.user(email="me@example.com")
    calls: list[str] = []
    real_verify = auth._safe_verify
    monkeypatch.setattr(auth, "_safe_verify", lambda h, p: calls.append(h) or real_verify(h, p))
    for email in ["me@example.com"] * auth.MAX_FAILED + ["me@example.com", "nobody@example.com"]:
        calls.clear()
        assert auth.authenticate(session, email, "wrong password!") is None
        assert len(calls) == 1
    # Unknown and locked verify against the dummy hash, made at production cost like a real one.
    assert calls == [auth._DUMMY_HASH]


def test_the_lock_mails_its_owner_when_smtp_is_configured(session, make):
    import threading

    from aiosmtpd.controller import Controller

    from services.mailer import SmtpConfig
    from tests.services.test_overdue import _free_port

    got = threading.Event()
    inbox: list[tuple[list[str], str]] = []

    class Handler:
        async def handle_DATA(self, server, sess, envelope):  # noqa: N802 (aiosmtpd's name)
            inbox.append((list(envelope.rcpt_tos), envelope.content.decode()))
            got.set()
            return "250 OK"

    controller = Controller(Handler(), hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        config = SmtpConfig(host="127.0.0.1", port=controller.port, starttls=False)
        make.user(email="me@example.com", name="Meg Owner")
        for _ in range(auth.MAX_FAILED - 1):
            auth.authenticate(session, "me@example.com", "wrong password!", smtp=config)
        assert not inbox
        auth.authenticate(session, "me@example.com", "wrong password!", smtp=config)
        assert got.wait(10)
    finally:
        controller.stop()
    [(to, body)] = inbox
    assert to == ["me@example.com"]
    assert "locked" in body and "Meg Owner" in body


# ------------------------------------------------------------ password rule

@pytest.mark.parametrize(("password", "why"), [
    (" " * 12, "only spaces"),
    ("a" * 12, "one character repeated"),
    ("secondlook-demo", "demo password"),
    ("password1234", "too easy to guess"),
    ("qwertyuiopas", "too easy to guess"),
    ("short", "at least 12"),
])
def test_weak_passwords_are_refused_with_the_reason(password, why):
    with pytest.raises(InvalidInput, match=why):
        auth.check_password_rules(password)


def test_weak_password_refused_for_an_admin_and_nothing_created(session, make):
    from tests.conftest import count

    before = count(session, User)
    with pytest.raises(InvalidInput, match="one character repeated"):
        auth.create_user(session, {"name": "Root", "email": "root@example.com",
                                   "roles": ["admin"], "password": "a" * 12})
    assert count(session, User) == before


def test_demo_password_only_for_demo_accounts(session):
    auth.create_user(session, {"name": "Demo", "email": "demo@example.com",
                               "roles": ["panelist"], "password": "secondlook-demo"}, demo=True)
    with pytest.raises(InvalidInput, match="demo password"):
        auth.create_user(session, {"name": "Real", "email": "real@example.com",
                                   "roles": ["admin"], "password": "secondlook-demo"})


def test_the_test_password_is_valid():
    auth.check_password_rules(PASSWORD)


# ------------------------------------------------------------ sessions that end

def test_logout_everywhere_ends_every_session_of_the_user(session, make):
    user = make.user()
    gen = session.get(User, user.id).session_generation
    assert auth.get_viewer(session, user.id, gen) is not None
    assert auth.end_sessions(session, user.id) == gen + 1
    assert auth.get_viewer(session, user.id, gen) is None
    assert auth.get_viewer(session, user.id, gen + 1) is not None


@pytest.mark.parametrize("change", ["password", "reset", "deactivate", "role_removed"])
def test_these_changes_end_the_users_sessions(session, make, change):
    user = make.user("panelist", "recruiter")
    gen = session.get(User, user.id).session_generation
    if change == "password":
        new_gen = auth.change_password(session, make.viewer(user), PASSWORD, "a new long password")
        assert auth.get_viewer(session, user.id, new_gen) is not None
    elif change == "reset":
        auth.reset_password(session, make.admin, user.id, "a brand new secret")
    elif change == "deactivate":
        auth.update_user(session, make.admin, user.id, {"active": False})
    else:
        auth.update_user(session, make.admin, user.id, {"roles": ["panelist"]})
    session.expire_all()
    assert auth.get_viewer(session, user.id, gen) is None


def test_adding_a_role_or_renaming_keeps_sessions(session, make):
    user = make.user("panelist")
    gen = session.get(User, user.id).session_generation
    auth.update_user(session, make.admin, user.id, {"roles": ["panelist", "recruiter"],
                                                    "name": "New Name", "team": "Data"})
    session.expire_all()
    assert auth.get_viewer(session, user.id, gen) is not None
    assert session.get(User, user.id).team == "Data"
