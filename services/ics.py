"""Calendar invitations (iCalendar, RFC 5545) for second interviews.

One VEVENT per interview. Its UID is stable for the interview's whole life, so a calendar that
received the first invitation updates that event when a later one (higher SEQUENCE) arrives,
and removes it on METHOD:CANCEL. SUMMARY and DESCRIPTION are written in the reader's language
(tagged with LANGUAGE=); every time is UTC machine format. Written by hand: the format is a few
lines of text, and a dependency for it would be larger than this module.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from models import aware

PRODID = "-//Second Look//Second interviews//EN"
DURATION = timedelta(hours=1)
METHODS = ("REQUEST", "CANCEL")
# The language tag (RFC 5646) written for each interface language.
LANGUAGE_TAGS = {"en": "en-CA", "fr": "fr-CA"}


@dataclass(frozen=True)
class Invitation:
    """What a calendar needs to know about one interview."""

    uid: str
    sequence: int
    start: datetime
    summary: str
    location: str
    description: str
    organizer: tuple[str, str]  # (name, email)
    attendees: list[tuple[str, str]]
    duration: timedelta = DURATION
    language: str | None = None  # "en", "fr": the language of summary and description


def interview_uid(interview_id: int, created_at: datetime, domain: str = "second-look") -> str:
    """A UID that stays the same for an interview (its id and creation time)."""
    stamp = aware(created_at).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    return f"interview-{interview_id}-{stamp}@{domain}"


def _utc(value: datetime) -> str:
    return aware(value).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def escape(text: str) -> str:
    """A TEXT value escaped as RFC 5545 asks (backslash, semicolon, comma, newline)."""
    text = (text or "").replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return text.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def _param(text: str) -> str:
    """A parameter value (CN=...): quoted, without the characters a quoted value cannot hold."""
    return '"' + "".join(ch for ch in text if ch not in '"\r\n') + '"'


def fold(line: str) -> str:
    """Fold a content line at 75 octets (continuation lines start with one space)."""
    out, current = [], b""
    for ch in line:
        b = ch.encode("utf-8")
        limit = 75 if not out else 74
        if len(current) + len(b) > limit:
            out.append(current.decode("utf-8"))
            current = b""
        current += b
    out.append(current.decode("utf-8"))
    return "\r\n ".join(out)


def calendar(invitation: Invitation, method: str, now: datetime | None = None) -> str:
    """The invitation as iCalendar text (CRLF line ends), METHOD REQUEST or CANCEL."""
    if method not in METHODS:
        raise ValueError(f"method {method!r} is not one of {', '.join(METHODS)}")
    org_name, org_email = invitation.organizer
    lang = f";LANGUAGE={LANGUAGE_TAGS.get(invitation.language, invitation.language)}" \
        if invitation.language else ""
    lines = [
        "BEGIN:VCALENDAR", f"PRODID:{PRODID}", "VERSION:2.0", "CALSCALE:GREGORIAN",
        f"METHOD:{method}", "BEGIN:VEVENT",
        f"UID:{invitation.uid}",
        f"SEQUENCE:{invitation.sequence}",
        f"DTSTAMP:{_utc(now or datetime.now(UTC))}",
        f"DTSTART:{_utc(invitation.start)}",
        f"DTEND:{_utc(invitation.start + invitation.duration)}",
        f"SUMMARY{lang}:{escape(invitation.summary)}",
        f"LOCATION:{escape(invitation.location)}",
        f"DESCRIPTION{lang}:{escape(invitation.description)}",
        f"ORGANIZER;CN={_param(org_name)}:mailto:{org_email}",
    ]
    for name, email in invitation.attendees:
        lines.append(f"ATTENDEE;CN={_param(name)};ROLE=REQ-PARTICIPANT;"
                     f"PARTSTAT=NEEDS-ACTION;RSVP=FALSE:mailto:{email}")
    lines.append("STATUS:CANCELLED" if method == "CANCEL" else "STATUS:CONFIRMED")
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return "\r\n".join(fold(line) for line in lines) + "\r\n"


def parse(text: str) -> dict[str, list[str]]:
    """Unfolded property values by name (for tests and for reading an invitation back)."""
    unfolded = text.replace("\r\n ", "").replace("\r\n\t", "")
    props: dict[str, list[str]] = {}
    for line in unfolded.split("\r\n"):
        if not line:
            continue
        head, _, value = line.partition(":")
        props.setdefault(head.split(";")[0], []).append(value)
    return props
