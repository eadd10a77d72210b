from datetime import datetime

from pydantic import field_validator
from sqlalchemy import String, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.common import Outcome, utcnow
from services.i18n import _


class DecisionCreate(SQLModel):
    """A hiring manager's decision as entered."""

    candidate_id: int
    outcome: Outcome
    rationale: str = Field(max_length=10000)

    @field_validator("rationale")
    @classmethod
    def _rationale(cls, value: str) -> str:
        value = (value or "").strip()
        if not value:
            raise ValueError(_("a decision needs its rationale"))
        return value


class Decision(SQLModel, table=True):
    """A decision on a candidate; the newest one is in force, older ones are history."""

    id: int | None = Field(default=None, primary_key=True)
    candidate_id: int = Field(foreign_key="candidate.id", index=True, ondelete="CASCADE")
    outcome: str = Field(sa_type=String(20))
    rationale: str = Field(max_length=10000)
    decided_by: int = Field(foreign_key="user.id")
    decided_at: datetime = Field(default_factory=utcnow)


class ConsensusInput(SQLModel):
    """A consensus score agreed at the debrief, as entered."""

    candidate_id: int
    criterion_id: int
    value: int
    note: str = Field(default="", max_length=2000)


class ConsensusScore(SQLModel, table=True):
    """The panel's agreed score on a criterion after the debrief, kept apart from the
    independent scores so both can be shown."""

    __table_args__ = (UniqueConstraint("candidate_id", "criterion_id"),)
    id: int | None = Field(default=None, primary_key=True)
    candidate_id: int = Field(foreign_key="candidate.id", index=True, ondelete="CASCADE")
    criterion_id: int = Field(foreign_key="criterion.id")
    value: int
    note: str = Field(default="", max_length=2000)
    recorded_by: int = Field(foreign_key="user.id")
    recorded_at: datetime = Field(default_factory=utcnow)
