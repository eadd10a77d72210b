"""Local accounts: argon2id password hashes, lockout after repeated failures, roles, sessions.

Lockout: every attempt on an existing account first claims one of its MAX_FAILED tries in a
single UPDATE ... RETURNING, before argon2 runs, so parallel attempts cannot all read the same
old count: at most MAX_FAILED passwords are ever checked before the lock.

Sessions: each user has a session generation; a browser session remembers the generation it
logged in with and ends as soon as the stored one moves on (log out everywhere, password change
or reset, deactivation, a role taken away).
"""

import logging
import smtplib
import threading
from datetime import timedelta

import zxcvbn
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import case, or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from models import (
    PASSWORD_MIN,
    PositionAccess,
    User,
    UserCreate,
    UserRole,
    UserUpdate,
    aware,
    utcnow,
)
from models.users import PASSWORD_MAX
from services import audit, config, mailer
from services.access import is_admin, is_recruiter
from services.errors import InvalidInput, NotAllowed, NotFound, validated
from services.i18n import N_, _, language
from services.settings import demo_mode
from services.viewer import Viewer

log = logging.getLogger(__name__)

# argon2-cffi's defaults are argon2id with RFC 9106's low-memory profile.
_hasher = PasswordHasher()
MAX_FAILED = 5
LOCK_MINUTES = 15
# Verifying against a fixed hash for unknown emails keeps the timing of "no such user" and
# "wrong password" alike, so the login form does not reveal which emails have accounts.
_DUMMY_HASH = _hasher.hash("not a real password, only for timing")

def password_help() -> str:
    """The password rules in one sentence, in the current language (the forms' help text)."""
    return _("At least {min} characters, not only spaces or one character repeated, not a "
             "common or easily guessed password; a few unusual words work.").format(
                 min=PASSWORD_MIN)


# The published password of the demo accounts (data/demo.json); refused for any real account.
DEMO_PASSWORD = "secondlook-demo"
# zxcvbn's scale 0-4; 3 is "safely unguessable: moderate protection from offline attacks".
MIN_STRENGTH = 3
# zxcvbn refuses longer input; the first 72 characters of a longer password decide its strength.
ZXCVBN_MAX = 72
# zxcvbn's own feedback texts (zxcvbn 4.5, feedback.py), marked here so that the catalogue
# translates them: zxcvbn itself speaks English only.
ZXCVBN_FEEDBACK = (
    N_("Use a few words, avoid common phrases."),
    N_("No need for symbols, digits, or uppercase letters."),
    N_("Add another word or two. Uncommon words are better."),
    N_("Straight rows of keys are easy to guess."),
    N_("Short keyboard patterns are easy to guess."),
    N_("Use a longer keyboard pattern with more turns."),
    N_('Repeats like "aaa" are easy to guess.'),
    N_('Repeats like "abcabcabc" are only slightly harder to guess than "abc".'),
    N_("Avoid repeated words and characters."),
    N_('Sequences like "abc" or "6543" are easy to guess.'),
    N_("Avoid sequences."),
    N_("Recent years are easy to guess."),
    N_("Avoid recent years."),
    N_("Avoid years that are associated with you."),
    N_("Dates are often easy to guess."),
    N_("Avoid dates and years that are associated with you."),
    N_("This is a top-10 common password."),
    N_("This is a top-100 common password."),
    N_("This is a very common password."),
    N_("This is similar to a commonly used password."),
    N_("A word by itself is easy to guess."),
    N_("Names and surnames by themselves are easy to guess."),
    N_("Common names and surnames are easy to guess."),
    N_("Capitalization doesn't help very much."),
    N_("All-uppercase is almost as easy to guess as all-lowercase."),
    N_("Reversed words aren't much harder to guess."),
    N_("Predictable substitutions like '@' instead of 'a' don't help very much."),
)


def hash_password(password: str) -> str:
    """An argon2id hash of the password."""
    return _hasher.hash(password)


