"""The recruiter's day in the app: panel warnings, and the new pages for every role."""

import re
from contextlib import contextmanager

import pytest
from sqlalchemy import event
from sqlmodel import select

from models import AuditEvent, Candidate, Interview, Position, User
from services.db import get_engine
from services.errors import InvalidInput
from services.interviews import panel_warnings
from services.positions import (
    create_position,
    criteria_of,
    current_template,
    default_template,
    position_form_data,
    update_position,
)
from tests.apptest import all_text, app_as, choice_box, page_alone, toasts
from tests.conftest import count, world_fixture

NEW_PAGES = {"pages/import_candidates.py": {"admin", "recruiter"},
             "pages/overdue.py": {"admin", "recruiter"},
             "pages/exports.py": {"admin", "hiring_manager"}}


@world_fixture
def world(session, make):
    users = {r: make.user(r, name=f"{r} user") for r in
             ("admin", "recruiter", "hiring_manager", "panelist")}
    colleague = make.user(name="Tea Teammate")
    colleague.team = "Platform"
    session.add(colleague)
    session.commit()
    position = make.position(manager=users["hiring_manager"], title="Backend Engineer",
                             team="Platform")
    cara = make.candidate(position, name="Cara Candidate")
    return {**users, "colleague": colleague, "position": position, "cara": cara}


@pytest.mark.parametrize("page", sorted(NEW_PAGES))
@pytest.mark.parametrize("role", ["admin", "recruiter", "hiring_manager", "panelist"])
def test_new_pages_open_for_their_roles_only(world, page, role):
    if role in NEW_PAGES[page]:
        at = app_as(world[role].id, page)
        assert not at.exception
        assert not any("do not have access" in e.value for e in at.error)
    else:
        at = page_alone(world[role].id, page)
        assert [e.value for e in at.error] == ["You do not have access to this page."]
        assert "Cara Candidate" not in all_text(at)


def test_panel_warnings_name_a_small_panel_and_a_missing_team(session, world):
    others = [world["panelist"].id, world["admin"].id]
    assert panel_warnings(session, world["cara"].id, others) == [
        "No one on the panel is from the position's team (Platform); the future colleagues' "
        "view is missing."]
    assert "needs at least 2" in panel_warnings(session, world["cara"].id, others[:1])[0]
    assert panel_warnings(session, world["cara"].id,
                          [world["panelist"].id, world["colleague"].id]) == []


def _schedule(at, world, people):
    at.selectbox(key="iv_candidate").select(world["cara"].id)
    for i, user in enumerate(people):
        at.selectbox(key=f"iv_user_{i}").select(user.id)
    return at.button(key="iv_submit").click().run()


def test_scheduling_without_the_team_warns_but_schedules(session, world):
    at = app_as(world["recruiter"].id, "pages/interviews.py")
    _schedule(at, world, [world["panelist"], world["admin"]])
    assert not at.exception
    assert any(t.startswith("Interview scheduled: ") for t in toasts(at))
    assert any("position's team (Platform)" in w.value for w in at.warning)
    assert count(session, Interview) == 1


def test_a_one_person_panel_is_refused_with_a_warning(session, world):
    at = app_as(world["recruiter"].id, "pages/interviews.py")
    _schedule(at, world, [world["colleague"]])
    assert any("needs at least 2" in w.value for w in at.warning)
    assert "Interview not scheduled" in all_text(at)
    assert count(session, Interview) == 0
    assert session.get(User, world["colleague"].id).team == "Platform"


# -------------------------------------------- a save repeated by a double-click (issue 12)
# The second click of a double-click can land after the first click's rerun, on the form that
# run drew: the saved record's edit form, or the emptied schedule form. It is the first save
# again: the creation is confirmed again and nothing is written.

WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b.*?\b(position|candidate|interview|panelmember"
                   r"|criterion|scorecardtemplate|auditevent)\b", re.I | re.S)


