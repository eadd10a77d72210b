from datetime import datetime

from pydantic import field_validator
from sqlalchemy import String, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.common import InterviewStatus, PanelRole, Setting, utcnow
from services.i18n import _

PANEL_MIN = 2
PANEL_MAX = 4


class PanelMemberCreate(SQLModel):
    """One seat on a panel. No role given: the person's own (services.interviews.seat_role)."""

    user_id: int
    panel_role: PanelRole | None = None


def _check_panel(panel: list[PanelMemberCreate]) -> list[PanelMemberCreate]:
    ids = [m.user_id for m in panel]
    if len(set(ids)) != len(ids):
        raise ValueError(_("the same person is on the panel twice"))
    if not PANEL_MIN <= len(ids) <= PANEL_MAX:
        raise ValueError(_("needs {low} to {high} members; this one has {n}").format(
            low=PANEL_MIN, high=PANEL_MAX, n=len(ids)))
    return panel


class InterviewBase(SQLModel):
    """A second interview of one candidate."""

    candidate_id: int = Field(foreign_key="candidate.id", index=True, ondelete="CASCADE")
    scheduled_at: datetime
    setting: str = Field(default=Setting.office, sa_type=String(20))
    location: str = Field(default="", max_length=300)


class InterviewCreate(InterviewBase):
    """An interview with its panel of 2 to 4 people."""

    setting: Setting = Setting.office
    panel: list[PanelMemberCreate]

    @field_validator("panel")
    @classmethod
    def _panel(cls, panel: list[PanelMemberCreate]) -> list[PanelMemberCreate]:
        return _check_panel(panel)


class InterviewUpdate(SQLModel):
    """An edit of a scheduled interview: what is given changes, the rest stays."""

    scheduled_at: datetime | None = None
    setting: Setting | None = None
    location: str | None = Field(default=None, max_length=300)
    panel: list[PanelMemberCreate] | None = None

    @field_validator("panel")
    @classmethod
    def _panel(cls, panel: list[PanelMemberCreate] | None) -> list[PanelMemberCreate] | None:
        return None if panel is None else _check_panel(panel)


class Interview(InterviewBase, table=True):
    """An interview row; its panel is in PanelMember."""

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(default_factory=utcnow)
    # Cancelled interviews stay (with their audit trail) but ask no one to score.
    status: str = Field(default=InterviewStatus.scheduled, sa_type=String(20),
                        sa_column_kwargs={"server_default": InterviewStatus.scheduled.value})
    # The calendar invitation's SEQUENCE: bumped on every change the panel is told about.
    sequence: int = Field(default=0, sa_column_kwargs={"server_default": "0"})


class PanelMember(SQLModel, table=True):
    """A user sitting on an interview panel, with the angle they bring."""

    __table_args__ = (UniqueConstraint("interview_id", "user_id"),)
    id: int | None = Field(default=None, primary_key=True)
    interview_id: int = Field(foreign_key="interview.id", index=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="user.id", index=True)
    panel_role: str = Field(default=PanelRole.colleague, sa_type=String(20))
