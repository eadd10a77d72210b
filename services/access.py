"""Who may do and see what: the access matrix and the blind-scoring rule, in one place.

Every service that returns candidates, scores, notes, recommendations, decisions or audit
details asks this module; no other module tests a role for itself.

The matrix (README, "Who does what"): an admin holds every role; a recruiter works with every
position, candidate, interview and scorecard *status*; a hiring manager sees the dashboards of the
positions they manage or were given (`manages_position`, and `managed_positions_clause` for the
same rule as SQL); a panelist sees their own interviews and scorecards, and only the seated
panelist writes their own card (`require_seat`, `require_own_card`).

Blind scoring (`panel_seat_allows`): independence is the point of a panel. Whoever sits on a
candidate's panel and has not yet submitted their own scorecard sees none of their colleagues'
scores, notes or recommendations for that candidate, whatever other roles they hold (an admin or
the hiring manager who sits on the panel waits like everyone else). The admin's
*panel_visibility* setting says when a seated panelist sees the panel: `after_submit` (default),
`always`, or `never` (then only a seated panelist who also manages the position, once submitted).
A colleague's draft is never shown to anyone.

The command line acts as `OPERATOR`: a system viewer holding the admin role. It has no user row
(id 0) and so no panel seat; the blind rule never restricts it. Operators are the people with
the server and the database in their hands, who could read every row anyway.
"""

from sqlalchemy import false, true
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, select

from models import (
    Candidate,
    Interview,
    PanelMember,
    PanelVisibility,
    Position,
    Role,
    Scorecard,
    ScorecardStatus,
)
from services.errors import NotAllowed, NotFound
from services.i18n import N_, _
from services.settings import get_setting
from services.viewer import Viewer

# The one system viewer: `manage.py` commands act as it (an admin without a panel seat).
OPERATOR = Viewer(id=0, name="command line", email="", roles=frozenset({Role.admin}))


# ------------------------------------------------------------------ the matrix: roles

def is_admin(viewer: Viewer) -> bool:
    """True for admins (and the command-line operator)."""
    return Role.admin in viewer.roles


def is_recruiter(viewer: Viewer) -> bool:
    """True for recruiters and admins: every position, candidate, interview and status."""
    return viewer.has(Role.recruiter)


# What the refusals below say people may not do: an English verb phrase, a msgid, translated as
# an infinitive ("Only admins import scores." / "Seuls les administrateurs peuvent importer des
# notes."). Callers pass one of these (marked N_ where they are written, or listed here).
ACTIONS_REFUSED = (
    N_("do this"), N_("import scores"), N_("see the audit trail"),
    N_("export a candidate's data"), N_("erase a candidate"), N_("review retention"),
)


def require_admin(viewer: Viewer | None, what: str = "do this") -> Viewer:
    """Refuse (NotAllowed) unless the viewer is an admin; returns the viewer."""
    if viewer is None or not is_admin(viewer):
        raise NotAllowed(_("Only admins {what}.").format(what=_(what)))
    return viewer


def require_recruiter(viewer: Viewer | None, what: str = "do this") -> Viewer:
    """Refuse (NotAllowed) unless the viewer is a recruiter or an admin; returns the viewer."""
    if viewer is None or not is_recruiter(viewer):
        raise NotAllowed(_("Only recruiters and admins {what}.").format(what=_(what)))
    return viewer


def manages_position(viewer: Viewer, position: Position) -> bool:
    """Admins, the position's hiring manager, and hiring managers given it see its dashboard."""
    return is_admin(viewer) or (
        Role.hiring_manager in viewer.roles
        and (position.hiring_manager_id == viewer.id or position.id in viewer.granted)
    )


def position_for_export(session: Session, viewer: Viewer, position_id: int) -> Position:
    """The position, if the viewer may export it."""
    position = session.get(Position, position_id)
    if position is None:
        raise NotFound(_("No such position."))
    if not manages_position(viewer, position):
        raise NotAllowed(_("Only this position's hiring manager and admins can export its "
                           "scores."))
    return position


def managed_positions_clause(viewer: Viewer) -> ColumnElement[bool]:
    """`manages_position` as a SQL condition on Position (tests keep the two equal)."""
    if is_admin(viewer):
        return true()
    if Role.hiring_manager not in viewer.roles:
        return false()
    return (Position.hiring_manager_id == viewer.id) | Position.id.in_(sorted(viewer.granted))


def listed_positions_clause(viewer: Viewer) -> ColumnElement[bool]:
    """Positions a viewer works with: every one for recruiters, else those they manage."""
    return true() if is_recruiter(viewer) else managed_positions_clause(viewer)


# ------------------------------------------------------------------ the panelist's own card

