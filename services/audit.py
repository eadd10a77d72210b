"""The audit trail: who did what and when, in an append-only table.

Services call `record` inside the transaction of the action they audit, so an action and its
audit row are committed together or not at all. Rows are never updated or deleted: this module
has no function that would, a session listener refuses any ORM update or delete of an
AuditEvent, and database triggers (migration 0004) refuse them from any connection. The one
sanctioned change is `redact_candidate`, used when a candidate is erased: it clears the details
of that candidate's rows and keeps the fact that something happened (the triggers allow exactly
that: REDACTED as the detail of a row naming a candidate, nothing else changed).

Reading the trail as a viewer (with the access check and blind scoring) is services.audit_view;
this module is the writing side, which every service imports.
"""

from datetime import datetime

from sqlalchemy import event, update
from sqlalchemy.orm import ORMExecuteState
from sqlmodel import Session, select

from models import AuditEvent, User
from services.i18n import N_, _
from services.viewer import Viewer

# What is audited (the keys are stored; the labels are translated where shown: action_label);
# the admin's Audit page filters on these.
ACTIONS = {
    "login": N_("Logged in"),
    "login_failed": N_("Failed login"),
    "login_locked": N_("Account locked after failed logins"),
    "sso_login": N_("Logged in with single sign-on"),
    "sso_refused": N_("Single sign-on refused (no account)"),
    "user_created": N_("User created"),
    "user_changed": N_("User or roles changed"),
    "password_reset": N_("Password reset by an admin"),
    "password_changed": N_("Own password changed"),
    "settings_changed": N_("Setting changed"),
    "access_granted": N_("Dashboard access granted"),
    "access_revoked": N_("Dashboard access revoked"),
    "scorecard_created": N_("Scorecard created"),
    "scorecard_saved": N_("Scorecard draft saved"),
    "scorecard_submitted": N_("Scorecard submitted"),
    "scorecard_amended": N_("Scorecard changed after submission"),
    "decision_recorded": N_("Decision recorded"),
    "consensus_recorded": N_("Consensus score recorded"),
    "candidate_exported": N_("Candidate data exported"),
    "candidate_erased": N_("Candidate erased"),
    "interview_changed": N_("Interview edited or rescheduled"),
    "interview_cancelled": N_("Interview cancelled"),
}
# Never written into an audit row, whatever a caller passes.
_SECRET_WORDS = ("password", "secret", "token", "hash", "cookie")
REDACTED = {"redacted": "candidate erased"}
_REDACTION = "audit_redaction"


def action_label(action: str) -> str:
    """An audit action as people read it, in the current language (unknown: the action)."""
    return _(ACTIONS[action]) if action in ACTIONS else action


class AuditIsAppendOnly(RuntimeError):
    """Someone tried to change or remove an audit row."""


def _clean(detail: dict | None) -> dict:
    """The detail without any key that names a secret, with values made JSON-friendly."""
    out = {}
    for key, value in (detail or {}).items():
        if any(word in str(key).lower() for word in _SECRET_WORDS):
            continue
        if isinstance(value, dict):
            value = _clean(value)
        elif isinstance(value, datetime):
            value = value.isoformat()
        elif isinstance(value, (set, frozenset, tuple)):
            value = sorted(value)
        out[str(key)] = value
    return out


def record(session: Session, action: str, *, actor: Viewer | User | None = None,
           entity: str = "", entity_id: int | None = None, candidate_id: int | None = None,
           detail: dict | None = None) -> AuditEvent:
    """Add an audit row to the session (the caller's commit writes it with the action).

    `actor` is who acted, written into the row: the acting Viewer; the User row at login,
    lockout and a failed login, before any Viewer exists; None for the system or an unknown
    visitor.
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    actor_id, actor_name = None, ""
    if actor is not None:
        actor_id, actor_name = actor.id, actor.name
    row = AuditEvent(action=action, actor_id=actor_id, actor=actor_name[:200], entity=entity,
                     entity_id=entity_id, candidate_id=candidate_id, detail=_clean(detail))
    session.add(row)
    return row


def events_for_candidate(session: Session, candidate_id: int, actions: tuple[str, ...]
                         ) -> list[AuditEvent]:
    """A candidate's audit rows of some actions, oldest first (for services, not pages).

    Rows with their details and no access check: only for services that apply
    services.access themselves (scorecards.amendments reads who and when, after may_see_panel);
    pages read the trail through services.audit_view.
    """
    return list(session.exec(
        select(AuditEvent).where(AuditEvent.candidate_id == candidate_id,
                                 AuditEvent.action.in_(actions))
        .order_by(AuditEvent.at, AuditEvent.id)).all())


def redact_candidate(session: Session, candidate_id: int) -> int:
    """Clear the details of an erased candidate's audit rows; returns how many (no commit)."""
    result = session.execute(
        update(AuditEvent).where(AuditEvent.candidate_id == candidate_id)
        .values(detail=REDACTED).execution_options(**{_REDACTION: True}))
    return result.rowcount


@event.listens_for(Session, "before_flush")
def _no_changed_audit_rows(session, _context, _instances) -> None:
    for obj in (*session.dirty, *session.deleted):
        if isinstance(obj, AuditEvent) and (obj in session.deleted
                                            or session.is_modified(obj)):
            raise AuditIsAppendOnly(_("Audit rows are never changed or deleted."))


@event.listens_for(Session, "do_orm_execute")
def _no_bulk_audit_changes(state: ORMExecuteState) -> None:
    if not (state.is_update or state.is_delete):
        return
    if state.bind_mapper is not None and state.bind_mapper.class_ is AuditEvent \
            and not state.execution_options.get(_REDACTION):
        raise AuditIsAppendOnly(_("Audit rows are never changed or deleted."))
