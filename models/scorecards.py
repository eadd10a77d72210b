from datetime import datetime

from pydantic import field_validator
from sqlalchemy import JSON, Index, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.common import SALARY_MAX, Recommendation, ScorecardStatus, typed_amount, utcnow

TEXT_MAX = 10000


class ScorecardFields(SQLModel):
    """What a panelist writes besides the criterion scores."""

    recommendation: str | None = Field(default=None, sa_type=String(20))
    candidate_questions: str = Field(default="", max_length=TEXT_MAX)
    salary_heard: int | None = Field(default=None, ge=0, le=SALARY_MAX)
    interest: str = Field(default="", max_length=TEXT_MAX)
    concerns: str = Field(default="", max_length=TEXT_MAX)


class ScorecardUpdate(SQLModel):
    """A partial edit of a draft, validated field by field as the panelist types."""

    tasks_covered: list[str] | None = None
    recommendation: Recommendation | None = None
    candidate_questions: str | None = Field(default=None, max_length=TEXT_MAX)
    salary_heard: int | None = Field(default=None, ge=0, le=SALARY_MAX)
    interest: str | None = Field(default=None, max_length=TEXT_MAX)
    concerns: str | None = Field(default=None, max_length=TEXT_MAX)

    _money = field_validator("salary_heard", mode="before")(typed_amount)


class Scorecard(ScorecardFields, table=True):
    """One panelist's scorecard for one interview, draft until submitted."""

    __table_args__ = (
        UniqueConstraint("interview_id", "panelist_id"),
        # What the spread prior reads of every submitted card (services.history.submitted_cards),
        # from the index alone: the rows themselves are wide (texts, pairs).
        Index("ix_scorecard_prior", "status", "interview_id", "panelist_id", "weighted_sum",
              "assessed_weight"),
    )
    id: int | None = Field(default=None, primary_key=True)
    interview_id: int = Field(foreign_key="interview.id", index=True, ondelete="CASCADE")
    panelist_id: int = Field(foreign_key="user.id", index=True)
    template_id: int = Field(foreign_key="scorecardtemplate.id")
    status: str = Field(default=ScorecardStatus.draft, sa_type=String(20), index=True)
    submitted_at: datetime | None = None
    updated_at: datetime = Field(default_factory=utcnow)
    # Bumped on every save so two sessions editing one draft cannot silently overwrite.
    version: int = 1
    # The position's tasks this panelist probed (ticked on the scorecard).
    tasks_covered: list[str] = Field(default_factory=list, sa_type=JSON)
    # When the last reminder about this overdue scorecard was sent.
    reminded_at: datetime | None = None
    # The card's scores as "criterion_id value" pairs, written only by database triggers on the
    # score table (migration 0003) and read by services.history.submitted_scores. The app
    # never sets it; None or "" means no score rows.
    score_pairs: str | None = Field(default=None, sa_type=Text, exclude=True)
    # The card's weighted total over its assessed scores (sum of weight x value) and their
    # total weight, written by the same triggers (migration 0010); a panelist's overall is
    # their ratio. Read by services.history.submitted_cards for the spread prior.
    weighted_sum: float = Field(default=0.0, exclude=True,
                                sa_column_kwargs={"server_default": "0"})
    assessed_weight: float = Field(default=0.0, exclude=True,
                                   sa_column_kwargs={"server_default": "0"})


class ScoreInput(SQLModel):
    """One criterion's score as entered; the scale check needs the template, see services."""

    criterion_id: int
    value: int | None = None
    not_assessed: bool = False
    evidence: str = Field(default="", max_length=TEXT_MAX)


class Score(SQLModel, table=True):
    """One criterion's score on a scorecard; not_assessed with no value is 'not assessed'."""

    __table_args__ = (UniqueConstraint("scorecard_id", "criterion_id"),)
    id: int | None = Field(default=None, primary_key=True)
    scorecard_id: int = Field(foreign_key="scorecard.id", index=True, ondelete="CASCADE")
    criterion_id: int = Field(foreign_key="criterion.id", index=True)
    value: int | None = None
    not_assessed: bool = False
    evidence: str = Field(default="", max_length=TEXT_MAX)
