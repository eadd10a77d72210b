"""Every page, for every role, rendered in French on the demo data: no English message that the
catalogue translates may show, and some French does (issue 13, point 1).

A leak is a rendered string (markdown, caption, title, label, option, help, button, alert,
tab, expander, metric, table header or cell, chart title) that equals an English msgid with a
French translation, or contains a multi-word one as a whole phrase: text that should have gone
through `_()` and did not. Stored data (names, notes, criteria of an English position) is
masked first: it is shown in the language it was written in.

Speed: one SQLite database for the module (the demo set, users switched to French), one
AppTest per page and role. Rendering does not depend on the database engine, so PostgreSQL is
left to the other AppTests.
"""

import json
import re
import shutil
from functools import cache

import pytest
from sqlalchemy import JSON, String, Text
from sqlalchemy import select as sa_select
from sqlmodel import Session, SQLModel, select
from sqlmodel.sql.sqltypes import AutoString

from models import Role, User
from services import auth
from services.db import get_engine
from services.settings import set_setting
from tests.apptest import app_as, html_texts, page_alone
from tests.conftest import PASSWORD
from tests.i18n_catalogue import translations
from ui.guard import pages_for

# French every page of its kind shows (besides the menu and the Log out button in French).
FRENCH = {
    "pages/account.py": ["Mon compte", "Langue et fuseau horaire", "Changer le mot de passe"],
    "pages/settings.py": ["Paramètres", "Langue par défaut", "Enregistrer les paramètres"],
    "pages/users.py": ["Utilisateurs", "Ajouter un utilisateur", "Rôles"],
    "pages/audit.py": ["Journal d’audit", "Quoi", "Qui"],
    "pages/overview.py": ["Vue d’ensemble", "Fiches reçues", "Membres du comité"],
    "pages/my_interviews.py": ["Mes entrevues"], "pages/scorecard.py": ["Fiche d’évaluation"],
    "pages/dashboard.py": ["Tableau de bord"], "pages/calibration.py": ["Étalonnage"],
    "pages/positions.py": ["Postes"], "pages/candidates.py": ["Candidats"],
    "pages/interviews.py": ["Entrevues"], "pages/import_candidates.py": ["Importer"],
    "pages/overdue.py": ["Fiches en retard"], "pages/exports.py": ["Exportations"],
    "pages/privacy.py": ["Données des candidats"],
}
EVERYWHERE = ["Se déconnecter partout"]
DEMO_ROLES = {"panelist": "aiko.tanaka@example.com", "recruiter": "priya.raman@example.com",
              "hiring_manager": "daniel.okafor@example.com", "admin": "morgan.keller@example.com"}
ALL_ROLES = "all.roles@example.com"


@pytest.fixture(scope="module")
def french_demo(demo_sqlite_template, tmp_path_factory):
    """The demo set on one SQLite file (a copy of the session's demo template), every user
    reading French, plus one user with every role; DATABASE_URL points the app at it for the
    module."""
    path = tmp_path_factory.mktemp("i18n-pages") / "demo.db"
    shutil.copy(demo_sqlite_template, path)
    url = f"sqlite:///{path}"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DATABASE_URL", url)
        with Session(get_engine(url), expire_on_commit=False) as s:
            auth.create_user(s, {"name": "Alex Allroles", "email": ALL_ROLES,
                                 "roles": [r.value for r in Role], "password": PASSWORD})
            for user in s.exec(select(User)).all():
                user.language = "fr"
                s.add(user)
            s.commit()
            users = {role: auth.user_by_email(s, email) for role, email in
                     {**DEMO_ROLES, "all_roles": ALL_ROLES}.items()}
            data = stored_text(s)
        yield {"url": url, "users": users, "data": data}
    get_engine(url).dispose()


def stored_text(session: Session) -> set[str]:
    """Every text value in the database: what people wrote is shown as they wrote it."""
    found: set[str] = set()

    def add(value):
        if isinstance(value, str) and value.strip():
            found.add(_norm(value))
        elif isinstance(value, dict):
            for v in value.values():
                add(v)
        elif isinstance(value, list):
            for v in value:
                add(v)

    for table in SQLModel.metadata.sorted_tables:
        text_types = String | Text | JSON | AutoString
        columns = [c for c in table.columns if isinstance(c.type, text_types)]
        if not columns:
            continue
        for row in session.execute(sa_select(*columns)).all():
            for value in row:
                add(json.loads(value) if isinstance(value, str) and value[:1] in "[{"
                    and _is_json(value) else value)
    return found


