"""Languages: the one owner of translation and of locale formatting (issue 13).

Every user-facing string goes through `_` (or `ngettext`); a string defined at import time
(a page title, a label in a module-level table) is marked with `N_` and translated where it is
shown, with `_(value)`. English is the source language: the msgids are the English text, and
`locale/fr/LC_MESSAGES/messages.po` holds the French. `make i18n` extracts the catalogue from the
code (`pybabel extract`, configuration in babel.cfg) and updates the .po; set-up compiles it
(`pybabel compile`); without a compiled .mo the .po is read directly, so a fresh checkout works.

Which language a string comes out in, first that applies:
1. an explicit `with language("fr"):` block (the PDF pack and e-mails use the reader's language,
   the command line its `--language` or SECONDLOOK_LANGUAGE);
2. the resolver the UI registers (`set_resolver`): the session's language, which the app sets on
   every run from the user's choice on *My account*, else the browser's language, else the
   organisation default on *Settings*;
3. English.

Formatting follows the same language: `number`, `decimal`, `money`, `percent`, `date`,
`datetime_`. French uses the Canadian French locale (decimal comma, narrow no-break space between
thousands, "62 000 €"); English the Canadian English one ("€62,000", "$62,000" for CAD).
Services never import streamlit: the resolver is a plain function.
"""

from __future__ import annotations

import gettext as _gettext
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime
from decimal import Context, localcontext
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale
from babel.dates import format_date as _format_date
from babel.dates import format_datetime as _format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal, format_percent

# The languages the interface is complete in, and the name each is offered under.
LANGUAGES: dict[str, str] = {"en": "English", "fr": "Français"}
DEFAULT_LANGUAGE = "en"
# The locale each language formats numbers and dates with.
LOCALES: dict[str, str] = {"en": "en_CA", "fr": "fr_CA"}
DEFAULT_TIME_ZONE = "UTC"
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
DOMAIN = "messages"

_override: ContextVar[str | None] = ContextVar("secondlook_language", default=None)
_zone_override: ContextVar[str | None] = ContextVar("secondlook_time_zone", default=None)
_resolver: Callable[[], str | None] | None = None
_zone_resolver: Callable[[], str | None] | None = None


def normalise(tag: str | None) -> str | None:
    """"fr-CA", "fr_FR", "FR" -> "fr"; a language the app does not have -> None."""
    if not tag:
        return None
    code = str(tag).strip().replace("_", "-").split("-")[0].lower()
    return code if code in LANGUAGES else None


def set_resolver(language: Callable[[], str | None] | None,
                 time_zone: Callable[[], str | None] | None = None) -> None:
    """Register how the running interface finds the current language (and time zone)."""
    global _resolver, _zone_resolver
    _resolver, _zone_resolver = language, time_zone


def current_language() -> str:
    """The language strings and numbers come out in now (see the module docstring)."""
    chosen = _override.get()
    if chosen is None and _resolver is not None:
        try:
            chosen = _resolver()
        except Exception:  # a resolver outside its context (a worker thread) means no choice
            chosen = None
    return normalise(chosen) or DEFAULT_LANGUAGE


def current_time_zone() -> ZoneInfo:
    """The time zone dates and times are shown in now; UTC when none is set or it is unknown."""
    name = _zone_override.get()
    if name is None and _zone_resolver is not None:
        try:
            name = _zone_resolver()
        except Exception:
            name = None
    return zone(name)


def zone(name: str | None) -> ZoneInfo:
    """The ZoneInfo for an IANA name, UTC for an empty or unknown one."""
    try:
        return ZoneInfo(name or DEFAULT_TIME_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TIME_ZONE)