def is_on_panel(session: Session, viewer: Viewer, interview_id: int) -> bool:
    """True when the viewer sits on this interview's panel."""
    return session.exec(select(PanelMember.id).where(
        PanelMember.interview_id == interview_id, PanelMember.user_id == viewer.id)
    ).first() is not None


def require_seat(session: Session, viewer: Viewer, interview_id: int) -> Interview:
    """The interview, if the viewer sits on its panel: only a seated panelist scores it."""
    interview = session.get(Interview, interview_id)
    if interview is None:
        raise NotFound(_("No such interview."))
    if not is_on_panel(session, viewer, interview_id):
        raise NotAllowed(_("You are not on this interview's panel."))
    return interview


def require_own_card(session: Session, viewer: Viewer, scorecard_id: int) -> Scorecard:
    """The scorecard, if it is the viewer's own: no one else writes a panelist's card."""
    card = session.get(Scorecard, scorecard_id)
    if card is None:
        raise NotFound(_("No such scorecard."))
    if card.panelist_id != viewer.id:
        raise NotAllowed(_("This is not your scorecard."))
    return card


# ------------------------------------------------------------------ blind scoring

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


def _seat_allows(visibility: str, submitted: bool, manager: bool) -> bool:
    return visibility == PanelVisibility.always or (
        submitted and (visibility == PanelVisibility.after_submit or manager))


def _seats_and_allowed(session: Session, viewer: Viewer, position: Position,
                       candidate_ids: list[int]) -> tuple[dict[int, bool], set[int]]:
    visibility = get_setting(session, "panel_visibility")
    on_panel = panel_status(session, viewer, candidate_ids)
    manager = manages_position(viewer, position)
    allowed = {cid for cid in candidate_ids
               if cid not in on_panel or _seat_allows(visibility, on_panel[cid], manager)}
    return on_panel, allowed


def panel_seat_allows(session: Session, viewer: Viewer, position: Position,
                      candidate_ids: list[int]) -> set[int]:
    """Of these candidates, those the blind rule does not hide from the viewer.

    A candidate whose panel the viewer does not sit on is never hidden by this rule (whether the
    viewer may see the panel at all is the matrix's question); a seated viewer sees colleagues'
    cards per *panel_visibility*.
    """
    return _seats_and_allowed(session, viewer, position, candidate_ids)[1]


def visible_candidates(
    session: Session, viewer: Viewer, position: Position, candidate_ids: list[int]
) -> set[int]:
    """Of these candidates (of one position), those whose panel scores the viewer may see:
    seated ones the blind rule allows, and, for who manages the position, the others."""
    on_panel, allowed = _seats_and_allowed(session, viewer, position, candidate_ids)
    manager = manages_position(viewer, position)
    return {cid for cid in allowed if cid in on_panel or manager}


def may_see_panel(session: Session, viewer: Viewer, candidate_id: int) -> bool:
    """True when the viewer may see the panel's scores and notes for this candidate."""
    candidate = session.get(Candidate, candidate_id)
    if candidate is None:
        return False
    position = session.get(Position, candidate.position_id)
    return candidate_id in visible_candidates(session, viewer, position, [candidate_id])


def may_read_held_cards(session: Session, viewer: Viewer, candidate_id: int) -> bool:
    """Whether a candidate-data export by this viewer may hold colleagues' submitted cards.

    Recruiters and admins export what is held on a candidate (a data-protection duty), but the
    blind rule still holds for a panel seat they have not submitted.
    """
    candidate = session.get(Candidate, candidate_id)
    if candidate is None or not is_recruiter(viewer):
        return False
    position = session.get(Position, candidate.position_id)
    return candidate_id in panel_seat_allows(session, viewer, position, [candidate_id])


def hidden_from(session: Session, viewer: Viewer, candidate_ids: set[int]) -> set[int]:
    """Of these candidates (any positions), those whose panel details the viewer may not see.

    Used for audit details: a candidate's scorecard, decision and consensus details are shown
    to who may see that candidate's panel (see `may_see_panel`), or, to an admin or recruiter who
    does not sit on it unsubmitted, as held data.
    """
    out: set[int] = set()
    if not candidate_ids:
        return out
    rows = session.exec(select(Candidate.id, Candidate.position_id)
                        .where(Candidate.id.in_(sorted(candidate_ids)))).all()
    by_position: dict[int, list[int]] = {}
    for cid, pid in rows:
        by_position.setdefault(pid, []).append(cid)
    for pid, ids in by_position.items():
        position = session.get(Position, pid)
        seen = visible_candidates(session, viewer, position, ids)
        if is_recruiter(viewer):
            seen |= panel_seat_allows(session, viewer, position, ids)
        out |= set(ids) - seen
    return out
