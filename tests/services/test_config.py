"""services.config: the one reader of the environment and the secrets (issue 10, point 5)."""

import ast

import pytest

from services import auth, config, mailer
from services.config import SmtpConfig
from tests.conftest import ROOT

PASSWORD = "correct horse battery staple"


@pytest.fixture
def no_secrets(monkeypatch):
    """No secrets files and no registered reader; no configuration in the environment."""
    monkeypatch.setattr(config, "SECRETS_FILES", ())
    monkeypatch.setattr(config, "_secrets_reader", None)
    for name in ("DATABASE_URL", "SECONDLOOK_TIMEZONE", "SECONDLOOK_APP_URL",
                 "SECONDLOOK_LANGUAGE", *(config.SMTP_PREFIX + k.upper()
                                          for k in config.SMTP_KEYS)):
        monkeypatch.delenv(name, raising=False)


def _toml(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_without_configuration_every_setting_has_its_default(no_secrets):
    assert config.database_url() is None
    assert config.smtp() is None
    assert config.sso_configured() is False
    assert config.time_zone() == "UTC"
    assert config.app_url() == ""
    assert config.cli_language() is None


def test_the_environment_wins_over_the_secrets(no_secrets, monkeypatch):
    config.set_secrets_reader({"database": {"url": "sqlite:////srv/secrets.db"},
                               "smtp": {"host": "secrets.mail"}}.get)
    monkeypatch.setenv("DATABASE_URL", "sqlite:////srv/env.db")
    monkeypatch.setenv("SECONDLOOK_SMTP_HOST", "env.mail")
    assert config.database_url() == "sqlite:////srv/env.db"
    assert config.smtp().host == "env.mail"


def test_a_registered_secrets_reader_is_asked_before_the_files(no_secrets, tmp_path,
                                                               monkeypatch):
    monkeypatch.setattr(config, "SECRETS_FILES", (_toml(
        tmp_path, "secrets.toml", '[smtp]\nhost = "file.mail"\n'),))
    assert config.smtp().host == "file.mail"
    config.set_secrets_reader({"smtp": {"host": "ui.mail", "port": "2525",
                                        "starttls": "false"}}.get)
    assert config.smtp() == SmtpConfig(host="ui.mail", port=2525, starttls=False)
    assert config.sso_configured() is False
    config.set_secrets_reader({"auth": {"client_id": "x"}}.get)
    assert config.sso_configured() is True


def test_the_project_secrets_file_wins_over_the_home_one(no_secrets, tmp_path, monkeypatch):
    home = _toml(tmp_path, "home.toml", '[database]\nurl = "sqlite:////home.db"\n')
    project = _toml(tmp_path, "project.toml", '[database]\nurl = "sqlite:////project.db"\n')
    monkeypatch.setattr(config, "SECRETS_FILES", (home, project))
    assert config.database_url() == "sqlite:////project.db"


def test_a_broken_secrets_file_names_the_file(no_secrets, tmp_path, monkeypatch):
    broken = _toml(tmp_path, "secrets.toml", "[smtp\nhost = \n")
    monkeypatch.setattr(config, "SECRETS_FILES", (broken,))
    with pytest.raises(config.ConfigUnreadable, match=f"cannot read {broken}: "):
        config.database_url()
    assert config.sso_configured() is False


def test_time_zone_app_url_and_language_come_from_the_environment(no_secrets, monkeypatch):
    monkeypatch.setenv("SECONDLOOK_TIMEZONE", "America/Toronto")
    monkeypatch.setenv("SECONDLOOK_APP_URL", " https://sl.example.com/ ")
    monkeypatch.setenv("SECONDLOOK_LANGUAGE", "fr")
    assert config.time_zone() == "America/Toronto"
    assert config.app_url() == "https://sl.example.com"
    assert config.cli_language() == "fr"


def test_the_mailer_asks_config_for_its_server(no_secrets, monkeypatch):
    monkeypatch.setenv("SECONDLOOK_SMTP_HOST", "env.mail")
    assert mailer.smtp_config is config.smtp
    assert mailer.smtp_config().host == "env.mail"


def test_the_lock_email_goes_through_the_secrets_smtp_in_the_users_language(
        session, make, no_secrets, monkeypatch):
    sent = []
    monkeypatch.setattr(mailer, "send_all", lambda smtp, messages: sent.append(
        (smtp, messages)) or [])
    config.set_secrets_reader({"smtp": {"host": "secrets.mail", "from": "sl@example.com"}}.get)
    user = make.user(email="lock@example.com", name="Lucie")
    user.language = "fr"
    session.add(user)
    session.commit()
    for _attempt in range(auth.MAX_FAILED):
        assert auth.authenticate(session, "lock@example.com", "wrong password") is None
    for thread in auth._notices:
        thread.join(timeout=10)
    assert len(sent) == 1
    smtp, [message] = sent[0]
    assert smtp.host == "secrets.mail" and message["From"] == "sl@example.com"
    assert message["Subject"] == "Second Look : votre compte a été verrouillé"
    assert "il est donc verrouillé pendant 15 minutes" in message.get_content()


def test_services_read_configuration_only_through_config():
    """No other module of services/, models/ or manage.py reads os.environ or getenv."""
    readers = []
    for path in [*sorted((ROOT / "services").rglob("*.py")),
                 *sorted((ROOT / "models").rglob("*.py")), ROOT / "manage.py"]:
        if path.name == "config.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv") \
                    and isinstance(node.value, ast.Name) and node.value.id == "os":
                readers.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert readers == []
