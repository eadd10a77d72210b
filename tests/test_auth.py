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
    long = "p" * 1000
    make.user(email="long@example.com", password=long)
    assert auth.authenticate(session, "long@example.com", long) is not None


def test_user_changes_own_password(session, make):
    user = make.user(email="me@example.com")
    with pytest.raises(InvalidInput, match="Current password"):
        auth.change_password(session, user.id, "not it at all", "a new long password")
    auth.change_password(session, user.id, PASSWORD, "a new long password")
    assert auth.authenticate(session, "me@example.com", "a new long password") is not None


def test_only_admin_resets_and_reset_lifts_lock(session, make):
    user = make.user(email="me@example.com")
    user.locked_until = utcnow() + timedelta(minutes=10)
    session.add(user)
    session.commit()
    with pytest.raises(NotAllowed):
        auth.reset_password(session, make.viewer(make.user()), user.id, "x" * 12)
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
