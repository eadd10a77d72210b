"""The acting user, in the one form every service is given (keyword `viewer`).

Its own module so that services.access (which asks what a viewer may see) and services.auth
(which makes viewers, and asks access before changing users) import it without importing
each other in a circle. `from services.auth import Viewer` keeps working.
"""

from dataclasses import dataclass, field

from models import Role


@dataclass(frozen=True)
class Viewer:
    """Who is acting: what every service that returns personal data is given."""

    id: int
    name: str
    email: str
    roles: frozenset[str] = field(default_factory=frozenset)
    # Positions whose dashboard was given to this hiring manager besides those they manage.
    granted: frozenset[int] = field(default_factory=frozenset)
    # The user's chosen interface language and time zone (None: not chosen; see services.i18n).
    language: str | None = None
    time_zone: str | None = None

    def has(self, *roles: str) -> bool:
        """True when the viewer holds any of the roles (admin holds them all)."""
        return Role.admin in self.roles or any(r in self.roles for r in roles)
