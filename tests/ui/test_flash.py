"""ui.flash: confirmations that survive the rerun, each with its icon."""

from streamlit.testing.v1 import AppTest

from tests.apptest import toasts


def _page():
    import streamlit as st

    from ui import flash

    if not st.session_state.get("queued"):
        st.session_state["queued"] = True
        flash.later("Interview changed.")
        flash.later("No mail server is configured: tell the panel yourself.",
                    icon=flash.NOTICE)
        st.rerun()
    flash.show()


def test_a_notice_keeps_its_own_icon_beside_a_confirmation():
    at = AppTest.from_function(_page, default_timeout=30).run()
    assert not at.exception
    icons = dict(zip(toasts(at), (t.icon for t in at.toast), strict=True))
    assert icons == {"Interview changed.": ":material/check_circle:",
                     "No mail server is configured: tell the panel yourself.":
                         ":material/info:"}


def _named(name: str):
    import streamlit as st

    from ui import flash

    if not st.session_state.get("queued"):
        st.session_state["queued"] = True
        flash.later(f"Candidate {name} added.")
        st.rerun()
    flash.show()


def test_a_name_in_a_confirmation_is_text_not_markdown():
    # A name as typed on Candidates: an image from another host and a link, were it Markdown.
    name = "Img ![x](http://evil.example/x.png) [Reset password](https://evil.example/p) **b**"
    at = AppTest.from_function(_named, args=(name,), default_timeout=30).run()
    assert not at.exception
    (shown,) = [t.value for t in at.toast]
    assert "![" not in shown and "](" not in shown and "**" not in shown
    assert toasts(at) == [f"Candidate {name} added."]
