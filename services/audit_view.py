"""The audit trail as a viewer reads it: the admin's page and the candidate-data export.

The details of a row about a candidate whose panel the viewer may not see (they sit on it and
have not submitted: services.access.hidden_from) are withheld; the fact of the action stays.
"""

from datetime import datetime

import pandas as pd
from sqlmodel import Session, select

from models import AuditEvent
from services import access
from services.audit import action_label
from services.auth import Viewer
from services.i18n import N_, _

# What a viewer reads instead of the detail of a row about a candidate whose panel is hidden
# from them (services.access.hidden_from): the fact of the action stays, its content does not.
# The key is stable; the text is in the viewer’s language (`_withheld()`).
WITHHELD_TEXT = N_("blind scoring: you sit on this candidate's panel and have not submitted "
                   "your own scorecard")
WITHHELD = {"withheld": WITHHELD_TEXT}


def _withheld() -> dict:
    """WITHHELD in the current language."""
    return {"withheld": _(WITHHELD_TEXT)}


def _details_for(session: Session, viewer: Viewer, rows: list[AuditEvent]) -> list[dict]:
    """Each row's detail as this viewer may read it."""
    hidden = access.hidden_from(session, viewer,
                                {r.candidate_id for r in rows if r.candidate_id is not None})
    hidden_detail = _withheld()
    return [hidden_detail if r.candidate_id in hidden and r.actor_id != viewer.id else r.detail
            for r in rows]


def list_events(session: Session, *, viewer: Viewer, action: str | None = None,
                actor_id: int | None = None, candidate_id: int | None = None,
                since: datetime | None = None, until: datetime | None = None,
                limit: int = 1000) -> pd.DataFrame:
    """Audit rows, newest first, filtered (admins only).

    An admin who sits unsubmitted on a candidate's panel sees that actions happened, not the
    scores, recommendations or notes in their details (blind scoring).
    """
    access.require_admin(viewer, N_("see the audit trail"))
    query = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    if action:
        query = query.where(AuditEvent.action == action)
    if actor_id is not None:
        query = query.where(AuditEvent.actor_id == actor_id)
    if candidate_id is not None:
        query = query.where(AuditEvent.candidate_id == candidate_id)
    if since is not None:
        query = query.where(AuditEvent.at >= since)
    if until is not None:
        query = query.where(AuditEvent.at < until)
    rows = list(session.exec(query.limit(limit)).all())
    details = _details_for(session, viewer, rows)
    return pd.DataFrame(
        [{"id": r.id, "at": r.at, "actor": r.actor, "action": r.action,
          "what": action_label(r.action), "entity": r.entity, "entity_id": r.entity_id,
          "candidate_id": r.candidate_id, "detail": d} for r, d in zip(rows, details, strict=True)],
        columns=["id", "at", "actor", "action", "what", "entity", "entity_id", "candidate_id",
                 "detail"])


def list_candidate_events(session: Session, candidate_id: int, *, viewer: Viewer) -> list[dict]:
    """One candidate's audit rows, oldest first, details as the viewer may read them.

    For the candidate-data export (services.privacy), whose own check admits the viewer.
    """
    rows = list(session.exec(select(AuditEvent).where(AuditEvent.candidate_id == candidate_id)
                             .order_by(AuditEvent.at, AuditEvent.id)).all())
    details = _details_for(session, viewer, rows)
    return [{"at": r.at, "actor": r.actor, "action": r.action, "detail": d}
            for r, d in zip(rows, details, strict=True)]
