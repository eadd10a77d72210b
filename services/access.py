"""Who may see a candidate's panel scores: the blind-scoring rule, in one place.

Every function that returns scores, notes or recommendations of a panel asks `may_see_panel`.
Independence is the point of a panel: a panelist who has not yet submitted their own scorecard for
a candidate sees none of their colleagues' scores for that candidate, whatever other roles they
hold (a hiring manager who sits on the panel waits like everyone else).
"""

from sqlmodel import Session, select

from models import Candidate, Interview, PanelMember, Position, Role, Scorecard, ScorecardStatus
from services.auth import Viewer
from services.settings import get_setting


def panel_status(session: Session, viewer: Viewer, candidate_ids: list[int]) -> dict[int, bool]:
    """For candidates whose panel the viewer sits on: whether they submitted all their cards."""
    if not candidate_ids:
        return {}
    rows = session.exec(
        select(Interview.candidate_id, Scorecard.status)
        .join(PanelMember, PanelMember.interview_id == Interview.id)
        .outerjoin(Scorecard, (Scorecard.interview_id == Interview.id)
                   & (Scorecard.panelist_id == viewer.id))
        .where(PanelMember.user_id == viewer.id, Interview.candidate_id.in_(candidate_ids))
    ).all()
    out: dict[int, bool] = {}
    for candidate_id, status in rows:
        out[candidate_id] = out.get(candidate_id, True) and status == ScorecardStatus.submitted
    return out


def manages_position(viewer: Viewer, position: Position) -> bool:
    """Admins, the position's hiring manager, and hiring managers given it see its dashboard."""
    return Role.admin in viewer.roles or (
        Role.hiring_manager in viewer.roles
        and (position.hiring_manager_id == viewer.id or position.id in viewer.granted)
    )


def visible_candidates(
    session: Session, viewer: Viewer, position: Position, candidate_ids: list[int]
) -> set[int]:
    """Of these candidates (of one position), those whose panel scores the viewer may see."""
    visibility = get_setting(session, "panel_visibility")
    on_panel = panel_status(session, viewer, candidate_ids)
    manager = manages_position(viewer, position)
    allowed = set()
    for cid in candidate_ids:
        if cid in on_panel:
            submitted = on_panel[cid]
            if visibility == "always" or (submitted and (visibility == "after_submit" or manager)):
                allowed.add(cid)
        elif manager:
            allowed.add(cid)
    return allowed


def may_see_panel(session: Session, viewer: Viewer, candidate_id: int) -> bool:
    """True when the viewer may see the panel's scores and notes for this candidate."""
    candidate = session.get(Candidate, candidate_id)
    if candidate is None:
        return False
    position = session.get(Position, candidate.position_id)
    return candidate_id in visible_candidates(session, viewer, position, [candidate_id])
