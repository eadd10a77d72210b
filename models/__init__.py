"""SQLModel tables and their schemas. Importing this package registers every table."""

from models.audit import AuditEvent
from models.candidates import Candidate, CandidateCreate, FirstInterviewScore
from models.common import (
    DIMENSIONS,
    LABELS,
    RECOMMENDATIONS,
    Dimension,
    InterviewStatus,
    Outcome,
    PanelRole,
    PanelVisibility,
    Recommendation,
    Role,
    ScorecardStatus,
    SeatStatus,
    Setting,
    Stage,
    aware,
    count_label,
    label,
    seat_status,
    utcnow,
)
from models.decisions import (
    ConsensusInput,
    ConsensusScore,
    Decision,
    DecisionCreate,
)
from models.interviews import (
    Interview,
    InterviewCreate,
    InterviewUpdate,
    PanelMember,
    PanelMemberCreate,
)
from models.positions import (
    SCALES,
    Criterion,
    CriterionCreate,
    Position,
    PositionAccess,
    PositionCreate,
    ScorecardTemplate,
)
from models.scorecards import Score, Scorecard, ScorecardUpdate, ScoreInput
from models.settings import AppSetting
from models.users import PASSWORD_MIN, User, UserCreate, UserPublic, UserRole, UserUpdate

__all__ = [
    "DIMENSIONS", "RECOMMENDATIONS",
    "LABELS", "PASSWORD_MIN", "SCALES", "AppSetting", "AuditEvent", "FirstInterviewScore",
    "PositionAccess", "Candidate", "CandidateCreate",
    "ConsensusInput", "ConsensusScore", "Criterion",
    "CriterionCreate", "Decision", "DecisionCreate", "Dimension", "Interview", "InterviewCreate",
    "InterviewStatus", "InterviewUpdate",
    "Outcome", "PanelMember", "PanelMemberCreate", "PanelRole", "PanelVisibility", "SeatStatus",
    "Position", "PositionCreate",
    "Recommendation", "Role", "Score", "ScoreInput", "Scorecard", "ScorecardStatus",
    "ScorecardTemplate", "ScorecardUpdate", "Setting", "Stage", "User", "UserCreate",
    "UserPublic", "UserRole", "UserUpdate", "aware", "count_label", "label", "seat_status",
    "utcnow",
]