def _is_json(value: str) -> bool:
    try:
        json.loads(value)
    except ValueError:
        return False
    return True


def _norm(text: str) -> str:
    """What a person reads: markdown escapes, emphasis and code marks, invisible joiners off."""
    text = str(text).replace("\\", "").replace("\u2060", "").replace("**", "")
    return re.sub(r"\s+", " ", text.replace("`", "")).strip()


# ------------------------------------------------------------------ the English to look for

@cache
def english() -> dict:
    """The English msgids a French page must not show: those whose French differs."""
    entries = translations("fr")
    french: list[str] = []
    for entry in entries.values():
        french.extend([entry.string] if isinstance(entry.string, str) else entry.string)
    french_text = "\n".join(_norm(f) for f in french)
    exact: dict[str, str] = {}
    # (msgid, its pattern, the longest literal part of the msgid: a text without that part
    # cannot match, and `in` is far cheaper than a search over a page's thousands of strings)
    patterns: list[tuple[str, re.Pattern, str]] = []
    for entry in entries.values():
        ids = [entry.id] if isinstance(entry.id, str) else list(entry.id)
        forms = [entry.string] if isinstance(entry.string, str) else list(entry.string)
        for msgid in ids:
            text = _norm(msgid)
            if text in {_norm(f) for f in forms}:
                continue  # the same in both languages ("Administration")
            literal = re.sub(r"\{[^{}]*\}", " ", text)
            letters = re.findall(r"[A-Za-z]{2,}", literal)
            if not letters:
                continue  # "{heading}:" says nothing in any language
            # Bounded gaps: an unbounded ".*?" backtracks for minutes over a long page text.
            gap = r"\S[^\n]{0,120}?"
            parts = re.split(r"\{[^{}]*\}", text)
            regex = gap.join(re.escape(part) for part in parts)
            literal_part = max(parts, key=len)
            if "{" not in text:
                exact[text] = msgid
            elif len(letters) >= 2:
                # ("{a} of {b}" alone would match any "Head of Sales (2)": too weak to judge.)
                patterns.append((msgid, re.compile(rf"^{regex}$"), literal_part))
            # A phrase of two words or more, which French text never uses as such.
            if len(letters) >= 2 and not re.search(rf"(?<!\w){regex}(?!\w)", french_text):
                patterns.append((msgid, re.compile(rf"(?<!\w){regex}(?!\w)"), literal_part))
    return {"exact": exact, "patterns": patterns}


def leaks_in(text: str, data: set[str]) -> list[str]:
    """The English msgids `text` shows (after masking the stored data it contains)."""
    text = _norm(text)
    if not text or text in data:
        return []
    found = [english()["exact"][text]] if text in english()["exact"] else []
    # Masking the data only removes text, so the patterns that can match are among these.
    patterns = [(m, p) for m, p, part in english()["patterns"] if part in text]
    if any(p.search(text) for _m, p in patterns):
        for d in sorted((d for d in data if len(d) > 3 and d in text), key=len, reverse=True):
            text = text.replace(d, "\0")
        found += [m for m, p in patterns if p.search(text)]
    return sorted(set(found))


# ------------------------------------------------------------------ what a page shows

def _walk(node):
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _walk(child)


def rendered(at) -> list[str]:
    """Every string the page shows a person (see the module docstring)."""
    out: list[str] = []
    for node in _walk(at._tree):
        for attr in ("value", "label", "help", "placeholder", "body"):
            try:
                value = getattr(node, attr, None)
            except Exception:  # some elements compute value from widget state
                value = None
            if isinstance(value, str):
                out.append(value)
        options = getattr(node, "options", None)
        if isinstance(options, list | tuple):
            out.extend(str(o) for o in options)
        proto = getattr(node, "proto", None)
        kind = getattr(node, "type", "")
        if kind == "arrow_data_frame":
            frame = node.value
            out.extend(str(c) for c in frame.columns)
            for column in frame.columns:
                out.extend(v for v in frame[column].tolist() if isinstance(v, str))
        elif kind == "html" and proto is not None:  # ui.text's tables and figures
            out.extend(html_texts(proto.body))
        elif kind == "plotly_chart" and proto is not None:
            out.extend(_figure_text(json.loads(proto.spec)))
        elif proto is not None and hasattr(proto, "label") and isinstance(proto.label, str):
            out.append(proto.label)
    return [s for s in out if s and s.strip()]


