from datetime import datetime

from pydantic import field_validator, model_validator
from sqlalchemy import JSON, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.common import SALARY_MAX, Dimension, typed_amount, utcnow
from models.users import _clean_name
from services.i18n import LANGUAGES, _

SCALES = ((1, 4), (1, 5), (1, 7), (1, 10))
WEIGHT_MAX = 100  # a criterion's weight is a finite number above 0 and at most this


class CriterionBase(SQLModel):
    """What is scored: a criterion with anchored scale texts."""

    name: str = Field(max_length=200)
    dimension: str = Field(sa_type=String(20))
    weight: float = Field(default=1.0, gt=0, le=WEIGHT_MAX)
    description: str = Field(default="", max_length=2000)
    anchor_low: str = Field(default="", max_length=1000)
    anchor_mid: str = Field(default="", max_length=1000)
    anchor_high: str = Field(default="", max_length=1000)


class CriterionCreate(CriterionBase):
    """A criterion as entered in the position form or imported."""

    dimension: Dimension

    _name = field_validator("name")(_clean_name)


class Criterion(CriterionBase, table=True):
    """A criterion of one template version; scores point at it, so history keeps its meaning."""

    id: int | None = Field(default=None, primary_key=True)
    template_id: int = Field(foreign_key="scorecardtemplate.id", index=True, ondelete="CASCADE")
    position_order: int = 0


class ScorecardTemplate(SQLModel, table=True):
    """A version of a position's scorecard: its rating scale and criteria."""

    __table_args__ = (UniqueConstraint("position_id", "version"),)
    id: int | None = Field(default=None, primary_key=True)
    position_id: int = Field(foreign_key="position.id", index=True, ondelete="CASCADE")
    version: int = 1
    scale_min: int = 1
    scale_max: int = 5
    created_at: datetime = Field(default_factory=utcnow)


class PositionBase(SQLModel):
    """A role being hired for."""

    title: str = Field(max_length=200)
    team: str = Field(default="", max_length=200)
    tasks: list[str] = Field(default_factory=list, sa_type=JSON)
    salary_min: int | None = Field(default=None, ge=0, le=SALARY_MAX)
    salary_max: int | None = Field(default=None, ge=0, le=SALARY_MAX)
    currency: str = Field(default="EUR", max_length=3)
    # The language of the position's scorecard template and notes ("en" or "fr").
    language: str = Field(default="en", max_length=8)
    hiring_manager_id: int | None = Field(default=None, foreign_key="user.id")


class PositionCreate(PositionBase):
    """A position with its first scorecard template."""

    criteria: list[CriterionCreate] = Field(min_length=1)
    scale_min: int = 1
    scale_max: int = 5

    _money = field_validator("salary_min", "salary_max", mode="before")(typed_amount)

    _title = field_validator("title")(_clean_name)

    @field_validator("tasks")
    @classmethod
    def _tasks(cls, value: list[str]) -> list[str]:
        return [t.strip() for t in value if t and t.strip()]

    @field_validator("currency")
    @classmethod
    def _currency(cls, value: str) -> str:
        value = (value or "").strip().upper()
        if len(value) != 3 or not value.isalpha():
            raise ValueError(_("must be a three-letter code such as EUR or USD"))
        return value

    @field_validator("language")
    @classmethod
    def _language(cls, value: str) -> str:
        value = (value or "").strip().lower()
        if value not in LANGUAGES:
            raise ValueError(_("must be one of {choices}").format(
                choices=", ".join(f"{code} ({name})" for code, name in LANGUAGES.items())))
        return value

    @model_validator(mode="after")
    def _check(self) -> "PositionCreate":
        if (self.scale_min, self.scale_max) not in SCALES:
            raise ValueError(_("rating scale must be one of {scales}").format(
                scales=", ".join(f"{a}-{b}" for a, b in SCALES)))
        if (
            self.salary_min is not None
            and self.salary_max is not None
            and self.salary_min > self.salary_max
        ):
            raise ValueError(_("salary band minimum is above its maximum"))
        names = [c.name.lower() for c in self.criteria]
        if len(set(names)) != len(names):
            raise ValueError(_("criteria names must be unique within a position"))
        return self


class Position(PositionBase, table=True):
    """A position; its current template is the one with the highest version."""

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=200, unique=True)
    created_at: datetime = Field(default_factory=utcnow)


class PositionAccess(SQLModel, table=True):
    """A position's dashboard given to a hiring manager who does not manage it."""

    __table_args__ = (UniqueConstraint("position_id", "user_id"),)
    id: int | None = Field(default=None, primary_key=True)
    position_id: int = Field(foreign_key="position.id", index=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
