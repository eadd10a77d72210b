"""The statistics behind every number Second Look shows: pure functions over pandas DataFrames.

Nothing in this package touches Streamlit or the database; every function takes plain frames
(the score and recommendation frames of services.stats._frames, "Inputs") and returns frames,
dicts or numbers. One module per concern, each module's docstring its specification:

* aggregation  -- panelists' and candidates' scores, intervals, ranks; position_summaries, the
                  one vectorised pipeline for one position or every position at once
* ranking      -- the spread prior (empirical Bayes), letters with error control, chance of
                  being best, the ranking sentence
* agenda       -- the debrief agenda (criteria the panel disagrees on, split recommendations)
* reliability  -- ICCs and Krippendorff's alpha, with their plain-language reading
* leniency     -- panelist calibration (additive model, standard errors, enough data)
* sensitivity  -- whether one criterion's weight decides who is on top

`from services import stats; stats.candidate_summary(...)` and
`from services.stats import candidate_summary` both work: the public names are re-exported here.
"""

from services.stats import leniency, ranking
from services.stats._frames import DIMENSIONS, RECOMMENDATIONS
from services.stats.agenda import (
    AGENDA_COLUMNS,
    CRITERION_COLUMNS,
    criterion_stats,
    disagreements,
    tally_texts,
    tally_words,
)
from services.stats.aggregation import (
    PANELIST_COLUMNS,
    SUMMARY_COLUMNS,
    candidate_summary,
    organisation_prior,
    panelist_scores,
    position_summaries,
)
from services.stats.reliability import (
    CRITERION_RELIABILITY_COLUMNS,
    ICC_TYPES,
    RELIABILITY_COLUMNS,
    crossed_matrix,
    icc,
    krippendorff_alpha,
    reliability,
    reliability_by_criterion,
)
from services.stats.sensitivity import weight_sensitivity

__all__ = [
    "AGENDA_COLUMNS", "CRITERION_COLUMNS", "CRITERION_RELIABILITY_COLUMNS", "DIMENSIONS",
    "ICC_TYPES", "PANELIST_COLUMNS", "RECOMMENDATIONS", "RELIABILITY_COLUMNS", "SUMMARY_COLUMNS",
    "candidate_summary", "criterion_stats", "crossed_matrix", "disagreements", "icc",
    "krippendorff_alpha", "leniency", "organisation_prior", "panelist_scores",
    "position_summaries", "ranking",
    "reliability", "reliability_by_criterion", "tally_texts", "tally_words", "weight_sensitivity",
]
