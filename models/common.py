"""Vocabularies shared by the tables and their schemas.

They are stored as short strings (not database ENUM types) so that adding a value later needs no
migration of a PostgreSQL type; the Create schemas validate them.
"""

import re
from datetime import UTC, datetime
from enum import StrEnum

from services.i18n import N_, _, ngettext, number

# Money amounts (salary bands, expectations, what was heard) are whole units of the position's
# currency, stored in 32-bit integer columns; two thousand million covers every currency's
# yearly salaries.
SALARY_MAX = 2_000_000_000
# A whole amount as people type it, with optional thousands separators in groups of three:
# "50000", "50 000", "50,000", "50'000" (and a ".00" part); not "1'0'0", "1e308", "-5", "12.5".
AMOUNT = re.compile(r"([0-9]+|[0-9]{1,3}([ \u00a0\u202f,'’][0-9]{3})+)(\.0+)?")


def parse_amount(text: str) -> int:
    """A typed whole amount (AMOUNT) as its int, ValueError when it is not one. The int of the
    digits, not of a float: 400 digits would be inf there (the schemas' SALARY_MAX refuses it)."""
    text = text.strip()
    if not AMOUNT.fullmatch(text):
        raise ValueError(text)
    return int(re.sub(r"[^0-9]", "", text.split(".")[0]))


def typed_amount(value: object) -> object:
    """A money field's value before the schema validates it (a `mode="before"` validator of
    every Create schema's salary fields): typed text becomes its whole amount, blank text None;
    numbers pass on to the schema's own checks. So a form's text box and an import's cell are
    read by the same rule (services.candidate_import reads its cells with parse_amount)."""
    if not isinstance(value, str):
        return value
    text = value.strip()
    if not text:
        return None
    try:
        return parse_amount(text)
    except ValueError:
        shown = text if len(text) <= 40 else text[:40] + "…"
        raise ValueError(_("{value} is not a whole amount of money").format(
            value=repr(shown))) from None


def utcnow() -> datetime:
    """The current time, timezone-aware (SQLModel's datetime columns require aware values)."""
    return datetime.now(UTC)


def aware(value: datetime) -> datetime:
    """`value` with its time zone: a naive datetime is UTC (every time is stored in UTC, and
    SQLite and pandas hand them back without their zone). A pandas Timestamp becomes a datetime."""
    if hasattr(value, "to_pydatetime"):
        value = value.to_pydatetime()
    return value if value.tzinfo else value.replace(tzinfo=UTC)


class Role(StrEnum):
    admin = "admin"
    recruiter = "recruiter"
    hiring_manager = "hiring_manager"
    panelist = "panelist"


class Dimension(StrEnum):
    technical = "technical"
    social = "social"
    company = "company"


# The dimensions in their order (charts, tables, the scorecard's sections).
DIMENSIONS: tuple[str, ...] = tuple(d.value for d in Dimension)


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


class SeatStatus(StrEnum):
    """Where a panelist's seat on an interview stands: no saved answer yet, or the card's status."""

    not_started = "not_started"
    draft = "draft"
    submitted = "submitted"


def seat_status(status: str | None, version: int | None) -> str:
    """A panel seat's status: "not_started" until the panelist's first saved answer.

    Every save bumps the card's version, so a draft still at version 1 holds no answer (a card
    made only to record a reminder, or by opening the scorecard before this rule).
    """
    if status is None or (status == ScorecardStatus.draft and (version or 1) <= 1):
        return SeatStatus.not_started
    return status


class PanelVisibility(StrEnum):
    """When a panelist sees the co-panelists' scores (the organisation setting)."""

    after_submit = "after_submit"
    always = "always"
    never = "never"


class Recommendation(StrEnum):
    strong_no = "strong_no"
    no = "no"
    yes = "yes"
    strong_yes = "strong_yes"


# The recommendations from the most negative to the most positive (reversed: strongest first).
RECOMMENDATIONS: tuple[str, ...] = tuple(r.value for r in Recommendation)


class InterviewStatus(StrEnum):
    scheduled = "scheduled"
    cancelled = "cancelled"


class Outcome(StrEnum):
    advance = "advance"
    offer = "offer"
    hold = "hold"
    reject = "reject"


# Words shown to people (English msgids, translated by `label`); the enum values above are
# what is stored.
LABELS: dict[str, str] = {
    "admin": N_("Admin"),
    "recruiter": N_("Recruiter"),
    "hiring_manager": N_("Hiring manager"),
    "panelist": N_("Panelist"),
    "technical": N_("Technical skills"),
    "social": N_("Social qualities"),
    "company": N_("Company knowledge"),
    "office": N_("Office"),
    "informal": N_("Restaurant or other informal place"),
    "video": N_("Video call"),
    "other": N_("Other"),
    "immediate_superior": N_("Immediate superior"),
    "colleague": N_("Colleague"),
    "first_interview": N_("First interview"),
    "second_interview": N_("Second interview"),
    "offer": N_("Offer"),
    "hired": N_("Hired"),
    "on_hold": N_("On hold"),
    "rejected": N_("Rejected"),
    "withdrawn": N_("Withdrawn"),
    "not_started": N_("Not started"),
    "draft": N_("Draft"),
    "submitted": N_("Submitted"),
    "strong_no": N_("Strong no"),
    "no": N_("No"),
    "yes": N_("Yes"),
    "strong_yes": N_("Strong yes"),
    "advance": N_("Advance"),
    "hold": N_("Hold"),
    "reject": N_("Reject"),
    "scheduled": N_("Scheduled"),
    "cancelled": N_("Cancelled"),
}


def label(value: str | None) -> str:
    """The human word for a stored vocabulary value."""
    if value is None:
        return "—"
    word = LABELS.get(str(value))
    return _(word) if word else str(value).replace("_", " ").capitalize()


def count_label(kind: str, n: int) -> str:
    """"12 candidates": a count of stored things in words (the demo loader's and an import's
    reports), in the current language; an unknown kind is written as its name."""
    texts = {
        "users": ngettext("{n} user", "{n} users", n),
        "positions": ngettext("{n} position", "{n} positions", n),
        "criteria": ngettext("{n} criterion", "{n} criteria", n),
        "candidates": ngettext("{n} candidate", "{n} candidates", n),
        "panelists": ngettext("{n} panelist", "{n} panelists", n),
        "interviews": ngettext("{n} interview", "{n} interviews", n),
        "scorecards": ngettext("{n} scorecard", "{n} scorecards", n),
        SeatStatus.submitted: ngettext("{n} submitted", "{n} submitted", n),
        "drafts": ngettext("{n} draft", "{n} drafts", n),
        SeatStatus.not_started: ngettext("{n} not started", "{n} not started", n),
        "decisions": ngettext("{n} decision", "{n} decisions", n),
    }
    return texts.get(kind, "{n} " + str(kind).replace("_", " ")).format(n=number(n))
