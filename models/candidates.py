from datetime import datetime

from pydantic import EmailStr, field_validator
from sqlalchemy import String, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.common import SALARY_MAX, Stage, typed_amount, utcnow
from models.users import _clean_name, blank_is_none, lower_email


class CandidateBase(SQLModel):
    """A person applying for a position."""

    name: str = Field(max_length=200)
    # Optional: historic imports often have names only; the app's form asks for it.
    email: str | None = Field(default=None, max_length=320, index=True)
    position_id: int = Field(foreign_key="position.id", index=True)
    stage: str = Field(default=Stage.second_interview, sa_type=String(20))
    first_interview_notes: str = Field(default="", max_length=10000)
    revisit_questions: str = Field(default="", max_length=10000)
    salary_expectation: int | None = Field(default=None, ge=0, le=SALARY_MAX)


class CandidateCreate(CandidateBase):
    """A candidate as entered in the form or imported."""

    email: EmailStr | None = None
    stage: Stage = Stage.second_interview

    _name = field_validator("name")(_clean_name)

    _email_blank = field_validator("email", mode="before")(blank_is_none)
    _email = field_validator("email")(lower_email)
    _money = field_validator("salary_expectation", mode="before")(typed_amount)


class Candidate(CandidateBase, table=True):
    """A candidate row; one email applies once per position."""

    __table_args__ = (UniqueConstraint("position_id", "email"),)
    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(default_factory=utcnow)


class FirstInterviewScore(SQLModel, table=True):
    """A score from the first interview on a criterion of the position, for comparison."""

    __table_args__ = (UniqueConstraint("candidate_id", "criterion_id"),)
    id: int | None = Field(default=None, primary_key=True)
    candidate_id: int = Field(foreign_key="candidate.id", index=True, ondelete="CASCADE")
    criterion_id: int = Field(foreign_key="criterion.id")
    value: int
    note: str = Field(default="", max_length=2000)
