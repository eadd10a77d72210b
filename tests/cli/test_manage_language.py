"""The command line's help and usage errors in the operator's language (issue 13)."""

import re
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

import manage
from services.i18n import _, language

runner = CliRunner()


def run(args, **kwargs):
    return runner.invoke(manage.app, args, prog_name="manage.py", **kwargs)
COMMANDS = ("migrate", "seed-demo", "create-user", "import-scores", "report", "export", "backup",
            "restore")


def _help_texts(command) -> list[str]:
    """Every help text (msgid) of a click command and its options."""
    texts = [command.help] if command.help else []
    for param in command.params:
        if getattr(param, "help", None):
            texts.append(param.help)
    return texts


def _msgids() -> list[str]:
    group = typer.main.get_command(manage.app)
    texts = _help_texts(group)
    for name in COMMANDS:
        texts += _help_texts(group.commands[name])
    return texts


def _words(text: str) -> str:
    """The help as words: rich wraps lines and draws boxes."""
    return " ".join(re.sub(r"[│╭╮╰╯─]", " ", text).split())


@pytest.mark.parametrize("args, env", [
    (["--language", "fr", "--help"], {}),
    (["--help"], {"SECONDLOOK_LANGUAGE": "fr"}),
])
def test_top_level_help_is_french(args, env):
    result = run(args, env=env)
    assert result.exit_code == 0, result.output
    out = _words(result.output)
    assert "Utilisation : manage.py" in out
    assert "Commandes" in out and "Afficher ce message et quitter." in out
    with language("fr"):
        for text in _help_texts(typer.main.get_command(manage.app)):
            assert _words(_(text)) in out
    assert "Show this message and exit." not in out and "Usage:" not in out


@pytest.mark.parametrize("name", COMMANDS)
def test_each_command_help_is_french_then_english(name):
    french = _words(run(["--language", "fr", name, "--help"]).output)
    english = _words(run([name, "--help"],
                                   env={"SECONDLOOK_LANGUAGE": None}).output)
    group = typer.main.get_command(manage.app)
    texts = _help_texts(group.commands[name])
    assert texts, name
    with language("fr"):
        for text in texts:
            assert _(text) != text, f"no French for {text!r}"
            assert _words(_(text)) in french
            assert _words(text) not in french
    for text in texts:  # the French run changed nothing for the next one
        assert _words(text) in english
    assert "Utilisation :" in french and "Usage:" in english


def test_a_usage_error_speaks_french():
    result = run(["--language", "fr", "report"])
    assert result.exit_code == 2
    out = _words(result.output)
    assert "Erreur" in out and "Essayez « manage.py report --help »" in out
    assert "Utilisation : manage.py report" in out


def test_an_unknown_command_is_named_in_french():
    result = run(["exprt"], env={"SECONDLOOK_LANGUAGE": "fr"})
    assert result.exit_code == 2
    assert "Commande inconnue : 'exprt'." in _words(result.output)


def test_an_unknown_language_is_refused_and_nothing_runs(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/never.db")
    result = run(["--language", "xx", "migrate"])
    assert result.exit_code == 1
    assert "--language: 'xx' is not one of en, fr" in result.output
    assert not (tmp_path / "never.db").exists()


def test_every_help_text_has_a_french_translation():
    with language("fr"):
        missing = [text for text in _msgids() if _(text) == text]
    assert missing == []


def test_the_library_texts_are_still_typers():
    """The msgids manage.py translates for typer must be typer's own, or they would never be
    looked up: each stands in typer's source (a new typer that rewords one fails here)."""
    source = "".join(path.read_text(encoding="utf-8")
                     for path in Path(typer.__file__).parent.rglob("*.py"))
    texts = [*manage.LIBRARY_TEXTS.values(), *manage.TYPER_TEXTS, manage.HELP_OPTION]
    for text in texts:
        assert f'"{text}"' in source, text
    assert '"Usage: "' in source  # the prefix _Translated.format_usage replaces
    for name in manage.LIBRARY_TEXTS:
        assert hasattr(typer.rich_utils, name), name