def _figure_text(figure: dict) -> list[str]:
    layout = figure.get("layout", {})
    texts = []
    for part in layout.values():
        if isinstance(part, dict) and isinstance(part.get("title"), dict):
            texts.append(part["title"].get("text") or "")
    if isinstance(layout.get("title"), dict):
        texts.append(layout["title"].get("text") or "")
    return [re.sub(r"<[^>]+>", " ", t) for t in texts if t]


def _cases():
    for role in ("panelist", "recruiter", "hiring_manager", "admin", "all_roles"):
        holds = {"all_roles": {r.value for r in Role}, "recruiter": {"recruiter", "panelist"},
                 "hiring_manager": {"hiring_manager", "panelist"}}.get(role, {role})
        viewer = auth.Viewer(id=0, name="", email="", roles=frozenset(holds))
        for page in pages_for(viewer):
            yield pytest.param(role, page.path, id=f"{role}-{page.path.split('/')[-1][:-3]}")


@pytest.mark.parametrize(("role", "page"), list(_cases()))
def test_every_page_shows_french_and_no_translated_english(french_demo, role, page):
    user = french_demo["users"][role]
    at = app_as(user.id, page, timeout=90)
    assert not at.exception, at.exception
    strings = rendered(at)
    text = "\n".join(_norm(s) for s in strings)
    leaks = sorted({m for s in strings for m in leaks_in(s, french_demo["data"])})
    missing = [w for w in EVERYWHERE + FRENCH.get(page, []) if w not in text]
    problems = [f"English shown: {m!r}" for m in leaks] + [f"no {w!r}" for w in missing]
    assert not problems, "\n".join(problems)


def test_a_refused_page_says_so_in_french(french_demo):
    at = page_alone(french_demo["users"]["panelist"].id, "pages/users.py")
    assert not at.exception
    assert [e.value for e in at.error] == ["Vous n’avez pas accès à cette page."]


def test_login_follows_the_organisation_language_before_anyone_logs_in(french_demo):
    with Session(get_engine(french_demo["url"])) as s:
        set_setting(s, "language", "fr")
    try:
        at = app_as(None)
        assert not at.exception
        text = "\n".join(_norm(s) for s in rendered(at))
        assert "Mot de passe" in text and "Se connecter" in text
        assert not {m for s in rendered(at) for m in leaks_in(s, french_demo["data"])}
        assert at.session_state["language"] == "fr"
    finally:
        with Session(get_engine(french_demo["url"])) as s:
            set_setting(s, "language", "en")


def test_the_users_own_language_wins_over_the_organisation_default(french_demo):
    with Session(get_engine(french_demo["url"]), expire_on_commit=False) as s:
        set_setting(s, "language", "fr")
        user = s.get(User, french_demo["users"]["admin"].id)
        user.language = "en"
        s.add(user)
        s.commit()
    try:
        at = app_as(user.id, "pages/account.py")
        assert at.title[0].value == "My account"
        assert at.session_state["language"] == "en"
    finally:
        with Session(get_engine(french_demo["url"])) as s:
            set_setting(s, "language", "en")
            user = s.get(User, french_demo["users"]["admin"].id)
            user.language = "fr"
            s.add(user)
            s.commit()


def test_the_leak_detector_finds_english_and_spares_data():
    data = {"Backend Engineer"}
    assert leaks_in("Log out everywhere", data) == ["Log out everywhere"]
    assert leaks_in("**Users**", data) == ["Users"]
    assert "Please log in to see this page." in leaks_in(
        "Note: Please log in to see this page. Merci", data)
    assert leaks_in("Se déconnecter partout", data) == []
    assert leaks_in("Backend Engineer", data) == []
    assert leaks_in("2 sur 5 classés", data) == []
    assert leaks_in("2 of 5 ranked", data) == ["{group} of {ranked} ranked"]
