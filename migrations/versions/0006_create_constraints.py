"""PostgreSQL: score_pairs refreshed once per inserting statement, not once per inserted row

Migration 0003's row trigger rewrites a card's pairs after every score row inserted: a bulk
insert of a card's 25 scores rewrote the card 25 times, and a 200,000-row `import-scores` spent
two thirds of its time there. INSERT now fires a statement-level trigger that reads the inserted
rows (a transition table) and rewrites each card they touch once, at the end of the statement,
in the same transaction; UPDATE and DELETE keep 0003's row trigger. What the column holds is
unchanged (tests/services/test_score_pairs.py). SQLite has no statement-level triggers: unchanged there.

(Named for the create-path migration this branch may add; it holds no constraint, the create
paths needed none: they are serialised by services.db.serialised.)

Revision ID: 0006
Revises: 0004
Create Date: 2026-12-01 11:45:00
"""
from collections.abc import Sequence

from alembic import op


revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# 0003's POSTGRES_PAIRS for the card `scorecard.id` (copied: a migration must not change when a
# later one does).
PAIRS = (
    "(SELECT coalesce(string_agg(CASE WHEN s.value IS NULL THEN (-s.criterion_id)::text "
    "|| ' 0' ELSE s.criterion_id::text || ' ' || s.value::text END, ' '), '') FROM score s "
    "WHERE s.scorecard_id = scorecard.id)")
SCORED_COLUMNS = "scorecard_id, criterion_id, value"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER score_pairs_sync ON score")
    op.execute(f"CREATE TRIGGER score_pairs_sync AFTER DELETE OR UPDATE OF {SCORED_COLUMNS} "
               "ON score FOR EACH ROW EXECUTE FUNCTION score_pairs_sync()")
    op.execute(f"""
        CREATE FUNCTION score_pairs_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE scorecard SET score_pairs = {PAIRS}
            WHERE scorecard.id IN (SELECT DISTINCT scorecard_id FROM inserted_scores);
            RETURN NULL;
        END
        $$""")
    op.execute("CREATE TRIGGER score_pairs_inserted AFTER INSERT ON score "
               "REFERENCING NEW TABLE AS inserted_scores FOR EACH STATEMENT "
               "EXECUTE FUNCTION score_pairs_inserted()")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER score_pairs_inserted ON score")
    op.execute("DROP FUNCTION score_pairs_inserted()")
    op.execute("DROP TRIGGER score_pairs_sync ON score")
    op.execute(f"CREATE TRIGGER score_pairs_sync AFTER INSERT OR DELETE OR UPDATE OF "
               f"{SCORED_COLUMNS} ON score FOR EACH ROW EXECUTE FUNCTION score_pairs_sync()")
