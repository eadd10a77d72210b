"""The French catalogue as the app reads it (messages.po), and the
messages the code marks for translation (extracted in-process, as `make i18n` does)."""

import re
from functools import cache
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_file
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from babel.util import pathmatch

from services.i18n import catalogue_path, translated
from tests.conftest import ROOT

PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


@cache
def catalogue(lang: str = "fr") -> Catalog:
    """The language's messages.po."""
    with catalogue_path(lang).open("rb") as fh:
        return read_po(fh, locale=lang)


def translations(lang: str = "fr") -> dict[str, Message]:
    """msgid (the singular, for a plural) -> its catalogue entry, translated entries only."""
    return {m.id if isinstance(m.id, str) else m.id[0]: m for m in catalogue(lang)
            if m.id and translated(m.string)}


def product_files() -> list[str]:
    """Every file babel.cfg sends to extraction, relative to the repository root."""
    with (ROOT / "babel.cfg").open() as fh:
        method_map, _options = parse_mapping_cfg(fh)
    files = []
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith((".venv/", "tests/")):
            continue
        if any(pathmatch(pattern, rel) for pattern, _method in method_map):
            files.append(rel)
    return files


def extracted(rel: str) -> list[tuple[int, str | tuple[str, ...]]]:
    """(line, msgid) of every message marked in one file; a plural's msgid is a tuple."""
    out = []
    for line, message, _comments, _context in extract_from_file(
            "python", str(Path(ROOT) / rel), keywords=DEFAULT_KEYWORDS):
        msgid = message if isinstance(message, str) else tuple(m for m in message if m)
        if msgid:
            out.append((line, msgid))
    return out


def placeholders(text: str) -> set[str]:
    """The {names} of a message ("{n}", "{name}"; format specs stripped)."""
    return {p.split(":")[0].split("!")[0] for p in PLACEHOLDER.findall(text or "")}
