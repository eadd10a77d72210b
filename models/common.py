"""Vocabularies shared by the tables and their schemas.

They are stored as short strings (not database ENUM types) so that adding a value later needs no
migration of a PostgreSQL type; the Create schemas validate them.
"""

from datetime import UTC, datetime
from enum import StrEnum

# Money amounts (salary bands, expectations, what was heard) are whole units of the position's
# currency, stored in 32-bit integer columns; two thousand million covers every currency's
# yearly salaries.
SALARY_MAX = 2_000_000_000


def utcnow() -> datetime:
    """The current time, timezone-aware (SQLModel's datetime columns require aware values)."""
    return datetime.now(UTC)


class Role(StrEnum):
    admin = "admin"
    recruiter = "recruiter"
    hiring_manager = "hiring_manager"
    panelist = "panelist"


class Dimension(StrEnum):
    technical = "technical"
    social = "social"
    company = "company"


class Setting(StrEnum):
    office = "office"
    informal = "informal"
    video = "video"
    other = "other"


class PanelRole(StrEnum):
    recruiter = "recruiter"
    immediate_superior = "immediate_superior"
    colleague = "colleague"
    other = "other"


class Stage(StrEnum):
    first_interview = "first_interview"
    second_interview = "second_interview"
    offer = "offer"
    hired = "hired"
    on_hold = "on_hold"
    rejected = "rejected"
    withdrawn = "withdrawn"


class ScorecardStatus(StrEnum):
    draft = "draft"
    submitted = "submitted"


class Recommendation(StrEnum):
    strong_no = "strong_no"
    no = "no"
    yes = "yes"
    strong_yes = "strong_yes"


class InterviewStatus(StrEnum):
    scheduled = "scheduled"
    cancelled = "cancelled"


class Outcome(StrEnum):
    advance = "advance"
    offer = "offer"
    hold = "hold"
    reject = "reject"


# Words shown to people; the enum values above are what is stored.
LABELS: dict[str, str] = {
    "admin": "Admin",
    "recruiter": "Recruiter",
    "hiring_manager": "Hiring manager",
    "panelist": "Panelist",
    "technical": "Technical skills",
    "social": "Social qualities",
    "company": "Company knowledge",
    "office": "Office",
    "informal": "Restaurant or other informal place",
    "video": "Video call",
    "other": "Other",
    "immediate_superior": "Immediate superior",
    "colleague": "Colleague",
    "first_interview": "First interview",
    "second_interview": "Second interview",
    "offer": "Offer",
    "hired": "Hired",
    "on_hold": "On hold",
    "rejected": "Rejected",
    "withdrawn": "Withdrawn",
    "draft": "Draft",
    "submitted": "Submitted",
    "strong_no": "Strong no",
    "no": "No",
    "yes": "Yes",
    "strong_yes": "Strong yes",
    "advance": "Advance",
    "hold": "Hold",
    "reject": "Reject",
    "scheduled": "Scheduled",
    "cancelled": "Cancelled",
}


def label(value: str | None) -> str:
    """The human word for a stored vocabulary value."""
    if value is None:
        return "—"
    return LABELS.get(str(value), str(value).replace("_", " ").capitalize())
