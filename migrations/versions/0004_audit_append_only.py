"""the audit table is append-only in the database itself

services/audit.py already refuses ORM updates and deletes of audit rows; these triggers make the
database refuse them too, whoever connects (a script, a console, another tool). The one change
allowed is the redaction services.audit.redact_candidate makes when a candidate is erased: the
detail of a row that names a candidate becomes REDACTED below, everything else unchanged.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 03:00:00
"""
from collections.abc import Sequence

from alembic import op


revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# services.audit.REDACTED as the JSON column stores it (json.dumps of the dict).
REDACTED = '{"redacted": "candidate erased"}'
MESSAGE = "audit rows are append-only"
KEPT = ("id", "at", "actor_id", "actor", "action", "entity", "entity_id", "candidate_id")


def _sqlite_upgrade() -> None:
    changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in KEPT)
    op.execute(f"CREATE TRIGGER auditevent_no_delete BEFORE DELETE ON auditevent "
               f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END")
    op.execute(f"CREATE TRIGGER auditevent_no_update BEFORE UPDATE ON auditevent "
               f"WHEN {changed} OR OLD.candidate_id IS NULL OR NEW.detail IS NOT '{REDACTED}' "
               f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END")


def _postgres_upgrade() -> None:
    changed = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in KEPT)
    op.execute(f"""
        CREATE FUNCTION auditevent_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'DELETE' OR {changed} OR OLD.candidate_id IS NULL
               OR NEW.detail::text IS DISTINCT FROM '{REDACTED}' THEN
                RAISE EXCEPTION '{MESSAGE}';
            END IF;
            RETURN NEW;
        END
        $$""")
    op.execute("CREATE TRIGGER auditevent_append_only BEFORE UPDATE OR DELETE ON auditevent "
               "FOR EACH ROW EXECUTE FUNCTION auditevent_append_only()")


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_upgrade()
    else:
        _postgres_upgrade()


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS auditevent_no_delete")
        op.execute("DROP TRIGGER IF EXISTS auditevent_no_update")
    else:
        op.execute("DROP TRIGGER IF EXISTS auditevent_append_only ON auditevent")
        op.execute("DROP FUNCTION IF EXISTS auditevent_append_only()")