@contextmanager
def _writes():
    """The app's INSERT/UPDATE/DELETE statements on recruiting tables while the block runs."""
    seen = []

    def spy(_conn, _cursor, statement, *_args):
        if WRITE.match(statement):
            seen.append(statement)

    engine = get_engine()
    event.listen(engine, "before_cursor_execute", spy)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", spy)


def _toasts(at) -> list[str]:
    return toasts(at)


def _created(session, world, page: str, prefix: str, column, **fields):
    """The page as the recruiter after saving a new record with these text fields (the first
    one names it: `column`), and the record."""
    at = app_as(world["recruiter"].id, page)
    for name, value in fields.items():
        at.text_input(key=f"{prefix}_{name}_0").input(value)
    at.button(key=f"{prefix}_submit_0").click().run()
    model = column.class_
    return at, session.exec(select(model).where(column == next(iter(fields.values())))).one()


def test_saving_a_new_position_twice_confirms_the_creation_and_writes_once(session, world):
    at, saved = _created(session, world, "pages/positions.py", "pos", Position.title,
                         title="Data Engineer", team="Insights")
    assert choice_box(at, "position_edit").value == saved.id
    audit_rows = count(session, AuditEvent)
    with _writes() as writes:  # the second click, on the saved position's own form
        at.button(key=f"pos_submit_{saved.id}").click().run()
    assert not at.exception
    assert "Position 'Data Engineer' created." in _toasts(at)
    assert "Position 'Data Engineer' saved." not in _toasts(at)
    assert writes == []
    assert count(session, AuditEvent) == audit_rows
    assert len(session.exec(select(Position).where(Position.title == "Data Engineer")).all()) == 1


def test_a_real_edit_after_creating_is_saved_and_says_so(session, world):
    at, saved = _created(session, world, "pages/positions.py", "pos", Position.title,
                         title="Data Engineer")
    at.text_input(key=f"pos_team_{saved.id}").input("Insights")
    at.button(key=f"pos_submit_{saved.id}").click().run()
    assert not at.exception
    assert "Position 'Data Engineer' saved." in _toasts(at)
    session.expire_all()
    assert session.get(Position, saved.id).team == "Insights"


def test_saving_a_new_candidate_twice_confirms_the_addition_and_writes_once(session, world):
    at, saved = _created(session, world, "pages/candidates.py", "cand", Candidate.name,
                         name="Ingrid Solberg", email="ingrid@example.com")
    with _writes() as writes:
        at.button(key=f"cand_submit_{saved.id}").click().run()
    assert not at.exception
    assert "Candidate Ingrid Solberg added." in _toasts(at)
    assert "Candidate Ingrid Solberg saved." not in _toasts(at)
    assert writes == []
    assert count(session, Candidate) == 2  # Cara and Ingrid


def test_a_second_click_from_the_form_still_shown_as_new_creates_nothing_more(session, world):
    at, saved = _created(session, world, "pages/candidates.py", "cand", Candidate.name,
                         name="Ingrid Solberg")
    # The second click reached the server before the browser drew the saved candidate's form.
    choice_box(at, "candidate_edit").set_value(0).run()
    at.text_input(key="cand_name_0").input("Ingrid Solberg")
    with _writes() as writes:
        at.button(key="cand_submit_0").click().run()
    assert not at.exception
    assert _toasts(at) == ["Candidate Ingrid Solberg added."]
    assert writes == []
    assert choice_box(at, "candidate_edit").value == saved.id
    assert len(session.exec(select(Candidate).where(Candidate.name == "Ingrid Solberg")).all()) \
        == 1


def test_scheduling_twice_with_the_same_form_confirms_the_scheduling(session, world):
    at = app_as(world["recruiter"].id, "pages/interviews.py")
    people = [world["panelist"], world["colleague"]]
    _schedule(at, world, people)
    with _writes() as writes:  # the same form sent again (the second click of a double-click)
        _schedule(at, world, people)
        at.button(key="iv_submit").click().run()  # ...or a click on the emptied form
    assert not at.exception
    assert any(t.startswith("Interview scheduled: Cara Candidate") for t in _toasts(at))
    assert not any("nothing was added" in t for t in _toasts(at))
    assert "Interview not scheduled" not in all_text(at)
    assert writes == []
    assert count(session, Interview) == 1


