"""The operators' command line: migrate, create-user, seed-demo."""

import subprocess
import sys

import pytest
from sqlalchemy import inspect
from sqlmodel import Session, SQLModel
from typer.testing import CliRunner

import manage
from services import auth
from services.db import get_engine
from tests.conftest import ROOT

runner = CliRunner()


def test_migrate_creates_every_table(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path}/fresh.db"
    monkeypatch.setenv("DATABASE_URL", url)
    result = runner.invoke(manage.app, ["migrate"])
    assert result.exit_code == 0, result.output
    tables = set(inspect(get_engine(url)).get_table_names())
    assert set(SQLModel.metadata.tables) <= tables
    assert "alembic_version" in tables


def test_migrate_twice_is_harmless(db_url):
    assert runner.invoke(manage.app, ["migrate"]).exit_code == 0
    assert runner.invoke(manage.app, ["migrate"]).exit_code == 0


def test_unreachable_database_gives_one_clear_line(tmp_path, monkeypatch):
    (tmp_path / "a-file").write_text("not a directory")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/a-file/x.db")
    result = runner.invoke(manage.app, ["migrate"])
    assert result.exit_code == 1
    lines = [ln for ln in result.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: cannot open the database")
    assert "Traceback" not in result.output


def test_create_user_reads_password_from_stdin(db_url):
    result = runner.invoke(manage.app, [
        "create-user", "--email", "Boss@Example.com", "--name", "Bo Boss", "--role", "admin",
        "--password-stdin"], input="a long enough secret\n")
    assert result.exit_code == 0, result.output
    assert "a long enough secret" not in result.output
    with Session(get_engine(db_url)) as s:
        user = auth.authenticate(s, "boss@example.com", "a long enough secret")
        assert user is not None
        assert auth.roles_of(s, user.id) == {"admin"}


def test_create_user_refuses_a_short_password_and_stores_nothing(db_url):
    result = runner.invoke(manage.app, [
        "create-user", "--email", "b@example.com", "--name", "B", "--role", "admin",
        "--password-stdin"], input="short\n")
    assert result.exit_code == 1
    assert "Password: must be at least 12 characters" in result.output
    with Session(get_engine(db_url)) as s:
        assert auth.user_by_email(s, "b@example.com") is None


def test_create_user_refuses_an_unknown_role(db_url):
    result = runner.invoke(manage.app, [
        "create-user", "--email", "b@example.com", "--name", "B", "--role", "boss",
        "--password-stdin"], input="a long enough secret\n")
    assert result.exit_code == 1
    assert "Roles" in result.output


def test_manage_runs_as_a_script(db_url):
    done = subprocess.run([sys.executable, "manage.py", "migrate"], cwd=ROOT,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "database is up to date" in done.stdout


@pytest.mark.parametrize(("password", "why"), [
    (" " * 12, "only spaces"), ("a" * 12, "one character repeated"),
    ("secondlook-demo", "demo password"), ("password1234", "too easy to guess")])
def test_create_user_refuses_weak_passwords_with_the_reason(db_url, password, why):
    result = runner.invoke(manage.app, [
        "create-user", "--email", "w@example.com", "--name", "W", "--role", "admin",
        "--password-stdin"], input=password + "\n")
    assert result.exit_code == 1
    assert why in result.stderr
    with Session(get_engine(db_url)) as s:
        assert auth.user_by_email(s, "w@example.com") is None


def test_messages_are_in_english_by_default(tmp_path, monkeypatch):
    monkeypatch.delenv("SECONDLOOK_LANGUAGE", raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/en.db")
    result = runner.invoke(manage.app, ["migrate"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"database is up to date: sqlite:///{tmp_path}/en.db"


def test_secondlook_language_fr_gives_french_messages(tmp_path, monkeypatch):
    monkeypatch.setenv("SECONDLOOK_LANGUAGE", "fr")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/fr.db")
    result = runner.invoke(manage.app, ["migrate"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == (
        f"la base de données est à jour : sqlite:///{tmp_path}/fr.db")


def test_the_language_option_gives_french_errors_on_one_line(db_url, monkeypatch):
    monkeypatch.delenv("SECONDLOOK_LANGUAGE", raising=False)
    result = runner.invoke(manage.app, ["--language", "fr", "create-user", "--email",
                                        "a@example.com", "--name", "A", "--role", "admin",
                                        "--password-stdin"], input="court\n")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "erreur : Mot de passe : doit comporter au moins 12 caractères"]


def test_the_language_option_wins_over_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("SECONDLOOK_LANGUAGE", "fr")
    result = runner.invoke(manage.app, ["--language", "en", "report", "--position", "X",
                                        "--format", "xml"])
    assert result.exit_code == 1
    assert result.stderr.strip() == "error: --format: 'xml' is not json or csv"


def test_an_unknown_language_is_one_error_line():
    result = runner.invoke(manage.app, ["--language", "de", "migrate"])
    assert result.exit_code == 1
    assert result.stderr.strip() == "error: --language: 'de' is not one of en, fr"
