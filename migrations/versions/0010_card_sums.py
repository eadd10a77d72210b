"""scorecard.weighted_sum and assessed_weight: each card's weighted total, kept by the triggers

Every dashboard borrows the organisation's typical panel spread (the spread prior), fitted from
every panelist's overall score on every submitted card. Read from the score pairs, that meant
parsing every score of the organisation (about 0.6 s a million scores) on the first board after
any change. A panelist's overall is the weighted mean of the criteria they assessed, so two
numbers per card give it: `weighted_sum` (sum of weight x value over the assessed scores) and
`assessed_weight` (sum of their weights; 0 when nothing is assessed). The triggers that keep
`score_pairs` (migrations 0003 and 0006) now keep these two in the same statement, and a trigger
on criterion weights recomputes the cards that score a criterion whose weight changes (the app
never changes a used criterion: it makes a new template version; this keeps any other writer
honest). services.stats.organisation_prior reads them (through services.history).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 02:40:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# One card's pairs (0003's text, copied: a migration must not change when a later one does), as
# SQL for the card `{card}`: what the downgrade puts back.
SQLITE_PAIRS = (
    "(SELECT coalesce(group_concat(CASE WHEN s.value IS NULL THEN -s.criterion_id || ' 0' "
    "ELSE s.criterion_id || ' ' || s.value END, ' '), '') FROM score s "
    "WHERE s.scorecard_id = {card})")
POSTGRES_PAIRS = (
    "(SELECT coalesce(string_agg(CASE WHEN s.value IS NULL THEN (-s.criterion_id)::text "
    "|| ' 0' ELSE s.criterion_id::text || ' ' || s.value::text END, ' '), '') FROM score s "
    "WHERE s.scorecard_id = {card})")
# The pairs and both sums of the score rows `s` (joined to their criterion `c`), in one pass.
SQLITE_AGGREGATES = [
    "coalesce(group_concat(CASE WHEN s.value IS NULL THEN -s.criterion_id || ' 0' "
    "ELSE s.criterion_id || ' ' || s.value END, ' '), '')",
    "coalesce(sum(CASE WHEN s.value IS NOT NULL THEN c.weight * s.value END), 0.0)",
    "coalesce(sum(CASE WHEN s.value IS NOT NULL THEN c.weight END), 0.0)"]
POSTGRES_AGGREGATES = [
    "coalesce(string_agg(CASE WHEN s.value IS NULL THEN (-s.criterion_id)::text "
    "|| ' 0' ELSE s.criterion_id::text || ' ' || s.value::text END, ' '), '')",
    "coalesce(sum(c.weight * s.value) FILTER (WHERE s.value IS NOT NULL), 0.0)",
    "coalesce(sum(c.weight) FILTER (WHERE s.value IS NOT NULL), 0.0)"]
SQLITE_ALL, POSTGRES_ALL = ", ".join(SQLITE_AGGREGATES), ", ".join(POSTGRES_AGGREGATES)
COLUMNS = "(score_pairs, weighted_sum, assessed_weight)"
SCORED_COLUMNS = "scorecard_id, criterion_id, value"


def _set(every: str, card: str) -> str:
    """The SET clause that rewrites the card `card`'s pairs and sums from its score rows."""
    return (f"{COLUMNS} = (SELECT {every} FROM score s JOIN criterion c "
            f"ON c.id = s.criterion_id WHERE s.scorecard_id = {card})")


def _sqlite_triggers(with_sums: bool) -> None:
    def refresh(card: str) -> str:
        what = (_set(SQLITE_ALL, card) if with_sums
                else f"score_pairs = {SQLITE_PAIRS.format(card=card)}")
        return f"UPDATE scorecard SET {what} WHERE id = {card};"

    for name in ("insert", "update", "delete"):
        op.execute(f"DROP TRIGGER IF EXISTS score_pairs_{name}")
    op.execute(f"CREATE TRIGGER score_pairs_insert AFTER INSERT ON score BEGIN "
               f"{refresh('NEW.scorecard_id')} END")
    op.execute(f"CREATE TRIGGER score_pairs_update AFTER UPDATE OF {SCORED_COLUMNS} ON score "
               f"BEGIN {refresh('OLD.scorecard_id')} {refresh('NEW.scorecard_id')} END")
    op.execute(f"CREATE TRIGGER score_pairs_delete AFTER DELETE ON score BEGIN "
               f"{refresh('OLD.scorecard_id')} END")