def valid_time_zone(name: str) -> bool:
    """True when `name` is an IANA time zone this machine knows."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


@contextmanager
def language(lang: str | None, time_zone: str | None = None) -> Iterator[str]:
    """Within the block, strings and formats follow `lang` (None: leave the current one)."""
    token = _override.set(normalise(lang) or current_language())
    zone_token = _zone_override.set(time_zone) if time_zone else None
    try:
        yield current_language()
    finally:
        _override.reset(token)
        if zone_token is not None:
            _zone_override.reset(zone_token)


def catalogue_path(lang: str) -> Path:
    """The .po file of a language."""
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@lru_cache(maxsize=8)
def _load(lang: str, stamp: float) -> _gettext.NullTranslations:
    """The translations of a language: the compiled .mo when it is current, else the .po."""
    po = catalogue_path(lang)
    mo = po.with_suffix(".mo")
    if mo.exists() and mo.stat().st_mtime >= stamp:
        with mo.open("rb") as fh:
            return _gettext.GNUTranslations(fh)
    if not po.exists():
        return _gettext.NullTranslations()
    with po.open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return _gettext.GNUTranslations(buffer)


def compile_catalogue(lang: str) -> Path:
    """Compile a language's .po into its .mo (what set-up runs; `make` calls this).

    Not `pybabel compile`: its checker takes every msgid with a "%" followed by a letter
    ("95% interval") for a %-format string and refuses the catalogue, while the messages here
    use str.format placeholders (checked by tests/services/test_i18n.py).
    """
    po = catalogue_path(lang)
    with po.open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    mo = po.with_suffix(".mo")
    with mo.open("wb") as fh:
        write_mo(fh, catalog)
    return mo


def translated(string: str | tuple | list | None) -> bool:
    """True when a catalogue entry's msgstr is filled (every plural form, for a plural)."""
    if isinstance(string, (tuple, list)):
        return bool(string) and all(string)
    return bool(string)


def translations(lang: str | None = None) -> _gettext.NullTranslations:
    """The gettext translations of `lang` (default: the current language)."""
    lang = normalise(lang) or current_language()
    if lang == DEFAULT_LANGUAGE:
        return _gettext.NullTranslations()
    po = catalogue_path(lang)
    return _load(lang, po.stat().st_mtime if po.exists() else 0.0)


def _(message: str) -> str:
    """`message` (English) in the current language."""
    if not message:
        return message
    return translations().gettext(message)


gettext = _


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for `n`, in the current language."""
    return translations().ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark a string for extraction without translating it now (translate it where shown)."""
    return message


def colon(label: str, text: str = "") -> str:
    """"Label: text" with the language's punctuation ("Recommandation : partagé" in French,
    a no-break space before the colon)."""
    return _("{label}: {text}").format(label=label, text=text).rstrip()


# French elides "de" and "que" before a vowel or a mute h ("d’Émilie", "qu’Ana", "d’Hugo"),
# not before an aspirated h (these common words) nor a y sounded as a consonant ("de Yann";
# "d’Yves" elides).
_ELIDING = re.compile(r"\b([Dd]e|[Qq]ue) (?=(\w+))")
_VOWELS = frozenset("aeiouàâäéèêëîïôöùûüœæ")
_ASPIRATED_H = frozenset({"haut", "haute", "hauts", "hautes", "hausse", "hasard", "hâte",
                          "honte", "hors", "héros", "hibou", "hall", "hangar", "handicap",
                          "hockey", "huit", "huitième"})


def _elides_before(word: str) -> bool:
    low = word.lower()
    if low[:1] in _VOWELS:
        return True
    if low[:1] == "y":  # "d’Yves", but "de Yann", "de yoga"
        return len(low) > 1 and low[1] not in _VOWELS and low[1] != "y"
    return low[:1] == "h" and low not in _ASPIRATED_H


def elide(text: str, lang: str | None = None) -> str:
    """A text with French elision where a name or word was put after "de" or "que":
    "ne séparent pas Cara de Émilie" -> "... Cara d’Émilie". Other languages: unchanged.
    Call it on a formatted message whose placeholders can start with a vowel (names, titles)."""
    if (normalise(lang) or current_language()) != "fr":
        return text
    return _ELIDING.sub(
        lambda m: m.group(1)[:-1] + "’" if _elides_before(m.group(2)) else m.group(0), text)


