"""No import cycles, and no function-local imports of project modules (issue 10, point 5).

A function-local import is how a cycle hides: it works until someone imports the modules in
another order. Each module is imported first in a fresh interpreter, so a cycle fails here
whatever order the app happens to use; and the files in CHECKED are read with ast so that no
function body imports services, models, ui or pages.
"""

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

PROJECT_PACKAGES = ("services", "models", "ui", "pages")

# Files whose function bodies import no project module: every module of models/ and services/,
# app.py and manage.py, and ui/ but for UI_LEFT.
CHECKED = [
    "app.py", "manage.py", "models/__init__.py", "models/audit.py", "models/candidates.py",
    "models/common.py", "models/decisions.py", "models/interviews.py", "models/positions.py",
    "models/scorecards.py", "models/settings.py", "models/users.py", "services/__init__.py",
    "services/access.py",
    "services/admin_settings.py", "services/audit.py", "services/audit_view.py",
    "services/auth.py", "services/backup.py", "services/board.py", "services/calibration.py",
    "services/candidate_import.py", "services/candidates.py", "services/config.py",
    "services/consensus.py", "services/coverage.py", "services/db.py", "services/decisions.py",
    "services/default_criteria.py", "services/demo.py", "services/errors.py",
    "services/exports.py", "services/exports_safety.py", "services/first_interview.py",
    "services/headline.py", "services/history.py", "services/i18n.py", "services/ics.py",
    "services/interviews.py",
    "services/mailer.py", "services/overdue.py", "services/overview.py", "services/pdf_pack.py",
    "services/positions.py", "services/preferences.py", "services/privacy.py",
    "services/report.py", "services/score_pairs.py", "services/scorecards.py",
    "services/scores_io.py",
    "services/settings.py", "services/stats/__init__.py", "services/stats/_frames.py",
    "services/stats/agenda.py", "services/stats/aggregation.py", "services/stats/leniency.py",
    "services/stats/ranking.py", "services/stats/reliability.py",
    "services/stats/sensitivity.py", "services/tables.py", "services/templates.py",
    "services/viewer.py",
    "ui/__init__.py", "ui/cache.py", "ui/candidate_view.py", "ui/charts.py",
    "ui/dashboard_tabs.py", "ui/db.py", "ui/scorecard_form.py",
    "ui/flash.py", "ui/guard.py", "ui/headline.py", "ui/heap.py", "ui/i18n.py", "ui/login.py",
    "ui/panel_view.py", "ui/pickers.py", "ui/secrets.py", "ui/session.py", "ui/sso.py",
    "ui/stats_view.py", "ui/style.py", "ui/text.py", "ui/widgets.py",
]
# Files not checked yet (none: every project file is).
UI_LEFT: list[str] = []


def _modules() -> list[str]:
    """Every importable project module (pages are scripts Streamlit runs, not modules)."""
    names = ["manage"]
    for package in ("models", "services", "ui"):
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def local_project_imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) of each import of a project module inside a function body."""
    found = []
    for fn in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(fn):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = ["." * node.level + (node.module or "")]
            else:
                continue
            found += [(node.lineno, n) for n in names
                      if n.startswith(".") or n.split(".")[0] in (*PROJECT_PACKAGES, "manage")]
    return found


def test_every_project_file_is_checked():
    files = {str(p.relative_to(ROOT)) for d in ("models", "services", "ui")
             for p in (ROOT / d).rglob("*.py")} | {"manage.py", "app.py"}
    assert not set(CHECKED) & set(UI_LEFT)
    assert files - set(CHECKED) - set(UI_LEFT) == set()
    assert set(CHECKED) | set(UI_LEFT) <= files


@pytest.mark.parametrize("name", CHECKED)
def test_no_function_imports_a_project_module(name):
    assert local_project_imports(ROOT / name) == []


def test_the_check_finds_a_function_local_import(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("import os\n\ndef f():\n    import json\n    from services import db\n"
                      "    from . import x\n    return db\n")
    assert local_project_imports(sample) == [(5, "services"), (6, ".")]


# Run in a fresh interpreter: the third-party libraries are loaded once, then each project module
# is imported first in a forked child, which starts with no project module loaded (what a fresh
# interpreter would have) at a fraction of the cost of starting one per module. Which libraries:
# those a first child loads while importing every given module (so the list keeps itself up to
# date), checked to have loaded no project module. argon2's PasswordHasher is made cheap in the
# parent: services.auth hashes a dummy password at import (a quarter of a second in each child),
# and what is tested here is the order of the project's imports, not the cost of a hash.
_FORK_IMPORTS = """
import importlib, json, os, sys
project = {"services", "models", "ui", "pages", "manage", *(n.split(".")[0] for n in sys.argv[1:])}


def in_child(work):
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        try:
            text = work()
        except BaseException as exc:
            text = f"{type(exc).__name__}: {exc}"
        os.write(write, text.encode())
        os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        text = pipe.read().decode()
    os.waitpid(pid, 0)
    return text


def libraries():
    before = set(sys.modules)
    for name in sys.argv[1:]:
        try:
            importlib.import_module(name)
        except BaseException:
            pass
    return json.dumps([m for m in sys.modules
                       if m not in before and m.split(".")[0] not in project])


for lib in json.loads(in_child(libraries)):
    try:
        importlib.import_module(lib)
    except BaseException:
        pass
assert not [m for m in sys.modules if m.split(".")[0] in project], "a library loaded the app"
import argon2


class CheapHasher(argon2.PasswordHasher):
    def __init__(self, *args, **kwargs):
        super().__init__(time_cost=1, memory_cost=8, parallelism=1)


argon2.PasswordHasher = CheapHasher
failed = {}
for name in sys.argv[1:]:
    text = in_child(lambda: importlib.import_module(name) and "")
    if text:
        failed[name] = text
print(json.dumps(failed))
"""


def test_every_module_imports_first_in_a_fresh_interpreter():
    """An import cycle fails when one of its modules is the first imported: try each first."""
    done = subprocess.run([sys.executable, "-c", _FORK_IMPORTS, *_modules()], cwd=ROOT,
                          capture_output=True, text=True, check=False, timeout=300)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == {}


def test_the_import_check_catches_a_cycle(tmp_path):
    (tmp_path / "cyc").mkdir()
    (tmp_path / "cyc" / "__init__.py").write_text("")
    (tmp_path / "cyc" / "a.py").write_text("from cyc.b import B\nA = 1\n")
    (tmp_path / "cyc" / "b.py").write_text("from cyc.a import A\nB = 2\n")
    done = subprocess.run([sys.executable, "-c", _FORK_IMPORTS, "cyc.a"], cwd=tmp_path,
                          capture_output=True, text=True, check=False, timeout=300)
    assert "partially initialized module" in json.loads(done.stdout.splitlines()[-1])["cyc.a"]