def _postgres_grouped(cards: str) -> str:
    """Rewrite the pairs and sums of the cards `cards` (a sub-select of ids) in one grouped
    pass: a bulk import or COPY writes a hundred thousand cards at once, and one sub-select
    per card took minutes there. (Each card named has score rows: they were just inserted.)"""
    return (f"UPDATE scorecard SET {COLUMNS} = (agg.a0, agg.a1, agg.a2) FROM (SELECT "
            "s.scorecard_id, "
            + ", ".join(f"{a} AS a{i}" for i, a in enumerate(POSTGRES_AGGREGATES))
            + " FROM score s JOIN criterion c ON c.id = s.criterion_id WHERE s.scorecard_id IN "
            f"({cards}) GROUP BY s.scorecard_id) agg WHERE scorecard.id = agg.scorecard_id")


def _postgres_functions(with_sums: bool) -> None:
    if with_sums:
        refresh = f"UPDATE scorecard SET {_set(POSTGRES_ALL, 'card')} WHERE id = card"
        inserted = _postgres_grouped("SELECT scorecard_id FROM inserted_scores")
    else:
        refresh = (f"UPDATE scorecard SET score_pairs = {POSTGRES_PAIRS.format(card='card')} "
                   "WHERE id = card")
        inserted = (f"UPDATE scorecard SET score_pairs = "
                    f"{POSTGRES_PAIRS.format(card='scorecard.id')} WHERE scorecard.id IN "
                    "(SELECT DISTINCT scorecard_id FROM inserted_scores)")
    op.execute(f"""
        CREATE OR REPLACE FUNCTION score_pairs_refresh(card integer) RETURNS void
        LANGUAGE sql AS $$ {refresh} $$""")
    op.execute(f"""
        CREATE OR REPLACE FUNCTION score_pairs_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            {inserted};
            RETURN NULL;
        END
        $$""")


def upgrade() -> None:
    with op.batch_alter_table('scorecard', schema=None) as batch_op:
        batch_op.add_column(sa.Column('weighted_sum', sa.Float(), nullable=False,
                                      server_default='0'))
        batch_op.add_column(sa.Column('assessed_weight', sa.Float(), nullable=False,
                                      server_default='0'))
    # What the prior reads of every submitted card, from the index alone (the rows are wide).
    op.create_index("ix_scorecard_prior", "scorecard", ["status", "interview_id", "panelist_id",
                                                        "weighted_sum", "assessed_weight"])
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_triggers(with_sums=True)
        op.execute("CREATE TRIGGER card_sums_weight AFTER UPDATE OF weight ON criterion BEGIN "
                   f"UPDATE scorecard SET {_set(SQLITE_ALL, 'scorecard.id')} WHERE id IN "
                   "(SELECT scorecard_id FROM score WHERE criterion_id = NEW.id); END")
        op.execute(f"UPDATE scorecard SET {_set(SQLITE_ALL, 'scorecard.id')}")
    else:
        _postgres_functions(with_sums=True)
        op.execute(f"""
            CREATE FUNCTION card_sums_weight() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                UPDATE scorecard SET {_set(POSTGRES_ALL, 'scorecard.id')} WHERE id IN
                    (SELECT scorecard_id FROM score WHERE criterion_id = NEW.id);
                RETURN NULL;
            END
            $$""")
        op.execute("CREATE TRIGGER card_sums_weight AFTER UPDATE OF weight ON criterion "
                   "FOR EACH ROW EXECUTE FUNCTION card_sums_weight()")
        # Cards without score rows keep 0003's '' and the columns' default 0.
        op.execute(_postgres_grouped("SELECT scorecard_id FROM score"))


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        # Batch mode rebuilds scorecard to drop the columns, which SQLite refuses while
        # triggers name it: they are dropped first and 0003's made again after.
        for name in ("card_sums_weight", "score_pairs_insert", "score_pairs_update",
                     "score_pairs_delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    else:
        op.execute("DROP TRIGGER IF EXISTS card_sums_weight ON criterion")
        op.execute("DROP FUNCTION IF EXISTS card_sums_weight()")
        _postgres_functions(with_sums=False)
    op.drop_index("ix_scorecard_prior", table_name="scorecard")
    with op.batch_alter_table('scorecard', schema=None) as batch_op:
        batch_op.drop_column('assessed_weight')
        batch_op.drop_column('weighted_sum')
    if sqlite:
        _sqlite_triggers(with_sums=False)
