from datetime import datetime

from sqlalchemy import JSON, String
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
