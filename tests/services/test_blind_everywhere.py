"""Blind scoring at every entrance: each public service function that returns candidate data,
called as someone who holds every role and sits unsubmitted on the candidate's panel, returns
nothing of the colleagues' scorecards (scores, evidence, comments, recommendations, salary heard;
the submitted card and a draft).

Every public function of every module in services/ is either CALLED here or EXCLUDED with a
reason; a new function that is neither makes `test_every_public_service_function_is_considered`
fail, so whoever adds one decides which it is.
"""

import importlib
import inspect
import io
import json
import pkgutil
import shutil
import subprocess
import typing
from dataclasses import fields, is_dataclass

import pandas as pd
import pytest
from openpyxl import load_workbook

import services
from services import (
    access,
    audit_view,
    board,
    calibration,
    candidates,
    coverage,
    exports,
    first_interview,
    history,
    interviews,
    overdue,
    overview,
    pdf_pack,
    privacy,
    report,
    scorecards,
)
from services.errors import NotAllowed
from services.viewer import Viewer
from tests.blind_panel import CARD_MARKERS, DRAFT_REC, SUBMITTED_REC, blind_panel, leaked
from tests.conftest import ROOT, world_fixture

VISIBLE_NOTE = "Visible-Bea-evidence"


class World:
    """The seated all-roles viewer, Cara's blind panel, and Bea whom the viewer may see."""

    def __init__(self, session, make):
        self.s = session
        everyone = make.user("admin", "recruiter", "hiring_manager", "panelist",
                             name="Val Everyrole")
        self.panel = blind_panel(make, session, everyone)
        self.viewer = make.viewer(everyone)
        self.position = self.panel.position
        self.cara = self.panel.cara
        self.colleagues = {self.panel.submitted.id, self.panel.draft.id}
        bea = make.candidate(self.position, name="Bea Visible")
        make.scorecard(make.interview(bea, [self.panel.submitted, self.panel.draft]),
                       self.panel.submitted, [4, 4, 4, 4], "yes", evidence=VISIBLE_NOTE)
        self.bea = bea

    @property
    def board(self):
        return board.load_board(self.s, self.position.id, self.viewer)