def test_an_interview_another_session_scheduled_is_reported_as_already_there(session, world):
    people = [world["panelist"], world["colleague"]]
    _schedule(app_as(world["recruiter"].id, "pages/interviews.py"), world, people)
    at = app_as(world["admin"].id, "pages/interviews.py")
    _schedule(at, world, people)
    assert not at.exception
    assert any("already has this interview" in t and "nothing was added" in t
               for t in _toasts(at))
    assert count(session, Interview) == 1


# ---------------------------------------------------------------- the position form in French

ENGLISH_POSITION_WORDS = ["Save position", "Salary band minimum", "Language of the scorecard",
                          "New position", "Hiring manager", "Rating scale"]


def _speaks_french(session, user):
    user.language = "fr"
    session.add(user)
    session.commit()


def test_the_position_form_speaks_french_to_a_french_user(session, world):
    _speaks_french(session, world["recruiter"])
    at = app_as(world["recruiter"].id, "pages/positions.py")
    assert not at.exception
    assert [t.value for t in at.title] == ["Postes"]
    assert choice_box(at, "position_edit").label == "Modifier"
    assert at.selectbox(key="pos_language_0").label == "Langue de la fiche d’évaluation"
    assert at.text_input(key="pos_title_0").label == "Titre"
    assert at.text_input(key="pos_smin_0").label == "Minimum de la fourchette salariale"
    assert at.button(key="pos_submit_0").label == "Enregistrer le poste"
    shown = all_text(at) + " ".join(b.label for b in at.button)
    assert not [w for w in ENGLISH_POSITION_WORDS if w in shown]
    # The list: French headings, the salary band the French way, the language by its name.
    table = at.dataframe[0].value
    assert list(table.columns) == ["Titre", "Équipe", "Tâches", "Fourchette salariale",
                                   "Langue de la fiche d’évaluation",
                                   "Gestionnaire d’embauche"]
    assert table.iloc[0]["Fourchette salariale"] == "50\u00a0000\u00a0€ – 70\u00a0000\u00a0€"
    assert table.iloc[0]["Langue de la fiche d’évaluation"] == "English"


def test_a_new_position_takes_the_organisation_language_by_default(session, world):
    from services.i18n import language
    from services.settings import set_setting

    set_setting(session, "language", "fr")
    # The page is in French too (the organisation's language); AppTest formats the pickers'
    # options outside the app's run, so the test speaks French where it drives them.
    with language("fr"):
        at = app_as(world["recruiter"].id, "pages/positions.py")
        assert at.selectbox(key="pos_language_0").value == "fr"
        at.text_input(key="pos_title_0").input("Analyste de données")
        at.button(key="pos_submit_0").click().run()
    assert not at.exception
    saved = session.exec(select(Position).where(Position.title == "Analyste de données")).one()
    assert saved.language == "fr"
    assert any("Analyste de données" in t for t in toasts(at))


def test_the_chosen_language_is_saved_and_listed(session, world):
    at = app_as(world["recruiter"].id, "pages/positions.py")
    assert at.selectbox(key="pos_language_0").value == "en"
    at.text_input(key="pos_title_0").input("Analyste")
    at.selectbox(key="pos_language_0").select("fr")
    at.button(key="pos_submit_0").click().run()
    assert not at.exception
    saved = session.exec(select(Position).where(Position.title == "Analyste")).one()
    assert saved.language == "fr"
    rows = at.dataframe[0].value.set_index("Title")
    assert rows.loc["Analyste", "Language of the scorecard"] == "Français"
    # The default template left untouched was built by the service (in the chosen language).
    template = current_template(session, saved.id)
    assert len(criteria_of(session, template.id)) == len(default_template("fr"))


