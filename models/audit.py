from datetime import datetime

from sqlalchemy import JSON, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.common import utcnow


class AuditEvent(SQLModel, table=True):
    """One row per thing someone did; rows are only ever added (see services/audit.py).

    `candidate_id` is a plain column, not a foreign key, so the record that a candidate was
    erased outlives the candidate; erasure clears the details of that candidate's rows.
    """

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    actor_id: int | None = Field(default=None, index=True)
    actor: str = Field(default="", max_length=200)
    action: str = Field(sa_type=String(50), index=True)
    entity: str = Field(default="", sa_type=String(30))
    entity_id: int | None = None
    candidate_id: int | None = Field(default=None, index=True)
    detail: dict = Field(default_factory=dict, sa_type=JSON)


class PositionAccess(SQLModel, table=True):
    """A position's dashboard given to a hiring manager who does not manage it."""

    __table_args__ = (UniqueConstraint("position_id", "user_id"),)
    id: int | None = Field(default=None, primary_key=True)
    position_id: int = Field(foreign_key="position.id", index=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")


class FirstInterviewScore(SQLModel, table=True):
    """A score from the first interview on a criterion of the position, for comparison."""

    __table_args__ = (UniqueConstraint("candidate_id", "criterion_id"),)
    id: int | None = Field(default=None, primary_key=True)
    candidate_id: int = Field(foreign_key="candidate.id", index=True, ondelete="CASCADE")
    criterion_id: int = Field(foreign_key="criterion.id")
    value: int
    note: str = Field(default="", max_length=2000)