def _pdf_text(data: bytes, tmp_path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    path = tmp_path / "pack.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def _xlsx_text(data: bytes) -> str:
    book = load_workbook(io.BytesIO(data), read_only=True)
    return "\n".join(str(c) for sheet in book.worksheets
                     for row in sheet.iter_rows(values_only=True) for c in row if c is not None)


# name -> how to call it as the world's viewer (about Cara, or Cara's position).
CALLED = {
    "audit_view.list_events": lambda w: audit_view.list_events(w.s, viewer=w.viewer),
    "audit_view.list_candidate_events":
        lambda w: audit_view.list_candidate_events(w.s, w.cara.id, viewer=w.viewer),
    "board.load_board": lambda w: w.board,
    "board.load_candidate_panel": lambda w: board.load_candidate_panel(w.s, w.cara.id, w.viewer),
    "board.ranking_table": lambda w: board.ranking_table(w.board),
    "board.reliability": lambda w: board.reliability(w.board),
    "board.criterion_reliability": lambda w: board.criterion_reliability(w.board),
    "board.sensitivity": lambda w: board.sensitivity(w.board),
    "board.panelist_table": lambda w: board.panelist_table(w.board),
    "board.precompute": lambda w: board.precompute(w.board),
    "candidates.list_candidates": lambda w: candidates.list_candidates(w.s, w.viewer,
                                                                       w.position.id),
    "coverage.task_coverage": lambda w: coverage.task_coverage(w.s, w.viewer, w.cara.id),
    "coverage.uncovered_tasks": lambda w: coverage.uncovered_tasks(w.s, w.viewer, w.cara.id),
    "first_interview.first_scores": lambda w: first_interview.first_scores(w.s, w.viewer,
                                                                           w.cara.id),
    "first_interview.first_score_form":
        lambda w: first_interview.first_score_form(w.s, w.viewer, w.cara.id),
    "interviews.list_interviews": lambda w: interviews.list_interviews(w.s, w.viewer),
    "interviews.my_interviews": lambda w: interviews.my_interviews(w.s, w.viewer),
    "interviews.upcoming_interviews": lambda w: interviews.upcoming_interviews(w.s, w.viewer),
    "overdue.overdue_scorecards": lambda w: overdue.overdue_scorecards(w.s, w.viewer),
    "access.position_for_export": lambda w: access.position_for_export(w.s, w.viewer,
                                                                       w.position.id),
    "exports.scores_frame": lambda w: exports.scores_frame(w.s, w.viewer, w.position.id),
    "exports.scores_csv": lambda w: exports.scores_csv(w.s, w.viewer, w.position.id),
    "exports.comparison_frame": lambda w: exports.comparison_frame(w.s, w.viewer, w.position.id),
    "exports.comparison_csv": lambda w: exports.comparison_csv(w.s, w.viewer, w.position.id),
    "exports.scores_xlsx": lambda w: exports.scores_xlsx(w.s, w.viewer, w.position.id),
    "exports.export": lambda w: [exports.export(w.s, w.viewer, w.position.id, f)
                                 for f in ("csv", "xlsx")],
    "pdf_pack.debrief_pack": lambda w: pdf_pack.debrief_pack(w.s, w.viewer, w.position.id),
    "privacy.export_candidate": lambda w: privacy.export_candidate(w.s, w.cara.id,
                                                                   viewer=w.viewer),
    "privacy.past_retention": lambda w: privacy.past_retention(w.s, viewer=w.viewer),
    "report.position_report": lambda w: report.position_report(w.s, w.position.id,
                                                               viewer=w.viewer),
    "scorecards.open_scorecard": lambda w: scorecards.open_scorecard(w.s, w.viewer,
                                                                     w.panel.interview.id),
    "scorecards.amendments": lambda w: scorecards.amendments(w.s, w.viewer, w.cara.id),
    "overview.position_overview": lambda w: overview.position_overview(w.s, viewer=w.viewer),
    "overview.panelist_overview": lambda w: overview.panelist_overview(w.s, viewer=w.viewer),
    "calibration.leniency": lambda w: calibration.leniency(w.s, viewer=w.viewer),
    "calibration.visible_scores": lambda w: calibration.visible_scores(
        w.s, history.submitted_scores(w.s)[0], viewer=w.viewer),
    "scorecards.scorecard_kit": lambda w: scorecards.scorecard_kit(w.s, w.viewer,
                                                                   w.panel.interview.id),
    "scorecards.find_scorecard": lambda w: scorecards.find_scorecard(w.s, w.viewer,
                                                                     w.panel.interview.id),
    "scorecards.saved_answers": lambda w: scorecards.saved_answers(
        w.s, w.viewer, scorecards.scorecard_kit(w.s, w.viewer, w.panel.interview.id)),
    "coverage.coverage": lambda w: coverage.coverage(w.s, w.viewer, w.cara.id),
    "interviews.interview_form_data": lambda w: interviews.interview_form_data(
        w.s, w.viewer, w.panel.interview.id),
}

_GATE = "the access rule itself: answers ids, booleans or SQL conditions, no card content"
_PURE = "pure: computes over frames or a Board its caller loaded for a viewer"
_WRITE = "writes; returns only what the caller wrote or counts"
_NO_CANDIDATE = "returns no candidate data (users, settings, positions, templates, plumbing)"
# Functions that read candidate data without a viewer. Each may only be reached through a
# function above that applies services.access; test_viewerless_readers_stay_behind_the_gate
# keeps pages/ and ui/ from calling them directly.
VIEWERLESS = {
    "audit.events_for_candidate": "scorecards.amendments, after may_see_panel",
    "scores_io.export_scores": "exports.scores_frame (filtered by visible_candidates); CLI",
    "report.consensus_map": "report.position_report, for the candidates its board shows",
    "interviews.panel_of": "scorecards.open_scorecard: names and roles of the seats only",
    "interviews.get_interview": "the interview row (date, place), no card",
}
# The organisation-wide run reads every position's submitted scores without a viewer. Until the
# calibration work (issue 10 point 3, calibration part) gives them a viewer, they are listed
# here: services.calibration and the organisation_* functions of services.board.
ORGANISATION_WIDE = "viewerless organisation-wide pipeline (calibration/bench); see issue 10"

EXCLUDED = {
    **{f"access.{n}": _GATE for n in (
        "hidden_from", "is_admin", "is_recruiter", "listed_positions_clause",
        "managed_positions_clause", "manages_position", "may_read_held_cards", "may_see_panel",
        "panel_seat_allows", "panel_status", "require_admin", "require_recruiter",
        "visible_candidates", "is_on_panel", "require_seat")},
    "access.require_own_card": "the access rule itself: the viewer's own card, or a refusal",
    "first_interview.may_see_candidate_notes": _GATE,
    "audit.record": _WRITE, "audit.redact_candidate": _WRITE,
    **{f"auth.{n}": _NO_CANDIDATE for n in (
        "authenticate", "change_password", "check_password_rules", "create_user", "get_viewer",
        "hash_password", "is_locked", "list_users", "reset_password", "roles_of", "update_user",
        "user_by_email", "viewer_for")},
    "backup.backup": "operator's whole-database copy (CLI only, the file is the database)",
    "backup.restore": _WRITE,
    "board.change_marker": "counts and newest ids, a cache key",
    "board.interval_text": _PURE,
    "tables.decimal_cell": _PURE,
    "interviews.seat_role": "a seat's panel role (recruiter, superior, colleague); no scores",
    **{f"board.{n}": ORGANISATION_WIDE for n in (
        "organisation_boards", "organisation_scales", "organisation_labels")},
    "board.organisation_figures": _PURE, "board.label_figures": _PURE,
    **{f"calibration.{n}": ORGANISATION_WIDE for n in (
        "history", "min_shared", "organisation_leniency", "organisation_overview")},
    "history.submitted_scores": ORGANISATION_WIDE, "history.submitted_cards": ORGANISATION_WIDE,
    "board.organisation_prior": ORGANISATION_WIDE + " (one spread figure, no candidate's)",
    "calibration.to_common_scale": _PURE, "calibration.adjusted_summary": _PURE,
    **{f"candidate_import.{n}": _NO_CANDIDATE for n in ("guess_mapping", "read_table")},
    "candidate_import.validate_rows": "checks an uploaded table; returns its problems",
    "candidate_import.import_candidates": _WRITE,
    "candidates.create_candidate": _WRITE, "candidates.update_candidate": _WRITE,
    "consensus.record_consensus": _WRITE, "consensus.consensus_beside_independent": _PURE,
    "coverage.save_tasks_covered": _WRITE,
    **{f"db.{n}": _NO_CANDIDATE for n in (
        "alembic_config", "bulk_arrays", "check_reachable", "database_url", "fetch_rows",
        "gc_paused", "give_back_large_blocks",
        "get_engine", "is_empty", "migrate", "migration_lock", "session_scope",
        "with_driver")},
    **dict.fromkeys(("audit.action_label", "auth.lock_notice", "auth.password_help", "errors.field_label", "errors.field_messages", *(f"config.{c}" for c in ("app_url", "cli_language", "database_url", "env", "environment", "file_section", "secret_section", "set_gettext_language", "set_secrets_reader", "smtp", "sso_configured", "time_zone"))), _NO_CANDIDATE),  # noqa: E501
    "decisions.record_decision": _WRITE,
    **{f"demo.{n}": "demo data file and loader (operator)" for n in (
        "criteria_names", "demo_logins", "load_demo", "read_demo")},
    "errors.explain": _NO_CANDIDATE, "errors.validated": _NO_CANDIDATE,
    "exports.file_stem": _NO_CANDIDATE, "preferences.reader_language": _NO_CANDIDATE,
    "exports_safety.neutralise_cell": _PURE, "exports_safety.neutralise_frame": _PURE,
    "first_interview.save_first_scores": _WRITE, "first_interview.change_per_criterion": _PURE,
    "interviews.schedule_interview": _WRITE,
    "interviews.panel_warnings": "warnings about a panel being chosen (recruiters), no card",
    "interviews.is_overdue_time": _PURE,
    **{f"mailer.{n}": _NO_CANDIDATE for n in ("message", "send_all")},
    "overdue.send_reminders": _WRITE,
    "pdf_pack.label_or_blank": _PURE,
    **{f"positions.{n}": _NO_CANDIDATE for n in (
        "criteria_of", "current_template", "dashboard_positions", "granted_users",
        "position_form_data", "visible_positions")},
    **{f"positions.{n}": _WRITE for n in (
        "create_position", "set_position_access", "update_position")},
    "privacy.erase_candidate": _WRITE, "privacy.retention_days": _NO_CANDIDATE,
    "report.position_by_title": _NO_CANDIDATE, "report.report_csv": _PURE,
    **{f"scorecards.{n}": _WRITE for n in ("save_and_submit", "save_fields", "save_score",
                                           "submit")},
    **{f"scorecards.{n}": _PURE for n in ("check_score", "describe_status", "missing_items")},
    "scores_io.import_scores": _WRITE,
    **{f"score_pairs.{n}": _PURE for n in ("decode", "encode", "pairs", "sums")},
    "scores_io.parse_scale": _PURE, "scores_io.read_rows": _PURE,
    **{f"settings.{n}": _NO_CANDIDATE for n in ("demo_mode", "get_setting", "set_setting")},
    **{f"admin_settings.{n}": _NO_CANDIDATE for n in ("editable_settings", "update_settings")},
    **{f"stats.aggregation.{n}": _PURE for n in (
        "candidate_summary", "panelist_scores", "position_summaries")},
    **{f"stats.agenda.{n}": _PURE for n in ("criterion_stats", "disagreements", "tally_words",
                                            "tally_texts")},
    "stats.aggregation.organisation_prior": _PURE + " (one spread figure, no candidate's)",
    **{f"stats.reliability.{n}": _PURE for n in (
        "crossed_matrix", "icc", "krippendorff_alpha", "reliability", "reliability_by_criterion")},
    "stats.sensitivity.weight_sensitivity": _PURE,
    **{f"i18n.{n}": "language and locale formatting, no candidate data" for n in (
        "N_", "babel_locale", "catalogue_path", "colon", "compile_catalogue", "current_language",
        "current_time_zone", "date_", "datetime_", "decimal", "elide", "gettext", "language",
        "local",
        "money", "ngettext", "normalise",
        "number", "percent", "set_resolver", "signed", "translated", "translations",
        "valid_time_zone", "zone")},
    "default_criteria.default_criteria": _NO_CANDIDATE,
    "overdue.reminder_text": "pure: words a reminder from the names its caller passes",
    "positions.default_language": _NO_CANDIDATE, "positions.default_template": _NO_CANDIDATE,
    "preferences.set_preferences": _WRITE, "preferences.time_zone_choices": _NO_CANDIDATE,
    **{f"templates.{n}": _NO_CANDIDATE for n in (
        "current_version", "template_criteria", "template_history")},
    "templates.copy_template": _WRITE,
    **{f"stats.leniency.{n}": _PURE for n in ("adjust_scores", "panelist_leniency")},
    **{f"stats.ranking.{n}": _PURE for n in (
        "chance_best", "fit_spread_prior", "letter_groups", "letter_names", "letter_span",
        "moderated_variance", "pairwise_separated", "pooled_variance", "ranking_sentence",
        "t_cdf", "t_quantile")},
    **{f"board.{n}": _PURE for n in ("band_text", "chance_text", "rank_range",
                                     "ranking_statement")},
    **{f"headline.{n}": _PURE for n in ("candidate_headline", "position_agenda",
                                        "ranking_sentence", "salary_reading", "tally")},
    **{f"tables.{n}": _PURE for n in ("grouped", "read_table", "row_ranges", "suffix")},
    **{f"exports_safety.{n}": _PURE for n in ("csv_bytes", "csv_text")},
    "report.report_csv_text": _PURE,
    **{f"ics.{n}": _NO_CANDIDATE for n in ("calendar", "escape", "fold", "interview_uid",
                                           "parse")},
    "mailer.invitation_message": _NO_CANDIDATE, "db.serialised": _NO_CANDIDATE,
    "db.insert_serialised": _NO_CANDIDATE,
    **{f"backup.{n}": _NO_CANDIDATE for n in ("head_revision", "restore_safety_copy")},
    **{f"overdue.{n}": _NO_CANDIDATE for n in ("app_base_url", "scorecard_link")},
    "auth.end_sessions": _WRITE, "scorecards.ensure_scorecard": _WRITE,
    **{f"interviews.{n}": _WRITE for n in ("cancel_interview", "schedule_interview_once",
                                           "update_interview", "notify_panel")},
    "interviews.seat_query": _NO_CANDIDATE,
    "interviews.same_interview": "finds an identical scheduled interview (recruiters), no card",
    "interviews.invitation_for": "time, place and panel names of an interview, no card",
    **{name: f"viewerless, reached only through {via}" for name, via in VIEWERLESS.items()},
}


def public_service_functions() -> set[str]:
    """module.function for every public function defined in a module of services/."""
    out = set()
    for info in pkgutil.walk_packages(services.__path__, "services."):
        module = importlib.import_module(info.name)
        short = info.name.removeprefix("services.")
        out |= {f"{short}.{name}" for name, f in inspect.getmembers(module, inspect.isfunction)
                if f.__module__ == module.__name__ and not name.startswith("_")}
    return out


def _parameters(name: str) -> dict[str, inspect.Parameter]:
    module, function = name.rsplit(".", 1)
    return dict(inspect.signature(
        getattr(importlib.import_module(f"services.{module}"), function)).parameters)


def _is_viewer(annotation) -> bool:
    return annotation is Viewer or Viewer in typing.get_args(annotation)


# Names under which a service function could take the acting user in another form than `viewer`
# (issue 10, point 5: a Viewer, `actor=`, `panelist_id`, `user_id`, an untyped actor).
OTHER_FORMS = {"panelist_id", "user_id", "actor", "actor_id", "user", "panelist", "organizer"}
# The public functions with such a parameter. None is the acting user: each takes another user as
# data (whom the viewer acts on, whom a Viewer is made for, a name in a text), or records who
# acted in the audit row.
USER_AS_DATA = {
    "audit.record": "actor: who acted, written into the row; a User at login, before any Viewer",
    "audit_view.list_events": "actor_id: the viewer's filter, actions by this person",
    "auth.end_sessions": "user_id: whose sessions end; logging out holds only the session's "
                         "user id, and a user deactivated meanwhile has no Viewer",
    "auth.get_viewer": "user_id: the user a Viewer is made for",
    "auth.viewer_for": "user: the row a Viewer is made of",
    "auth.roles_of": "user_id: whose roles",
    "auth.lock_notice": "user: whose account the notice is about (at login, no Viewer yet)",
    "auth.reset_password": "user_id: whose password the viewer, an admin, resets",
    "auth.update_user": "user_id: whom the viewer, an admin, changes",
    "overdue.reminder_text": "panelist: the name the reminder greets",
}


def test_the_acting_user_is_always_a_viewer_named_viewer():
    """One form of the acting user: a parameter `viewer` typed Viewer; nothing else takes one."""
    other_forms, untyped = {}, []
    for name in sorted(public_service_functions()):
        params = _parameters(name)
        odd = {p for p in params if p in OTHER_FORMS}
        odd |= {p for p, v in params.items() if _is_viewer(v.annotation) and p != "viewer"}
        if odd:
            other_forms[name] = sorted(odd)
        if "viewer" in params and not _is_viewer(params["viewer"].annotation):
            untyped.append(name)
    unexplained = {n: p for n, p in other_forms.items() if n not in USER_AS_DATA}
    assert not unexplained, ("take the acting user as `viewer: Viewer`, or say in USER_AS_DATA "
                             f"why the user is data: {unexplained}")
    assert not set(USER_AS_DATA) - set(other_forms), "USER_AS_DATA lists what no longer applies"
    assert not untyped, f"a `viewer` parameter not typed Viewer: {untyped}"


def test_the_scorecard_services_take_the_viewer_after_the_session():
    """The panelist's own card: `session, viewer, ...` as in the rest of services/."""
    for name in ("scorecards.find_scorecard", "scorecards.scorecard_kit",
                 "scorecards.saved_answers",
                 "scorecards.ensure_scorecard", "scorecards.open_scorecard",
                 "scorecards.save_fields", "scorecards.save_score", "scorecards.submit",
                 "scorecards.save_and_submit", "coverage.save_tasks_covered",
                 "access.is_on_panel", "access.require_seat", "access.require_own_card"):
        assert list(_parameters(name))[:2] == ["session", "viewer"], name


def test_every_public_service_function_is_considered():
    found = public_service_functions()
    both = set(CALLED) & set(EXCLUDED)
    assert not both, f"both called and excluded: {sorted(both)}"
    missing = found - set(CALLED) - set(EXCLUDED)
    assert not missing, ("public service functions neither called in this test nor excluded "
                         f"with a reason: {sorted(missing)}")
    stale = (set(CALLED) | set(EXCLUDED)) - found
    assert not stale, f"listed here but not in services/ any more: {sorted(stale)}"


# ------------------------------------------------------------ what a result holds

def _flatten(value, tmp_path, frames: list) -> list[str]:
    """Every string inside a result; DataFrames are collected for the structural check."""
    if isinstance(value, pd.DataFrame):
        frames.append(value)
        return [str(v) for v in value.to_numpy().ravel().tolist()]
    if isinstance(value, pd.Series):
        return [str(v) for v in value.tolist()]
    if isinstance(value, bytes):
        if value.startswith(b"%PDF"):
            return [_pdf_text(value, tmp_path)]
        if value.startswith(b"PK"):
            return [_xlsx_text(value)]
        return [value.decode("utf-8")]
    if isinstance(value, dict):
        # Keys are labels ("strong_no": 0 counts nothing); the values are what was returned.
        return [s for v in value.values() for s in _flatten(v, tmp_path, frames)]
    if isinstance(value, list | tuple | set | frozenset):
        return [s for v in value for s in _flatten(v, tmp_path, frames)]
    if is_dataclass(value) and not isinstance(value, type):
        return [s for f in fields(value) if f.name != "memo"
                for s in _flatten(getattr(value, f.name), tmp_path, frames)]
    if hasattr(value, "model_dump"):
        return _flatten(value.model_dump(), tmp_path, frames)
    return [str(value)]


# Columns that carry a card's content, as opposed to the fact of a seat or its status.
CONTENT = {"value", "score", "evidence", "comment", "recommendation", "overall", "technical",
           "social", "company", "candidate_questions", "interest", "concerns", "salary_heard",
           "tasks_covered", "detail"}


def _colleague_content(frame: pd.DataFrame, colleagues: set[int]) -> pd.DataFrame:
    if "panelist_id" not in frame.columns:
        return frame.iloc[0:0]
    cols = [c for c in frame.columns if c in CONTENT]
    rows = frame[frame["panelist_id"].isin(colleagues)]
    return rows[rows[cols].notna().any(axis=1)] if cols else rows.iloc[0:0]


@world_fixture
def world(session, make):
    return World(session, make)


@pytest.mark.parametrize("name", sorted(CALLED))
def test_nothing_of_the_colleagues_cards_comes_back(world, name, tmp_path):
    try:
        result = CALLED[name](world)
    except NotAllowed:
        return  # refusing is one way of returning nothing
    frames: list[pd.DataFrame] = []
    text = "\n".join(_flatten(result, tmp_path, frames))
    assert leaked(text, CARD_MARKERS) == [], f"{name} returned colleagues' notes"
    for rec in (SUBMITTED_REC, DRAFT_REC):
        assert rec not in {s.strip() for s in text.split("\n")}, f"{name}: a recommendation"
    for frame in frames:
        if "recommendation" in frame.columns:
            assert not set(frame["recommendation"].dropna()) & {SUBMITTED_REC, DRAFT_REC}, name
        shown = _colleague_content(frame, world.colleagues)
        if "candidate_id" in shown.columns:
            shown = shown[shown["candidate_id"] == world.cara.id]
        assert shown.empty, f"{name} returned colleagues' scores:\n{shown}"


def test_the_same_viewer_does_see_what_they_may(world):
    """The check above can fail: the viewer is not simply refused everything."""
    assert VISIBLE_NOTE in world.board.scores["evidence"].tolist()
    assert VISIBLE_NOTE in exports.scores_csv(world.s, world.viewer, world.position.id).decode()
    hidden = board.ranking_table(world.board).set_index("Candidate").loc["Cara Candidate"]
    assert "hidden" in hidden["Discuss"]
    assert len(CARD_MARKERS) == len(set(CARD_MARKERS))


def test_viewerless_readers_stay_behind_the_gate():
    """Pages, ui and the command line reach the viewerless readers only through the gate."""
    names = {n.split(".")[1] for n in VIEWERLESS}
    for path in [*(ROOT / "pages").glob("*.py"), *(ROOT / "ui").glob("*.py"), ROOT / "app.py"]:
        text = path.read_text(encoding="utf-8")
        used = sorted(n for n in names if f"{n}(" in text)
        assert not used, f"{path.name} calls {used} directly"


def test_the_command_line_acts_as_the_one_operator():
    from services.access import OPERATOR, is_admin

    assert is_admin(OPERATOR) and OPERATOR.id == 0
    assert json.dumps(report.OPERATOR.__dict__, default=sorted) == json.dumps(
        OPERATOR.__dict__, default=sorted)
