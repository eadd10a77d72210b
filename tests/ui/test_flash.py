"""ui.flash: confirmations that survive the rerun, each with its icon."""

from streamlit.testing.v1 import AppTest


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
    icons = {t.value: t.icon for t in at.toast}
    assert icons == {"Interview changed.": ":material/check_circle:",
                     "No mail server is configured: tell the panel yourself.":
                         ":material/info:"}
