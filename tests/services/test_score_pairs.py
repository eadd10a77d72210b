"""scorecard.score_pairs (migration 0003) and the card sums (0010): database triggers keep each
card's pairs and weighted sums equal to its score rows, whatever writes them, and
submitted_scores reads exactly the score rows from them."""

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import text
from sqlmodel import Session, select

from models import Candidate, Criterion, Position, Score, Scorecard, ScorecardStatus
from services import history, score_pairs, scorecards
from services.db import get_engine
from tests.conftest import world_fixture


def _pairs_from_rows(s: Session, card_id: int) -> set[tuple[int, int]]:
    rows = s.exec(select(Score.criterion_id, Score.value)
                  .where(Score.scorecard_id == card_id)).all()
    return set(rows)


def _stored_pairs(s: Session, card_id: int) -> set[tuple[int, int]]:
    raw = s.connection().execute(text("SELECT score_pairs FROM scorecard WHERE id = :id"),
                                 {"id": card_id}).scalar_one() or ""
    pairs = score_pairs.pairs(raw)
    assert len(pairs) == len({c for c, _v in pairs}), raw  # no criterion twice
    return set(pairs)


def _sums_from_rows(s: Session, card_id: int) -> tuple[float, float]:
    rows = s.exec(select(Criterion.weight, Score.value).join(Criterion)
                  .where(Score.scorecard_id == card_id)).all()
    return score_pairs.sums(rows)


def _stored_sums(s: Session, card_id: int) -> tuple[float, float]:
    return tuple(s.connection().execute(text(
        "SELECT weighted_sum, assessed_weight FROM scorecard WHERE id = :id"),
        {"id": card_id}).one())


def _assert_card(s: Session, card_id: int) -> None:
    """The card's stored pairs and sums are those of its score rows."""
    assert _stored_pairs(s, card_id) == _pairs_from_rows(s, card_id)
    assert _stored_sums(s, card_id) == pytest.approx(_sums_from_rows(s, card_id), rel=1e-12)


@world_fixture
def panel(make):
    manager = make.user("hiring_manager")
    position = make.position(manager=manager)
    people = [make.user(), make.user()]
    cand = make.candidate(position)
    return make.interview(cand, people), people


def test_pairs_follow_every_insert_update_and_delete(session, make, panel):
    interview, (one, two) = panel
    card = make.scorecard(interview, one, [4, None, 2, 5], submit=False)
    _assert_card(session, card.id)
    assert len(_stored_pairs(session, card.id)) == 4
    assert _stored_sums(session, card.id)[1] > 0

    # Through the service (a changed value, a newly "not assessed" criterion).
    panelist = make.viewer(one)
    kit = scorecards.open_scorecard(session, panelist, interview.id)
    first, second = kit.criteria[0].id, kit.criteria[1].id
    scorecards.save_score(session, panelist, card.id, {"criterion_id": first, "value": 1,
                                                       "not_assessed": False, "evidence": ""})
    scorecards.save_score(session, panelist, card.id, {"criterion_id": second, "value": 3,
                                                       "not_assessed": False, "evidence": ""})
    assert (first, 1) in _stored_pairs(session, card.id)
    assert (second, 3) in _stored_pairs(session, card.id)
    _assert_card(session, card.id)

    # Raw SQL, as an import or a repair by hand would write.
    conn = session.connection()
    conn.execute(text("UPDATE score SET value = NULL WHERE scorecard_id = :c AND criterion_id "
                      "= :k"), {"c": card.id, "k": first})
    conn.execute(text("UPDATE score SET evidence = 'only words' WHERE scorecard_id = :c"),
                 {"c": card.id})
    conn.execute(text("DELETE FROM score WHERE scorecard_id = :c AND criterion_id = :k"),
                 {"c": card.id, "k": second})
    session.commit()
    stored = _stored_pairs(session, card.id)
    assert (first, None) in stored and all(c != second for c, _ in stored)
    _assert_card(session, card.id)

    # Moving a score to another card refreshes both cards.
    other = make.scorecard(interview, two, [3, 3, 3, 3], submit=False)
    third = kit.criteria[2].id
    conn = session.connection()
    conn.execute(text("DELETE FROM score WHERE scorecard_id = :o AND criterion_id = :k"),
                 {"o": other.id, "k": third})
    conn.execute(text("UPDATE score SET scorecard_id = :o WHERE scorecard_id = :c AND "
                      "criterion_id = :k"), {"o": other.id, "c": card.id, "k": third})
    session.commit()
    for c in (card.id, other.id):
        _assert_card(session, c)
    assert all(c != third for c, _ in _stored_pairs(session, card.id))

    # A criterion's weight changed by hand (the app makes a new template version instead).
    conn = session.connection()
    conn.execute(text("UPDATE criterion SET weight = 2.5 WHERE id = :k"), {"k": first})
    conn.execute(text("UPDATE score SET value = 4 WHERE scorecard_id = :c AND criterion_id = :k"),
                 {"c": card.id, "k": first})
    conn.execute(text("UPDATE criterion SET weight = 3.5 WHERE id = :k"), {"k": first})
    session.commit()
    _assert_card(session, card.id)
    assert _stored_sums(session, card.id) != _stored_sums(session, other.id)

    session.connection().execute(text("DELETE FROM score WHERE scorecard_id = :c"),
                                 {"c": card.id})
    session.commit()
    assert _stored_pairs(session, card.id) == set()
    assert _stored_sums(session, card.id) == (0.0, 0.0)


def test_deleting_a_scorecard_with_scores_works(session, make, panel):
    # The score triggers fire during the cascade and must not trip over the vanishing card.
    interview, (one, _) = panel
    card = make.scorecard(interview, one, [4, 4, 4, 4])
    session.delete(session.get(Scorecard, card.id))
    session.commit()
    assert session.get(Scorecard, card.id) is None
    assert session.exec(select(Score).where(Score.scorecard_id == card.id)).all() == []


