"""Company single sign-on through Streamlit's OIDC login (st.login), when configured.

With an `[auth]` section in .streamlit/secrets.toml, people log in with their company account
(Google Workspace, Microsoft Entra ID, Okta, Keycloak, ...). The identity provider proves the
email; the roles come from this app's users table. An email without an active account gets a
"no access" page and nothing else.
"""

import streamlit as st

from services import audit
from services.auth import Viewer, user_by_email, viewer_for
from services.i18n import _
from ui import db, secrets

SSO_CHECKED = "sso_checked"


def configured() -> bool:
    """True when secrets hold an [auth] section (then login goes through the provider).

    Read from Streamlit's secrets here, not through services.config: a page served on its own
    (before app.py registered the secrets reader) must know it too."""
    return secrets.section("auth") is not None


def identity() -> dict | None:
    """The provider's verified identity of this browser, or None when not signed in."""
    if not configured():
        return None
    try:
        user = st.user
        if not user.get("is_logged_in"):
            return None
        return {"email": str(user.get("email") or "").strip().lower(),
                "name": str(user.get("name") or ""),
                "email_verified": user.get("email_verified")}
    except Exception:  # st.user unavailable (no auth extra installed): nobody is signed in
        return None


def viewer_from_identity() -> Viewer | None:
    """The Viewer for the signed-in company account, or None (not signed in, or no access).

    A provider that says the email is not verified is refused; the login is audited once per
    browser session.
    """
    who = identity()
    if who is None or not who["email"] or who["email_verified"] is False:
        if who is not None:
            _audit_once("sso_refused", None, {"reason": "email not verified"})
        return None
    with db.session() as s:
        user = user_by_email(s, who["email"])
        if user is None or not user.active:
            _audit_once("sso_refused", None, {"email": who["email"],
                                               "reason": "no active account"})
            return None
        viewer = viewer_for(s, user)
    _audit_once("sso_login", viewer, {})
    return viewer


def _audit_once(action: str, viewer: Viewer | None, detail: dict) -> None:
    if st.session_state.get(SSO_CHECKED) == action:
        return
    with db.session() as s:
        audit.record(s, action, actor=viewer, entity="user",
                     entity_id=viewer.id if viewer else None, detail=detail)
        s.commit()
    st.session_state[SSO_CHECKED] = action


def refused_email() -> str | None:
    """The email of a signed-in company account that has no access here, else None."""
    who = identity()
    return who["email"] if who is not None and viewer_from_identity() is None else None


def login_button() -> None:
    """The 'log in with your company account' button."""
    if st.button(_("Log in with your company account"), type="primary", key="sso_login",
                 icon=":material/badge:"):
        st.login()


def logout() -> None:
    """End the company sign-in (removes Streamlit's identity cookie)."""
    st.logout()


def no_access_page() -> None:
    """What a signed-in company account without access sees: this, and nothing else."""
    st.title(_("No access"))
    st.text(_("You are signed in as {email}, which has no access to Second Look.").format(
        email=refused_email() or _("an unknown account")))
    st.caption(_("Ask an admin to add this email to Second Look's users."))
    if st.button(_("Sign out"), key="sso_logout", icon=":material/logout:"):
        logout()