def test_a_bad_language_is_refused_with_a_clear_message_and_nothing_written(session, make,
                                                                             world):
    before = count(session, Position)
    data = {"title": "Tester", "language": "klingon"}
    with pytest.raises(InvalidInput) as err:
        create_position(session, make.viewer(world["recruiter"]), data)
    assert err.value.problems == ["Language: must be one of en (English), fr (Français)"]
    assert count(session, Position) == before
    position = world["position"]
    form = position_form_data(session, position.id)
    form.pop("template_version")
    with pytest.raises(InvalidInput, match="Language: must be one of en"):
        update_position(session, make.viewer(world["recruiter"]), position.id,
                        {**form, "language": "de"})
    session.expire_all()
    assert session.get(Position, position.id).language == "en"


def test_a_bad_language_is_refused_in_french_too(session, make, world):
    from services.i18n import language

    with language("fr"), pytest.raises(InvalidInput) as err:
        create_position(session, make.viewer(world["recruiter"]),
                        {"title": "Testeur", "language": "xx"})
    assert err.value.problems[0].endswith(
        "doit être l’une de ces valeurs : en (English), fr (Français)")


def test_a_position_without_criteria_starts_from_the_default_template(session, make, world):
    position = create_position(session, make.viewer(world["recruiter"]),
                               {"title": "Sans critères"})
    assert position.language == "en"
    template = current_template(session, position.id)
    assert [c.name for c in criteria_of(session, template.id)] == [
        c["name"] for c in default_template("en")]


def _english_msgids(page: str) -> list[str]:
    """The page's English messages of two words or more that French says differently."""
    from tests.i18n_catalogue import extracted, translations

    french = translations("fr")
    ids = {m for _line, m in extracted(page) if isinstance(m, str)}
    return [m for m in ids if " " in m and "{" not in m and "**" not in m
            and m in french and french[m].string != m]


FRENCH_TITLES = {"pages/positions.py": "Postes", "pages/candidates.py": "Candidats",
                 "pages/interviews.py": "Entrevues", "pages/import_candidates.py": "Importer",
                 "pages/overdue.py": "Fiches en retard",
                 "pages/privacy.py": "Données des candidats"}


@pytest.mark.parametrize("page", sorted(FRENCH_TITLES))
def test_every_recruiter_page_renders_in_french_without_english_left(session, make, world,
                                                                     page):
    _speaks_french(session, world["admin"])
    # An interview two days ago with no card in: the overdue page and the interviews table
    # have rows to show.
    make.interview(world["cara"], [world["panelist"], world["colleague"]], days_ago=2)
    at = app_as(world["admin"].id, page)
    assert not at.exception
    assert [t.value for t in at.title] == [FRENCH_TITLES[page]]
    shown = "\n".join([all_text(at), *(b.label for b in at.button),
                       *(t.label for t in at.text_input), *(t.label for t in at.text_area),
                       *(n.label for n in at.number_input), *(tab.label for tab in at.tabs)])
    assert not [m for m in _english_msgids(page) if m in shown]


def test_a_salary_typed_wrong_is_refused_by_name_and_kept_in_the_box(session, world):
    # A number box would have read "1e308" as 1 and emptied itself on 400 digits, saying
    # "saved" either way; the text box's value goes through the schema (models.common).
    at = app_as(world["recruiter"].id, "pages/candidates.py")
    at.text_input(key="cand_name_0").input("Ola Amount")
    for typed, problem in (("1e308", "Salary expectation: '1e308' is not a whole amount of "
                                     "money"),
                           ("9" * 400, "Salary expectation: must be at most 2,000,000,000")):
        at.text_input(key="cand_salary_0").input(typed)
        at.button(key="cand_submit_0").click().run()
        assert not at.exception
        assert problem in all_text(at)
        assert at.text_input(key="cand_salary_0").value == typed
        assert not session.exec(select(Candidate).where(Candidate.name == "Ola Amount")).all()
    at.text_input(key="cand_salary_0").input("65 000")
    at.button(key="cand_submit_0").click().run()
    assert not at.exception
    saved = session.exec(select(Candidate).where(Candidate.name == "Ola Amount")).one()
    assert saved.salary_expectation == 65000