def check_password_rules(password: str, *, demo: bool = False) -> None:
    """Refuse a password that is too short or long, blank, one character repeated, the demo
    password (outside demo accounts) or easy to guess (zxcvbn); the message says why.

    The one rule for every entrance: the account forms, the command line, the demo loader.
    """
    password = password or ""
    if len(password) < PASSWORD_MIN:
        raise InvalidInput(_("Password: must be at least {n} characters").format(n=PASSWORD_MIN))
    if len(password) > PASSWORD_MAX:
        raise InvalidInput(_("Password: must be at most {n} characters").format(n=PASSWORD_MAX))
    if not password.strip():
        raise InvalidInput(_("Password: must not be only spaces"))
    if len(set(password)) == 1:
        raise InvalidInput(_("Password: must not be one character repeated"))
    if password.strip().lower() == DEMO_PASSWORD and not demo:
        raise InvalidInput(_("Password: is the published demo password; choose another"))
    result = zxcvbn.zxcvbn(password[:ZXCVBN_MAX])
    if result["score"] < MIN_STRENGTH:
        warning = result["feedback"].get("warning")
        why = _(warning) if warning else _("it is too easy to guess")
        tip = " ".join(_(t) for t in result["feedback"].get("suggestions") or [])
        text = _("Password: too easy to guess ({reason})").format(reason=why.rstrip("."))
        raise InvalidInput(f"{text}. {tip}" if tip else text)


def roles_of(session: Session, user_id: int) -> frozenset[str]:
    """The roles a user holds."""
    rows = session.exec(select(UserRole.role).where(UserRole.user_id == user_id)).all()
    return frozenset(rows)


def viewer_for(session: Session, user: User) -> Viewer:
    """The Viewer for a user row."""
    granted = session.exec(
        select(PositionAccess.position_id).where(PositionAccess.user_id == user.id)).all()
    return Viewer(id=user.id, name=user.name, email=user.email, roles=roles_of(session, user.id),
                  granted=frozenset(granted), language=user.language,
                  time_zone=user.time_zone)


def get_viewer(session: Session, user_id: int, generation: int | None = None) -> Viewer | None:
    """The Viewer for an active user id, or None; with `generation`, None as well when the
    user's sessions were ended since that generation was handed out."""
    user = session.get(User, user_id)
    if user is None or not user.active:
        return None
    if generation is not None and user.session_generation != generation:
        return None
    return viewer_for(session, user)


def end_sessions(session: Session, user_id: int) -> int:
    """End every browser session of the user (log out everywhere); the new generation.

    Commits: the bump must hold even when the caller goes on to fail.
    """
    new = session.execute(
        update(User).where(User.id == user_id)
        .values(session_generation=User.session_generation + 1)
        .returning(User.session_generation)).scalar()
    session.commit()
    return int(new) if new is not None else 0


def user_by_email(session: Session, email: str) -> User | None:
    """The user with this email (case-insensitive), or None."""
    return session.exec(select(User).where(User.email == email.strip().lower())).first()


def create_user(session: Session, data: UserCreate | dict, *, demo: bool = False,
                viewer: Viewer | None = None) -> User:
    """Create an account with its roles; refuses a duplicate email.

    `viewer` is the admin in the app; None is the operator at the command line (or demo loader).
    """
    if viewer is not None and not is_admin(viewer):
        raise NotAllowed(_("Only an admin can add users."))
    data = validated(UserCreate, data)
    if user_by_email(session, data.email):
        raise InvalidInput(_taken(data.email))
    check_password_rules(data.password, demo=demo or demo_mode(session))
    user = User(name=data.name, email=data.email, team=data.team.strip(),
                password_hash=hash_password(data.password), demo=demo)
    session.add(user)
    try:
        session.flush()
    except IntegrityError:
        # Another request created the same email between the check above and this insert.
        session.rollback()
        raise InvalidInput(_taken(data.email)) from None
    for role in sorted(set(data.roles)):
        session.add(UserRole(user_id=user.id, role=role))
    audit.record(session, "user_created", actor=viewer, entity="user", entity_id=user.id,
                 detail={"name": user.name, "email": user.email, "roles": sorted(set(data.roles)),
                         "demo": demo})
    session.commit()
    session.refresh(user)
    return user


