import unicodedata
from datetime import datetime

from pydantic import EmailStr, field_validator
from sqlalchemy import String, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.common import Role, utcnow
from services.i18n import _

# argon2 has no practical input limit; 4096 keeps a pasted novel from becoming a DoS.
PASSWORD_MIN = 12
PASSWORD_MAX = 4096


def blank_is_none(value: object) -> object:
    """An empty or blank optional field (a spreadsheet cell) means no value."""
    return None if isinstance(value, str) and not value.strip() else value


def lower_email(value: str | None) -> str | None:
    """Emails compare case-insensitively: stored trimmed and lower-case."""
    return value.strip().lower() if value else None


# Characters that turn the text around it (bidi embeddings, overrides and isolates): a name with
# one reads differently from what it holds ("evil\u202egnp.exe").
_BIDI_CONTROLS = frozenset(chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A)))


def _clean_name(value: str) -> str:
    value = (value or "").strip()
    # Nothing but invisible characters (zero-width spaces, joiners) is as empty as nothing.
    if not any(unicodedata.category(ch) not in ("Cf", "Zs") for ch in value):
        raise ValueError(_("must not be empty"))
    # A name is one line: a line break (U+2028 and U+2029 included) or other control character
    # inside it would start a new row (or a formula) in a spreadsheet that exports it.
    if any(unicodedata.category(ch) in ("Cc", "Zl", "Zp") or ch in _BIDI_CONTROLS
           for ch in value):
        raise ValueError(_("must be one line of text (no line breaks or control characters)"))
    return value


class UserBase(SQLModel):
    """Fields every user has."""

    name: str = Field(max_length=200)
    email: str = Field(max_length=320, index=True, unique=True)
    # The team a user belongs to (e.g. "Platform"); a panel should include the position's team.
    team: str = Field(default="", max_length=200)


class UserCreate(UserBase):
    """What an admin or the command line gives to create an account."""

    email: EmailStr
    roles: list[Role] = Field(min_length=1)
    password: str = Field(min_length=PASSWORD_MIN, max_length=PASSWORD_MAX)

    _name = field_validator("name")(_clean_name)

    @field_validator("email")
    @classmethod
    def _lower_email(cls, value: str) -> str:
        return value.strip().lower()


class ImportedUserCreate(UserBase):
    """A panelist an import creates from a name (and an email if the file has one): no login."""

    email: EmailStr | None = None

    _name = field_validator("name")(_clean_name)

    _email_blank = field_validator("email", mode="before")(blank_is_none)
    _email = field_validator("email")(lower_email)


class UserUpdate(SQLModel):
    """Editable fields of a user; None leaves a field as it is."""

    name: str | None = None
    email: EmailStr | None = None
    team: str | None = Field(default=None, max_length=200)
    roles: list[Role] | None = None
    active: bool | None = None


class User(UserBase, table=True):
    """An account: a panelist, recruiter, hiring manager or admin (or several)."""

    id: int | None = Field(default=None, primary_key=True)
    password_hash: str = Field(max_length=200)
    active: bool = True
    demo: bool = False
    failed_logins: int = 0
    locked_until: datetime | None = None
    # Bumped to end every browser session of the user (see services.auth).
    session_generation: int = 0
    # The interface language the user chose ("en", "fr"); None follows the browser, then the
    # organisation default (services.i18n). The time zone dates are shown in (IANA name).
    language: str | None = Field(default=None, max_length=8)
    time_zone: str | None = Field(default=None, max_length=64)
    created_at: datetime = Field(default_factory=utcnow)


class UserRole(SQLModel, table=True):
    """One role held by one user; a user may hold several."""

    __table_args__ = (UniqueConstraint("user_id", "role"),)
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    role: str = Field(sa_type=String(20))


class UserPublic(UserBase):
    """A user as pages see it: never the password hash."""

    id: int
    roles: list[str]
    active: bool = True
