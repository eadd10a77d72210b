"""The Overview page for each role: what it lists, and who is refused."""


from tests.apptest import all_text, app_as, page_alone
from tests.conftest import world_fixture

PAGE = "pages/overview.py"


@world_fixture
def org(session, make):
    """Backend (Hana's) with Cara scored by two panelists; Sales (nobody's) with Sam pending."""
    hana = make.user("hiring_manager", name="Hana Manager")
    pia, paul = make.user(name="Pia Panel"), make.user(name="Paul Panel")
    backend = make.position(manager=hana, title="Backend Engineer")
    sales = make.position(title="Sales Lead")
    iv = make.interview(make.candidate(backend, name="Cara Candidate"), [pia, paul])
    make.scorecard(iv, pia, [3, 3, 4, 4])
    make.scorecard(iv, paul, [4, 4, 3, 3])
    make.interview(make.candidate(sales, name="Sam Candidate"), [pia, paul], days_ago=3)
    return {"hana": hana, "pia": pia, "recruiter": make.user("recruiter", name="Rita"),
            "admin": make.user("admin", name="Ada Admin")}


def _positions(at):
    return at.dataframe[0].value.set_index("Position")


def test_an_admin_sees_every_position_with_its_score_figures(org):
    at = app_as(org["admin"].id, PAGE)
    assert not at.exception
    table = _positions(at)
    assert set(table.index) == {"Backend Engineer", "Sales Lead"}
    assert table.loc["Backend Engineer", "Scorecards in"] == "2 of 2"
    assert table.loc["Backend Engineer", "Leading group"] == "1 of 1 ranked"
    assert table.loc["Sales Lead", "Overdue seats"] == 2
    assert table.loc["Sales Lead", "Within 24 h"] == "0%"
    people = at.dataframe[1].value.set_index("Panelist")
    assert people.loc["Pia Panel", "Scorecards in"] == "1 of 2"


def test_a_recruiter_sees_every_position_but_no_score_figures(org):
    at = app_as(org["recruiter"].id, PAGE)
    assert not at.exception
    table = _positions(at)
    assert set(table.index) == {"Backend Engineer", "Sales Lead"}
    assert set(table["Panel agreement"]) == {"—"} and set(table["Leading group"]) == {"—"}
    assert table.loc["Backend Engineer", "Scorecards in"] == "2 of 2"
    assert "positions whose dashboard you may open" in all_text(at)


def test_a_hiring_manager_sees_only_the_positions_they_manage(org):
    at = app_as(org["hana"].id, PAGE)
    assert not at.exception
    table = _positions(at)
    assert list(table.index) == ["Backend Engineer"]
    assert table.loc["Backend Engineer", "Panel agreement"] != "—"
    assert "Sales Lead" not in all_text(at)


def test_a_panelist_is_refused(org):
    at = page_alone(org["pia"].id, PAGE)
    assert not at.exception
    assert [e.value for e in at.error] == ["You do not have access to this page."]
    assert "Backend Engineer" not in all_text(at)


def test_a_logged_out_visitor_sees_nothing(org):
    at = page_alone(None, PAGE)
    assert not at.exception
    assert any("log in" in w.value for w in at.warning)
    assert "Backend Engineer" not in all_text(at)


def test_a_hiring_manager_without_positions_is_told_so(session, make):
    at = app_as(make.user("hiring_manager").id, PAGE)
    assert not at.exception
    assert "No positions to show." in all_text(at)
