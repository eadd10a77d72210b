"""models.common: the words for counts of stored things (the demo loader's and imports' reports)."""

from models import SeatStatus, count_label
from services import i18n


def test_counts_are_worded_by_number_and_language():
    assert count_label("candidates", 1) == "1 candidate"
    assert count_label("criteria", 2) == "2 criteria"
    assert count_label(SeatStatus.not_started, 3) == "3 not started"
    assert count_label("candidates", 12000) == "12,000 candidates"
    with i18n.language("fr"):
        assert count_label("candidates", 2) == "2 candidats"


def test_an_unknown_kind_is_written_as_its_name():
    assert count_label("audit_entries", 4) == "4 audit entries"
