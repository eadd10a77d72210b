"""The interface's language and time zone for this browser session (see services.i18n).

`install` registers the resolver once per process; `choose` runs at the top of every run of
app.py and stores the session's language: the user's choice, else the browser's language
(`st.context.locale`), else the organisation default. A change on *My account* therefore applies
on the next run, without logging out. `lang_attribute` keeps `<html lang>` on that language.
"""

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from services import i18n
from services.settings import get_setting
from ui import db

LANGUAGE_KEY = "language"
TIME_ZONE_KEY = "time_zone"


def _session_value(key: str) -> str | None:
    if get_script_run_ctx(suppress_warning=True) is None:
        return None
    return st.session_state.get(key)


def install() -> None:
    """Make `services.i18n` follow this session's language and time zone."""
    i18n.set_resolver(lambda: _session_value(LANGUAGE_KEY),
                      lambda: _session_value(TIME_ZONE_KEY))


def browser_language() -> str | None:
    """The browser's language when the app has it ("fr-CA" -> "fr"), else None."""
    try:
        return i18n.normalise(st.context.locale)
    except Exception:  # no browser context (bare mode)
        return None


def choose(user_language: str | None, user_time_zone: str | None,
           default_language: str | None, default_time_zone: str | None) -> str:
    """Set this session's language and time zone for the run; returns the language."""
    install()  # idempotent; a page run without app.py must follow the session too
    lang = (i18n.normalise(user_language) or browser_language()
            or i18n.normalise(default_language) or i18n.DEFAULT_LANGUAGE)
    st.session_state[LANGUAGE_KEY] = lang
    st.session_state[TIME_ZONE_KEY] = user_time_zone or default_time_zone or i18n.DEFAULT_TIME_ZONE
    return lang


def choose_for(viewer) -> str:
    """`choose` for a viewer (or None: logged out), with the organisation defaults read from
    the database; returns the language."""
    with db.session() as s:
        return choose(viewer.language if viewer else None, viewer.time_zone if viewer else None,
                      get_setting(s, "language"), get_setting(s, "time_zone"))


def chosen() -> bool:
    """True when this session's language was chosen (app.py does it on every run)."""
    return LANGUAGE_KEY in st.session_state


LANG_KEY = "html_lang"


def lang_attribute(lang: str) -> None:
    """Keep `<html lang>` on the session's language, without taking any room on the page.

    Streamlit serves `<html lang="en">` whatever the language. A script sets the attribute; it
    runs again only when its text changes (a new language). It sits in a keyed container that
    its own style hides, with the container's wrapper (else the wrapper, 0 px high, would still
    add the column's 16 px gap).
    """
    import json

    with st.container(key=LANG_KEY):
        st.html(f"<style>.st-key-{LANG_KEY}, div:has(> .st-key-{LANG_KEY}) {{display: none;}}"
                "</style>"
                f"<script>document.documentElement.lang = {json.dumps(lang)};</script>",
                unsafe_allow_javascript=True)
