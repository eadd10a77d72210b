"""Configuration: the one module that reads the environment and the secrets (issue 10).

Every setting an operator gives comes through here; no other module reads os.environ or
st.secrets. The order is the same for each: the environment first, then a section of
.streamlit/secrets.toml, then the default.

- database: DATABASE_URL, else `[database] url`, else data/secondlook.db (services.db);
- mail server: SECONDLOOK_SMTP_HOST, _PORT, _USER, _PASSWORD, _FROM, _STARTTLS, else `[smtp]`
  (host, port, user, password, from, starttls), else none: nothing is sent;
- single sign-on: an `[auth]` section (Streamlit's OIDC login), else off;
- time zone: SECONDLOOK_TIMEZONE, else UTC (the organisation setting and each user's choice
  come first where the app shows dates: services.i18n);
- the app's address in e-mails: SECONDLOOK_APP_URL, else none;
- the command line's language: `manage.py --language`, else SECONDLOOK_LANGUAGE, else English.

The environment wins because Streamlit copies every top-level string secret into os.environ
(overwriting an exported variable): sections (`[database]`, `[smtp]`) keep secrets apart.

Secrets: services never import streamlit. The page layer registers its reader of st.secrets
with `set_secrets_reader` (ui/secrets.py's `section`); without one (the command line, tests)
the same files Streamlit reads are read here: ~/.streamlit/secrets.toml, then the project's
.streamlit/secrets.toml, which wins section by section.
"""

import os
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Where Streamlit looks for secrets when run from the project folder, in its order.
SECRETS_FILES = (Path.home() / ".streamlit" / "secrets.toml", ROOT / ".streamlit" / "secrets.toml")
SMTP_PREFIX = "SECONDLOOK_SMTP_"
SMTP_KEYS = ("host", "port", "user", "password", "from", "starttls")
TIME_ZONE_VARIABLE = "SECONDLOOK_TIMEZONE"
APP_URL_VARIABLE = "SECONDLOOK_APP_URL"
LANGUAGE_VARIABLE = "SECONDLOOK_LANGUAGE"
DATABASE_VARIABLE = "DATABASE_URL"
DEFAULT_TIME_ZONE = "UTC"

_secrets_reader: Callable[[str], dict | None] | None = None


class ConfigUnreadable(RuntimeError):
    """A secrets file exists but cannot be read; the message is one line naming the file."""

    def __init__(self, path: Path, reason: str):
        self.path, self.reason = path, reason
        super().__init__(f"cannot read {path}: {reason}")


@dataclass(frozen=True)
class SmtpConfig:
    """Where and how to send mail."""

    host: str
    port: int = 587
    user: str = ""
    password: str = ""
    sender: str = "second-look@localhost"
    starttls: bool = True
    timeout: float = 20.0


def set_secrets_reader(reader: Callable[[str], dict | None] | None) -> None:
    """Register how the running interface reads a secrets section (None: read the files)."""
    global _secrets_reader
    _secrets_reader = reader


def env(name: str, default: str | None = None) -> str | None:
    """An environment variable; blank counts as unset."""
    value = os.environ.get(name)
    return value if value and value.strip() else default


def environment(**extra: str) -> dict[str, str]:
    """A copy of the environment for a child process, with `extra` set."""
    return {**os.environ, **extra}


def secret_section(name: str) -> dict | None:
    """The `[name]` section of the secrets (registered reader, else the files), or None."""
    if _secrets_reader is not None:
        found = _secrets_reader(name)
        return dict(found) if found else None
    return file_section(name)


def file_section(name: str) -> dict | None:
    """The `[name]` section of the secrets files Streamlit reads (the project's file wins)."""
    found = None
    for path in SECRETS_FILES:
        try:
            with path.open("rb") as file:
                section = tomllib.load(file).get(name)
        except FileNotFoundError:
            continue
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigUnreadable(path, str(exc)) from exc
        if isinstance(section, dict) and section:
            found = dict(section)
    return found


def database_url(secrets_url: str | None = None) -> str | None:
    """DATABASE_URL, else `secrets_url`, else `[database] url` from the secrets; None if unset."""
    if url := env(DATABASE_VARIABLE):
        return url
    if secrets_url:
        return secrets_url
    section = secret_section("database") or {}
    return str(section["url"]) if section.get("url") else None


def _flag(value: object) -> bool:
    return str(value).strip().lower() in ("1", "true", "yes", "on")


def smtp(secrets: Mapping | None = None, env: Mapping | None = None) -> SmtpConfig | None:
    """The mail server: SECONDLOOK_SMTP_* in the environment, else the `[smtp]` secrets
    (`secrets` when given, else the registered or file secrets); None without a host."""
    environ = os.environ if env is None else env
    values = {k: environ.get(SMTP_PREFIX + k.upper()) for k in SMTP_KEYS}
    if not values["host"]:
        section = secrets if secrets is not None else (secret_section("smtp") or {})
        values = {k: section.get(k) for k in SMTP_KEYS}
    if not values["host"]:
        return None
    try:
        port = int(values["port"] or 587)
    except (TypeError, ValueError):
        port = 587
    return SmtpConfig(
        host=str(values["host"]), port=port, user=str(values["user"] or ""),
        password=str(values["password"] or ""),
        sender=str(values["from"] or "second-look@localhost"),
        starttls=_flag(values["starttls"]) if values["starttls"] is not None else True,
    )


def sso_configured() -> bool:
    """True when the secrets hold an `[auth]` section (login through the identity provider)."""
    try:
        return secret_section("auth") is not None
    except ConfigUnreadable:
        return False


def time_zone() -> str:
    """The default display time zone's IANA name (SECONDLOOK_TIMEZONE, else UTC)."""
    return (env(TIME_ZONE_VARIABLE) or DEFAULT_TIME_ZONE).strip()


def app_url() -> str:
    """The app's public address for links in e-mails (SECONDLOOK_APP_URL), or ""."""
    return (env(APP_URL_VARIABLE) or "").strip().rstrip("/")


def set_gettext_language(lang: str) -> None:
    """The language of the standard library's gettext for this process (LANGUAGE): the command
    line sets it so that typer's own texts come from the catalogue (manage.py)."""
    os.environ["LANGUAGE"] = lang


def cli_language() -> str | None:
    """The command line's language (SECONDLOOK_LANGUAGE), or None for English."""
    return env(LANGUAGE_VARIABLE)