def babel_locale(lang: str | None = None) -> Locale:
    """The Babel locale numbers and dates are formatted with."""
    return _locale(LOCALES[normalise(lang) or current_language()])


# Locale.parse checks the locale data files on disk each call (~1.5 ms under load, tens of
# calls a page run): parse each locale once. Locale objects are immutable.
_locale = lru_cache(maxsize=None)(Locale.parse)


def number(value: float | int | None, digits: int = 0, *, empty: str = "—") -> str:
    """A number with the language's separators: 1,234.5 / 1 234,5."""
    if value is None or value != value:
        return empty
    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    with localcontext(_WIDE):
        return format_decimal(value, format=pattern, locale=babel_locale())


def decimal(value: float | None, digits: int = 2, *, empty: str = "—") -> str:
    """A statistic to a fixed number of decimals, without thousands grouping: 3.50 / 3,50."""
    if value is None or value != value:
        return empty
    # Round the float itself first, as round() and f"{x:.2f}" do: Babel rounds its shortest repr
    # half-even, so 2.675 (stored as 2.67499...) would print 2.68 here and 2.67 elsewhere.
    return _decimal_text(repr(round(float(value), digits)), digits, babel_locale())


@lru_cache(maxsize=65536)
def _decimal_text(rounded: str, digits: int, loc: Locale) -> str:
    """decimal()'s text of a rounded value (its repr: -0.0 stays apart from 0.0), kept: Babel
    takes a tenth of a millisecond a number, and a dashboard prints the same few thousand."""
    pattern = "0" + ("." + "0" * digits if digits > 0 else "")
    with localcontext(_WIDE):
        return format_decimal(float(rounded), format=pattern, locale=loc)


# Babel rounds in the current decimal context, 28 digits by default: 1e308 to two decimals
# raised InvalidOperation. A float has at most 309 digits before the point.
_WIDE = Context(prec=400)


def signed(value: float | None, digits: int = 2, *, empty: str = "—") -> str:
    """A difference with its sign: +0.30 / −0,30."""
    if value is None or value != value:
        return empty
    text = decimal(abs(value), digits)
    return ("+" if value >= 0 else "\u2212") + text


def percent(fraction: float | None, digits: int = 0, *, empty: str = "—") -> str:
    """A fraction as a percentage: 93% / 93 %."""
    if fraction is None or fraction != fraction:
        return empty
    loc = babel_locale()
    pattern = loc.percent_formats[None].pattern
    if digits > 0:
        pattern = pattern.replace("0", "0." + "0" * digits, 1)
    return format_percent(fraction, format=pattern, locale=loc)


def money(amount: float | int | None, currency: str, *, empty: str = "—") -> str:
    """A salary in whole units: "€62,000" in English, "62 000 €" in French."""
    if amount is None:
        return empty
    loc = babel_locale()
    pattern = loc.currency_formats["standard"].pattern.replace(".00", "")
    return format_currency(amount, currency, format=pattern, locale=loc, currency_digits=False)


def date_(value: date | datetime | None, fmt: str = "medium", *, empty: str = "—") -> str:
    """A calendar date in the current language (a datetime is first put in the time zone)."""
    if value is None:
        return empty
    if isinstance(value, datetime):
        value = local(value).date()
    return _format_date(value, fmt, locale=babel_locale())


def datetime_(value: datetime | None, fmt: str = "medium", *, empty: str = "—") -> str:
    """A moment in the current language and time zone (naive values are taken as UTC)."""
    if value is None:
        return empty
    return _format_datetime(local(value), _DATETIME_FORMATS.get(fmt, fmt),
                            locale=babel_locale())


# "medium" in Babel prints seconds ("09 h 00 min 00 s" in French); people schedule to the minute.
_DATETIME_FORMATS = {"medium": "d MMM y, HH:mm", "long": "EEEE d MMMM y, HH:mm zzz",
                     "short": "d MMM, HH:mm", "zoned": "d MMM y, HH:mm zzz"}


def local(value: datetime) -> datetime:
    """`value` in the current time zone (naive values are taken as UTC)."""
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    return aware.astimezone(current_time_zone())
