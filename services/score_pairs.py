"""scorecard.score_pairs (and the card's weighted sums): the one definition of what the
triggers write, read and written here.

A card's scores as text, "criterion_id value" pairs separated by spaces; a criterion not
assessed is its negated id with 0 ("12 4 13 5 -14 0": criterion 14 not assessed). In the app the
database writes the column, from the score rows in the same transaction (the SQL triggers of
migrations 0003 and 0006, which must write what `encode` writes); `encode` serves writers that
bypass the triggers (the benchmark generator), and every reader decodes through `decode`
(services.history.submitted_scores, a million scores at a time) or `pairs` (one card).

The same triggers keep scorecard.weighted_sum and assessed_weight (migration 0010): the sum of
weight x value over the card's assessed scores and the sum of their weights; `sums` writes
them for writers that bypass the triggers.
"""

from collections.abc import Iterable, Sequence

import numpy as np


def encode(scores: Iterable[tuple[int, int | None]]) -> str:
    """The pairs text of (criterion id, value or None for not assessed) scores."""
    return " ".join(f"{-c} 0" if v is None else f"{c} {v}" for c, v in scores)


def sums(scores: Iterable[tuple[float, int | None]]) -> tuple[float, float]:
    """(weighted_sum, assessed_weight) of (criterion weight, value or None) scores."""
    assessed = [(w, v) for w, v in scores if v is not None]
    return float(sum(w * v for w, v in assessed)), float(sum(w for w, _ in assessed))


def pairs(text: str | None) -> list[tuple[int, int | None]]:
    """One card's (criterion id, value or None) scores; "" or None holds none."""
    per_card, criterion, values = decode([text])
    return [(int(c), None if np.isnan(v) else int(v)) for c, v in zip(criterion, values,
                                                                     strict=True)]


def decode(texts: Sequence[str | None]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Many cards' pairs at once: (count of scores per card, criterion id per score, value per
    score as float, NaN when not assessed), the scores in card order. ValueError when a text is
    not whole pairs (only a hand-edited database)."""
    # Two numbers per pair: a card's count of pairs is (spaces + 1) // 2; "" or None holds none.
    per_card = np.fromiter(((p.count(" ") + 1) // 2 if p else 0 for p in texts),
                           dtype=np.int64, count=len(texts))
    text = " ".join(p for p in texts if p)
    flat = (np.fromstring(text, dtype=np.int64, sep=" ") if per_card.sum()
            else np.zeros(0, dtype=np.int64))
    del text
    if flat.size != 2 * per_card.sum():
        raise ValueError("scorecard.score_pairs is malformed")
    flat = flat.reshape(-1, 2)
    values = flat[:, 1].astype(float)
    values[flat[:, 0] < 0] = np.nan  # a negated criterion id: not assessed
    return per_card, np.abs(flat[:, 0]), values
