"""scorecard.score_pairs: each scorecard's scores in one column, kept by database triggers

The organisation-wide dashboard and calibration read every submitted score. Reading a million
joined score rows through the driver costs more than all the statistics computed on them, so
each scorecard carries its scores as text, "criterion_id value" pairs separated by spaces
("12 4 13 5 -14 0": criterion 14 not assessed, written as its negated id). Triggers on the
score table rewrite the card's pairs on every insert, update of a scored column and delete, in
the same transaction, whatever wrote the score (the app, an import, a bulk load or a test), so
the column cannot drift from the rows. Reading the scores is then one row per scorecard.

Keep in mind for later migrations: SQLite drops a table's triggers when batch mode rebuilds the
table ("move and copy"); a migration that rebuilds `score` must create these triggers again.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 02:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# One card's pairs, from its score rows (SQLite || and group_concat; PostgreSQL below).
SQLITE_PAIRS = (
    "(SELECT coalesce(group_concat(CASE WHEN s.value IS NULL THEN -s.criterion_id || ' 0' "
    "ELSE s.criterion_id || ' ' || s.value END, ' '), '') FROM score s "
    "WHERE s.scorecard_id = {card})")
POSTGRES_PAIRS = (
    "(SELECT coalesce(string_agg(CASE WHEN s.value IS NULL THEN (-s.criterion_id)::text "
    "|| ' 0' ELSE s.criterion_id::text || ' ' || s.value::text END, ' '), '') FROM score s "
    "WHERE s.scorecard_id = {card})")
SCORED_COLUMNS = "scorecard_id, criterion_id, value"  # an evidence-only edit changes no pair


def _sqlite_upgrade() -> None:
    def refresh(card: str) -> str:
        return (f"UPDATE scorecard SET score_pairs = {SQLITE_PAIRS.format(card=card)} "
                f"WHERE id = {card};")

    op.execute(f"CREATE TRIGGER score_pairs_insert AFTER INSERT ON score BEGIN "
               f"{refresh('NEW.scorecard_id')} END")
    op.execute(f"CREATE TRIGGER score_pairs_update AFTER UPDATE OF {SCORED_COLUMNS} ON score "
               f"BEGIN {refresh('OLD.scorecard_id')} {refresh('NEW.scorecard_id')} END")
    op.execute(f"CREATE TRIGGER score_pairs_delete AFTER DELETE ON score BEGIN "
               f"{refresh('OLD.scorecard_id')} END")
    op.execute(f"UPDATE scorecard SET score_pairs = {SQLITE_PAIRS.format(card='scorecard.id')}")


def _postgres_upgrade() -> None:
    op.execute(f"""
        CREATE FUNCTION score_pairs_refresh(card integer) RETURNS void LANGUAGE sql AS $$
            UPDATE scorecard SET score_pairs = {POSTGRES_PAIRS.format(card='card')}
            WHERE id = card
        $$""")
    op.execute("""
        CREATE FUNCTION score_pairs_sync() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP IN ('UPDATE', 'DELETE') THEN
                PERFORM score_pairs_refresh(OLD.scorecard_id);
            END IF;
            IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE'
                                    AND NEW.scorecard_id IS DISTINCT FROM OLD.scorecard_id) THEN
                PERFORM score_pairs_refresh(NEW.scorecard_id);
            END IF;
            RETURN NULL;
        END
        $$""")
    op.execute(f"CREATE TRIGGER score_pairs_sync AFTER INSERT OR DELETE OR UPDATE OF "
               f"{SCORED_COLUMNS} ON score FOR EACH ROW EXECUTE FUNCTION score_pairs_sync()")
    op.execute(f"UPDATE scorecard SET score_pairs = "
               f"{POSTGRES_PAIRS.format(card='scorecard.id')}")


def upgrade() -> None:
    with op.batch_alter_table('scorecard', schema=None) as batch_op:
        batch_op.add_column(sa.Column('score_pairs', sa.Text(), nullable=True))
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_upgrade()
    else:
        _postgres_upgrade()


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS score_pairs_{name}")
    else:
        op.execute("DROP TRIGGER IF EXISTS score_pairs_sync ON score")
        op.execute("DROP FUNCTION IF EXISTS score_pairs_sync()")
        op.execute("DROP FUNCTION IF EXISTS score_pairs_refresh(integer)")
    with op.batch_alter_table('scorecard', schema=None) as batch_op:
        batch_op.drop_column('score_pairs')