def update_user(session: Session, viewer: Viewer, user_id: int, data: UserUpdate | dict) -> User:
    """Change a user's name, email, roles or active flag (admin only)."""
    if not is_admin(viewer):
        raise NotAllowed(_("Only an admin can change users."))
    data = validated(UserUpdate, data)
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(_("No such user."))
    before = {"name": user.name, "email": user.email, "team": user.team, "active": user.active,
              "roles": sorted(roles_of(session, user.id))}
    ends_sessions = False
    if data.email is not None:
        email = str(data.email).strip().lower()
        other = user_by_email(session, email)
        if other is not None and other.id != user.id:
            raise InvalidInput(_taken(email))
        user.email = email
    if data.name is not None:
        if not data.name.strip():
            raise InvalidInput(_("Name: must not be empty"))
        user.name = data.name.strip()
    if data.team is not None:
        user.team = data.team.strip()
    if data.active is not None:
        ends_sessions = user.active and not data.active
        user.active = data.active
    if data.roles is not None:
        if not data.roles:
            raise InvalidInput(_("Roles: a user needs at least one role"))
        # A role taken away ends the user's sessions: a page open in another tab would keep
        # showing what the role allowed until its next rerun otherwise.
        ends_sessions = ends_sessions or bool(set(before["roles"]) - set(data.roles))
        for row in session.exec(select(UserRole).where(UserRole.user_id == user.id)).all():
            session.delete(row)
        session.flush()
        for role in sorted(set(data.roles)):
            session.add(UserRole(user_id=user.id, role=role))
    if ends_sessions:
        user.session_generation += 1
    after = {"name": user.name, "email": user.email, "team": user.team, "active": user.active,
             "roles": sorted(set(data.roles)) if data.roles is not None else before["roles"]}
    changes = {k: {"old": before[k], "new": after[k]} for k in before if before[k] != after[k]}
    if changes:
        audit.record(session, "user_changed", actor=viewer, entity="user", entity_id=user.id,
                     detail=changes)
    session.add(user)
    session.commit()
    session.refresh(user)
    return user


def authenticate(session: Session, email: str, password: str, *,
                 smtp: mailer.SmtpConfig | None = None) -> User | None:
    """The user when email and password match and the account is not locked, else None.

    Wrong password, unknown email, inactive or locked account look the same from outside: one
    None, one argon2 verification each. Failed attempts are counted in the database by an
    atomic UPDATE before the password is checked (see the module's docstring), so a lockout
    holds across sessions, restarts and parallel attempts. When an attempt locks the account,
    its owner is told by e-mail, in their language, if SMTP is configured (`smtp`, default:
    services.config's, from the environment or the secrets).
    Demo accounts log in only while the database is in demo mode. Every attempt is audited;
    the typed email is recorded only when it belongs to an account.
    """
    user = user_by_email(session, email or "")
    if user is None or not user.active:
        _safe_verify(_DUMMY_HASH, password)
        _failed(session, user, "unknown or inactive account")
        return None
    if user.demo and not demo_mode(session):
        _safe_verify(_DUMMY_HASH, password)
        _failed(session, user, "demo account outside demo mode")
        return None
    now = utcnow()
    until = now + timedelta(minutes=LOCK_MINUTES)
    reaches_limit = User.failed_logins + 1 >= MAX_FAILED
    # Claim a try: only while not locked; the try that reaches the limit locks at once (and
    # starts the next count at zero), before its own password is even checked.
    claimed = session.execute(
        update(User)
        .where(User.id == user.id, or_(User.locked_until.is_(None), User.locked_until <= now))
        .values(failed_logins=case((reaches_limit, 0), else_=User.failed_logins + 1),
                locked_until=case((reaches_limit, until), else_=None))
        .returning(User.locked_until)).first()
    session.commit()
    if claimed is None:
        _safe_verify(_DUMMY_HASH, password)
        _failed(session, user, "account locked")
        return None
    locks = claimed[0] is not None
    session.refresh(user)
    if _safe_verify(user.password_hash, password):
        session.execute(update(User).where(User.id == user.id)
                        .values(failed_logins=0, locked_until=None))
        if _hasher.check_needs_rehash(user.password_hash):
            user.password_hash = hash_password(password)
            session.add(user)
        audit.record(session, "login", actor=user, entity="user", entity_id=user.id)
        session.commit()
        session.refresh(user)
        return user
    _failed(session, user, "wrong password")
    if locks:
        audit.record(session, "login_locked", actor=user, entity="user", entity_id=user.id,
                     detail={"minutes": LOCK_MINUTES})
        session.commit()
        _tell_owner_of_lock(user, smtp if smtp is not None else config.smtp())
    return None


