"""Small shared widgets' pure parts: the interview's place line."""

from services import i18n
from ui.text import md_escape
from ui.widgets import place


def test_a_location_is_shown_in_brackets_after_the_setting():
    assert place("office", "meeting room 3") == "Office (meeting room 3)"
    assert place("office", "") == "Office" and place("video", None) == "Video call"


def test_a_location_that_names_the_setting_is_not_doubled():
    assert place("video", "Video call (Teams), candidate at home") == md_escape(
        "Video call (Teams), candidate at home")
    with i18n.language("fr"):  # the English words are recognised in French too
        assert place("video", "Video call (Teams)") == md_escape("Video call (Teams)")
        assert place("video", "Teams") == f"{md_escape(i18n._('Video call'))} (Teams)"
