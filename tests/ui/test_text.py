"""User text reaches Markdown only in a form that shows literally."""

from ui.text import Stat, chart_text, count, html_stats, md_escape


def test_markdown_image_and_link_syntax_is_escaped():
    out = md_escape("![x](http://127.0.0.1:9/x.png) [click](javascript:alert(1)) **bold**")
    assert "![" not in out and "](" not in out and "**" not in out


def test_bare_urls_www_names_and_emails_cannot_autolink():
    out = md_escape("see http://evil.example/x www.evil.example ann@evil.example")
    assert "://" not in out
    assert "www." not in out.lower() and "www\\." not in out.lower()
    assert "n@" not in out
    # Only escapes and invisible word joiners were added: the visible text is unchanged.
    assert out.replace("\\", "").replace("\u2060", "") == (
        "see http://evil.example/x www.evil.example ann@evil.example")


def test_chart_labels_escape_html():
    assert chart_text('<a href="http://x">Bob</a>') == "&lt;a href=&quot;http://x&quot;&gt;Bob&lt;/a&gt;"


def test_count_says_one_thing_and_many_things():
    assert count(1, "scorecard") == "1 scorecard"
    assert count(0, "scorecard") == "0 scorecards"
    assert count(3, "reminder") == "3 reminders"
    assert count(2, "person", "people") == "2 people"


def test_line_breaks_of_any_kind_cannot_start_a_markdown_block():
    """CR, LF and CRLF inside user text (a pasted note, an imported cell) become spaces: inside
    one Markdown element of several blocks (the candidate's headline) a line break followed by
    "- " or "# " would start a list item or a heading of its own."""
    for text in ("one\r- two", "one\n# two", "one\r\n> two"):
        escaped = md_escape(text)
        assert "\r" not in escaped and "\n" not in escaped
        assert escaped.startswith("one ")


def test_a_row_of_figures_is_escaped_text_with_its_explanations_folded():
    from tests.apptest import html_texts

    out = html_stats([Stat("Overall", "4.26", "95% interval 3.84–4.68"),
                      Stat("<b>Name</b>", '<img src="http://evil.example/x.png">')],
                     kind="sl-test", about="What these figures mean",
                     explained=[("Overall", "Weighted <i>mean</i>")])
    assert "<img" not in out and "<b>" not in out and "<i>" not in out
    assert html_texts(out) == ["Overall", "4.26", "95% interval 3.84–4.68", "<b>Name</b>",
                               '<img src="http://evil.example/x.png">',
                               "What these figures mean", "Overall", "Weighted <i>mean</i>"]
    assert out.count("<dt>") == 3 and out.count("<details>") == 1
    assert "<details>" not in html_stats([Stat("Decided", "1")], kind="sl-test")