# Lock notices in flight (tests wait on them; the login answer never does).
_notices: list[threading.Thread] = []


def _taken(email: str) -> str:
    return _("Email: {email} already has an account").format(email=email)


def lock_notice(smtp: mailer.SmtpConfig, user: User):
    """The e-mail that tells a user their account was locked, in the user's language."""
    with language(user.language):
        return mailer.message(
            smtp, user.name, user.email, _("Second Look: your account was locked"),
            _("Hello {name},\n\n{attempts} wrong passwords were entered for your Second Look "
              "account ({email}), so it is locked for {minutes} minutes.\n\nIf that was not "
              "you, tell your administrator; they can also lift the lock by setting a new "
              "password.\n").format(name=user.name, attempts=MAX_FAILED, email=user.email,
                                     minutes=LOCK_MINUTES))


def _tell_owner_of_lock(user: User, config: mailer.SmtpConfig | None) -> None:
    if config is None:
        return
    msg = lock_notice(config, user)

    def send() -> None:
        try:
            mailer.send_all(config, [msg])
        except (OSError, smtplib.SMTPException) as exc:
            log.warning("lock notice to user %s not sent: %s", user.id, exc)

    # A thread: the answer to the locking attempt must take no longer than any other answer.
    thread = threading.Thread(target=send, name="lock-notice", daemon=True)
    _notices[:] = [t for t in _notices if t.is_alive()] + [thread]
    thread.start()


def _failed(session: Session, user: User | None, reason: str) -> None:
    audit.record(session, "login_failed", actor=user, entity="user",
                 entity_id=user.id if user else None, detail={"reason": reason})
    session.commit()


def is_locked(session: Session, email: str) -> bool:
    """True while the account with this email is locked out."""
    user = user_by_email(session, email or "")
    return bool(user and user.locked_until and aware(user.locked_until) > utcnow())


def _safe_verify(hashed: str, password: str) -> bool:
    try:
        return _hasher.verify(hashed, password or "")
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def change_password(session: Session, viewer: Viewer, current: str, new: str) -> int:
    """The viewer changes their own password, proving the current one; every other session of
    theirs ends. Returns the new session generation, for the session that made the change."""
    user = session.get(User, viewer.id)
    if user is None or not _safe_verify(user.password_hash, current):
        raise InvalidInput(_("Current password: does not match"))
    check_password_rules(new, demo=user.demo and demo_mode(session))
    user.password_hash = hash_password(new)
    user.session_generation += 1
    session.add(user)
    audit.record(session, "password_changed", actor=viewer, entity="user", entity_id=user.id)
    session.commit()
    return user.session_generation


def reset_password(session: Session, viewer: Viewer, user_id: int, new: str) -> None:
    """An admin sets a new password for a user, lifts any lockout and ends their sessions."""
    if not is_admin(viewer):
        raise NotAllowed(_("Only an admin can reset passwords."))
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(_("No such user."))
    check_password_rules(new, demo=user.demo and demo_mode(session))
    user.password_hash = hash_password(new)
    user.failed_logins = 0
    user.locked_until = None
    user.session_generation += 1
    session.add(user)
    audit.record(session, "password_reset", actor=viewer, entity="user", entity_id=user.id)
    session.commit()


def list_users(session: Session, viewer: Viewer) -> list[dict]:
    """Every user with their roles (admin and recruiter, who build panels)."""
    if not is_recruiter(viewer):
        raise NotAllowed(_("Only admins and recruiters can list users."))
    users = session.exec(select(User).order_by(User.name)).all()
    roles: dict[int, list[str]] = {}
    for user_id, role in session.exec(select(UserRole.user_id, UserRole.role)).all():
        roles.setdefault(user_id, []).append(role)
    return [
        {
            "id": u.id,
            "name": u.name,
            "email": u.email,
            "team": u.team,
            "roles": sorted(roles.get(u.id, [])),
            "active": u.active,
            "locked": bool(u.locked_until and aware(u.locked_until) > utcnow()),
        }
        for u in users
    ]
