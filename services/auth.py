"""Local accounts: argon2id password hashes, lockout after repeated failures, roles."""

from dataclasses import dataclass, field
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlmodel import Session, select

from models import (
    PASSWORD_MIN,
    PositionAccess,
    Role,
    User,
    UserCreate,
    UserRole,
    UserUpdate,
    utcnow,
)
from models.users import PASSWORD_MAX
from services import audit
from services.errors import InvalidInput, NotAllowed, NotFound, validated

# argon2-cffi's defaults are argon2id with RFC 9106's low-memory profile.
_hasher = PasswordHasher()
MAX_FAILED = 5
LOCK_MINUTES = 15
# Verifying against a fixed hash for unknown emails keeps the timing of "no such user" and
# "wrong password" alike, so the login form does not reveal which emails have accounts.
_DUMMY_HASH = _hasher.hash("not a real password, only for timing")


@dataclass(frozen=True)
class Viewer:
    """Who is acting: what every service that returns personal data is given."""

    id: int
    name: str
    email: str
    roles: frozenset[str] = field(default_factory=frozenset)
    # Positions whose dashboard was given to this hiring manager besides those they manage.
    granted: frozenset[int] = field(default_factory=frozenset)

    def has(self, *roles: str) -> bool:
        """True when the viewer holds any of the roles (admin holds them all)."""
        return Role.admin in self.roles or any(r in self.roles for r in roles)


def hash_password(password: str) -> str:
    """An argon2id hash of the password."""
    return _hasher.hash(password)


def check_password_rules(password: str) -> None:
    """Refuse passwords that are too short or absurdly long."""
    if len(password) < PASSWORD_MIN:
        raise InvalidInput(f"Password: must be at least {PASSWORD_MIN} characters")
    if len(password) > PASSWORD_MAX:
        raise InvalidInput(f"Password: must be at most {PASSWORD_MAX} characters")


def roles_of(session: Session, user_id: int) -> frozenset[str]:
    """The roles a user holds."""
    rows = session.exec(select(UserRole.role).where(UserRole.user_id == user_id)).all()
    return frozenset(rows)


def viewer_for(session: Session, user: User) -> Viewer:
    """The Viewer for a user row."""
    granted = session.exec(
        select(PositionAccess.position_id).where(PositionAccess.user_id == user.id)).all()
    return Viewer(id=user.id, name=user.name, email=user.email, roles=roles_of(session, user.id),
                  granted=frozenset(granted))


def get_viewer(session: Session, user_id: int) -> Viewer | None:
    """The Viewer for an active user id, or None."""
    user = session.get(User, user_id)
    if user is None or not user.active:
        return None
    return viewer_for(session, user)


def user_by_email(session: Session, email: str) -> User | None:
    """The user with this email (case-insensitive), or None."""
    return session.exec(select(User).where(User.email == email.strip().lower())).first()


def create_user(session: Session, data: UserCreate | dict, *, demo: bool = False,
                actor: Viewer | None = None) -> User:
    """Create an account with its roles; refuses a duplicate email.

    `actor` is the admin in the app; None is the operator at the command line (or demo loader).
    """
    if actor is not None and not actor.has(Role.admin):
        raise NotAllowed("Only an admin can add users.")
    data = validated(UserCreate, data)
    if user_by_email(session, data.email):
        raise InvalidInput(f"Email: {data.email} already has an account")
    user = User(
        name=data.name, email=data.email, password_hash=hash_password(data.password), demo=demo
    )
    session.add(user)
    session.flush()
    for role in sorted(set(data.roles)):
        session.add(UserRole(user_id=user.id, role=role))
    audit.record(session, "user_created", actor=actor, entity="user", entity_id=user.id,
                 detail={"name": user.name, "email": user.email, "roles": sorted(set(data.roles)),
                         "demo": demo})
    session.commit()
    session.refresh(user)
    return user


