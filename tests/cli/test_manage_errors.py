"""Every command of manage.py answers a user error with one line on stderr and exit status 1."""

import pytest
from typer.testing import CliRunner

import manage
from tests.services.test_scores_io import GOOD, HEADER, run_import, write

runner = CliRunner()


def _one_line_error(result) -> str:
    # CliRunner keeps an escaped exception in result.exception instead of printing it: only a
    # SystemExit (typer.Exit) is the handled path.
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        repr(result.exception)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    return lines[0]


def _cases(tmp_path):
    missing_dir = tmp_path / "no" / "such" / "folder"
    folder = tmp_path / "a-folder"
    folder.mkdir()
    huge = write(tmp_path, HEADER + "Analyst,Ann,Pat,SQL," + "9" * 400
                 + ",technical,2,,yes\n", name="huge.csv")
    not_sqlite = write(tmp_path, "just some text\n", name="notes.db")
    position = ["--position", "Analyst"]
    return {
        "export to a missing folder": ["export", *position, "--out", str(missing_dir / "x.csv")],
        "export to a folder": ["export", *position, "--out", str(folder)],
        "export xlsx to a folder": ["export", *position, "--format", "xlsx", "--out",
                                    str(folder)],
        "export unknown position": ["export", "--position", "Nope", "--out",
                                    str(tmp_path / "x.csv")],
        "export bad format": ["export", *position, "--format", "doc", "--out",
                              str(tmp_path / "x")],
        "report to a folder": ["report", *position, "--format", "csv", "--out", str(folder)],
        "report to a missing folder": ["report", *position, "--out",
                                       str(missing_dir / "r.json")],
        "report unknown position": ["report", "--position", "Nope"],
        "report bad format": ["report", *position, "--format", "xml"],
        "backup to a folder": ["backup", str(folder)],
        "backup to a missing folder": ["backup", str(missing_dir / "b.db")],
        "restore a missing file": ["restore", str(tmp_path / "nope.db"), "--yes"],
        "restore a folder": ["restore", str(folder), "--yes"],
        "restore a text file": ["restore", str(not_sqlite), "--yes"],
        "import a missing file": ["import-scores", str(tmp_path / "nope.csv")],
        "import a folder": ["import-scores", str(folder)],
        "import a 400-digit score": ["import-scores", str(huge)],
        "import a bad scale": ["import-scores", str(huge), "--scale", "5-x"],
        "import a huge scale": ["import-scores", str(huge), "--scale", "1-" + "9" * 400],
        "create-user unknown role": ["create-user", "--email", "a@example.com", "--name", "A",
                                     "--role", "boss", "--password-stdin"],
        "create-user bad email": ["create-user", "--email", "not-an-email", "--name", "A",
                                  "--role", "admin", "--password-stdin"],
        "create-user weak password": ["create-user", "--email", "w@example.com", "--name", "W",
                                      "--role", "admin", "--password-stdin"],
        "seed-demo into a full database": ["seed-demo"],
    }


# The cases' names (their arguments need tmp_path, so _cases builds them inside the test).
NAMES = ["export to a missing folder", "export to a folder", "export xlsx to a folder",
         "export unknown position", "export bad format", "report to a folder",
         "report to a missing folder", "report unknown position", "report bad format",
         "backup to a folder", "backup to a missing folder", "restore a missing file",
         "restore a folder", "restore a text file", "import a missing file", "import a folder",
         "import a 400-digit score", "import a bad scale", "import a huge scale",
         "create-user unknown role", "create-user bad email", "create-user weak password",
         "seed-demo into a full database"]


@pytest.mark.parametrize("case", NAMES)
def test_user_errors_give_one_line_and_exit_1(db_url, tmp_path, case):
    assert run_import(write(tmp_path, GOOD)).exit_code == 0
    args = _cases(tmp_path)[case]
    password = "a" * 12 + "\n" if case == "create-user weak password" else \
        "a long enough secret\n"
    result = runner.invoke(manage.app, args, input=password)
    _one_line_error(result)


def test_every_command_is_swept():
    swept = {args[0] for args in _cases_for_names()}
    assert swept | {"migrate"} == {c.name for c in manage.app.registered_commands}


def _cases_for_names():
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as d:
        return list(_cases(Path(d)).values())


def test_a_database_url_that_is_a_folder_gives_one_line(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}")
    _one_line_error(runner.invoke(manage.app, ["migrate"]))


def test_a_bug_still_shows_its_traceback(monkeypatch, db_url, tmp_path):
    """Only user errors are turned into one line; a programming error must stay visible."""
    import services.report

    def broken(*_a, **_k):
        raise KeyError("a bug")

    assert run_import(write(tmp_path, GOOD)).exit_code == 0
    monkeypatch.setattr(services.report, "position_report", broken)
    result = runner.invoke(manage.app, ["report", "--position", "Analyst"])
    assert isinstance(result.exception, KeyError)