def test_submitted_scores_are_the_submitted_rows(session, make, panel):
    interview, (one, two) = panel
    make.scorecard(interview, one, [5, None, 3, 1], recommendation="strong_yes")
    make.scorecard(interview, two, [2, 2, 2, 2], submit=False)  # a draft: not read
    scores, cards = history.submitted_scores(session)
    assert len(cards) == 1 and cards["panelist_id"].tolist() == [one.id]
    assert cards["recommendation"].tolist() == ["strong_yes"]
    assert len(scores) == 4
    got = sorted(zip(scores["criterion_id"], scores["value"].fillna(-1), strict=True))
    card = session.exec(select(Scorecard).where(
        Scorecard.status == ScorecardStatus.submitted)).one()
    want = sorted((c, -1 if v is None else v)
                  for c, v in session.exec(select(Score.criterion_id, Score.value)
                                           .where(Score.scorecard_id == card.id)).all())
    assert got == want
    assert set(scores["panelist_id"]) == {one.id}
    assert np.isnan(scores["value"]).sum() == 1


def test_submitted_cards_are_the_submitted_scores_cards(session, make, panel):
    """What the spread prior is fitted from (board.organisation_prior): the cards
    submitted_scores reads, with their sums, without the scores."""
    interview, (one, two) = panel
    make.scorecard(interview, one, [5, None, 3, 1])
    make.scorecard(interview, two, [2, 4, None, 3])
    position = session.get(Position, session.get(Candidate, interview.candidate_id).position_id)
    make.scorecard(make.interview(make.candidate(position), [one, two]), one, [1, 1, 1, 1],
                   submit=False)  # a draft: not read
    _scores, cards = history.submitted_scores(session)
    slim = history.submitted_cards(session)
    assert list(slim.columns) == history.PRIOR_COLUMNS and len(slim) == 2
    pd.testing.assert_frame_equal(
        slim.sort_values("scorecard_id", ignore_index=True),
        cards[history.PRIOR_COLUMNS].sort_values("scorecard_id", ignore_index=True))
    for card in slim.itertuples():
        assert (card.weighted_sum, card.assessed_weight) == pytest.approx(
            _sums_from_rows(session, card.scorecard_id))


def test_submitted_scores_with_nothing_submitted(session, make, panel):
    interview, (one, _) = panel
    make.scorecard(interview, one, [3, 3, 3, 3], submit=False)
    scores, cards = history.submitted_scores(session)
    assert scores.empty and cards.empty


def test_malformed_pairs_are_refused_not_misread(db_url, make, panel, session):
    interview, (one, _) = panel
    card = make.scorecard(interview, one, [3, 3, 3, 3])
    with get_engine(db_url).begin() as conn:  # a hand-edited database
        conn.execute(text("UPDATE scorecard SET score_pairs = '1 2 3' WHERE id = :c"),
                     {"c": card.id})
    with pytest.raises(ValueError, match="score_pairs"):
        history.submitted_scores(session)


def test_the_benchmark_generator_writes_the_pairs_the_triggers_would(db_url):
    from bench.generate import generate

    generate(get_engine(db_url), 2_000, seed=3)
    with Session(get_engine(db_url)) as s:
        cards = s.exec(select(Scorecard.id)).all()
        assert len(cards) > 100
        rows: dict[int, set] = {c: set() for c in cards}
        for card, crit, value in s.exec(select(Score.scorecard_id, Score.criterion_id,
                                               Score.value)).all():
            rows[card].add((crit, value))
        for card in cards:
            assert _stored_pairs(s, card) == rows[card], card
            assert _stored_sums(s, card) == pytest.approx(_sums_from_rows(s, card), rel=1e-12)
        # The trigger is on again after the bulk load.
        card = cards[0]
        s.connection().execute(text("DELETE FROM score WHERE scorecard_id = :c"), {"c": card})
        s.commit()
        assert _stored_pairs(s, card) == set()


def test_a_submitted_card_without_score_rows_reads_as_no_scores(session, make, panel):
    # Not something the app makes, but an old import or a repair could: nothing to unpack.
    interview, (one, two) = panel
    empty = make.scorecard(interview, one, [3, 3, 3, 3])
    make.scorecard(interview, two, [4, None, 2, 5])
    session.connection().execute(text("DELETE FROM score WHERE scorecard_id = :c"),
                                 {"c": empty.id})
    session.commit()
    scores, cards = history.submitted_scores(session)
    assert sorted(cards["panelist_id"]) == sorted([one.id, two.id])
    assert len(scores) == 4 and set(scores["panelist_id"]) == {two.id}


def test_sums_weigh_the_assessed_scores_only():
    assert score_pairs.sums([(1.0, 4), (2.0, 5), (1.5, None)]) == (14.0, 3.0)
    assert score_pairs.sums([(1.5, None)]) == score_pairs.sums([]) == (0.0, 0.0)


def test_encode_and_decode_are_one_format():
    scores = [(12, 4), (13, 5), (14, None)]
    assert score_pairs.encode(scores) == "12 4 13 5 -14 0"
    assert score_pairs.pairs("12 4 13 5 -14 0") == scores
    assert score_pairs.pairs("") == score_pairs.pairs(None) == []
    per_card, criterion, values = score_pairs.decode(["12 4", None, "13 5 -14 0"])
    assert per_card.tolist() == [1, 0, 2]
    assert criterion.tolist() == [12, 13, 14]
    assert values[:2].tolist() == [4.0, 5.0] and np.isnan(values[2])
    with pytest.raises(ValueError, match="malformed"):
        score_pairs.decode(["12 4 13"])
