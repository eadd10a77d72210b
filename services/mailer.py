"""Sending mail through the SMTP server the operator configured (or not at all).

Configuration: environment variables SECONDLOOK_SMTP_HOST, _PORT, _USER, _PASSWORD, _FROM,
_STARTTLS, else the `[smtp]` section of .streamlit/secrets.toml (host, port, user, password,
from, starttls) that the page passes in. With no host configured, nothing is sent.
"""

import os
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr

ENV_PREFIX = "SECONDLOOK_SMTP_"
KEYS = ("host", "port", "user", "password", "from", "starttls")


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


def _flag(value: object) -> bool:
    return str(value).strip().lower() in ("1", "true", "yes", "on")


def smtp_config(secrets: dict | None = None, env: dict | None = None) -> SmtpConfig | None:
    """The configured server (environment first, then the [smtp] secrets), or None."""
    env = os.environ if env is None else env
    values = {k: env.get(ENV_PREFIX + k.upper()) for k in KEYS}
    if not values["host"]:
        values = {k: (secrets or {}).get(k) for k in KEYS}
    if not values["host"]:
        return None
    try:
        port = int(values["port"] or 587)
    except ValueError:
        port = 587
    return SmtpConfig(
        host=str(values["host"]), port=port, user=str(values["user"] or ""),
        password=str(values["password"] or ""),
        sender=str(values["from"] or "second-look@localhost"),
        starttls=_flag(values["starttls"]) if values["starttls"] is not None else True,
    )


def message(config: SmtpConfig, to_name: str, to_email: str, subject: str,
            body: str) -> EmailMessage:
    """A plain-text email."""
    msg = EmailMessage()
    msg["From"] = config.sender
    msg["To"] = formataddr((to_name, to_email))
    msg["Subject"] = subject
    msg.set_content(body)
    return msg


def send_all(config: SmtpConfig, messages: list[EmailMessage]) -> list[tuple[int, str]]:
    """Send the messages over one connection; (index, reason) for each one that failed.

    A connection failure raises OSError / smtplib.SMTPException: nothing was sent then.
    """
    failed: list[tuple[int, str]] = []
    with smtplib.SMTP(config.host, config.port, timeout=config.timeout) as smtp:
        if config.starttls:
            smtp.starttls()
        if config.user:
            smtp.login(config.user, config.password)
        for i, msg in enumerate(messages):
            try:
                smtp.send_message(msg)
            except smtplib.SMTPException as exc:
                failed.append((i, str(exc)))
    return failed


def invitation_message(config: SmtpConfig, to_name: str, to_email: str, subject: str,
                       body: str, ics_text: str, method: str) -> EmailMessage:
    """A plain-text email with a calendar invitation (text/calendar, METHOD as given) attached
    both inline, which calendar clients act on, and as invite.ics for everyone else."""
    msg = message(config, to_name, to_email, subject, body)
    msg.add_alternative(ics_text, subtype="calendar", params={"method": method})
    msg.add_attachment(ics_text.encode("utf-8"), maintype="text", subtype="calendar",
                       filename="invite.ics" if method != "CANCEL" else "cancel.ics",
                       params={"method": method})
    return msg