def update_user(session: Session, actor: Viewer, user_id: int, data: UserUpdate | dict) -> User:
    """Change a user's name, email, roles or active flag (admin only)."""
    if not actor.has(Role.admin):
        raise NotAllowed("Only an admin can change users.")
    data = validated(UserUpdate, data)
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("No such user.")
    before = {"name": user.name, "email": user.email, "active": user.active,
              "roles": sorted(roles_of(session, user.id))}
    if data.email is not None:
        email = str(data.email).strip().lower()
        other = user_by_email(session, email)
        if other is not None and other.id != user.id:
            raise InvalidInput(f"Email: {email} already has an account")
        user.email = email
    if data.name is not None:
        if not data.name.strip():
            raise InvalidInput("Name: must not be empty")
        user.name = data.name.strip()
    if data.active is not None:
        user.active = data.active
    if data.roles is not None:
        if not data.roles:
            raise InvalidInput("Roles: a user needs at least one role")
        for row in session.exec(select(UserRole).where(UserRole.user_id == user.id)).all():
            session.delete(row)
        session.flush()
        for role in sorted(set(data.roles)):
            session.add(UserRole(user_id=user.id, role=role))
    after = {"name": user.name, "email": user.email, "active": user.active,
             "roles": sorted(set(data.roles)) if data.roles is not None else before["roles"]}
    changes = {k: {"old": before[k], "new": after[k]} for k in before if before[k] != after[k]}
    if changes:
        audit.record(session, "user_changed", actor=actor, entity="user", entity_id=user.id,
                     detail=changes)
    session.add(user)
    session.commit()
    session.refresh(user)
    return user


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The user when email and password match and the account is not locked, else None.

    Failed attempts are counted in the database, so a lockout holds across sessions and restarts.
    Demo accounts log in only while the database is in demo mode. Every attempt is audited; the
    typed email is recorded only when it belongs to an account (a password typed into the email
    field must not end up in the trail).
    """
    from services.settings import demo_mode

    user = user_by_email(session, email or "")
    now = utcnow()
    if user is None or not user.active:
        _safe_verify(_DUMMY_HASH, password)
        _failed(session, user, "unknown or inactive account")
        return None
    if user.locked_until is not None and _aware(user.locked_until) > now:
        _safe_verify(_DUMMY_HASH, password)
        _failed(session, user, "account locked")
        return None
    if user.demo and not demo_mode(session):
        _safe_verify(_DUMMY_HASH, password)
        _failed(session, user, "demo account outside demo mode")
        return None
    if _safe_verify(user.password_hash, password):
        user.failed_logins = 0
        user.locked_until = None
        if _hasher.check_needs_rehash(user.password_hash):
            user.password_hash = hash_password(password)
        session.add(user)
        audit.record(session, "login", actor=user, entity="user", entity_id=user.id)
        session.commit()
        return user
    user.failed_logins += 1
    locked = user.failed_logins >= MAX_FAILED
    if locked:
        user.locked_until = now + timedelta(minutes=LOCK_MINUTES)
        user.failed_logins = 0
    session.add(user)
    _failed(session, user, "wrong password")
    if locked:
        audit.record(session, "login_locked", actor=user, entity="user", entity_id=user.id,
                     detail={"minutes": LOCK_MINUTES})
    session.commit()
    return None


def _failed(session: Session, user: User | None, reason: str) -> None:
    audit.record(session, "login_failed", actor=user, entity="user",
                 entity_id=user.id if user else None, detail={"reason": reason})
    session.commit()


def _aware(value):
    # SQLite hands datetimes back without their zone; they were stored in UTC.
    return value if value.tzinfo else value.replace(tzinfo=utcnow().tzinfo)


def is_locked(session: Session, email: str) -> bool:
    """True while the account with this email is locked out."""
    user = user_by_email(session, email or "")
    return bool(user and user.locked_until and _aware(user.locked_until) > utcnow())


def _safe_verify(hashed: str, password: str) -> bool:
    try:
        return _hasher.verify(hashed, password or "")
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def change_password(session: Session, user_id: int, current: str, new: str) -> None:
    """A user changes their own password, proving the current one."""
    user = session.get(User, user_id)
    if user is None or not _safe_verify(user.password_hash, current):
        raise InvalidInput("Current password: does not match")
    check_password_rules(new)
    user.password_hash = hash_password(new)
    session.add(user)
    audit.record(session, "password_changed", actor=user, entity="user", entity_id=user.id)
    session.commit()


def reset_password(session: Session, actor: Viewer, user_id: int, new: str) -> None:
    """An admin sets a new password for a user and lifts any lockout."""
    if not actor.has(Role.admin):
        raise NotAllowed("Only an admin can reset passwords.")
    check_password_rules(new)
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("No such user.")
    user.password_hash = hash_password(new)
    user.failed_logins = 0
    user.locked_until = None
    session.add(user)
    audit.record(session, "password_reset", actor=actor, entity="user", entity_id=user.id)
    session.commit()


def list_users(session: Session, actor: Viewer) -> list[dict]:
    """Every user with their roles (admin and recruiter, who build panels)."""
    if not actor.has(Role.admin, Role.recruiter):
        raise NotAllowed("Only admins and recruiters can list users.")
    users = session.exec(select(User).order_by(User.name)).all()
    roles: dict[int, list[str]] = {}
    for user_id, role in session.exec(select(UserRole.user_id, UserRole.role)).all():
        roles.setdefault(user_id, []).append(role)
    return [
        {
            "id": u.id,
            "name": u.name,
            "email": u.email,
            "roles": sorted(roles.get(u.id, [])),
            "active": u.active,
            "locked": bool(u.locked_until and _aware(u.locked_until) > utcnow()),
        }
        for u in users
    ]
