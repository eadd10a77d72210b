"""Small shared widgets: the interview's place line; a saved form's record kept selected
whatever run a double-click's second click interrupts."""

import pytest
from streamlit.testing.v1 import AppTest

from services import i18n
from tests.apptest import choice_box, toasts
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


def _form_page(second_click_at: str):
    """A form under a "New" picker, drawn as pages/candidates.py draws its own; the service
    adds to a plain dict, and a double-click's second click (the first click's widget states
    sent again) reaches the server at `second_click_at`: "write", while the first click's run
    writes the record, or "picker", while the run after the save draws the picker (there the
    states without the button's trigger: any request at all)."""
    import streamlit as st
    from sqlmodel import SQLModel
    from streamlit.proto.WidgetStates_pb2 import WidgetStates
    from streamlit.runtime.scriptrunner import get_script_run_ctx
    from streamlit.runtime.scriptrunner_utils.script_requests import RerunData

    from ui import flash
    from ui.widgets import current_choice, save_record

    class Record(SQLModel):
        id: int
        name: str

    ctx = get_script_run_ctx()
    records = st.session_state.setdefault("records", {})
    click = st.session_state.setdefault("click", {})

    def second_click(where: str) -> None:
        if where == second_click_at and "states" in click and not click.get("sent"):
            click["sent"] = True
            states = WidgetStates()
            states.CopyFrom(click["states"])
            if where == "picker":  # whatever it sends: here without the button's trigger
                kept = [w for w in states.widgets if w.WhichOneof("value") != "trigger_value"]
                del states.widgets[:]
                states.widgets.extend(kept)
            ctx.script_requests.request_rerun(RerunData(
                query_string=ctx.query_string, page_script_hash=ctx.page_script_hash,
                widget_states=states))

    def create(_session, _viewer, payload):
        records[len(records) + 1] = payload["name"]
        second_click("write")
        return Record(id=len(records), name=payload["name"])

    def update(_session, _viewer, record_id, payload):
        records[record_id] = payload["name"]
        return Record(id=record_id, name=payload["name"])

    def label(i):
        if i == len(records) > 0:  # the new record's label: the run after the save
            second_click("picker")
        return "New" if i == 0 else records[i]

    flash.show()
    choice = current_choice("Edit", [0, *records], key="edit", format_func=label)
    with st.form(f"form_{choice}"):
        name = st.text_input("Name", value=records.get(choice, ""), key=f"name_{choice}")
        if st.form_submit_button("Save", key=f"submit_{choice}"):
            click.setdefault("states", WidgetStates(widgets=ctx.session_state.get_widget_states()))
            save_record(create, update, None, None if choice == 0 else choice, {"name": name},
                        key="edit", done=("{name} added.", "{name} saved."), not_saved="No")


@pytest.mark.parametrize("second_click_at", ["write", "picker"])
def test_a_second_click_arriving_mid_run_adds_nothing_and_keeps_the_record_selected(
        second_click_at, monkeypatch):
    # Every st.session_state access is a point where Streamlit ends a run for a newer request:
    # a second click arriving while the record is written, or while the run after the save
    # draws the picker, must leave one record, selected, and the creation confirmed.
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    at = AppTest.from_function(_form_page, args=(second_click_at,), default_timeout=30).run()
    at.text_input(key="name_0").input("Ingrid")
    at.button(key="submit_0").click().run()
    assert not at.exception
    assert at.session_state["click"]["sent"]
    assert at.session_state["records"] == {1: "Ingrid"}
    assert choice_box(at, "edit").value == 1
    assert toasts(at) == ["Ingrid added."]
    # The box is drawn at its default: a browser that never saw the run which moved it (one
    # ended by that second click) shows the saved record too, not "New".
    assert choice_box(at, "edit").proto.default == 1


def _picker_page():
    import streamlit as st

    from ui.widgets import current_choice

    names = st.session_state.setdefault("names", {1: "Ada"})
    current_choice("Edit", [0, *names], key="edit", select=st.session_state.pop("go", None),
                   format_func=lambda i: "New" if i == 0 else names[i])


def test_a_chosen_record_is_the_boxs_default_whatever_moved_it():
    at = AppTest.from_function(_picker_page, default_timeout=30).run()
    assert choice_box(at, "edit").value == 0 and choice_box(at, "edit").proto.default == 0
    choice_box(at, "edit").set_value(1).run()  # chosen in the browser
    assert choice_box(at, "edit").proto.default == 1
    at.session_state["names"] = {1: "Ada", 2: "Grace"}  # new labels: a box new to the browser
    at.run()
    assert choice_box(at, "edit").value == 1 and choice_box(at, "edit").proto.default == 1
    at.session_state["go"] = 2  # a link or a save selects another: moved through state
    at.run()
    assert choice_box(at, "edit").value == 2
    at.run()  # the next run draws it at that default
    assert choice_box(at, "edit").value == 2 and choice_box(at, "edit").proto.default == 2
    assert not at.exception and not at.warning
