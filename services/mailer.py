"""Sending mail through the SMTP server the operator configured (or not at all).

Which server: services.config (SECONDLOOK_SMTP_HOST, _PORT, _USER, _PASSWORD, _FROM, _STARTTLS
in the environment, else the `[smtp]` section of the secrets). With no host, nothing is sent.
"""

import smtplib
from email.message import EmailMessage
from email.utils import formataddr

from services.config import SmtpConfig
from services.config import smtp as smtp_config

# smtp_config is re-exported: pages ask the mailer which server to use; services.config reads it.
__all__ = ["SmtpConfig", "invitation_message", "message", "send_all", "smtp_config"]


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
